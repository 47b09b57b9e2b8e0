use crate::auth::session::{clear_cookie, pending_cookie};
use crate::auth::{OptionalSession, PageSession};
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::{field_errors, sign_in};
use crate::pages::forms::CsrfForm;
use crate::pages::login_two_factor::SECOND_STEP_PATH;
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use app::two_factor::LoginStep;
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
    let step = match state.authenticate(&f.email, &f.password, &ip).await {
        Ok(principal) => state.begin_login(principal).await,
        Err(e) => Err(e),
    };
    match step {
        Ok(LoginStep::Done(principal)) => {
            sign_in(&state, &principal, &headers, &ip, "/dashboard").await
        }
        Ok(LoginStep::SecondFactor { pending }) => {
            let max_age = app::two_factor::PENDING_LOGIN.as_secs();
            let cookie = pending_cookie(&pending, state.config.https(), max_age);
            Ok(([(SET_COOKIE, cookie)], Redirect::to(SECOND_STEP_PATH)).into_response())
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
