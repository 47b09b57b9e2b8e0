//! `/settings/security`: the user's live browser sessions (revoke one, or sign out
//! everywhere, optionally with their API tokens), the API tokens they may see (an owner
//! the company's), and the way to two-factor sign-in.

use crate::auth::session::clear_cookie;
use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::forms::{CsrfForm, DoneQuery};
use crate::pages::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Role, TokenId};
use serde::Deserialize;
use uuid::Uuid;

pub struct SessionRow {
    pub id: String,
    pub created: String,
    pub last_seen: String,
    pub user_agent: String,
    pub ip: String,
    pub current: bool,
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage {
    nav: Nav,
    sessions: Vec<SessionRow>,
    tokens: Vec<TokenRow>,
    is_owner: bool,
    two_factor_offered: bool,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct EverywhereForm {
    #[serde(default)]
    csrf: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    tokens: Option<String>,
}

fn minute(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

pub async fn get(
    State(state): State<AppState>,
    s: PageSession,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let me = s.user(Role::Viewer)?;
    let t = &s.principal.tenant;
    let current = hex::encode(s.token_hash);
    let sessions = state
        .store
        .user_sessions(t, me, state.clock.now(), state.config.session)
        .await?
        .into_iter()
        .map(|x| SessionRow {
            current: x.id == current,
            id: x.id,
            created: minute(x.created_at),
            last_seen: minute(x.last_seen_at),
            user_agent: x.user_agent.unwrap_or_else(|| "unknown".into()),
            ip: x.ip.unwrap_or_else(|| "unknown".into()),
        })
        .collect();
    let is_owner = s.principal.role() == Some(Role::Owner);
    let tokens = if is_owner {
        state.store.company_api_tokens(t).await?
    } else {
        let email = s.nav(&state, "").await?.email;
        state
            .store
            .api_tokens(t, me)
            .await?
            .into_iter()
            .map(|token| store::CompanyToken {
                token,
                owner_email: email.clone(),
            })
            .collect()
    };
    let tokens = tokens
        .into_iter()
        .map(|k| TokenRow {
            id: k.token.id.to_string(),
            name: k.token.name,
            owner: k.owner_email,
            created: minute(k.token.created_at),
            last_used: k
                .token
                .last_used_at
                .map(minute)
                .unwrap_or_else(|| "never".into()),
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("session") => Some("The session was signed out."),
        Some("token") => Some("The token was revoked."),
        _ => None,
    };
    render(&SecurityPage {
        nav: s.nav(&state, "settings").await?,
        sessions,
        tokens,
        is_owner,
        two_factor_offered: s
            .principal
            .role()
            .is_some_and(|r| r.allows(Role::Supervisor)),
        notice,
    })
    .map(IntoResponse::into_response)
}

/// Back to the login page with the cookie cleared (this browser's session is gone).
fn signed_out(state: &AppState) -> Response {
    (
        [(SET_COOKIE, clear_cookie(state.config.https()))],
        Redirect::to("/login?done=logout"),
    )
        .into_response()
}

pub async fn revoke_session(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    let me = s.user(Role::Viewer)?;
    state
        .revoke_session(&s.principal.tenant, me, &id, &ip)
        .await?;
    if id == hex::encode(s.token_hash) {
        return Ok(signed_out(&state));
    }
    Ok(Redirect::to("/settings/security?done=session").into_response())
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<EverywhereForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    let me = s.user(Role::Viewer)?;
    state
        .sign_out_everywhere(&s.principal.tenant, me, f.tokens.is_some(), &ip)
        .await?;
    Ok(signed_out(&state))
}

pub async fn revoke_token(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Viewer)?;
    state
        .revoke_token_as(&s.principal, TokenId(id), &ip)
        .await?;
    Ok(Redirect::to("/settings/security?done=token").into_response())
}
