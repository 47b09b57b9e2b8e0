//! Every weekly summary of the company, newest week first, a page at a time (the board
//! shows only the latest few).

use crate::auth::PageSession;
use crate::error::PageError;
use crate::pages::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use domain::Role;
use serde::Deserialize;

/// Summaries on one page.
pub const PER_PAGE: u32 = 20;

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<String>,
}

pub struct SummaryRow {
    pub id: String,
    pub week_start: String,
    pub analyzer: String,
    pub fallback: bool,
}

#[derive(Template)]
#[template(path = "summaries.html")]
struct SummariesPage {
    nav: Nav,
    rows: Vec<SummaryRow>,
    page: u32,
    has_next: bool,
}

/// `page` as typed: a whole number from 1, empty is 1.
fn page_number(raw: Option<&str>) -> Result<u32, PageError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| {
                PageError::BadRequest("page must be a whole number from 1 to 10000".into())
            }),
    }
}

pub async fn list(
    State(state): State<AppState>,
    session: PageSession,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    session.user(Role::Viewer)?;
    let page = page_number(q.page.as_deref())?;
    // One more than a page tells whether a next page exists.
    let mut found = state
        .store
        .summaries_page(
            &session.principal.tenant,
            PER_PAGE + 1,
            (page - 1) * PER_PAGE,
        )
        .await?;
    let has_next = found.len() > PER_PAGE as usize;
    found.truncate(PER_PAGE as usize);
    let rows = found
        .into_iter()
        .map(|s| SummaryRow {
            id: s.id.to_string(),
            week_start: s.week_start,
            analyzer: s.analyzer,
            fallback: s.fallback,
        })
        .collect();
    render(&SummariesPage {
        nav: session.nav(&state, "dashboard").await?,
        rows,
        page,
        has_next,
    })
}
