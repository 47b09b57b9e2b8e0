//! Kiosks, the supervisor's side: the list, enrolling this browser as a kiosk, revoking
//! one. (The kiosk screen itself is [`super::kiosk`].)

use super::kiosk::{company_tz, kiosk_cookie};
use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::forms::CsrfForm;
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{KioskId, Role};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "kiosks.html")]
struct KiosksPage {
    nav: Nav,
    kiosks: Vec<KioskRow>,
    errors: FieldErrors,
}

struct KioskRow {
    id: String,
    name: String,
    since: String,
    /// Local date and time of the last use, or "never".
    last_used: String,
}

pub async fn list(State(state): State<AppState>, s: PageSession) -> Result<Response, PageError> {
    s.user(Role::Supervisor)?;
    Ok(render(&kiosks_page(&state, &s, FieldErrors::default()).await?)?.into_response())
}

async fn kiosks_page(
    state: &AppState,
    s: &PageSession,
    errors: FieldErrors,
) -> Result<KiosksPage, PageError> {
    let tz = company_tz(state, &s.principal.tenant).await?;
    let kiosks = state
        .store
        .kiosks(&s.principal.tenant)
        .await?
        .into_iter()
        .map(|k| KioskRow {
            id: k.id.to_string(),
            name: k.name,
            since: k
                .created_at
                .to_zoned(tz.clone())
                .strftime("%Y-%m-%d")
                .to_string(),
            last_used: k.last_used_at.map_or_else(
                || "never".to_string(),
                |t| domain::calendar::local_time(t, &tz),
            ),
        })
        .collect();
    Ok(KiosksPage {
        nav: s.nav(state, "kiosks").await?,
        kiosks,
        errors,
    })
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Turns this browser into a kiosk of the company: the supervisor's session here ends and
/// a kiosk session (clock screens only) takes its place.
pub async fn enrol(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<EnrolForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let raw = match state
        .enrol_kiosk(&s.principal.tenant, user, &f.name, &s.token_hash, &ip)
        .await
    {
        Ok(raw) => raw,
        Err(app::Error::Invalid(e)) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&kiosks_page(&state, &s, FieldErrors::one("name", e.message)).await?)?,
            )
                .into_response())
        }
        Err(e) => return Err(e.into()),
    };
    let cookie = kiosk_cookie(&state, &raw);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/kiosk")).into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    state
        .revoke_kiosk(&s.principal.tenant, user, KioskId(id), &ip)
        .await?;
    Ok(Redirect::to("/kiosks").into_response())
}
