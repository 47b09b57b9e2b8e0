//! Seats that cannot be lost: a change to the head count queues a durable sync for the
//! company ([`App::seats_changed`]); the worker ([`App::run_due_seat_syncs`]) sends the
//! count as it is when it runs, retrying with backoff until Stripe answers 2xx; a request
//! Stripe refuses for good is kept and shown in Billing. Once a day
//! [`App::reconcile_seats`] reads every subscription back from Stripe and queues a fix
//! where the quantity drifted (a lost webhook, a change in Stripe's dashboard).

use crate::{App, Error};
use ::billing::{BillingError, StripeClient, SubscriptionStatus};
use jiff::SignedDuration;
use store::{SeatSyncJob, Tenant};

/// A change waits this long before it is sent, so a supervisor adding five people in a
/// row makes one Stripe call.
pub const SEAT_SYNC_DEBOUNCE: SignedDuration = SignedDuration::from_secs(5);

/// How long a worker holds a claimed sync (several Stripe timeouts).
const LEASE: SignedDuration = SignedDuration::from_mins(2);

/// What one sync did (for the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SeatSync {
    NoSubscription,
    Unchanged(u32),
    Changed { from: u32, to: u32 },
}

/// What one reconcile round found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    pub checked: usize,
    /// Companies whose Stripe quantity differed from their active employees (a fix queued).
    pub drifted: usize,
    /// Subscriptions Stripe could not be asked about (tried again tomorrow).
    pub failed: usize,
}

/// Whether trying again later can succeed: Stripe's own trouble, rate limits, conflicts and
/// our key or permissions (the operator fixes those) can; a request Stripe rejects as such
/// (the item is gone, the quantity is refused) cannot, and would only repeat.
fn retryable(e: &BillingError) -> bool {
    match e {
        BillingError::Transport(_) => true,
        BillingError::Api(_) | BillingError::Http { .. } => {
            matches!(e.status(), Some(401 | 403 | 409 | 429) | Some(500..))
        }
        BillingError::Decode(_) | BillingError::InvalidInput(_) | BillingError::Config(_) => false,
    }
}

impl App {
    /// After the number of active employees changed: queue a seat sync. Nothing here waits
    /// on Stripe, and a failure cannot undo the change people just made; should even the
    /// queue write fail, the daily reconcile finds the difference.
    pub(crate) async fn seats_changed(&self, t: &Tenant) {
        if self.billing.is_none() {
            return;
        }
        let at = self.clock.now() + SEAT_SYNC_DEBOUNCE;
        if let Err(e) = self.store.request_seat_sync(t, at).await {
            tracing::error!(error = %e, "seat sync could not be queued; the daily reconcile will catch it");
        }
    }

    /// Runs the due seat syncs (the billing worker calls this every few seconds). Returns
    /// how many were claimed.
    pub async fn run_due_seat_syncs(&self) -> Result<usize, Error> {
        let Some(client) = &self.billing else {
            return Ok(0);
        };
        // The queue retries with its own backoff; the client's in-call sleeps would only
        // hold the worker.
        let client = client.single_attempt();
        let jobs = self
            .store
            .claim_seat_syncs(self.clock.now(), LEASE, 20)
            .await?;
        for job in &jobs {
            self.run_seat_sync(&client, job).await?;
        }
        Ok(jobs.len())
    }

    async fn run_seat_sync(&self, client: &StripeClient, job: &SeatSyncJob) -> Result<(), Error> {
        let t = &job.tenant;
        match self.sync_seats_with(client, t).await {
            Ok(done) => {
                tracing::debug!(?done, "seat sync");
                self.store.seat_sync_done(job).await?
            }
            Err(Error::Stripe(e)) => {
                let now = self.clock.now();
                let retry_at = retryable(&e).then(|| now + store::backoff(job.attempts + 1));
                tracing::warn!(error = %e, attempts = job.attempts + 1, retrying = retry_at.is_some(), "seat sync failed");
                self.store
                    .seat_sync_failed(job, &e.to_string(), retry_at, now)
                    .await?;
                if retry_at.is_none() {
                    self.audit(t, None, "seat_sync_refused", &e.to_string(), "")
                        .await;
                }
            }
            Err(other) => {
                // Our own trouble (the database): the lease runs out and it is tried again.
                tracing::error!(error = %other, "seat sync failed");
            }
        }
        Ok(())
    }

