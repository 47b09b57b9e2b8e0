//! The audit log for owners: who did what, when, from where — filtered by member, action
//! and days, a page at a time, and the filtered log as CSV (streamed, and audited itself).

use crate::auth::PageSession;
use crate::download;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::{render, Nav};
use crate::AppState;
use app::audit_log::{actor_name, actor_names, cursor_of, parse_cursor, AuditQuery};
use app::reports::Calendar;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use domain::Role;
use serde::Deserialize;

/// Entries on one page.
const PER_PAGE: u32 = 50;

#[derive(Deserialize)]
pub struct AuditPageQuery {
    #[serde(flatten)]
    filter: AuditQuery,
    #[serde(default)]
    before: String,
}

pub struct Row {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub ip: String,
}

pub struct Member {
    pub id: String,
    pub email: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    q: AuditQuery,
    members: Vec<Member>,
    rows: Vec<Row>,
    zone: String,
    /// The query string of the filters, for the CSV link and the next page.
    filters: String,
    next: Option<String>,
}

fn query_string(q: &AuditQuery) -> String {
    let pairs = [
        ("actor", &q.actor),
        ("action", &q.action),
        ("from", &q.from),
        ("to", &q.to),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", urlencoding(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value (ids, action names and dates: a few bytes need it).
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    session: PageSession,
    Query(q): Query<AuditPageQuery>,
) -> Result<Html<String>, PageError> {
    session.user(Role::Owner)?;
    let t = &session.principal.tenant;
    let cal = Calendar::of(&state, t).await?;
    let bad = |e: domain::ValidationError| PageError::BadRequest(e.to_string());
    if q.filter.reversed() {
        return Err(bad(domain::ValidationError::new(
            "to",
            "must not be before from",
        )));
    }
    let f = q.filter.filter(&cal).map_err(bad)?;
    let before = match q.before.trim() {
        "" => None,
        b => Some(parse_cursor(b).map_err(bad)?),
    };
    let entries = state.audit_entries(t, &f, before, PER_PAGE).await?;
    let names = actor_names(&state, t).await?;
    let next = match entries.last() {
        Some(last) if entries.len() == PER_PAGE as usize => Some(cursor_of(last)),
        _ => None,
    };
    let rows = entries
        .into_iter()
        .map(|e| Row {
            at: cal.local(e.created_at),
            actor: actor_name(&names, e.actor),
            action: e.action,
            detail: e.detail,
            ip: e.ip.unwrap_or_default(),
        })
        .collect();
    let mut members: Vec<Member> = names
        .into_iter()
        .map(|(id, email)| Member {
            id: id.to_string(),
            email,
        })
        .collect();
    members.sort_by(|a, b| a.email.cmp(&b.email));
    render(&AuditPage {
        nav: session.nav(&state, "settings").await?,
        filters: query_string(&q.filter),
        q: q.filter,
        members,
        rows,
        zone: cal.zone.clone(),
        next,
    })
}

/// The filtered log as CSV.
pub async fn csv(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let user = session.user(Role::Owner)?;
    let t = session.principal.tenant;
    let cal = Calendar::of(&state, &t).await?;
    let f = q
        .filter(&cal)
        .map_err(|e| PageError::BadRequest(e.to_string()))?;
    let d = state.export_audit_csv(t, user, f, &ip).await?;
    Ok(download::response(d))
}
