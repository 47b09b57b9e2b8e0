//! Company members (owners, supervisors, viewers) and invitations.

use super::json::{ApiJson, ApiPath};
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{Role, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct Member {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberList {
    pub users: Vec<Member>,
}

#[derive(Deserialize, ToSchema)]
pub struct InviteRequest {
    #[schema(schema_with = super::input_schemas::email)]
    pub email: String,
    pub role: Role,
}

#[derive(Deserialize, ToSchema)]
pub struct RoleChange {
    pub role: Role,
}

/// Lists the company's members.
#[utoipa::path(get, path = "/api/v1/users", tag = "members", security(("bearer" = [])),
    responses((status = 200, body = MemberList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<MemberList>, ApiError> {
    who.require(Role::Viewer)?;
    let users = state.store.users(who.tenant()).await?;
    Ok(Json(MemberList {
        users: users
            .into_iter()
            .map(|u| Member {
                id: u.id.0,
                email: u.email,
                role: u.role,
                created_at: u.created_at.to_string(),
            })
            .collect(),
    }))
}

/// Invites someone by email (owner only). They get a link valid for 72 hours.
#[utoipa::path(post, path = "/api/v1/invites", tag = "members", security(("bearer" = [])), request_body = InviteRequest,
    responses((status = 202), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<InviteRequest>,
) -> Result<StatusCode, ApiError> {
    who.require(Role::Owner)?;
    state.invite(&who.0, &req.email, req.role, &ip).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Changes a member's role (owner only). The last owner cannot be demoted.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "members", security(("bearer" = [])), request_body = RoleChange,
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_role(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<RoleChange>,
) -> Result<StatusCode, ApiError> {
    who.require(Role::Owner)?;
    state.change_role(&who.0, UserId(id), req.role, &ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member (owner only). Their sessions and tokens end with them.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "members", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    who.require(Role::Owner)?;
    state.remove_member(&who.0, UserId(id), &ip).await?;
    Ok(StatusCode::NO_CONTENT)
}
