use crate::auth::session::{clear_cookie, cookie_token};
use crate::auth::{OptionalSession, PageSession};
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::{field_errors, sign_in};
use crate::pages::forms::CsrfForm;
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    email: String,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn get(
    OptionalSession(s): OptionalSession,
    q: axum::extract::Query<LoginQuery>,
) -> Result<Response, PageError> {
    if s.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    let notice = match q.done.as_deref() {
        Some("reset") => Some("Your password was changed. Log in with the new one."),
        Some("logout") => Some("You are logged out."),
        _ => None,
    };
    Ok(render(&LoginPage {
        nav: Nav::anonymous(),
        email: String::new(),
        errors: FieldErrors::default(),
        notice,
    })?
    .into_response())
}

pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    match state.authenticate(&f.email, &f.password, &ip).await {
        Ok(principal) => {
            // Rotate: whatever session this browser had before is ended, never upgraded.
            sign_in(&state, &principal, cookie_token(&headers), "/dashboard").await
        }
        Err(e) => {
            let errors = field_errors(e)?;
            let page = LoginPage {
                nav: Nav::anonymous(),
                email: f.email,
                errors,
                notice: None,
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    state
        .end_session(&session.principal, &session.token_hash, &ip)
        .await?;
    Ok((
        [(SET_COOKIE, clear_cookie(state.config.https()))],
        Redirect::to("/login?done=logout"),
    )
        .into_response())
}
