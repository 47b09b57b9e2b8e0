//! Billing by seats (Stripe): checkout, portal, webhooks, cancellation at Stripe. What a
//! company may do because of it is [`crate::access`].
//!
//! * Billing is off without `STRIPE_SECRET_KEY` ([`App::billing`] is `None`): unlimited
//!   seats, no billing pages; only a canceled account is read-only.
//! * With billing on, [`::billing::access`] decides from the subscription status (applied in
//!   [`crate::access`]): `active`,
//!   `trialing`, `incomplete` — full access; `past_due` — full access for 7 days from when
//!   we first saw it, then read-only; `canceled`, `unpaid`, `incomplete_expired`, `paused` —
//!   read-only.
//! * A company that has not subscribed is on a free trial.
//! * Seats follow the active employees through a durable queue (see [`crate::seat_sync`]).

use crate::mail::Mail;
use crate::{App, Error};
use ::billing::{BillingError, EventKind, SubscriptionStatus};
use jiff::Timestamp;
use store::{
    Company, EventOutcome, NewMail, Principal, SeatSyncState, StoreError, SubscriptionRecord,
    SubscriptionUpdate, Tenant,
};

/// The billing state as pages and the API show it.
#[derive(Debug, Clone)]
pub struct BillingView {
    pub enabled: bool,
    pub subscription: Option<SubscriptionRecord>,
    pub write_allowed: bool,
    /// Active employees (the seats a subscription needs, at least 1).
    pub seats_needed: u32,
    /// A seat change Stripe has not taken yet (retrying, or refused for good).
    pub seat_sync: Option<SeatSyncState>,
}

impl BillingView {
    /// What the owner is told about a seat change Stripe has not taken, if anything (the
    /// billing page and `GET /api/v1/billing` say the same).
    pub fn seat_sync_problem(&self) -> Option<String> {
        let p = self.seat_sync.as_ref()?;
        let error = p.last_error.as_deref()?;
        Some(match p.failed_at {
            Some(_) => format!("Stripe refused the last seat change ({error}). It is tried again at the next employee change and by the daily check; if this stays, use Manage billing or contact support."),
            None => format!("The last seat change has not reached Stripe yet ({error}); tried {} times, next try at {} UTC.", p.attempts, p.run_at.strftime("%Y-%m-%d %H:%M")),
        })
    }
}

pub(crate) fn unix(t: Timestamp) -> i64 {
    t.as_second()
}

pub(crate) fn live(sub: &SubscriptionRecord) -> bool {
    sub.subscription_id.is_some()
        && !matches!(sub.status.as_str(), "canceled" | "incomplete_expired")
}