    /// Sets the subscription's quantity to the active employees (at least 1), in either
    /// direction, if Stripe does not have it yet. The idempotency key is derived from the
    /// company, the count and the stored subscription version, so a retried call cannot
    /// apply twice while a later change back to the same count is still sent.
    async fn sync_seats_with(&self, client: &StripeClient, t: &Tenant) -> Result<SeatSync, Error> {
        let Some(sub) = self.store.subscription(t).await? else {
            return Ok(SeatSync::NoSubscription);
        };
        let (true, Some(item)) = (crate::subscriptions::live(&sub), sub.item_id.as_deref()) else {
            return Ok(SeatSync::NoSubscription);
        };
        let want = self.seats_needed(t).await?;
        if want == sub.seats {
            return Ok(SeatSync::Unchanged(want));
        }
        let key = format!(
            "seats-{}-{want}-{}",
            t.company_id(),
            sub.updated_at.as_millisecond()
        );
        let updated = client
            .set_seat_quantity(item, want, Some(&key))
            .await
            .map_err(Error::Stripe)?;
        self.store
            .set_subscription_seats(t, updated.quantity, self.clock.now())
            .await?;
        Ok(SeatSync::Changed {
            from: sub.seats,
            to: updated.quantity,
        })
    }

    /// Reads every live subscription back from Stripe. The stored quantity is corrected to
    /// what Stripe bills; where that is not the active head count, the drift is audited
    /// and a sync queued at once.
    pub async fn reconcile_seats(&self) -> Result<ReconcileReport, Error> {
        let Some(client) = &self.billing else {
            return Ok(ReconcileReport::default());
        };
        let mut report = ReconcileReport::default();
        for c in self.store.subscribed_companies().await? {
            let t = &c.tenant;
            report.checked += 1;
            let sub = match client.get_subscription(&c.subscription_id).await {
                Ok(sub) => sub,
                Err(e) => {
                    tracing::warn!(error = %e, "seat reconcile could not read a subscription");
                    report.failed += 1;
                    continue;
                }
            };
            if matches!(
                sub.status,
                SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired
            ) {
                continue;
            }
            let stored = self.store.subscription(t).await?.map(|s| s.seats);
            let now = self.clock.now();
            if stored != Some(sub.seats) {
                self.store.set_subscription_seats(t, sub.seats, now).await?;
            }
            let want = self.seats_needed(t).await?;
            if sub.seats != want {
                report.drifted += 1;
                let detail = format!("Stripe bills {} seats, {want} needed", sub.seats);
                self.audit(t, None, "seat_drift_found", &detail, "").await;
                self.store.request_seat_sync(t, now).await?;
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::billing::{StripeApiError, StripeErrorType};

    fn api(status: u16) -> BillingError {
        BillingError::Api(Box::new(StripeApiError {
            status,
            kind: StripeErrorType::InvalidRequestError,
            code: None,
            message: "no".into(),
            param: None,
            request_id: None,
        }))
    }

    #[test]
    fn stripe_trouble_is_retried_a_refused_request_is_not() {
        for s in [401, 403, 409, 429, 500, 502, 503] {
            assert!(retryable(&api(s)), "{s}");
            assert!(retryable(&BillingError::Http {
                status: s,
                request_id: None
            }));
        }
        for s in [400, 402, 404] {
            assert!(!retryable(&api(s)), "{s}");
        }
        assert!(!retryable(&BillingError::Decode("x".into())));
    }
}
