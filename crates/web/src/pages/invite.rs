use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::{field_errors, sign_in};
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use app::credentials::token;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage {
    nav: Nav,
    token: String,
    email: String,
    company: String,
    role: &'static str,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    password: String,
}

async fn page(
    state: &AppState,
    token: String,
    errors: FieldErrors,
) -> Result<InvitePage, PageError> {
    let info = state
        .store
        .invite_by_token(&token::hash(&token), state.clock.now())
        .await?
        .ok_or(PageError::NotFound)?;
    Ok(InvitePage {
        nav: Nav::anonymous(),
        token,
        email: info.email,
        company: info.company_name,
        role: info.role.as_str(),
        errors,
    })
}

pub async fn get(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(&page(&state, token, FieldErrors::default()).await?)?.into_response())
}

pub async fn post(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
    Form(f): Form<AcceptForm>,
) -> Result<Response, PageError> {
    match state.accept_invite(&token, &f.password, &ip).await {
        Ok(principal) => sign_in(&state, &principal, &headers, &ip, "/dashboard").await,
        Err(e) => {
            let errors = field_errors(e)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(&state, token, errors).await?)?,
            )
                .into_response())
        }
    }
}
