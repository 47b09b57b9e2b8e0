//! `/settings/account`: cancel (30 days to change your mind), reactivate, delete now.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::forms::{CsrfForm, DoneQuery};
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Role;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account_settings.html")]
struct AccountPage {
    nav: Nav,
    canceled: bool,
    purge_date: String,
    write_allowed: bool,
    billing: bool,
    notice: Option<&'static str>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

async fn page(
    state: &AppState,
    s: &PageSession,
    notice: Option<&'static str>,
    errors: FieldErrors,
) -> Result<AccountPage, PageError> {
    let (company, write_allowed) = state.account_status(&s.principal.tenant).await?;
    Ok(AccountPage {
        nav: s.nav(state, "settings").await?,
        canceled: company.status == "canceled",
        purge_date: company
            .purge_at
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        write_allowed,
        billing: state.billing_enabled(),
        notice,
        errors,
    })
}

pub async fn get(
    State(state): State<AppState>,
    s: PageSession,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    s.user(Role::Owner)?;
    let notice = match q.done.as_deref() {
        Some("canceled") => Some("The account is canceled. A confirmation with the deletion date was mailed to the owners."),
        Some("reactivated") => Some("Welcome back: the account is active again."),
        _ => None,
    };
    render(&page(&state, &s, notice, FieldErrors::default()).await?)
        .map(IntoResponse::into_response)
}

pub async fn cancel(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    state.cancel_account(&s.principal, &ip).await?;
    Ok(Redirect::to("/settings/account?done=canceled").into_response())
}

pub async fn reactivate(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    state.reactivate_account(&s.principal, &ip).await?;
    Ok(Redirect::to("/settings/account?done=reactivated").into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<DeleteForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    match state
        .delete_account_now(&s.principal, &f.password, &ip)
        .await
    {
        Ok(()) => {
            let cookie = crate::auth::session::clear_cookie(state.config.https());
            Ok((
                [(axum::http::header::SET_COOKIE, cookie)],
                Redirect::to("/?deleted=1"),
            )
                .into_response())
        }
        Err(app::Error::WrongPassword) => Ok((
            StatusCode::FORBIDDEN,
            render(
                &page(
                    &state,
                    &s,
                    None,
                    FieldErrors::one("password", "is not your password; nothing was deleted"),
                )
                .await?,
            )?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
