//! Supervisors manage employees: list, add, CSV import, edit, deactivate, erase; their
//! personal clock links. Their tasks: `tasks.rs`.

use crate::auth::PageSession;
use crate::error::ApiError;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::forms::CsrfForm;
use crate::pages::forms::{field_errors, parse_import};
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use app::employees::EmployeeUpdate;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{EmployeeId, Role};
use serde::Deserialize;
use store::TaskState;
use uuid::Uuid;

pub struct EmployeeRow {
    pub id: String,
    pub name: String,
    pub id_code: String,
    pub active: bool,
    pub has_pin: bool,
    pub objected: bool,
    pub open_tasks: usize,
}

#[derive(Template)]
#[template(path = "employees.html")]
struct EmployeesPage {
    nav: Nav,
    rows: Vec<EmployeeRow>,
    can_edit: bool,
    errors: FieldErrors,
    name: String,
    id_code: String,
    import_report: Vec<String>,
}

pub struct TaskRow {
    pub id: String,
    pub title: String,
    pub details: String,
    pub due: String,
    pub state: &'static str,
}

pub struct ShiftRow {
    pub id: String,
    pub day: String,
    pub clock_in: String,
    pub clock_out: String,
    pub worked: String,
    pub flags: String,
}

#[derive(Template)]
#[template(path = "employee.html")]
pub(super) struct EmployeePage {
    nav: Nav,
    id: String,
    name: String,
    id_code: String,
    active: bool,
    has_pin: bool,
    objected: bool,
    tasks: Vec<TaskRow>,
    shifts: Vec<ShiftRow>,
    can_edit: bool,
    errors: FieldErrors,
    new_link: Option<String>,
    /// When the current personal clock link stops working (local date), if there is one.
    link_expires: Option<String>,
}

async fn list_page(
    state: &AppState,
    s: &PageSession,
    errors: FieldErrors,
    name: String,
    id_code: String,
    import_report: Vec<String>,
) -> Result<EmployeesPage, PageError> {
    let t = &s.principal.tenant;
    let employees = state.store.employees(t, true).await?;
    let tasks = state.store.tasks(t, None, Some(TaskState::Open)).await?;
    let rows = employees
        .into_iter()
        .map(|e| EmployeeRow {
            open_tasks: tasks.iter().filter(|t| t.employee_id == e.id).count(),
            id: e.id.to_string(),
            name: e.name,
            id_code: e.id_code,
            active: e.active,
            has_pin: e.has_pin,
            objected: e.objected,
        })
        .collect();
    let can_edit = s.user(Role::Supervisor).is_ok();
    Ok(EmployeesPage {
        nav: s.nav(state, "employees").await?,
        rows,
        can_edit,
        errors,
        name,
        id_code,
        import_report,
    })
}

pub async fn list(State(state): State<AppState>, s: PageSession) -> Result<Response, PageError> {
    s.user(Role::Viewer)?;
    Ok(render(
        &list_page(
            &state,
            &s,
            FieldErrors::default(),
            String::new(),
            String::new(),
            Vec::new(),
        )
        .await?,
    )?
    .into_response())
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_code: String,
    #[serde(default)]
    pin: String,
}

pub async fn add(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<AddForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let t = &s.principal.tenant;
    match state
        .add_employee(t, user, &f.name, Some(&f.id_code), Some(&f.pin), &ip)
        .await
    {
        Ok(e) => Ok(Redirect::to(&format!("/employees/{}", e.id)).into_response()),
        Err(e) => {
            let errors = field_errors(e.into())?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&list_page(&state, &s, errors, f.name, f.id_code, Vec::new()).await?)?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    csv: String,
}

pub async fn import(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<ImportForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let t = &s.principal.tenant;
    let rows = parse_import(&f.csv);
    let valid: Vec<(String, String)> = rows
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().cloned())
        .collect();
    let mut added_each = state
        .import_employees(t, user, &valid, &ip)
        .await
        .into_iter();
    let mut report = Vec::new();
    let mut added = 0;
    for (line, row) in rows {
        let result = match row {
            Ok(_) => match added_each.next() {
                Some(Err(e)) => Err(ApiError::from(e).message),
                _ => Ok(()),
            },
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => added += 1,
            Err(e) => report.push(format!("line {line}: {e}")),
        }
    }
    report.insert(
        0,
        format!(
            "{added} employee(s) added, {} row(s) with errors",
            report.len()
        ),
    );
    Ok(render(
        &list_page(
            &state,
            &s,
            FieldErrors::default(),
            String::new(),
            String::new(),
            report,
        )
        .await?,
    )?
    .into_response())
}

