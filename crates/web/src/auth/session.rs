//! The one cookie: `omnitrack_session`, HttpOnly, SameSite=Lax, Secure over https.

use crate::error::PageError;
use crate::AppState;
use app::credentials::token;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use store::{Principal, TokenHash};

pub const SESSION_COOKIE: &str = "omnitrack_session";

/// The pending-login cookie between the password and the second factor: not a session,
/// only sent to `/login` paths, gone after five minutes.
pub const PENDING_COOKIE: &str = "omnitrack_pending_login";

/// The session cookie's raw token, if the request carries one.
pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SESSION_COOKIE)
}

/// A cookie's value by name.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` value for a pending login (`token` empty and `max_age_secs` 0 clear it).
pub fn pending_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{PENDING_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` value for a new session.
pub fn set_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    set_cookie("", secure, 0)
}

/// A signed-in browser session (user or kiosk). Pages that need one take this extractor;
/// without a valid session the visitor is sent to the login page.
#[derive(Debug, Clone)]
pub struct PageSession {
    pub principal: Principal,
    pub csrf: String,
    pub token_hash: TokenHash,
    /// Held at the two-factor enrolment page (the company requires it).
    pub needs_two_factor: bool,
}

/// The only pages a session held for two-factor enrolment may reach.
fn allowed_before_enrolment(path: &str) -> bool {
    path == "/logout" || path.starts_with(crate::views::ENROL_PATH)
}

impl FromRequestParts<AppState> for PageSession {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let s = OptionalSession::from_request_parts(parts, state)
            .await?
            .0
            .ok_or(PageError::LoginRequired)?;
        if s.needs_two_factor && !allowed_before_enrolment(parts.uri.path()) {
            return Err(PageError::EnrolTwoFactor);
        }
        Ok(s)
    }
}

/// A session if there is one (pages that look different when signed in).
pub struct OptionalSession(pub Option<PageSession>);

impl FromRequestParts<AppState> for OptionalSession {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<PageSession>() {
            return Ok(Self(Some(cached.clone())));
        }
        let Some(raw) = cookie_token(&parts.headers) else {
            return Ok(Self(None));
        };
        let token_hash = token::hash(raw);
        let found = state
            .store
            .session(&token_hash, state.clock.now(), state.config.session)
            .await?;
        let session = found.map(|s| PageSession {
            principal: s.principal,
            csrf: s.csrf_token,
            token_hash,
            needs_two_factor: s.needs_two_factor,
        });
        if let Some(s) = &session {
            crate::middleware::bump_generation::ActingFor::note(
                parts,
                s.principal.tenant.company_id(),
            );
            parts.extensions.insert(s.clone());
        }
        Ok(Self(session))
    }
}
