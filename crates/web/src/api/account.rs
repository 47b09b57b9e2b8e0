//! The company account: status, cancel, reactivate, delete now (owners).

use super::json::ApiJson;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AccountStatus {
    /// `active` or `canceled`.
    pub status: String,
    pub canceled_at: Option<String>,
    /// When a canceled account's data is permanently deleted.
    pub purge_at: Option<String>,
    /// False when the company is read-only (view and export only).
    pub write_allowed: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteAccount {
    /// The calling owner's password, to confirm.
    pub password: String,
}

async fn status_of(state: &AppState, who: &ApiPrincipal) -> Result<AccountStatus, ApiError> {
    let (c, write_allowed) = state.account_status(who.tenant()).await?;
    Ok(AccountStatus {
        status: c.status,
        canceled_at: c.canceled_at.map(|t| t.to_string()),
        purge_at: c.purge_at.map(|t| t.to_string()),
        write_allowed,
    })
}

/// The account's lifecycle state.
#[utoipa::path(get, path = "/api/v1/account", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = AccountStatus), (status = 401, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<AccountStatus>, ApiError> {
    who.require(Role::Viewer)?;
    Ok(Json(status_of(&state, &who).await?))
}

/// Cancels the account (owner only); with billing on, also the Stripe subscription. Data
/// stays viewable and exportable for 30 days (`purge_at`), then is permanently deleted.
/// Cancelling again changes nothing.
#[utoipa::path(post, path = "/api/v1/account/cancel", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = AccountStatus), (status = 403, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
) -> Result<Json<AccountStatus>, ApiError> {
    who.require(Role::Owner)?;
    state.cancel_account(&who.0, &ip).await?;
    Ok(Json(status_of(&state, &who).await?))
}

/// Reactivates a canceled account before its purge date (owner only). 409 when it is not
/// canceled. With billing on, subscribe again to change data.
#[utoipa::path(post, path = "/api/v1/account/reactivate", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = AccountStatus), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reactivate(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
) -> Result<Json<AccountStatus>, ApiError> {
    who.require(Role::Owner)?;
    state.reactivate_account(&who.0, &ip).await?;
    Ok(Json(status_of(&state, &who).await?))
}

/// Deletes the company and all its data now (owner only, password required). Irreversible.
#[utoipa::path(delete, path = "/api/v1/account", tag = "account", security(("bearer" = [])), request_body = DeleteAccount,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<DeleteAccount>,
) -> Result<StatusCode, ApiError> {
    who.require(Role::Owner)?;
    state.delete_account_now(&who.0, &req.password, &ip).await?;
    Ok(StatusCode::NO_CONTENT)
}