pub(super) async fn detail_page(
    state: &AppState,
    s: &PageSession,
    id: EmployeeId,
    errors: FieldErrors,
    new_link: Option<String>,
) -> Result<EmployeePage, PageError> {
    let t = &s.principal.tenant;
    let e = state.store.employee(t, id).await?;
    let company = state.store.company(t).await?;
    let tz = domain::TimeZoneName::parse(&company.timezone)
        .map(|z| z.tz())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let tasks = state
        .store
        .tasks(t, Some(id), None)
        .await?
        .into_iter()
        .filter(|t| t.state != TaskState::Archived)
        .map(|t| TaskRow {
            id: t.id.to_string(),
            title: t.title,
            details: t.details,
            due: t.due_date.unwrap_or_default(),
            state: t.state.as_str(),
        })
        .collect();
    let now = state.clock.now();
    let shifts = state.store.recent_shifts(t, id, 30, now).await?;
    let shifts = shifts
        .into_iter()
        .map(|sh| {
            let mut flags = Vec::new();
            if sh.auto_closed {
                flags.push("auto-closed");
            }
            if sh.corrected {
                flags.push("corrected");
            }
            if sh.locked {
                flags.push("approved");
            }
            let w = sh.worked(now);
            ShiftRow {
                id: sh.id.to_string(),
                day: sh.workday.clone(),
                clock_in: domain::calendar::local_time(sh.clock_in_at, &tz),
                clock_out: sh
                    .clock_out_at
                    .map(|o| domain::calendar::local_time(o, &tz))
                    .unwrap_or_else(|| "in now".into()),
                worked: format!("{}:{:02}", w.as_hours(), w.as_mins() % 60),
                flags: flags.join(", "),
            }
        })
        .collect();
    let link_expires = state
        .store
        .clock_link_expiry(t, id)
        .await?
        .filter(|at| *at > now)
        .map(|at| at.to_zoned(tz.clone()).date().to_string());
    Ok(EmployeePage {
        nav: s.nav(state, "employees").await?,
        id: e.id.to_string(),
        name: e.name,
        id_code: e.id_code,
        active: e.active,
        has_pin: e.has_pin,
        objected: e.objected,
        tasks,
        shifts,
        can_edit: s.user(Role::Supervisor).is_ok(),
        errors,
        new_link,
        link_expires,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    s: PageSession,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    s.user(Role::Viewer)?;
    Ok(
        render(&detail_page(&state, &s, EmployeeId(id), FieldErrors::default(), None).await?)?
            .into_response(),
    )
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_code: String,
    #[serde(default)]
    pin: String,
    #[serde(default)]
    remove_pin: Option<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    objected: Option<String>,
}

pub async fn edit(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<EditForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let t = &s.principal.tenant;
    let id = EmployeeId(id);
    let pin = if f.remove_pin.is_some() {
        Some("")
    } else if !f.pin.trim().is_empty() {
        Some(f.pin.as_str())
    } else {
        None
    };
    let update = EmployeeUpdate {
        name: Some(&f.name),
        id_code: Some(&f.id_code),
        pin,
        active: Some(f.active.is_some()),
        objected: Some(f.objected.is_some()),
    };
    if let Err(e) = state.update_employee(t, user, id, update, &ip).await {
        let errors = field_errors(e.into())?;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&detail_page(&state, &s, id, errors, None).await?)?,
        )
            .into_response());
    }
    Ok(Redirect::to(&format!("/employees/{id}")).into_response())
}

pub async fn erase(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    state
        .erase_employee(&s.principal.tenant, user, EmployeeId(id), &ip)
        .await?;
    Ok(Redirect::to("/employees").into_response())
}

pub async fn create_link(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let link = state
        .create_clock_link(&s.principal.tenant, user, EmployeeId(id), &ip)
        .await?;
    Ok(render(
        &detail_page(
            &state,
            &s,
            EmployeeId(id),
            FieldErrors::default(),
            Some(link),
        )
        .await?,
    )?
    .into_response())
}

pub async fn revoke_link(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    state
        .revoke_clock_link(&s.principal.tenant, user, EmployeeId(id), &ip)
        .await?;
    Ok(Redirect::to(&format!("/employees/{id}")).into_response())
}
