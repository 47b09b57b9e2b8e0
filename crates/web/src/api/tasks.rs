use super::dto::TaskDto;
use super::json::{ApiJson, ApiPath, ApiQuery};
use super::paging;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::tasks::{parse_due, parse_state};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{EmployeeId, Role, TaskDetails, TaskId, TaskTitle};
use serde::{Deserialize, Serialize};
use store::{TaskChanges, TaskCursor};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
pub struct NewTask {
    pub employee_id: Uuid,
    #[schema(schema_with = super::input_schemas::task_title)]
    pub title: String,
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::task_details_opt)]
    pub details: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::date_opt)]
    pub due_date: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct TaskPatch {
    #[schema(schema_with = super::input_schemas::task_title_opt)]
    pub title: Option<String>,
    #[schema(schema_with = super::input_schemas::task_details_opt)]
    pub details: Option<String>,
    /// `YYYY-MM-DD`; an empty string clears it.
    #[schema(schema_with = super::input_schemas::date_or_empty_opt)]
    pub due_date: Option<String>,
    /// `open`, `done` or `archived`.
    #[schema(schema_with = super::input_schemas::task_status_opt)]
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskList {
    /// Oldest first (by creation).
    pub tasks: Vec<TaskDto>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    pub employee_id: Option<Uuid>,
    /// `open`, `done` or `archived`.
    #[param(schema_with = super::input_schemas::task_status)]
    pub status: Option<String>,
    /// At most this many tasks (1–1,000; default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// Where to continue: the `next_cursor` of the previous page.
    #[param(
        pattern = r"^-?[0-9]{1,18}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

/// Lists tasks, optionally of one employee or status, a page at a time (oldest first;
/// follow `next_cursor` until it is null).
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", security(("bearer" = [])), params(TaskQuery),
    responses((status = 200, body = TaskList), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ApiQuery(q): ApiQuery<TaskQuery>,
) -> Result<Json<TaskList>, ApiError> {
    who.require(Role::Viewer)?;
    let status = q.status.as_deref().map(parse_state).transpose()?;
    let limit = paging::limit(q.limit)?;
    let after = paging::cursor(q.cursor.as_deref())?.map(|(ms, id)| TaskCursor {
        created_ms: ms,
        id: TaskId(id),
    });
    // One more than asked tells whether there is a next page.
    let mut tasks = state
        .store
        .tasks_page(
            who.tenant(),
            q.employee_id.map(EmployeeId),
            status,
            after,
            limit + 1,
        )
        .await?;
    let more = tasks.len() > limit as usize;
    tasks.truncate(limit as usize);
    let last = tasks.last().map(TaskCursor::after);
    Ok(Json(TaskList {
        tasks: tasks.into_iter().map(Into::into).collect(),
        next_cursor: paging::next_cursor(last.map(|c| (c.created_ms, c.id.0)), more),
    }))
}

/// Assigns a task to an employee.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "tasks", security(("bearer" = [])), request_body = NewTask,
    responses((status = 201, body = TaskDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<NewTask>,
) -> Result<(StatusCode, Json<TaskDto>), ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let title = TaskTitle::parse(&req.title)?;
    let details = req.details.as_deref().map(TaskDetails::parse).transpose()?;
    let due = req
        .due_date
        .as_deref()
        .map(parse_due)
        .transpose()?
        .flatten();
    let task = state
        .add_task(
            who.tenant(),
            user,
            EmployeeId(req.employee_id),
            (&title, details.as_ref(), due),
            &ip,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(task.into())))
}

/// Edits a task or changes its status.
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", tag = "tasks", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = TaskPatch,
    responses((status = 200, body = TaskDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<TaskPatch>,
) -> Result<Json<TaskDto>, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let title = req.title.as_deref().map(TaskTitle::parse).transpose()?;
    let details = req.details.as_deref().map(TaskDetails::parse).transpose()?;
    let due = req.due_date.as_deref().map(parse_due).transpose()?;
    let status = req.status.as_deref().map(parse_state).transpose()?;
    let changes = TaskChanges {
        title: title.as_ref(),
        details: details.as_ref(),
        due_date: due,
        state: status,
    };
    Ok(Json(
        state
            .update_task(who.tenant(), user, TaskId(id), changes, &ip)
            .await?
            .into(),
    ))
}

/// Deletes a task. A task that shifts since its assignment may refer to (their standup
/// checks and scores) is archived instead: hidden from standups and lists, kept in
/// history and exports.
#[utoipa::path(delete, path = "/api/v1/tasks/{id}", tag = "tasks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    state
        .delete_task(who.tenant(), user, TaskId(id), &ip)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
