//! Helpers shared by the pages that sign someone in.

use crate::auth::session::set_cookie;
use crate::error::PageError;
use crate::pages::FieldErrors;
use crate::AppState;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use store::Principal;

/// Starts a session and redirects with the new cookie.
pub async fn sign_in(
    state: &AppState,
    principal: &Principal,
    previous: Option<&str>,
    to: &str,
) -> Result<Response, PageError> {
    let raw = state.rotate_session(principal, previous).await?;
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
