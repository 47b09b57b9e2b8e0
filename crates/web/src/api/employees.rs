use super::dto::EmployeeDto;
use super::json::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::employees::EmployeeUpdate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{EmployeeId, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
pub struct NewEmployee {
    #[schema(schema_with = super::input_schemas::employee_name)]
    pub name: String,
    /// 4–32 letters, digits or dashes, unique in the company; generated when left out.
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::id_code_opt)]
    pub id_code: Option<String>,
    /// 4–8 digits, asked at the kiosk after the ID code.
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::pin_opt)]
    pub pin: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct EmployeePatch {
    #[schema(schema_with = super::input_schemas::employee_name_opt)]
    pub name: Option<String>,
    #[schema(schema_with = super::input_schemas::id_code_opt)]
    pub id_code: Option<String>,
    /// A new PIN; an empty string removes it.
    #[schema(schema_with = super::input_schemas::pin_or_empty_opt)]
    pub pin: Option<String>,
    pub active: Option<bool>,
    /// Set when the employee objects to AI processing (audited).
    pub objected: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct EmployeeList {
    pub employees: Vec<EmployeeDto>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Include deactivated employees.
    #[serde(default)]
    pub include_inactive: bool,
}

/// Lists the company's employees.
#[utoipa::path(get, path = "/api/v1/employees", tag = "employees", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = EmployeeList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<EmployeeList>, ApiError> {
    who.require(Role::Viewer)?;
    let list = state
        .store
        .employees(who.tenant(), q.include_inactive)
        .await?;
    Ok(Json(EmployeeList {
        employees: list.into_iter().map(Into::into).collect(),
    }))
}

/// Adds an employee.
#[utoipa::path(post, path = "/api/v1/employees", tag = "employees", security(("bearer" = [])), request_body = NewEmployee,
    responses((status = 201, body = EmployeeDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<NewEmployee>,
) -> Result<(StatusCode, Json<EmployeeDto>), ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let e = state
        .add_employee(
            who.tenant(),
            user,
            &req.name,
            req.id_code.as_deref(),
            req.pin.as_deref(),
            &ip,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// One employee.
#[utoipa::path(get, path = "/api/v1/employees/{id}", tag = "employees", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = EmployeeDto), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<EmployeeDto>, ApiError> {
    who.require(Role::Viewer)?;
    Ok(Json(
        state
            .store
            .employee(who.tenant(), EmployeeId(id))
            .await?
            .into(),
    ))
}

/// Edits, deactivates or reactivates an employee, or records their objection to AI processing.
#[utoipa::path(patch, path = "/api/v1/employees/{id}", tag = "employees", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = EmployeePatch, responses((status = 200, body = EmployeeDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<EmployeePatch>,
) -> Result<Json<EmployeeDto>, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let update = EmployeeUpdate {
        name: req.name.as_deref(),
        id_code: req.id_code.as_deref(),
        pin: req.pin.as_deref(),
        active: req.active,
        objected: req.objected,
    };
    let e = state
        .update_employee(who.tenant(), user, EmployeeId(id), update, &ip)
        .await?;
    Ok(Json(e.into()))
}

/// Erases an employee and everything held about them: shifts, notes, scores, tasks, lockouts,
/// stored answers. Audit entries keep who did what and when, with the person's ids replaced
/// by `erased`. Deactivate instead to keep their history.
#[utoipa::path(delete, path = "/api/v1/employees/{id}", tag = "employees", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    state
        .erase_employee(who.tenant(), user, EmployeeId(id), &ip)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
