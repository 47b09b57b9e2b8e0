//! Subscriptions mirrored from Stripe webhooks, and webhook dedupe. No card data: only ids,
//! status, seat count and dates.
//!
//! Every webhook is applied in one transaction together with the row that marks its event
//! id as seen, so a redelivered event is a no-op and a failed apply is retried by Stripe.
//! Subscription events carry Stripe's `created` (unix seconds); one older than the newest
//! applied for that company is stale and changes nothing.

use crate::backend::on_pool;
use crate::outbox::{insert_mail, NewMail};
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, Tenant};
use domain::CompanyId;
use jiff::Timestamp;
use sqlx::Row;
use uuid::Uuid;

/// A company's subscription as last reported by Stripe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    pub customer_id: Option<String>,
    pub subscription_id: Option<String>,
    pub item_id: Option<String>,
    /// Stripe's status string (`active`, `past_due`, ...).
    pub status: String,
    pub seats: u32,
    pub current_period_end: Option<Timestamp>,
    pub cancel_at_period_end: bool,
    /// When the app first saw `past_due` (the start of the grace period).
    pub past_due_since: Option<Timestamp>,
    pub updated_at: Timestamp,
    /// `created` (unix seconds) of the newest subscription event applied.
    pub last_event_created: i64,
}

/// A `customer.subscription.*` event, already resolved to a company.
#[derive(Debug, Clone)]
pub struct SubscriptionUpdate<'a> {
    pub customer_id: &'a str,
    pub subscription_id: &'a str,
    pub item_id: Option<&'a str>,
    pub status: &'a str,
    pub seats: u32,
    pub current_period_end: Option<i64>,
    pub cancel_at_period_end: bool,
}

/// What applying a webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// First delivery; the change (if any) is stored.
    Applied,
    /// First delivery, but older than what is stored (or for a replaced subscription):
    /// recorded as seen, nothing changed.
    Stale,
    /// This event id was handled before.
    Duplicate,
}

const COLUMNS: &str = "stripe_customer_id, stripe_subscription_id, stripe_item_id, status, seats, \
    current_period_end, cancel_at_period_end, past_due_since, updated_at, last_event_created";

