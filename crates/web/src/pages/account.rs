//! Helpers shared by the pages that sign someone in.

use crate::auth::session::{cookie_token, set_cookie};
use crate::error::PageError;
use crate::pages::FieldErrors;
use crate::AppState;
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use store::Principal;

/// Starts a session and redirects with the new cookie. Whatever session the browser had
/// is ended, never upgraded. Someone who must enrol in two-factor first lands there.
pub async fn sign_in(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
    ip: &str,
    to: &str,
) -> Result<Response, PageError> {
    let client = app::Client {
        ip,
        user_agent: headers.get(USER_AGENT).and_then(|v| v.to_str().ok()),
    };
    let raw = state
        .rotate_session(principal, cookie_token(headers), client)
        .await?;
    let to = if state.must_enrol(principal).await? {
        crate::views::ENROL_PATH
    } else {
        to
    };
    let max_age = state.config.session.absolute.as_secs();
    let cookie = set_cookie(&raw, state.config.https(), max_age);
    Ok(([(SET_COOKIE, cookie)], Redirect::to(to)).into_response())
}

/// Splits a use case's error into field errors to show on the form, or a page error.
pub fn field_errors(e: app::Error) -> Result<FieldErrors, PageError> {
    match e {
        app::Error::Invalid(v) => Ok(FieldErrors::one(v.field, v.message)),
        app::Error::BadCredentials => Ok(FieldErrors::one("form", e.to_string())),
        other => Err(other.into()),
    }
}
