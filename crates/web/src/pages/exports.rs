//! CSV downloads for the signed-in supervisor ("CSV export is available from your
//! dashboard"): the same streams as the API, scoped to the session's company.

use crate::auth::PageSession;
use crate::download;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::exports::{CsvFile, ExportQuery};
use axum::extract::{Query, State};
use axum::response::Response;
use domain::Role;

async fn export(
    state: AppState,
    session: PageSession,
    ip: String,
    q: ExportQuery,
    file: CsvFile,
) -> Result<Response, PageError> {
    let user = session.user(Role::Supervisor)?;
    let d = state
        .export_csv(session.principal.tenant, user, file, &q, &ip)
        .await?;
    Ok(download::response(d))
}

pub async fn shifts(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(state, session, ip, q, CsvFile::Shifts).await
}

pub async fn scores(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(state, session, ip, q, CsvFile::Scores).await
}

pub async fn tasks(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    export(state, session, ip, q, CsvFile::Tasks).await
}