fn secs_to_ts(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Statuses after which Stripe never revives a subscription.
fn terminal(status: &str) -> bool {
    matches!(status, "canceled" | "incomplete_expired")
}

macro_rules! record_from_row {
    ($r:expr) => {{
        let r = $r;
        SubscriptionRecord {
            customer_id: r.try_get("stripe_customer_id")?,
            subscription_id: r.try_get("stripe_subscription_id")?,
            item_id: r.try_get("stripe_item_id")?,
            status: r.try_get("status")?,
            seats: u32::try_from(r.try_get::<i64, _>("seats")?).unwrap_or(0),
            current_period_end: r
                .try_get::<Option<i64>, _>("current_period_end")?
                .map(secs_to_ts),
            cancel_at_period_end: r.try_get("cancel_at_period_end")?,
            past_due_since: r.try_get::<Option<i64>, _>("past_due_since")?.map(from_ms),
            updated_at: from_ms(r.try_get("updated_at")?),
            last_event_created: r.try_get("last_event_created")?,
        }
    }};
}

impl Store {
    pub async fn subscription(&self, t: &Tenant) -> Result<Option<SubscriptionRecord>> {
        on_pool!(self, p => {
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM subscriptions WHERE company_id = $1"))
                .bind(t.company_id().0).fetch_optional(p).await?;
            match row {
                Some(r) => Ok(Some(record_from_row!(r))),
                None => Ok(None),
            }
        })
    }

    /// The company a webhook is about: the id it names (our `client_reference_id` /
    /// `metadata[company_id]`), if that company exists, else the company already linked to
    /// the Stripe subscription or customer. Webhooks are signature-checked before this, so
    /// the id is one we handed to Stripe ourselves.
    pub async fn tenant_for_stripe(
        &self,
        company_id: Option<&str>,
        subscription_id: Option<&str>,
        customer_id: Option<&str>,
    ) -> Result<Option<Tenant>> {
        if let Some(id) = company_id.and_then(|c| Uuid::parse_str(c).ok()) {
            let found: Option<Uuid> = on_pool!(self, p => {
                sqlx::query_scalar("SELECT id FROM companies WHERE id = $1").bind(id).fetch_optional(p).await?
            });
            if let Some(id) = found {
                return Ok(Some(Tenant::new(CompanyId(id))));
            }
        }
        let found: Option<Uuid> = on_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT company_id FROM subscriptions
                 WHERE ($1 IS NOT NULL AND stripe_subscription_id = $1) OR ($2 IS NOT NULL AND stripe_customer_id = $2)
                 ORDER BY CASE WHEN stripe_subscription_id = $1 THEN 0 ELSE 1 END LIMIT 1")
                .bind(subscription_id).bind(customer_id).fetch_optional(p).await?
        });
        Ok(found.map(|id| Tenant::new(CompanyId(id))))
    }

    /// Marks a webhook event as seen, queuing `mails` in the same transaction.
    /// `Duplicate` when it was seen before: then nothing is queued.
    pub async fn record_stripe_event(
        &self,
        event_id: &str,
        tenant: Option<&Tenant>,
        mails: &[NewMail<'_>],
        now: Timestamp,
    ) -> Result<EventOutcome> {
        let company = tenant.map(|t| t.company_id().0);
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("INSERT INTO stripe_events (event_id, company_id, received_at) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING")
                .bind(event_id).bind(company).bind(to_ms(now)).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(EventOutcome::Duplicate);
            }
            for m in mails {
                insert_mail!(&mut *tx, company, m, now)?;
            }
            tx.commit().await?;
            Ok(EventOutcome::Applied)
        })
    }

    /// `checkout.session.completed`: links the company to its Stripe customer and
    /// subscription. Does not touch status or seats (the subscription events do), and never
    /// replaces a live subscription with another one.
    pub async fn apply_checkout_completed(
        &self,
        event_id: &str,
        t: &Tenant,
        customer_id: &str,
        subscription_id: &str,
        now: Timestamp,
    ) -> Result<EventOutcome> {
        let company = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("INSERT INTO stripe_events (event_id, company_id, received_at) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING")
                .bind(event_id).bind(company).bind(to_ms(now)).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(EventOutcome::Duplicate);
            }
            let existing = sqlx::query("SELECT stripe_subscription_id, status FROM subscriptions WHERE company_id = $1")
                .bind(company).fetch_optional(&mut *tx).await?;
            let outcome = match existing {
                None => {
                    sqlx::query("INSERT INTO subscriptions (company_id, stripe_customer_id, stripe_subscription_id, status, seats, updated_at, last_event_created)
                                 VALUES ($1, $2, $3, 'incomplete', 0, $4, 0)")
                        .bind(company).bind(customer_id).bind(subscription_id).bind(to_ms(now))
                        .execute(&mut *tx).await?;
                    EventOutcome::Applied
                }
                Some(r) => {
                    let sub: Option<String> = r.try_get("stripe_subscription_id")?;
                    let status: String = r.try_get("status")?;
                    if sub.as_deref() == Some(subscription_id) {
                        sqlx::query("UPDATE subscriptions SET stripe_customer_id = $1, updated_at = $2 WHERE company_id = $3")
                            .bind(customer_id).bind(to_ms(now)).bind(company).execute(&mut *tx).await?;
                        EventOutcome::Applied
                    } else if sub.is_none() || terminal(&status) {
                        // A new subscription after the old one ended: start over.
                        sqlx::query("UPDATE subscriptions SET stripe_customer_id = $1, stripe_subscription_id = $2, stripe_item_id = NULL,
                                     status = 'incomplete', seats = 0, current_period_end = NULL, cancel_at_period_end = FALSE,
                                     past_due_since = NULL, updated_at = $3, last_event_created = 0 WHERE company_id = $4")
                            .bind(customer_id).bind(subscription_id).bind(to_ms(now)).bind(company).execute(&mut *tx).await?;
                        EventOutcome::Applied
                    } else {
                        EventOutcome::Stale
                    }
                }
            };
            tx.commit().await?;
            Ok(outcome)
        })
    }

    /// `customer.subscription.created/updated/deleted`, applied only when it is not older
    /// than what is stored (`created` in unix seconds). A subscription that reached a
    /// terminal status (`canceled`) is never revived by a late event for that subscription;
    /// an event for another, older subscription is ignored while the current one is live.
    pub async fn apply_subscription_event(
        &self,
        event_id: &str,
        created: i64,
        t: &Tenant,
        u: &SubscriptionUpdate<'_>,
        now: Timestamp,
    ) -> Result<EventOutcome> {
        let company = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("INSERT INTO stripe_events (event_id, company_id, received_at) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING")
                .bind(event_id).bind(company).bind(to_ms(now)).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(EventOutcome::Duplicate);
            }
            let existing = sqlx::query(&format!("SELECT {COLUMNS} FROM subscriptions WHERE company_id = $1"))
                .bind(company).fetch_optional(&mut *tx).await?;
            let existing = match existing {
                Some(r) => Some(record_from_row!(r)),
                None => None,
            };
            let stale = existing.as_ref().is_some_and(|e| {
                let same = e.subscription_id.as_deref() == Some(u.subscription_id);
                if same {
                    created < e.last_event_created || (terminal(&e.status) && e.last_event_created > 0 && !terminal(u.status))
                } else {
                    // Another subscription: only replaces one that is over, or has no events yet.
                    e.subscription_id.is_some() && !terminal(&e.status) && e.last_event_created > 0 && created <= e.last_event_created
                }
            });
            if stale {
                tx.commit().await?;
                return Ok(EventOutcome::Stale);
            }
            let past_due_since = if u.status == "past_due" {
                existing
                    .as_ref()
                    .filter(|e| e.status == "past_due" && e.subscription_id.as_deref() == Some(u.subscription_id))
                    .and_then(|e| e.past_due_since)
                    .map(to_ms)
                    .or(Some(created.saturating_mul(1000)))
            } else {
                None
            };
            let seats = i64::from(u.seats);
            sqlx::query(
                "INSERT INTO subscriptions (company_id, stripe_customer_id, stripe_subscription_id, stripe_item_id, status, seats,
                     current_period_end, cancel_at_period_end, past_due_since, updated_at, last_event_created)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (company_id) DO UPDATE SET stripe_customer_id = excluded.stripe_customer_id,
                     stripe_subscription_id = excluded.stripe_subscription_id, stripe_item_id = excluded.stripe_item_id,
                     status = excluded.status, seats = excluded.seats, current_period_end = excluded.current_period_end,
                     cancel_at_period_end = excluded.cancel_at_period_end, past_due_since = excluded.past_due_since,
                     updated_at = excluded.updated_at, last_event_created = excluded.last_event_created")
                .bind(company).bind(u.customer_id).bind(u.subscription_id).bind(u.item_id).bind(u.status).bind(seats)
                .bind(u.current_period_end).bind(u.cancel_at_period_end).bind(past_due_since).bind(to_ms(now)).bind(created)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(EventOutcome::Applied)
        })
    }

    /// Records a seat quantity Stripe confirmed (after `set_seat_quantity`), so the next
    /// change gets a fresh idempotency key and the page shows it at once.
    pub async fn set_subscription_seats(
        &self,
        t: &Tenant,
        seats: u32,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("UPDATE subscriptions SET seats = $1, updated_at = $2 WHERE company_id = $3")
                .bind(i64::from(seats)).bind(to_ms(now)).bind(t.company_id().0).execute(p).await?;
        });
        Ok(())
    }
}
