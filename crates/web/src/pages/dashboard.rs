//! The supervisors' live board: who is in, missed tasks in today's standups, auto-closed
//! shifts awaiting confirmation, failed analyses (with a retry button), kiosk alerts of
//! the last 24 hours, recent weekly summaries, and employees' open requests (corrections,
//! objections; read straight from the store, not through the cached board). The board refreshes in place where
//! JavaScript runs (`data-autorefresh`) and is a plain page where it does not.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::{render, Nav};
use crate::AppState;
use app::reports::{hm, Board};
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{Html, Redirect};
use domain::{JobId, RequestId, Role};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    nav: Nav,
    board: Arc<Board>,
    can_act: bool,
    today: String,
    requests: Vec<RequestRow>,
}

/// An employee's open request as the board lists it.
struct RequestRow {
    id: String,
    employee_id: String,
    name: String,
    kind: &'static str,
    text: String,
    shift_id: Option<String>,
    filed_local: String,
}

impl Dashboard {
    fn hm(&self, minutes: &i64) -> String {
        hm(*minutes)
    }
}

pub async fn get(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Html<String>, PageError> {
    session.user(Role::Viewer)?;
    let t = &session.principal.tenant;
    let cal = app::reports::Calendar::of(&state, t).await?;
    let now = state.clock.now();
    let board = state.live_board(t).await?;
    let requests = state
        .store
        .open_requests(t)
        .await?
        .into_iter()
        .map(|r| RequestRow {
            id: r.id.to_string(),
            employee_id: r.employee_id.to_string(),
            name: r.employee_name,
            kind: r.kind.as_str(),
            text: r.body,
            shift_id: r.shift_id.map(|s| s.to_string()),
            filed_local: domain::calendar::local_time(r.created_at, &cal.tz),
        })
        .collect();
    render(&Dashboard {
        nav: session.nav(&state, "dashboard").await?,
        board,
        can_act: session.user(Role::Supervisor).is_ok(),
        today: cal.today(now).to_string(),
        requests,
    })
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Puts a failed analysis back in the queue.
pub async fn retry(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, PageError> {
    let user = state
        .form_writer(&session, &f.csrf, Role::Supervisor)
        .await?;
    let id: JobId = id.parse().map_err(|_| PageError::NotFound)?;
    state
        .retry_analysis(&session.principal.tenant, user, id, &ip)
        .await?;
    Ok(Redirect::to("/dashboard"))
}

/// Marks an employee's request as dealt with.
pub async fn resolve_request(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, PageError> {
    let user = session.user(Role::Supervisor)?;
    session.check_csrf(&f.csrf)?;
    let id: RequestId = id.parse().map_err(|_| PageError::NotFound)?;
    state
        .resolve_request(&session.principal.tenant, user, id, &ip)
        .await?;
    Ok(Redirect::to("/dashboard"))
}
