use super::dto::EmployeeDto;
use super::json::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{password, ApiPrincipal};
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{EmployeeId, EmployeeName, IdCode, Pin, Role};
use serde::{Deserialize, Serialize};
use store::EmployeeChanges;
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

/// A random code people can read aloud: no 0/O or 1/I confusion.
pub fn generate_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..6)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

pub async fn hash_pin(pin: &str) -> Result<String, ApiError> {
    let pin = Pin::parse(pin)?;
    password::hash(pin.expose().to_string())
        .await
        .map_err(|_| ApiError::internal())
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
            &req.name,
            req.id_code.as_deref(),
            req.pin.as_deref(),
        )
        .await?;
    state
        .audit(
            who.tenant(),
            Some(user),
            "employee_added",
            &e.id.to_string(),
            &ip,
        )
        .await;
    state.seats_changed(who.tenant()).await;
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
    let name = req.name.as_deref().map(EmployeeName::parse).transpose()?;
    let code = req.id_code.as_deref().map(IdCode::parse).transpose()?;
    let pin_hash = match req.pin.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(pin) => Some(Some(hash_pin(pin).await?)),
    };
    let changes = EmployeeChanges {
        name: name.as_ref(),
        id_code: code.as_ref(),
        pin_hash: pin_hash.as_ref().map(|p| p.as_deref()),
        active: req.active,
        objected: req.objected,
    };
    let e = state
        .store
        .update_employee(who.tenant(), EmployeeId(id), changes, state.clock.now())
        .await?;
    if let Some(objected) = req.objected {
        let action = if objected {
            "ai_objection_recorded"
        } else {
            "ai_objection_withdrawn"
        };
        state
            .audit(who.tenant(), Some(user), action, &e.id.to_string(), &ip)
            .await;
    }
    state
        .audit(
            who.tenant(),
            Some(user),
            "employee_updated",
            &e.id.to_string(),
            &ip,
        )
        .await;
    if req.active.is_some() {
        state.seats_changed(who.tenant()).await;
    }
    Ok(Json(e.into()))
}

/// Erases an employee and everything held about them: shifts, notes, scores, tasks. Audit
/// entries keep only the opaque id. Deactivate instead to keep their history.
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
        .store
        .delete_employee(who.tenant(), EmployeeId(id))
        .await?;
    state
        .audit(
            who.tenant(),
            Some(user),
            "employee_erased",
            &id.to_string(),
            &ip,
        )
        .await;
    state.seats_changed(who.tenant()).await;
    Ok(StatusCode::NO_CONTENT)
}

impl AppState {
    /// Adds an employee from raw input (shared by the API, the page and CSV import).
    pub async fn add_employee(
        &self,
        t: &store::Tenant,
        name: &str,
        code: Option<&str>,
        pin: Option<&str>,
    ) -> Result<store::Employee, ApiError> {
        let name = EmployeeName::parse(name)?;
        let pin_hash = match pin.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(hash_pin(p).await?),
            None => None,
        };
        let now = self.clock.now();
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Ok(self
                .store
                .create_employee(t, &name, &IdCode::parse(c)?, pin_hash.as_deref(), now)
                .await
                .map_err(|e| match e {
                    store::StoreError::Conflict(_) => {
                        ApiError::conflict("an employee with this ID code already exists")
                    }
                    other => other.into(),
                })?),
            None => {
                // A generated code could clash; a few tries make that vanishingly unlikely.
                for _ in 0..5 {
                    let code = IdCode::parse(&generate_code())?;
                    match self
                        .store
                        .create_employee(t, &name, &code, pin_hash.as_deref(), now)
                        .await
                    {
                        Err(store::StoreError::Conflict(_)) => continue,
                        other => return Ok(other?),
                    }
                }
                Err(ApiError::internal())
            }
        }
    }
}
