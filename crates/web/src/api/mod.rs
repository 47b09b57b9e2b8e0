//! The JSON API under `/api/v1`, documented by an OpenAPI 3.1 document generated from these
//! handlers (served at `/api/v1/openapi.json`, snapshot-tested in `docs/openapi.json`).

pub mod json;
pub mod me;
pub mod members;
pub mod signup;
pub mod tokens;

use crate::AppState;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "OmniTrack API", description = "Employee time tracking: accounts, employees, tasks, clocking, analysis, exports."),
    paths(
        signup::signup, tokens::create, tokens::list, tokens::revoke, me::me,
        members::list, members::invite, members::change_role, members::remove,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup::signup))
        .route("/tokens", post(tokens::create).get(tokens::list))
        .route("/tokens/{id}", axum::routing::delete(tokens::revoke))
        .route("/me", get(me::me))
        .route("/users", get(members::list))
        .route(
            "/users/{id}",
            patch(members::change_role).delete(members::remove),
        )
        .route("/invites", post(members::invite))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { crate::error::ApiError::not_found() })
}
