use crate::auth::PageSession;
use crate::error::PageError;
use crate::pages::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use domain::Role;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    nav: Nav,
    company: String,
    timezone: String,
    members: usize,
}

pub async fn get(
    State(state): State<AppState>,
    session: PageSession,
) -> Result<Html<String>, PageError> {
    session.user(Role::Viewer)?;
    let t = &session.principal.tenant;
    let company = state.store.company(t).await?;
    let members = state.store.users(t).await?.len();
    render(&Dashboard {
        nav: session.nav(&state, "dashboard").await?,
        company: company.name,
        timezone: company.timezone,
        members,
    })
}
