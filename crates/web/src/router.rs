use crate::middleware::{
    access_log::access_log, origin::check_origin, security_headers::security_headers,
};
use crate::{api, pages, static_files, AppState};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

/// Forms and JSON bodies are small; anything bigger is a mistake or an attack.
const BODY_LIMIT: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home::get))
        .route("/signup", get(pages::signup::get).post(pages::signup::post))
        .route("/login", get(pages::login::get).post(pages::login::post))
        .route("/logout", post(pages::login::logout))
        .route("/dashboard", get(pages::dashboard::get))
        .route("/settings", get(pages::settings::get))
        .route("/settings/password", post(pages::settings::change_password))
        .route("/settings/tokens", post(pages::settings::create_token))
        .route(
            "/settings/tokens/{id}/revoke",
            post(pages::settings::revoke_token),
        )
        .route("/settings/invites", post(pages::settings::invite))
        .route(
            "/settings/invites/{id}/revoke",
            post(pages::settings::revoke_invite),
        )
        .route(
            "/settings/members/{id}/role",
            post(pages::settings::change_role),
        )
        .route(
            "/settings/members/{id}/remove",
            post(pages::settings::remove_member),
        )
        .route(
            "/password-reset",
            get(pages::password_reset::get_request).post(pages::password_reset::post_request),
        )
        .route(
            "/password-reset/{token}",
            get(pages::password_reset::get_form).post(pages::password_reset::post_form),
        )
        .route(
            "/invite/{token}",
            get(pages::invite::get).post(pages::invite::post),
        )
        .route("/privacy", get(pages::legal::privacy))
        .route("/terms", get(pages::legal::terms));

    Router::new()
        .merge(pages)
        .nest("/api/v1", api::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/static/style.css", get(static_files::style))
        .route("/static/app.js", get(static_files::app_js))
        .fallback(|| async { crate::error::PageError::NotFound })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(state.clone(), check_origin))
        .layer(from_fn_with_state(state.clone(), security_headers))
        .layer(from_fn_with_state(state.clone(), access_log))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
