//! Owners edit the company's name and time zone and members' login emails, on the
//! settings page (`settings.html`); mistakes come back next to the field.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::field_errors;
use crate::pages::render;
use crate::pages::settings::page;
use crate::AppState;
use app::company_profile::parse_zone;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{CompanyName, Email, Role, UserId};
use serde::Deserialize;
use uuid::Uuid;

/// The settings page again, with what went wrong next to its field.
async fn with_errors(
    state: &AppState,
    s: &PageSession,
    e: app::Error,
) -> Result<Response, PageError> {
    let errors = field_errors(e)?;
    let page = page(state, s, None, None, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Deserialize)]
pub struct CompanyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    company_name: String,
    #[serde(default)]
    timezone: String,
}

pub async fn company(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<CompanyForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Owner).await?;
    let t = &s.principal.tenant;
    let parsed =
        CompanyName::parse(&f.company_name).and_then(|n| parse_zone(&f.timezone).map(|z| (n, z)));
    let (name, zone) = match parsed {
        Ok(p) => p,
        Err(e) => return with_errors(&state, &s, e.into()).await,
    };
    let current = state.store.company(t).await?;
    if current.name != name.as_str() {
        state.rename_company(t, user, &name, &ip).await?;
    }
    if current.timezone != zone.as_str() {
        state.set_company_timezone(t, user, &zone, &ip).await?;
    }
    Ok(Redirect::to("/settings?done=company").into_response())
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

pub async fn member_email(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<EmailForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Owner).await?;
    let changed = match Email::parse(&f.email) {
        Ok(email) => {
            state
                .change_member_email(&s.principal.tenant, user, UserId(id), &email, &ip)
                .await
        }
        Err(e) => Err(e.into()),
    };
    match changed {
        Ok(()) => Ok(Redirect::to("/settings?done=email").into_response()),
        Err(e @ app::Error::Invalid(_)) => with_errors(&state, &s, e).await,
        Err(e) => Err(e.into()),
    }
}
