//! The JSON API under `/api/v1`, documented by an OpenAPI 3.1 document generated from these
//! handlers (served at `/api/v1/openapi.json`, snapshot-tested in `docs/openapi.json`).

pub mod account;
pub mod analysis_settings;
pub mod audit;
pub mod billing;
pub mod clock;
pub mod dashboard;
pub mod dto;
pub mod employees;
pub mod exports;
pub mod input_schemas;
pub mod json;
pub mod kiosks;
pub mod me;
pub mod members;
pub mod paging;
pub mod requests;
pub mod shifts;
pub mod signup;
pub mod summaries;
pub mod tasks;
pub mod tokens;
pub mod webhooks;

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
        employees::list, employees::create, employees::get, employees::update, employees::delete,
        tasks::list, tasks::create, tasks::update, tasks::delete,
        kiosks::create, kiosks::list, kiosks::delete,
        analysis_settings::get,
        analysis_settings::put,
        clock::clock_in, clock::clock_out, clock::break_start, clock::break_end,
        shifts::list, shifts::get, shifts::correct, shifts::approve, shifts::unlock, shifts::override_score,
        billing::status, billing::checkout, billing::portal,
        account::get, account::cancel, account::reactivate, account::delete,
        dashboard::get, summaries::list, summaries::get,
        exports::shifts, exports::scores, exports::tasks, exports::company, exports::employee,
        requests::list, requests::resolve, audit::list, audit::csv,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth, &CommonErrors),
)]
pub struct ApiDoc;

struct BearerAuth;

/// Every operation can answer with the API's error body for malformed requests, missing or
/// bad tokens, missing rights, unknown ids, conflicts, oversize or non-JSON bodies,
/// validation failures and rate limits; say so once here instead of on every handler.
struct CommonErrors;

impl utoipa::Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        const COMMON: [(&str, &str); 9] = [
            ("400", "Malformed request (broken JSON, bad query string)"),
            ("401", "Missing, invalid or revoked token"),
            (
                "403",
                "Not allowed for this role, token kind or account state",
            ),
            ("404", "No such resource in your company"),
            ("409", "Conflicts with the current state"),
            ("413", "Body too large"),
            ("415", "Body is not JSON"),
            ("422", "Input failed validation"),
            ("429", "Too many attempts; see Retry-After"),
        ];
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                for (code, description) in COMMON {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                                        .build(),
                                )
                                .build()
                                .into()
                        });
                }
            }
        }
    }
}

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
        .route("/employees", get(employees::list).post(employees::create))
        .route(
            "/employees/{id}",
            get(employees::get)
                .patch(employees::update)
                .delete(employees::delete),
        )
        .route("/tasks", get(tasks::list).post(tasks::create))
        .route("/tasks/{id}", patch(tasks::update).delete(tasks::delete))
        .route("/kiosks", get(kiosks::list).post(kiosks::create))
        .route("/kiosks/{id}", axum::routing::delete(kiosks::delete))
        .route(
            "/settings/analysis",
            get(analysis_settings::get).put(analysis_settings::put),
        )
        .route("/clock-in", post(clock::clock_in))
        .route("/clock-out", post(clock::clock_out))
        .route("/breaks/start", post(clock::break_start))
        .route("/breaks/end", post(clock::break_end))
        .route("/shifts", get(shifts::list))
        .route("/shifts/{id}", get(shifts::get).patch(shifts::correct))
        .route("/shifts/{id}/score", post(shifts::override_score))
        .route("/approvals", post(shifts::approve))
        .route("/approvals/unlock", post(shifts::unlock))
        .route("/billing", get(billing::status))
        .route("/billing/checkout", post(billing::checkout))
        .route("/billing/portal", post(billing::portal))
        .route("/account", get(account::get).delete(account::delete))
        .route("/account/cancel", post(account::cancel))
        .route("/account/reactivate", post(account::reactivate))
        .route("/dashboard", get(dashboard::get))
        .route("/summaries", get(summaries::list))
        .route("/summaries/{id}", get(summaries::get))
        .route("/exports/shifts.csv", get(exports::shifts))
        .route("/exports/scores.csv", get(exports::scores))
        .route("/exports/tasks.csv", get(exports::tasks))
        .route("/export.zip", get(exports::company))
        .route("/employees/{id}/export", get(exports::employee))
        .route("/requests", get(requests::list))
        .route("/requests/{id}/resolve", post(requests::resolve))
        .route("/audit", get(audit::list))
        .route("/audit.csv", get(audit::csv))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { crate::error::ApiError::not_found() })
}
