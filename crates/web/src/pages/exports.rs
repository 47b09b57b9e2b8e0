//! The exports page and its downloads ("CSV export is available from your dashboard"):
//! shifts, scores and tasks as CSV for every member (viewers read everything, and every
//! export is audited), one employee's access-request zip for supervisors, the whole
//! company's zip for owners — the same use cases and roles as the API.

use crate::auth::PageSession;
use crate::download;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::{render, Nav};
use crate::AppState;
use app::exports::{CsvFile, ExportQuery};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use domain::{EmployeeId, Role};
use serde::Deserialize;

pub struct EmployeeOption {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage {
    nav: Nav,
    employees: Vec<EmployeeOption>,
    can_export_people: bool,
    zone: String,
}

pub async fn page(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Html<String>, PageError> {
    session.user(Role::Viewer)?;
    let t = &session.principal.tenant;
    let employees = state
        .store
        .employees(t, true)
        .await?
        .into_iter()
        .map(|e| EmployeeOption {
            id: e.id.to_string(),
            name: e.name,
        })
        .collect();
    let cal = app::reports::Calendar::of(&state, t).await?;
    render(&ExportsPage {
        nav: session.nav(&state, "timesheets").await?,
        employees,
        can_export_people: session.user(Role::Supervisor).is_ok(),
        zone: cal.zone.clone(),
    })
}

async fn export(
    state: AppState,
    session: PageSession,
    ip: String,
    q: ExportQuery,
    file: CsvFile,
) -> Result<Response, PageError> {
    let user = session.user(Role::Viewer)?;
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

/// Everything the company holds, as one zip (owners; audited).
pub async fn company(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
) -> Result<Response, PageError> {
    let user = session.user(Role::Owner)?;
    let d = state
        .export_company(&session.principal.tenant, user, &ip)
        .await?;
    Ok(download::response(d))
}

#[derive(Deserialize)]
pub struct EmployeeQuery {
    #[serde(default)]
    employee: String,
}

/// Everything about one employee, as one zip: an access request (supervisors; audited).
pub async fn employee(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<EmployeeQuery>,
) -> Result<Response, PageError> {
    let user = session.user(Role::Supervisor)?;
    let id: EmployeeId = q
        .employee
        .parse()
        .map_err(|_| PageError::BadRequest("Choose an employee.".into()))?;
    let d = state
        .export_employee(&session.principal.tenant, user, id, &ip)
        .await?;
    Ok(download::response(d))
}
