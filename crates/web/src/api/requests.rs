//! Employees' open requests (corrections, objections to AI processing) — what the board
//! lists — and resolving one.

use super::json::ApiPath;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{RequestId, Role};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct RequestDto {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub employee_name: String,
    /// `correction` (something in their data is wrong) or `objection` (to AI processing;
    /// in effect since it was filed).
    pub kind: &'static str,
    /// What the employee wrote.
    pub text: String,
    /// The shift it is about, if they named one.
    pub shift_id: Option<Uuid>,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    /// Oldest first.
    pub requests: Vec<RequestDto>,
}

/// Open requests from employees, oldest first.
#[utoipa::path(get, path = "/api/v1/requests", tag = "employees", security(("bearer" = [])),
    responses((status = 200, body = RequestList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<RequestList>, ApiError> {
    who.require(Role::Viewer)?;
    let open = state.store.open_requests(who.tenant()).await?;
    Ok(Json(RequestList {
        requests: open
            .into_iter()
            .map(|r| RequestDto {
                id: r.id.0,
                employee_id: r.employee_id.0,
                employee_name: r.employee_name,
                kind: r.kind.as_str(),
                text: r.body,
                shift_id: r.shift_id.map(|s| s.0),
                created_at: r.created_at.to_string(),
            })
            .collect(),
    }))
}

/// Marks a request as dealt with (supervisors). Audited. 404 when it is not an open
/// request of this company.
#[utoipa::path(post, path = "/api/v1/requests/{id}/resolve", tag = "employees", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    // Open to a read-only company too: an employee's rights do not lapse with the plan.
    let user = who.require(Role::Supervisor)?;
    state
        .resolve_request(who.tenant(), user, RequestId(id), &ip)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
