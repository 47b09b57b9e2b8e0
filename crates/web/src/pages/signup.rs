use crate::auth::OptionalSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::{field_errors, sign_in};
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use app::SignupInput;
use askama::Template;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    nav: Nav,
    company_name: String,
    email: String,
    timezone: String,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    company_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    timezone: String,
}

pub async fn get(OptionalSession(s): OptionalSession) -> Result<Response, PageError> {
    if s.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    let page = SignupPage {
        nav: Nav::anonymous(),
        company_name: String::new(),
        email: String::new(),
        timezone: "UTC".into(),
        errors: FieldErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Form(f): Form<SignupForm>,
) -> Result<Response, PageError> {
    let input = SignupInput {
        company_name: &f.company_name,
        email: &f.email,
        password: &f.password,
        timezone: &f.timezone,
    };
    match state.signup(input, &ip).await {
        Ok(principal) => sign_in(&state, &principal, &headers, &ip, "/dashboard").await,
        Err(e) => {
            let errors = field_errors(e)?;
            let page = SignupPage {
                nav: Nav::anonymous(),
                company_name: f.company_name,
                email: f.email,
                timezone: f.timezone,
                errors,
            };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}
