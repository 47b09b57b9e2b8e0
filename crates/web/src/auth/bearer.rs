//! `Authorization: Bearer <token>` for the JSON API.

use crate::error::ApiError;
use crate::AppState;
use app::credentials::token;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use domain::{Role, UserId};
use store::{Principal, PrincipalKind, Tenant};

/// The authenticated caller of an API route.
#[derive(Debug, Clone)]
pub struct ApiPrincipal(pub Principal);

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Some(raw) = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            return Err(ApiError::unauthorized(
                "send an API token as 'Authorization: Bearer <token>'",
            ));
        };
        match state
            .store
            .principal_by_token(&token::hash(raw), state.clock.now())
            .await?
        {
            Some(p) => {
                crate::middleware::bump_generation::ActingFor::note(parts, p.tenant.company_id());
                Ok(Self(p))
            }
            None => Err(ApiError::unauthorized(
                "the API token is invalid or was revoked",
            )),
        }
    }
}

impl ApiPrincipal {
    pub fn tenant(&self) -> &Tenant {
        &self.0.tenant
    }

    /// The calling user, if they hold at least `role`. Kiosk tokens are refused: they may
    /// only use the clock endpoints.
    pub fn require(&self, role: Role) -> Result<UserId, ApiError> {
        match &self.0.kind {
            PrincipalKind::User {
                user_id,
                role: have,
                ..
            } if have.allows(role) => Ok(*user_id),
            PrincipalKind::User { .. } => Err(ApiError::forbidden(format!(
                "this needs the {} role",
                role.as_str()
            ))),
            PrincipalKind::Kiosk { .. } => Err(ApiError::forbidden(
                "kiosk tokens may only use the clock endpoints",
            )),
        }
    }
}
