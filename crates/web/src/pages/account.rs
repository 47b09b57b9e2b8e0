//! Helpers shared by the pages that sign someone in.

use crate::accounts::FlowError;
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
    to: &str,
) -> Result<Response, PageError> {
    let raw = state.start_session(principal).await.map_err(flow_to_page)?;
    let max_age = state.config.session.absolute.as_secs();
    let cookie = set_cookie(&raw, state.config.https(), max_age);
    Ok(([(SET_COOKIE, cookie)], Redirect::to(to)).into_response())
}

/// Splits a flow error into field errors to show on the form, or a page error.
pub fn field_errors(e: FlowError) -> Result<FieldErrors, PageError> {
    match e {
        FlowError::Invalid(v) => Ok(FieldErrors::one(v.field, v.message)),
        FlowError::BadCredentials => Ok(FieldErrors::one("form", e.to_string())),
        other => Err(flow_to_page(other)),
    }
}

pub fn flow_to_page(e: FlowError) -> PageError {
    match e {
        FlowError::Invalid(v) => PageError::BadRequest(v.to_string()),
        FlowError::BadCredentials => PageError::BadRequest(e.to_string()),
        FlowError::RateLimited { retry_after } => PageError::TooMany(retry_after),
        FlowError::ReadOnly(m) => PageError::Forbidden(m),
        FlowError::Store(s) => s.into(),
        FlowError::Internal => PageError::Internal,
    }
}
