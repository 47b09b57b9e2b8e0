//! Per-seat billing through Stripe: a thin, typed adapter that knows nothing of OmniTrack's
//! database or web framework. The app owns storage and routing; this crate owns the wire.
//!
//! # Turning billing on
//!
//! ```no_run
//! # fn env(k: &str) -> Option<String> { std::env::var(k).ok() }
//! let config = billing::StripeConfig::from_env_values(
//!     env("STRIPE_SECRET_KEY"),
//!     env("STRIPE_WEBHOOK_SECRET"),
//!     env("STRIPE_PRICE_ID"),
//!     env("STRIPE_API_BASE"), // tests only; defaults to https://api.stripe.com
//! )?; // Err: key set but the other two missing -> refuse to start
//! let client = match config {
//!     Some(c) => Some(billing::StripeClient::new(c)?),
//!     None => None, // no STRIPE_SECRET_KEY: billing off, everyone has full access
//! };
//! # Ok::<(), billing::BillingError>(())
//! ```
//!
//! Secrets are [`secrecy::SecretString`]s: `Debug` prints `[REDACTED]`, and the crate never
//! logs bodies or headers.
//!
//! # Calling Stripe: [`StripeClient`]
//!
//! ```text
//! create_checkout_session(company_id, customer_email, seats, success_url, cancel_url,
//!                         idempotency_key: Option<&str>) -> CheckoutSession { id, url }
//! create_portal_session(customer_id, return_url)      -> PortalSession { url }
//! get_subscription(subscription_id)                   -> Subscription
//! set_seat_quantity(item_id, quantity, idempotency_key: Option<&str>) -> SubscriptionItem
//! single_attempt()  -> a clone that does not retry (for callers with a durable queue)
//! cancel_subscription(subscription_id)                -> Subscription   (cancels now)
//! ```
//!
//! * Every request pins `Stripe-Version: `[`STRIPE_API_VERSION`]. Create the webhook endpoint
//!   with the same version.
//! * Every POST carries an `Idempotency-Key`. Pass your own when a business operation may be
//!   retried (e.g. `format!("seats-{company_id}-{new_qty}-{audit_id}")`), so a repeat cannot
//!   double-charge; `None` generates a random one, reused across this call's retries.
//! * Up to [`MAX_RETRIES`] (2) retries with exponential backoff on 409, 5xx and transport
//!   errors; `Stripe-Should-Retry: false` stops a retry, `true` forces one. Tune with
//!   [`ClientOptions`] (timeout, base delay).
//! * Failures are [`BillingError`]: `Api(StripeApiError { status, kind, code, message, param,
//!   request_id })` for Stripe's error body, `Http` for a bare error status, `Transport`,
//!   `Decode`, `InvalidInput` (bad ids, zero seats) and `Config`.
//!
//! Checkout puts the company id in `client_reference_id`, in the session's
//! `metadata[company_id]` and in `subscription_data[metadata][company_id]`, so webhooks for the
//! checkout and for the subscription both name the company.
//!
//! # Receiving webhooks
//!
//! ```no_run
//! # fn handle(config: &billing::StripeConfig, sig_header: &str, raw: &[u8], now: i64) {
//! // 1. With the exact raw bytes, before any JSON parsing:
//! if config.verify_webhook(sig_header, raw, now).is_err() {
//!     return; // answer 400
//! }
//! // 2. Parse (Err(Decode) on a verified body: answer 500 so Stripe redelivers later).
//! let Ok(event) = billing::parse_event(raw) else { return };
//! // 3. Deduplicate on event.id; ignore events older than what you stored (event.created).
//! match event.kind {
//!     billing::EventKind::CheckoutCompleted { company_id, customer_id, subscription_id } => {}
//!     billing::EventKind::SubscriptionChanged { company_id, subscription_id, status, seats, item_id, deleted, .. } => {}
//!     billing::EventKind::InvoicePaid { .. } | billing::EventKind::InvoicePaymentFailed { .. } => {}
//!     billing::EventKind::Other(_) => {} // answer 2xx and ignore
//! }
//! # }
//! ```
//!
//! [`verify_signature`] is the underlying check (custom secret and tolerance);
//! [`sign_for_tests`] builds a valid `Stripe-Signature` header for the app's own tests.
//! Subscribe the endpoint to `checkout.session.completed`, `customer.subscription.created`,
//! `customer.subscription.updated`, `customer.subscription.deleted`, `invoice.paid` and
//! `invoice.payment_failed`.
//!
//! # Rules (pure functions)
//!
//! * [`access`]`(status, past_due_since, now) -> Access { Full, ReadOnly }`: `past_due` keeps
//!   full access for [`PAST_DUE_GRACE_SECS`] (7 days) from when the app first saw it
//!   (store that time); `canceled`, `unpaid`, `incomplete_expired` and `paused` are read-only.
//! * [`trial_phase`]`(trial_ends_at, now)` for a company without a subscription: `Running`
//!   ([`TRIAL_SECS`], 14 days), then `ClockingGrace` ([`TRIAL_CLOCK_GRACE_SECS`], 7 days:
//!   only clocking), then `Over` (read-only).
//! * [`seat_decision`]`(active_employees_after_change, paid_seats, auto_raise)` ->
//!   `Allowed`, `RaiseTo(n)` (then call `set_seat_quantity(item_id, n, key)`), or
//!   `Refused { message }` to show the admin.
//!
//! No card data passes through these types: Stripe hosts the card forms (Checkout, Portal).

mod client;
mod config;
mod error;
mod events;
mod seats;
mod signature;
mod status;
mod subscription;
mod trial;

pub use client::{
    CheckoutSession, ClientOptions, PortalSession, StripeClient, MAX_RETRIES, STRIPE_API_VERSION,
};
pub use config::{StripeConfig, DEFAULT_API_BASE, HOSTED_PAGE_ORIGINS};
pub use error::{BillingError, StripeApiError, StripeErrorType};
pub use events::{parse_event, Event, EventKind};
pub use seats::{seat_decision, SeatDecision};
pub use signature::{sign_for_tests, verify_signature, SignatureError, DEFAULT_TOLERANCE_SECS};
pub use status::{access, Access, SubscriptionStatus, PAST_DUE_GRACE_SECS};
pub use subscription::{Subscription, SubscriptionItem};
pub use trial::{trial_phase, TrialPhase, TRIAL_CLOCK_GRACE_SECS, TRIAL_SECS};

/// Re-exported so callers can build a [`StripeConfig`] by hand in tests.
pub use secrecy::{ExposeSecret, SecretString};
