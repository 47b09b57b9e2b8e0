use crate::middleware::{
    access_log::access_log,
    origin::check_origin,
    security_headers::{security_headers, SecurityHeaders},
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
        .route(
            pages::login_two_factor::SECOND_STEP_PATH,
            get(pages::login_two_factor::get).post(pages::login_two_factor::post),
        )
        .route("/logout", post(pages::login::logout))
        .route("/dashboard", get(pages::dashboard::get))
        .route("/dashboard/jobs/{id}/retry", post(pages::dashboard::retry))
        .route(
            "/dashboard/requests/{id}/resolve",
            post(pages::dashboard::resolve_request),
        )
        .route("/timesheets", get(pages::timesheets::team))
        .route("/timesheets/target", post(pages::timesheets::set_target))
        .route("/timesheets/approve", post(pages::approvals::approve))
        .route("/timesheets/unlock", post(pages::approvals::unlock))
        .route(
            "/employees/{id}/timesheet",
            get(pages::timesheets::employee),
        )
        .route("/summaries", get(pages::summaries_list::list))
        .route("/summaries/{id}", get(pages::summaries::get))
        .route("/exports/shifts.csv", get(pages::exports::shifts))
        .route("/exports/scores.csv", get(pages::exports::scores))
        .route("/exports/tasks.csv", get(pages::exports::tasks))
        .route("/exports", get(pages::exports::page))
        .route("/exports/company.zip", get(pages::exports::company))
        .route("/exports/employee.zip", get(pages::exports::employee))
        .route("/settings", get(pages::settings::get))
        .route("/settings/password", post(pages::settings::change_password))
        .route("/settings/tokens", post(pages::settings::create_token))
        .route("/settings/analysis", post(pages::settings::analysis))
        .route("/settings/audit", get(pages::audit::page))
        .route("/settings/company", post(pages::company_settings::company))
        .route(
            "/settings/members/{id}/email",
            post(pages::company_settings::member_email),
        )
        .route("/settings/audit.csv", get(pages::audit::csv))
        .route(
            "/settings/tokens/{id}/revoke",
            post(pages::settings::revoke_token),
        )
        .route("/settings/invites", post(pages::settings::invite))
        .route(pages::two_factor::ENROL_PATH, get(pages::two_factor::get))
        .route(
            "/settings/two-factor/enable",
            post(pages::two_factor::enable),
        )
        .route(
            "/settings/two-factor/disable",
            post(pages::two_factor::disable),
        )
        .route(
            "/settings/two-factor/require",
            post(pages::two_factor::require),
        )
        .route("/settings/security", get(pages::security::get))
        .route(
            "/settings/security/sessions/{id}/revoke",
            post(pages::security::revoke_session),
        )
        .route(
            "/settings/security/sign-out-everywhere",
            post(pages::security::sign_out_everywhere),
        )
        .route(
            "/settings/security/tokens/{id}/revoke",
            post(pages::security::revoke_token),
        )
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
        .route("/billing", get(pages::billing::get))
        .route("/billing/subscribe", post(pages::billing::subscribe))
        .route("/billing/portal", post(pages::billing::portal))
        .route("/settings/account", get(pages::account_settings::get))
        .route(
            "/settings/account/cancel",
            post(pages::account_settings::cancel),
        )
        .route(
            "/settings/account/reactivate",
            post(pages::account_settings::reactivate),
        )
        .route(
            "/settings/account/delete",
            post(pages::account_settings::delete),
        )
        .route(
            "/employees",
            get(pages::employees::list).post(pages::employees::add),
        )
        .route("/employees/import", post(pages::employees::import))
        .route(
            "/employees/{id}",
            get(pages::employees::detail).post(pages::employees::edit),
        )
        .route("/employees/{id}/erase", post(pages::employees::erase))
        .route("/employees/{id}/link", post(pages::employees::create_link))
        .route(
            "/employees/{id}/link/revoke",
            post(pages::employees::revoke_link),
        )
        .route("/employees/{id}/tasks", post(pages::tasks::add))
        .route(
            "/employees/{id}/tasks/{task}",
            get(pages::tasks::edit_form).post(pages::tasks::edit),
        )
        .route(
            "/employees/{id}/tasks/{task}/status",
            post(pages::tasks::set_state),
        )
        .route(
            "/employees/{id}/tasks/{task}/delete",
            post(pages::tasks::delete),
        )
        .route(
            "/shifts/{id}",
            get(pages::shift::get).post(pages::shift::correct),
        )
        .route("/shifts/{id}/score", post(pages::shift::override_score))
        .route("/kiosks", get(pages::kiosks::list))
        .route("/kiosks/enrol", post(pages::kiosks::enrol))
        .route("/kiosks/{id}/revoke", post(pages::kiosks::revoke))
        .route("/kiosk", get(pages::kiosk::screen).post(pages::kiosk::act))
        .route("/kiosk/identify", post(pages::kiosk::identify))
        .route("/kiosk/me", post(pages::self_service::kiosk))
        .route("/c/{token}/me", post(pages::self_service::link))
        .route(
            "/c/{token}",
            get(pages::kiosk::link_screen).post(pages::kiosk::link_act),
        )
        .route("/privacy", get(pages::legal::privacy))
        .route("/terms", get(pages::legal::terms));

    Router::new()
        .merge(pages)
        .nest("/api/v1", api::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/webhooks/stripe", post(api::webhooks::stripe))
        .route("/static/style.css", get(static_files::style))
        .route("/static/app.js", get(static_files::app_js))
        .fallback(|| async { crate::error::PageError::NotFound })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(
            state.clone(),
            crate::middleware::bump_generation::bump_after_writes,
        ))
        .layer(from_fn_with_state(state.clone(), check_origin))
        .layer(from_fn_with_state(
            SecurityHeaders::new(&state),
            security_headers,
        ))
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
