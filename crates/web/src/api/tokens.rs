use super::json::{ApiJson, ApiPath};
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{Role, TokenId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
pub struct CreateTokenRequest {
    pub email: String,
    pub password: String,
    /// The current code from the authenticator app (or a recovery code): required when
    /// the account has two-factor sign-in on.
    #[serde(default)]
    pub code: Option<String>,
    /// A label to recognise the token by later.
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::label_opt)]
    pub name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreateTokenResponse {
    /// The token. Only its hash is stored: this is the only time it is shown.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: Uuid,
    pub name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub last_used_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenInfo>,
}

/// Exchanges an email and password (and, with two-factor sign-in on, a code) for a new
/// personal API token (rate-limited). Tokens are not asked for a code when used.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = CreateTokenRequest,
    responses((status = 201, body = CreateTokenResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<CreateTokenRequest>,
) -> Result<(StatusCode, Json<CreateTokenResponse>), ApiError> {
    let principal = state.authenticate(&req.email, &req.password, &ip).await?;
    state
        .second_factor_for_token(&principal, req.code.as_deref())
        .await?;
    let token = state
        .create_api_token(&principal, req.name.as_deref().unwrap_or("API"), &ip)
        .await?;
    Ok((StatusCode::CREATED, Json(CreateTokenResponse { token })))
}

/// Lists the caller's own API tokens (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = TokenList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<TokenList>, ApiError> {
    let user = who.require(Role::Viewer)?;
    let tokens = state.store.api_tokens(who.tenant(), user).await?;
    Ok(Json(TokenList {
        tokens: tokens
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id.0,
                name: t.name,
                created_at: t.created_at.to_string(),
                last_used_at: t.last_used_at.map(|x| x.to_string()),
            })
            .collect(),
    }))
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let user = who.require(Role::Viewer)?;
    state
        .revoke_api_token(who.tenant(), user, TokenId(id), &ip)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
