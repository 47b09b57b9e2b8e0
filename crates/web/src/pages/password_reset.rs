use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::field_errors;
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "reset_request.html")]
struct RequestPage {
    nav: Nav,
    sent: bool,
}

#[derive(Template)]
#[template(path = "reset_form.html")]
struct ResetPage {
    nav: Nav,
    token: String,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn get_request() -> Result<Response, PageError> {
    Ok(render(&RequestPage {
        nav: Nav::anonymous(),
        sent: false,
    })?
    .into_response())
}

pub async fn post_request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(f): Form<EmailForm>,
) -> Result<Response, PageError> {
    state
        .request_password_reset(&f.email, &ip)
        .await
        .map_err(PageError::from)?;
    Ok(render(&RequestPage {
        nav: Nav::anonymous(),
        sent: true,
    })?
    .into_response())
}

pub async fn get_form(Path(token): Path<String>) -> Result<Response, PageError> {
    Ok(render(&ResetPage {
        nav: Nav::anonymous(),
        token,
        errors: FieldErrors::default(),
    })?
    .into_response())
}

pub async fn post_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(f): Form<NewPasswordForm>,
) -> Result<Response, PageError> {
    match state.reset_password(&token, &f.password, &ip).await {
        Ok(()) => Ok(Redirect::to("/login?done=reset").into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&ResetPage {
                    nav: Nav::anonymous(),
                    token,
                    errors,
                })?,
            )
                .into_response())
        }
    }
}
