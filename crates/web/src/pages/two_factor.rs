//! `/settings/two-factor`: enrol in two-factor sign-in (secret and `otpauth://` URI,
//! confirmed with a code; recovery codes shown once), turn it off (password + code), and
//! for owners the company's requirement. A session held for enrolment reaches this page.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::field_errors;
use crate::pages::forms::DoneQuery;
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use app::two_factor::Enrolment;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Role;
use serde::Deserialize;

pub use crate::views::ENROL_PATH;

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    nav: Nav,
    enrolment: Enrolment,
    /// The enrolment link as an inline SVG QR code, for the phone's camera.
    qr: Option<String>,
    /// Shown once, right after enabling.
    recovery_codes: Vec<String>,
    /// The company requires it and this session may do nothing else until it is on.
    held: bool,
    required: bool,
    is_owner: bool,
    notice: Option<&'static str>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct EnableForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
pub struct RequireForm {
    #[serde(default)]
    csrf: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    required: Option<String>,
}

/// `uri` as a QR code in SVG, drawn with rectangles only (no text, no script), so it can go
/// into the page as it is. `None` only if the link were too long for a QR code.
fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    // The XML declaration belongs to standalone files, not inside HTML.
    Some(match svg.split_once("?>") {
        Some((_, rest)) => rest.to_string(),
        None => svg,
    })
}

async fn page(
    state: &AppState,
    s: &PageSession,
    recovery_codes: Vec<String>,
    notice: Option<&'static str>,
    errors: FieldErrors,
) -> Result<TwoFactorPage, PageError> {
    s.user(Role::Supervisor)?;
    let enrolment = state.two_factor_enrolment(&s.principal).await?;
    let qr = match &enrolment {
        Enrolment::Pending { uri, .. } => qr_svg(uri),
        _ => None,
    };
    Ok(TwoFactorPage {
        qr,
        nav: s.nav(state, "settings").await?,
        held: matches!(enrolment, Enrolment::Pending { .. }) && s.needs_two_factor,
        enrolment,
        recovery_codes,
        required: state.store.two_factor_required(&s.principal.tenant).await?,
        is_owner: s.principal.role() == Some(Role::Owner),
        notice,
        errors,
    })
}

pub async fn get(
    State(state): State<AppState>,
    s: PageSession,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some("disabled") => Some("Two-factor sign-in is off."),
        Some("required") => Some("The company's requirement was saved."),
        _ => None,
    };
    render(&page(&state, &s, Vec::new(), notice, FieldErrors::default()).await?)
        .map(IntoResponse::into_response)
}

pub async fn enable(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<EnableForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    match state.enable_two_factor(&s.principal, &f.code, &ip).await {
        Ok(codes) => {
            let notice = Some("Two-factor sign-in is on.");
            let s = PageSession {
                needs_two_factor: false,
                ..s
            };
            render(&page(&state, &s, codes, notice, FieldErrors::default()).await?)
                .map(IntoResponse::into_response)
        }
        Err(e) => {
            let errors = field_errors(e)?;
            let page = page(&state, &s, Vec::new(), None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

pub async fn disable(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<DisableForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    match state
        .disable_two_factor(&s.principal, &f.password, &f.code, &ip)
        .await
    {
        Ok(()) => Ok(Redirect::to("/settings/two-factor?done=disabled").into_response()),
        Err(e) => {
            let errors = match e {
                app::Error::Rejected(m) => FieldErrors::one("form", m),
                e => field_errors(e)?,
            };
            let page = page(&state, &s, Vec::new(), None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
    }
}

pub async fn require(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<RequireForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    state
        .require_two_factor(&s.principal, f.required.is_some(), &ip)
        .await?;
    // Requiring it may hold this very session at enrolment; the page says so.
    Ok(Redirect::to("/settings/two-factor?done=required").into_response())
}
