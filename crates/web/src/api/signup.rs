use super::json::ApiJson;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::SignupInput;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
pub struct SignupRequest {
    #[schema(schema_with = super::input_schemas::company_name)]
    pub company_name: String,
    #[schema(schema_with = super::input_schemas::email)]
    pub email: String,
    /// At least 10 characters; common passwords are refused.
    #[schema(schema_with = super::input_schemas::new_password)]
    pub password: String,
    /// IANA time zone such as `Europe/Berlin`; defaults to UTC.
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::time_zone_opt)]
    pub timezone: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignupResponse {
    pub company_id: Uuid,
    pub user_id: Uuid,
    /// A personal API token for the new owner. Shown once.
    pub token: String,
}

/// Creates a company and its owner, and returns an API token for the owner.
#[utoipa::path(post, path = "/api/v1/signup", tag = "accounts", request_body = SignupRequest,
    responses((status = 201, body = SignupResponse), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<SignupResponse>), ApiError> {
    let input = SignupInput {
        company_name: &req.company_name,
        email: &req.email,
        password: &req.password,
        timezone: req.timezone.as_deref().unwrap_or(""),
    };
    let principal = state.signup(input, &ip).await?;
    let token = state.create_api_token(&principal, "sign-up", &ip).await?;
    let user = principal.user_id().ok_or_else(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(SignupResponse {
            company_id: principal.tenant.company_id().0,
            user_id: user.0,
            token,
        }),
    ))
}
