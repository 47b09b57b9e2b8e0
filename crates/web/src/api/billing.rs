//! Billing by seats (owners): status, Stripe Checkout and the Billing Portal.

use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use domain::Role;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct BillingStatus {
    /// False when the server runs without Stripe: seats are unlimited.
    pub enabled: bool,
    /// Stripe's subscription status (`active`, `past_due`, ...), `null` before subscribing.
    pub status: Option<String>,
    /// Paid seats.
    pub seats: u32,
    /// Active employees (at least 1): the seats a subscription needs.
    pub seats_needed: u32,
    /// False when the company is read-only (view and export only).
    pub write_allowed: bool,
    pub current_period_end: Option<String>,
    pub cancel_at_period_end: bool,
    pub past_due_since: Option<String>,
    /// A seat change Stripe has not taken yet, `null` when seats are in step.
    pub seat_sync: Option<SeatSyncStatus>,
}

/// A queued or refused seat change (the billing page shows the same).
#[derive(Serialize, ToSchema)]
pub struct SeatSyncStatus {
    /// `retrying` (Stripe unreachable or busy: tried again at `next_attempt_at`) or
    /// `refused` (Stripe rejected it: tried again at the next employee change or the daily
    /// reconcile).
    pub state: &'static str,
    pub attempts: u32,
    /// Stripe's answer, or the network error.
    pub last_error: String,
    pub next_attempt_at: Option<String>,
    /// What to tell a person.
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct RedirectUrl {
    /// Send the owner here (a Stripe-hosted page).
    pub url: String,
}

/// The company's subscription and what it allows.
#[utoipa::path(get, path = "/api/v1/billing", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = BillingStatus), (status = 401, body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<BillingStatus>, ApiError> {
    who.require(Role::Viewer)?;
    let v = state.billing_view(who.tenant()).await?;
    let sub = v.subscription.as_ref();
    let seat_sync = v.seat_sync_problem().and_then(|message| {
        let p = v.seat_sync.as_ref()?;
        Some(SeatSyncStatus {
            state: if p.failed_at.is_some() {
                "refused"
            } else {
                "retrying"
            },
            attempts: p.attempts,
            last_error: p.last_error.clone().unwrap_or_default(),
            next_attempt_at: p.failed_at.is_none().then(|| p.run_at.to_string()),
            message,
        })
    });
    Ok(Json(BillingStatus {
        enabled: v.enabled,
        status: sub.map(|s| s.status.clone()),
        seats: sub.map_or(0, |s| s.seats),
        seats_needed: v.seats_needed,
        write_allowed: v.write_allowed,
        current_period_end: sub
            .and_then(|s| s.current_period_end)
            .map(|t| t.to_string()),
        cancel_at_period_end: sub.is_some_and(|s| s.cancel_at_period_end),
        past_due_since: sub.and_then(|s| s.past_due_since).map(|t| t.to_string()),
        seat_sync,
    }))
}

/// Starts a Stripe Checkout session for as many seats as there are active employees
/// (owner only). 404 when billing is off, 409 when already subscribed.
#[utoipa::path(post, path = "/api/v1/billing/checkout", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = RedirectUrl), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn checkout(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<RedirectUrl>, ApiError> {
    who.require(Role::Owner)?;
    Ok(Json(RedirectUrl {
        url: state.start_checkout(&who.0).await?,
    }))
}

/// A Stripe Billing Portal session: payment method, invoices (owner only).
#[utoipa::path(post, path = "/api/v1/billing/portal", tag = "billing", security(("bearer" = [])),
    responses((status = 200, body = RedirectUrl), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn portal(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<RedirectUrl>, ApiError> {
    who.require(Role::Owner)?;
    Ok(Json(RedirectUrl {
        url: state.portal_url(who.tenant()).await?,
    }))
}
