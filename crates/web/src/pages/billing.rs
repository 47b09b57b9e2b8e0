//! `/billing` (owners, billing on): subscription status and seats, Subscribe (Stripe
//! Checkout) and Manage billing (Stripe Billing Portal).

use crate::auth::PageSession;
use crate::error::PageError;
use crate::pages::forms::CsrfForm;
use crate::pages::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Role;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "billing.html")]
struct BillingPage {
    nav: Nav,
    status: String,
    subscribed: bool,
    seats: u32,
    seats_needed: u32,
    write_allowed: bool,
    period_end: String,
    cancel_at_period_end: bool,
    has_customer: bool,
    notice: Option<&'static str>,
    /// A seat change Stripe has not taken: why, and whether it is still being retried.
    seat_sync_problem: Option<String>,
}

#[derive(Deserialize)]
pub struct BillingQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn get(
    State(state): State<AppState>,
    s: PageSession,
    Query(q): Query<BillingQuery>,
) -> Result<Response, PageError> {
    s.user(Role::Owner)?;
    if !state.billing_enabled() {
        return Err(PageError::NotFound);
    }
    let v = state.billing_view(&s.principal.tenant).await?;
    let sub = v.subscription.as_ref();
    let live = sub.is_some_and(|s| {
        s.subscription_id.is_some()
            && !matches!(s.status.as_str(), "canceled" | "incomplete_expired")
    });
    render(&BillingPage {
        nav: s.nav(&state, "billing").await?,
        status: sub.map_or_else(|| "not subscribed".to_string(), |s| s.status.replace('_', " ")),
        subscribed: live,
        seats: sub.map_or(0, |s| s.seats),
        seats_needed: v.seats_needed,
        write_allowed: v.write_allowed,
        period_end: sub
            .and_then(|s| s.current_period_end)
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        cancel_at_period_end: sub.is_some_and(|s| s.cancel_at_period_end),
        has_customer: sub.is_some_and(|s| s.customer_id.is_some()),
        seat_sync_problem: v.seat_sync_problem(),
        notice: match q.done.as_deref() {
            Some("subscribed") => Some("Thank you! Your subscription is being confirmed by Stripe; this page updates within a minute."),
            _ => None,
        },
    })
    .map(IntoResponse::into_response)
}

pub async fn subscribe(
    State(state): State<AppState>,
    s: PageSession,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    let url = state.start_checkout(&s.principal).await?;
    Ok(Redirect::to(&url).into_response())
}

pub async fn portal(
    State(state): State<AppState>,
    s: PageSession,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    let url = state.portal_url(&s.principal.tenant).await?;
    Ok(Redirect::to(&url).into_response())
}
