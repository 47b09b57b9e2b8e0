use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use domain::Role;
use serde::Serialize;
use store::PrincipalKind;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: Uuid,
    pub company_id: Uuid,
    pub email: String,
    pub role: Role,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn me(who: ApiPrincipal) -> Result<Json<Me>, ApiError> {
    match &who.0.kind {
        PrincipalKind::User {
            user_id,
            email,
            role,
        } => Ok(Json(Me {
            user_id: user_id.0,
            company_id: who.0.tenant.company_id().0,
            email: email.clone(),
            role: *role,
        })),
        PrincipalKind::Kiosk { .. } => Err(ApiError::forbidden(
            "kiosk tokens may only use the clock endpoints",
        )),
    }
}
