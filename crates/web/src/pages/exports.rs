//! CSV downloads for the signed-in supervisor ("CSV export is available from your
//! dashboard"): the same streams as the API, scoped to the session's company.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::exports::{stream_shifts, tasks_csv, ExportQuery, Kind};
use crate::middleware::client_ip::ClientIp;
use crate::reports::Calendar;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::Role;

async fn export(
    state: AppState,
    session: PageSession,
    ip: String,
    q: ExportQuery,
    what: &'static str,
) -> Result<Response, PageError> {
    let user = session.user(Role::Supervisor)?;
    let t = session.principal.tenant;
    let cal = Calendar::of(&state, &t).await?;
    let filter = q
        .filter(&cal)
        .map_err(|e| PageError::BadRequest(e.to_string()))?;
    state.audit(&t, Some(user), "export_csv", what, &ip).await;
    Ok(match what {
        "shifts.csv" => stream_shifts(state, t, cal, filter, Kind::Shifts),
        "scores.csv" => stream_shifts(state, t, cal, filter, Kind::Scores),
        _ => tasks_csv(&state, &t, filter).await?,
    })
}

pub async fn shifts(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(state, session, ip, q, "shifts.csv").await
}

pub async fn scores(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(state, session, ip, q, "scores.csv").await
}

pub async fn tasks(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(state, session, ip, q, "tasks.csv").await
}
