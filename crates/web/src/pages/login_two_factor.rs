//! `/login/two-factor`: the second step of a login for people with two-factor sign-in.
//! The browser holds only a pending-login cookie here, which is no session: the session
//! cookie is set once the code is right.

use crate::auth::session::{cookie, pending_cookie, PENDING_COOKIE};
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::{field_errors, sign_in};
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub const SECOND_STEP_PATH: &str = "/login/two-factor";

#[derive(Template)]
#[template(path = "login_two_factor.html")]
struct SecondStepPage {
    nav: Nav,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn get(headers: HeaderMap) -> Result<Response, PageError> {
    if cookie(&headers, PENDING_COOKIE).is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(render(&SecondStepPage {
        nav: Nav::anonymous(),
        errors: FieldErrors::default(),
    })?
    .into_response())
}

pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    let Some(pending) = cookie(&headers, PENDING_COOKIE) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let clear = pending_cookie("", state.config.https(), 0);
    match state.finish_login(pending, &f.code, &ip).await {
        Ok(principal) => {
            let mut res = sign_in(&state, &principal, &headers, &ip, "/dashboard").await?;
            if let Ok(v) = HeaderValue::from_str(&clear) {
                res.headers_mut().append(SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(app::Error::Rejected(m)) => {
            // Expired or out of attempts: back to the password, with the reason.
            let page = SecondStepPage {
                nav: Nav::anonymous(),
                errors: FieldErrors::one("form", m),
            };
            Ok((
                StatusCode::UNAUTHORIZED,
                [(SET_COOKIE, clear)],
                render(&page)?,
            )
                .into_response())
        }
        Err(e) => {
            let page = SecondStepPage {
                nav: Nav::anonymous(),
                errors: field_errors(e)?,
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
    }
}