pub(crate) fn day(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// `3600, "eur"` -> `36.00 EUR` (zero-decimal currencies without decimals).
pub fn money(amount: i64, currency: &str) -> String {
    const ZERO_DECIMAL: &[&str] = &[
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
        "xaf", "xof", "xpf",
    ];
    let cur = currency.to_ascii_uppercase();
    if ZERO_DECIMAL.contains(&currency.to_ascii_lowercase().as_str()) {
        format!("{amount} {cur}")
    } else {
        let sign = if amount < 0 { "-" } else { "" };
        let a = amount.unsigned_abs();
        format!("{sign}{}.{:02} {cur}", a / 100, a % 100)
    }
}

impl App {
    pub fn billing_enabled(&self) -> bool {
        self.billing.is_some()
    }

    /// Seats a subscription needs now: the active employees, at least one.
    pub async fn seats_needed(&self, t: &Tenant) -> Result<u32, StoreError> {
        Ok(self.store.active_employee_count(t).await?.max(1))
    }

    pub async fn billing_view(&self, t: &Tenant) -> Result<BillingView, StoreError> {
        Ok(BillingView {
            enabled: self.billing_enabled(),
            subscription: if self.billing_enabled() {
                self.store.subscription(t).await?
            } else {
                None
            },
            write_allowed: self.write_allowed(t).await?,
            seats_needed: self.seats_needed(t).await?,
            seat_sync: if self.billing_enabled() {
                self.store.seat_sync_state(t).await?
            } else {
                None
            },
        })
    }

    /// Starts Stripe Checkout for as many seats as there are active employees; returns the
    /// URL to send the owner to.
    pub async fn start_checkout(&self, owner: &Principal) -> Result<String, Error> {
        let client = self.billing.as_ref().ok_or(Error::BillingOff)?;
        let t = &owner.tenant;
        if self.store.subscription(t).await?.is_some_and(|s| live(&s)) {
            return Err(Error::AlreadySubscribed);
        }
        let email = match &owner.kind {
            store::PrincipalKind::User { email, .. } => email.clone(),
            store::PrincipalKind::Kiosk { .. } => String::new(),
        };
        let seats = self.seats_needed(t).await?;
        let session = client
            .create_checkout_session(
                &t.company_id().to_string(),
                &email,
                seats,
                &self.link("/billing?done=subscribed"),
                &self.link("/billing"),
                None,
            )
            .await
            .map_err(stripe_failed)?;
        Ok(session.url)
    }

    /// A Stripe Billing Portal session (payment method, invoices, cancellation).
    pub async fn portal_url(&self, t: &Tenant) -> Result<String, Error> {
        let client = self.billing.as_ref().ok_or(Error::BillingOff)?;
        let customer = self
            .store
            .subscription(t)
            .await?
            .and_then(|s| s.customer_id)
            .ok_or(Error::NoCustomer)?;
        let portal = client
            .create_portal_session(&customer, &self.link("/billing"))
            .await
            .map_err(stripe_failed)?;
        Ok(portal.url)
    }

    /// Cancels the Stripe subscription, if there is a live one (account cancellation and
    /// deletion).
    pub(crate) async fn cancel_stripe_subscription(&self, t: &Tenant) -> Result<(), Error> {
        let Some(client) = &self.billing else {
            return Ok(());
        };
        let Some(sub) = self.store.subscription(t).await? else {
            return Ok(());
        };
        if let (true, Some(id)) = (live(&sub), sub.subscription_id.as_deref()) {
            client
                .cancel_subscription(id)
                .await
                .map_err(stripe_failed)?;
        }
        Ok(())
    }

    /// Applies a verified, parsed webhook event exactly once.
    pub async fn apply_stripe_event(
        &self,
        event: ::billing::Event,
    ) -> Result<EventOutcome, StoreError> {
        let now = self.clock.now();
        let id = event.id.as_str();
        let outcome = match event.kind {
            EventKind::CheckoutCompleted {
                company_id,
                customer_id,
                subscription_id,
            } => {
                match self
                    .store
                    .tenant_for_stripe(
                        Some(&company_id),
                        Some(&subscription_id),
                        Some(&customer_id),
                    )
                    .await?
                {
                    Some(t) => {
                        self.store
                            .apply_checkout_completed(id, &t, &customer_id, &subscription_id, now)
                            .await?
                    }
                    None => self.unknown_company(id, now).await?,
                }
            }
            EventKind::SubscriptionChanged {
                company_id,
                customer_id,
                subscription_id,
                status,
                seats,
                item_id,
                current_period_end,
                cancel_at_period_end,
                deleted,
                ..
            } => {
                let status = if deleted {
                    SubscriptionStatus::Canceled
                } else {
                    status
                };
                match self
                    .store
                    .tenant_for_stripe(
                        company_id.as_deref(),
                        Some(&subscription_id),
                        Some(&customer_id),
                    )
                    .await?
                {
                    Some(t) => {
                        let u = SubscriptionUpdate {
                            customer_id: &customer_id,
                            subscription_id: &subscription_id,
                            item_id: item_id.as_deref(),
                            status: status.as_str(),
                            seats,
                            current_period_end,
                            cancel_at_period_end,
                        };
                        let outcome = self
                            .store
                            .apply_subscription_event(id, event.created, &t, &u, now)
                            .await?;
                        if outcome == EventOutcome::Applied {
                            // The quantity Stripe now bills may not be the head count:
                            // people added while Checkout was open, or a late event
                            // carrying an older quantity. The queue compares and fixes.
                            self.seats_changed(&t).await;
                        }
                        outcome
                    }
                    None => self.unknown_company(id, now).await?,
                }
            }
            EventKind::InvoicePaid {
                customer_id,
                subscription_id,
                amount_paid,
                currency,
                hosted_invoice_url,
                ..
            } => {
                let t = self
                    .store
                    .tenant_for_stripe(None, subscription_id.as_deref(), Some(&customer_id))
                    .await?;
                let mut text = format!(
                    "Thank you: we received your payment of {} for OmniTrack.\n\n",
                    money(amount_paid, &currency)
                );
                if let Some(url) = &hosted_invoice_url {
                    text.push_str(&format!("Your receipt and invoice:\n{url}\n\n"));
                }
                text.push_str(&format!(
                    "Seats and payment details are in Billing:\n{}\n",
                    self.link("/billing")
                ));
                self.record_with_owner_mail(id, t.as_ref(), "Your OmniTrack receipt", &text, now)
                    .await?
            }
            EventKind::InvoicePaymentFailed {
                customer_id,
                subscription_id,
                amount_due,
                currency,
                hosted_invoice_url,
                next_payment_attempt,
                ..
            } => {
                let t = self
                    .store
                    .tenant_for_stripe(None, subscription_id.as_deref(), Some(&customer_id))
                    .await?;
                let mut text = format!(
                    "We could not collect your OmniTrack payment of {}.\n\n",
                    money(amount_due, &currency)
                );
                match next_payment_attempt.and_then(|s| Timestamp::from_second(s).ok()) {
                    Some(at) => text.push_str(&format!(
                        "Stripe will try again on {}. Your account keeps full access for 7 days after the first failed payment; after that it becomes read-only until the payment goes through.\n\n",
                        day(at)
                    )),
                    None => text.push_str(
                        "Stripe will not retry automatically. Until the invoice is paid, the account may become read-only.\n\n",
                    ),
                }
                if let Some(url) = &hosted_invoice_url {
                    text.push_str(&format!("Pay the invoice here:\n{url}\n\n"));
                }
                text.push_str(&format!(
                    "Or update your payment method in Billing:\n{}\n",
                    self.link("/billing")
                ));
                self.record_with_owner_mail(
                    id,
                    t.as_ref(),
                    "Your OmniTrack payment failed",
                    &text,
                    now,
                )
                .await?
            }
            EventKind::Other(kind) => {
                tracing::debug!(event = id, kind, "Stripe event ignored");
                self.store.record_stripe_event(id, None, &[], now).await?
            }
        };
        if outcome == EventOutcome::Applied && self.mailer.immediate() {
            if let Err(e) = self.deliver_mail(None).await {
                tracing::error!(error = %e, "mail delivery failed; it stays queued");
            }
        }
        Ok(outcome)
    }

    async fn unknown_company(&self, id: &str, now: Timestamp) -> Result<EventOutcome, StoreError> {
        tracing::warn!(
            event = id,
            "Stripe event for no known company; acknowledged and ignored"
        );
        self.store.record_stripe_event(id, None, &[], now).await
    }

    async fn record_with_owner_mail(
        &self,
        id: &str,
        t: Option<&Tenant>,
        subject: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<EventOutcome, StoreError> {
        let Some(t) = t else {
            return self.unknown_company(id, now).await;
        };
        let mails: Vec<Mail> = self
            .store
            .owner_emails(t)
            .await?
            .into_iter()
            .map(|to| Mail::new(to, subject, text))
            .collect();
        let rows: Vec<NewMail<'_>> = mails.iter().map(Mail::queued).collect();
        self.store
            .record_stripe_event(id, Some(t), &rows, now)
            .await
    }

    /// The company's state for the account page and API.
    pub async fn account_status(&self, t: &Tenant) -> Result<(Company, bool), StoreError> {
        Ok((self.store.company(t).await?, self.write_allowed(t).await?))
    }
}

fn stripe_failed(e: BillingError) -> Error {
    tracing::error!(error = %e, "Stripe request failed");
    Error::Stripe(e)
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn amounts_in_minor_units() {
        assert_eq!(money(3600, "eur"), "36.00 EUR");
        assert_eq!(money(5, "usd"), "0.05 USD");
        assert_eq!(money(1200, "jpy"), "1200 JPY");
        assert_eq!(money(-250, "gbp"), "-2.50 GBP");
    }
}
