//! An employee's tasks: assign, mark done or reopen, archive, edit, delete. Tasks are
//! addressed under their employee, so a URL naming someone else's task is a 404.

use crate::auth::PageSession;
use crate::error::{ApiError, PageError};
use crate::middleware::client_ip::ClientIp;
use crate::pages::employees::detail_page;
use crate::pages::forms::{field_errors, CsrfForm};
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use app::tasks::parse_due;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{EmployeeId, Role, TaskDetails, TaskId, TaskTitle};
use jiff::civil::Date;
use serde::Deserialize;
use store::{TaskChanges, TaskState};
use uuid::Uuid;

#[derive(Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    due_date: String,
}

type ParsedTask = (TaskTitle, TaskDetails, Option<Date>);

impl TaskForm {
    /// The typed title, details (may be empty: the form always sends every field, so
    /// clearing them is saved) and due date (empty is none).
    fn parse(&self) -> Result<ParsedTask, ApiError> {
        Ok((
            TaskTitle::parse(&self.title)?,
            TaskDetails::parse(&self.details)?,
            parse_due(&self.due_date)?,
        ))
    }
}

pub async fn add(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<TaskForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let id = EmployeeId(id);
    match f.parse() {
        Ok((title, details, due)) => {
            let task = (&title, Some(&details), due);
            state
                .add_task(&s.principal.tenant, user, id, task, &ip)
                .await?;
            Ok(Redirect::to(&format!("/employees/{id}")).into_response())
        }
        Err(e) => {
            let errors = field_errors(e)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&detail_page(&state, &s, id, errors, None).await?)?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct TaskStateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

pub async fn set_state(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path((id, task)): Path<(Uuid, Uuid)>,
    Form(f): Form<TaskStateForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let new = TaskState::parse(&f.status)
        .ok_or_else(|| PageError::BadRequest("status must be open, done or archived".into()))?;
    let t = &s.principal.tenant;
    state.task_of(t, EmployeeId(id), TaskId(task)).await?;
    let changes = TaskChanges {
        state: Some(new),
        ..Default::default()
    };
    state
        .update_task(t, user, TaskId(task), changes, &ip)
        .await?;
    Ok(Redirect::to(&format!("/employees/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    nav: Nav,
    employee_id: String,
    employee: String,
    id: String,
    title: String,
    details: String,
    due: String,
    state: &'static str,
    errors: FieldErrors,
}

async fn task_page(
    state: &AppState,
    s: &PageSession,
    employee: EmployeeId,
    id: TaskId,
    errors: FieldErrors,
    typed: Option<&TaskForm>,
) -> Result<Response, PageError> {
    let t = &s.principal.tenant;
    let task = state.task_of(t, employee, id).await?;
    let e = state.store.employee(t, employee).await?;
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let page = TaskPage {
        nav: s.nav(state, "employees").await?,
        employee_id: employee.to_string(),
        employee: e.name,
        id: id.to_string(),
        // What was typed comes back after a mistake, not the stored text.
        title: typed.map_or(task.title, |f| f.title.clone()),
        details: typed.map_or(task.details, |f| f.details.clone()),
        due: typed.map_or(task.due_date.unwrap_or_default(), |f| f.due_date.clone()),
        state: task.state.as_str(),
        errors,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    s: PageSession,
    Path((id, task)): Path<(Uuid, Uuid)>,
) -> Result<Response, PageError> {
    s.user(Role::Supervisor)?;
    let errors = FieldErrors::default();
    task_page(&state, &s, EmployeeId(id), TaskId(task), errors, None).await
}

pub async fn edit(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path((id, task)): Path<(Uuid, Uuid)>,
    Form(f): Form<TaskForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let (employee, task) = (EmployeeId(id), TaskId(task));
    let t = &s.principal.tenant;
    state.task_of(t, employee, task).await?;
    let (title, details, due) = match f.parse() {
        Ok(p) => p,
        Err(e) => return task_page(&state, &s, employee, task, field_errors(e)?, Some(&f)).await,
    };
    let changes = TaskChanges {
        title: Some(&title),
        details: Some(&details),
        due_date: Some(due),
        state: None,
    };
    state.update_task(t, user, task, changes, &ip).await?;
    Ok(Redirect::to(&format!("/employees/{id}")).into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path((id, task)): Path<(Uuid, Uuid)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let t = &s.principal.tenant;
    state.task_of(t, EmployeeId(id), TaskId(task)).await?;
    // Archived or deleted, it is off the employee's page either way (the page says which
    // happens when).
    state.delete_task(t, user, TaskId(task), &ip).await?;
    Ok(Redirect::to(&format!("/employees/{id}")).into_response())
}
