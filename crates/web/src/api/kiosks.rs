use super::json::{ApiJson, ApiPath};
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{KioskId, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
pub struct NewKiosk {
    #[schema(schema_with = super::input_schemas::label)]
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct KioskCreated {
    pub id: Uuid,
    /// A kiosk token: it may only call the clock endpoints of this company. Shown once.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct KioskDto {
    pub id: Uuid,
    pub name: String,
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct KioskList {
    pub kiosks: Vec<KioskDto>,
}

/// Creates a kiosk and returns its API token.
#[utoipa::path(post, path = "/api/v1/kiosks", tag = "kiosks", security(("bearer" = [])), request_body = NewKiosk,
    responses((status = 201, body = KioskCreated), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<NewKiosk>,
) -> Result<(StatusCode, Json<KioskCreated>), ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let (kiosk_id, raw) = state
        .create_kiosk_token(who.tenant(), user, &req.name, &ip)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(KioskCreated {
            id: kiosk_id.0,
            token: raw,
        }),
    ))
}

/// Lists kiosks.
#[utoipa::path(get, path = "/api/v1/kiosks", tag = "kiosks", security(("bearer" = [])), responses((status = 200, body = KioskList)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<KioskList>, ApiError> {
    who.require(Role::Viewer)?;
    let kiosks = state.store.kiosks(who.tenant()).await?;
    Ok(Json(KioskList {
        kiosks: kiosks
            .into_iter()
            .map(|k| KioskDto {
                id: k.id.0,
                name: k.name,
                created_at: k.created_at.to_string(),
            })
            .collect(),
    }))
}

/// Revokes a kiosk: its sessions and tokens stop working at once.
#[utoipa::path(delete, path = "/api/v1/kiosks/{id}", tag = "kiosks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    state
        .revoke_kiosk(who.tenant(), user, KioskId(id), &ip)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
