//! Typed webhook events. Only what OmniTrack acts on is typed; everything else is `Other`,
//! which the caller acknowledges (2xx) and ignores.
//!
//! Payloads are rendered in the webhook endpoint's API version, which may differ from
//! [`crate::STRIPE_API_VERSION`], so fields Stripe moved are read from both places.

use serde::Deserialize;

use crate::error::BillingError;
use crate::status::SubscriptionStatus;
use crate::subscription::{Expandable, RawSubscription, Subscription};

/// A verified, parsed Stripe event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// `evt_...`: deduplicate on it; Stripe delivers at least once.
    pub id: String,
    /// Unix seconds when Stripe created the event. Events arrive out of order: compare this
    /// with what you stored before applying a state change.
    pub created: i64,
    /// False for test-mode events.
    pub livemode: bool,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// `checkout.session.completed` for a subscription checkout started by
    /// [`crate::StripeClient::create_checkout_session`]: link the company to its customer and
    /// subscription. (Sessions without a `client_reference_id` or a subscription, e.g. from a
    /// payment link, come out as `Other`.)
    CheckoutCompleted {
        /// The session's `client_reference_id`.
        company_id: String,
        customer_id: String,
        subscription_id: String,
    },
    /// `customer.subscription.created`, `.updated` and `.deleted`.
    SubscriptionChanged {
        /// `metadata.company_id` of the subscription, when set.
        company_id: Option<String>,
        customer_id: String,
        subscription_id: String,
        status: SubscriptionStatus,
        /// `items.data[0].quantity`.
        seats: u32,
        /// `items.data[0].id`.
        item_id: Option<String>,
        /// `items.data[0].price.id`.
        price_id: Option<String>,
        /// From the subscription or (2025-03-31.basil and later) its first item.
        current_period_end: Option<i64>,
        cancel_at_period_end: bool,
        /// True for `customer.subscription.deleted` (the subscription is over for good).
        deleted: bool,
    },
    /// `invoice.paid`.
    InvoicePaid {
        invoice_id: String,
        customer_id: String,
        subscription_id: Option<String>,
        /// In the currency's smallest unit (cents).
        amount_paid: i64,
        /// Lowercase ISO code, e.g. `eur`.
        currency: String,
        hosted_invoice_url: Option<String>,
    },
    /// `invoice.payment_failed`: tell the admin; access follows the subscription status.
    InvoicePaymentFailed {
        invoice_id: String,
        customer_id: String,
        subscription_id: Option<String>,
        /// In the currency's smallest unit (cents).
        amount_due: i64,
        currency: String,
        /// Where the customer can pay by hand.
        hosted_invoice_url: Option<String>,
        attempt_count: u32,
        /// When Stripe retries next; `None` when it has given up.
        next_payment_attempt: Option<i64>,
    },
    /// Any other event type, by name.
    Other(String),
}

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    created: i64,
    #[serde(default)]
    livemode: bool,
    #[serde(rename = "type")]
    kind: String,
    data: RawData,
}

#[derive(Deserialize)]
struct RawData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct RawCheckoutSession {
    id: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    client_reference_id: Option<String>,
    #[serde(default)]
    customer: Option<Expandable>,
    #[serde(default)]
    subscription: Option<Expandable>,
}

#[derive(Deserialize)]
struct RawInvoice {
    id: String,
    #[serde(default)]
    customer: Option<Expandable>,
    /// Before 2025-03-31.basil.
    #[serde(default)]
    subscription: Option<Expandable>,
    /// 2025-03-31.basil and later: `parent.subscription_details.subscription`.
    #[serde(default)]
    parent: Option<RawInvoiceParent>,
    #[serde(default)]
    amount_paid: i64,
    #[serde(default)]
    amount_due: i64,
    currency: String,
    #[serde(default)]
    hosted_invoice_url: Option<String>,
    #[serde(default)]
    attempt_count: Option<u32>,
    #[serde(default)]
    next_payment_attempt: Option<i64>,
}

#[derive(Deserialize)]
struct RawInvoiceParent {
    #[serde(default)]
    subscription_details: Option<RawSubscriptionDetails>,
}

#[derive(Deserialize)]
struct RawSubscriptionDetails {
    #[serde(default)]
    subscription: Option<Expandable>,
}

impl RawInvoice {
    fn subscription_id(&mut self) -> Option<String> {
        self.subscription
            .take()
            .map(Expandable::into_id)
            .or_else(|| {
                self.parent
                    .take()
                    .and_then(|p| p.subscription_details)
                    .and_then(|d| d.subscription)
                    .map(Expandable::into_id)
            })
    }

    fn customer_id(&mut self) -> Result<String, BillingError> {
        self.customer
            .take()
            .map(Expandable::into_id)
            .ok_or_else(|| BillingError::Decode(format!("invoice {} has no customer", self.id)))
    }
}

fn object<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    event_type: &str,
) -> Result<T, BillingError> {
    serde_json::from_value(value)
        .map_err(|e| BillingError::Decode(format!("{event_type} object: {e}")))
}

/// Parses a webhook body into an [`Event`]. Call only after
/// [`crate::verify_signature`] accepted the same bytes.
///
/// `Err(Decode)` means the JSON is not an event, or an event we type is missing a field we
/// need; unknown event types are never an error.
pub fn parse_event(raw_body: &[u8]) -> Result<Event, BillingError> {
    let raw: RawEvent = serde_json::from_slice(raw_body)
        .map_err(|e| BillingError::Decode(format!("event: {e}")))?;
    let event_type = raw.kind.as_str();
    let kind = match event_type {
        "checkout.session.completed" => {
            let s: RawCheckoutSession = object(raw.data.object, event_type)?;
            match (
                s.mode.as_deref(),
                s.client_reference_id.filter(|c| !c.is_empty()),
                s.customer,
                s.subscription,
            ) {
                (Some("subscription"), Some(company_id), Some(customer), Some(subscription)) => {
                    EventKind::CheckoutCompleted {
                        company_id,
                        customer_id: customer.into_id(),
                        subscription_id: subscription.into_id(),
                    }
                }
                _ => {
                    tracing::warn!(event = %raw.id, session = %s.id, "checkout session not started by OmniTrack; ignored");
                    EventKind::Other(raw.kind.clone())
                }
            }
        }
        "customer.subscription.created"
        | "customer.subscription.updated"
        | "customer.subscription.deleted" => {
            let sub: RawSubscription = object(raw.data.object, event_type)?;
            let sub = Subscription::try_from(sub)?;
            EventKind::SubscriptionChanged {
                company_id: sub.company_id,
                customer_id: sub.customer_id,
                subscription_id: sub.id,
                status: sub.status,
                seats: sub.seats,
                item_id: sub.item_id,
                price_id: sub.price_id,
                current_period_end: sub.current_period_end,
                cancel_at_period_end: sub.cancel_at_period_end,
                deleted: event_type == "customer.subscription.deleted",
            }
        }
        "invoice.paid" => {
            let mut inv: RawInvoice = object(raw.data.object, event_type)?;
            EventKind::InvoicePaid {
                customer_id: inv.customer_id()?,
                subscription_id: inv.subscription_id(),
                invoice_id: inv.id,
                amount_paid: inv.amount_paid,
                currency: inv.currency,
                hosted_invoice_url: inv.hosted_invoice_url,
            }
        }
        "invoice.payment_failed" => {
            let mut inv: RawInvoice = object(raw.data.object, event_type)?;
            EventKind::InvoicePaymentFailed {
                customer_id: inv.customer_id()?,
                subscription_id: inv.subscription_id(),
                invoice_id: inv.id,
                amount_due: inv.amount_due,
                currency: inv.currency,
                hosted_invoice_url: inv.hosted_invoice_url,
                attempt_count: inv.attempt_count.unwrap_or(0),
                next_payment_attempt: inv.next_payment_attempt,
            }
        }
        _ => EventKind::Other(raw.kind.clone()),
    };
    Ok(Event {
        id: raw.id,
        created: raw.created,
        livemode: raw.livemode,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use SubscriptionStatus::*;

    fn fixture(name: &str) -> &'static [u8] {
        match name {
            "checkout" => include_bytes!("../tests/fixtures/checkout_session_completed.json"),
            "sub_updated" => include_bytes!("../tests/fixtures/subscription_updated_2024.json"),
            "sub_created_basil" => {
                include_bytes!("../tests/fixtures/subscription_created_basil.json")
            }
            "sub_deleted" => include_bytes!("../tests/fixtures/subscription_deleted.json"),
            "invoice_paid" => include_bytes!("../tests/fixtures/invoice_paid.json"),
            "invoice_failed" => {
                include_bytes!("../tests/fixtures/invoice_payment_failed_basil.json")
            }
            "customer_created" => include_bytes!("../tests/fixtures/customer_created.json"),
            _ => panic!("no fixture {name}"),
        }
    }

    #[test]
    fn checkout_completed() {
        let e = parse_event(fixture("checkout")).unwrap();
        assert_eq!(e.id, "evt_1PWmJ3LkdIwHu7ix0yBjnHjM");
        assert_eq!(e.created, 1_719_400_000);
        assert!(!e.livemode);
        assert_eq!(
            e.kind,
            EventKind::CheckoutCompleted {
                company_id: "company_42".into(),
                customer_id: "cus_QNz1ZtXbYq8yAa".into(),
                subscription_id: "sub_1PWmJ1LkdIwHu7ixZ3kR4YtU".into(),
            }
        );
    }

    #[test]
    fn checkout_not_ours_is_other() {
        let body = br#"{"id":"evt_1","created":1,"type":"checkout.session.completed",
            "data":{"object":{"id":"cs_1","object":"checkout.session","mode":"payment",
            "client_reference_id":null,"customer":null,"subscription":null}}}"#;
        assert_eq!(
            parse_event(body).unwrap().kind,
            EventKind::Other("checkout.session.completed".into())
        );
    }

    #[test]
    fn subscription_updated_pre_basil_reads_period_from_subscription() {
        let e = parse_event(fixture("sub_updated")).unwrap();
        assert_eq!(
            e.kind,
            EventKind::SubscriptionChanged {
                company_id: Some("company_42".into()),
                customer_id: "cus_QNz1ZtXbYq8yAa".into(),
                subscription_id: "sub_1PWmJ1LkdIwHu7ixZ3kR4YtU".into(),
                status: PastDue,
                seats: 12,
                item_id: Some("si_QNz1Pq0vWcR9xK".into()),
                price_id: Some("price_1PAbCdLkdIwHu7ixSeat0001".into()),
                current_period_end: Some(1_722_078_360),
                cancel_at_period_end: false,
                deleted: false,
            }
        );
    }

    #[test]
    fn subscription_created_basil_reads_period_from_item() {
        let e = parse_event(fixture("sub_created_basil")).unwrap();
        assert!(e.livemode);
        let EventKind::SubscriptionChanged {
            status,
            seats,
            current_period_end,
            company_id,
            deleted,
            ..
        } = e.kind
        else {
            panic!("wrong kind {:?}", e.kind);
        };
        assert_eq!(status, Trialing);
        assert_eq!(seats, 3);
        assert_eq!(current_period_end, Some(1_747_591_990));
        assert_eq!(company_id.as_deref(), Some("company_7"));
        assert!(!deleted);
    }

    #[test]
    fn subscription_deleted_with_expanded_customer_and_bare_price() {
        let e = parse_event(fixture("sub_deleted")).unwrap();
        let EventKind::SubscriptionChanged {
            status,
            deleted,
            customer_id,
            company_id,
            price_id,
            ..
        } = e.kind
        else {
            panic!("wrong kind {:?}", e.kind);
        };
        assert_eq!(status, Canceled);
        assert!(deleted);
        assert_eq!(customer_id, "cus_QNz1ZtXbYq8yAa");
        assert_eq!(company_id, None);
        assert_eq!(price_id.as_deref(), Some("price_1PAbCdLkdIwHu7ixSeat0001"));
    }

    #[test]
    fn invoice_paid_pre_basil() {
        let e = parse_event(fixture("invoice_paid")).unwrap();
        assert_eq!(
            e.kind,
            EventKind::InvoicePaid {
                invoice_id: "in_1PWmJ1LkdIwHu7ixR0aXoOe3".into(),
                customer_id: "cus_QNz1ZtXbYq8yAa".into(),
                subscription_id: Some("sub_1PWmJ1LkdIwHu7ixZ3kR4YtU".into()),
                amount_paid: 3600,
                currency: "eur".into(),
                hosted_invoice_url: Some(
                    "https://invoice.stripe.com/i/acct_1Nv0FGLkdIwHu7ix/test_YWNjdF8xTnYwRkc"
                        .into()
                ),
            }
        );
    }

    #[test]
    fn invoice_payment_failed_basil_reads_subscription_from_parent() {
        let e = parse_event(fixture("invoice_failed")).unwrap();
        assert_eq!(
            e.kind,
            EventKind::InvoicePaymentFailed {
                invoice_id: "in_1RCd4dLkdIwHu7ixBasilInv2".into(),
                customer_id: "cus_S5x9BasilCust".into(),
                subscription_id: Some("sub_1RBc3cLkdIwHu7ixBasil001".into()),
                amount_due: 1200,
                currency: "usd".into(),
                hosted_invoice_url: Some(
                    "https://invoice.stripe.com/i/acct_1Nv0FGLkdIwHu7ix/live_YmFzaWw".into()
                ),
                attempt_count: 2,
                next_payment_attempt: Some(1_747_851_200),
            }
        );
    }

    #[test]
    fn other_events_by_name() {
        let e = parse_event(fixture("customer_created")).unwrap();
        assert_eq!(e.kind, EventKind::Other("customer.created".into()));
    }

    #[test]
    fn unknown_status_and_missing_items_do_not_fail() {
        let body = br#"{"id":"evt_2","created":5,"type":"customer.subscription.updated",
            "data":{"object":{"id":"sub_2","customer":"cus_2","status":"brand_new_status",
            "metadata":{"company_id":""},"items":{"object":"list","data":[]}}}}"#;
        let e = parse_event(body).unwrap();
        let EventKind::SubscriptionChanged {
            status,
            seats,
            item_id,
            company_id,
            current_period_end,
            ..
        } = e.kind
        else {
            panic!("wrong kind");
        };
        assert_eq!(status, Unknown);
        assert_eq!(seats, 0);
        assert_eq!(item_id, None);
        assert_eq!(company_id, None);
        assert_eq!(current_period_end, None);
    }

    #[test]
    fn broken_bodies_are_decode_errors() {
        for body in [
            &b""[..],
            b"not json",
            b"[]",
            b"{}",
            br#"{"id":"evt","created":1,"type":"invoice.paid","data":{"object":{}}}"#,
            br#"{"id":"evt","created":1,"type":"invoice.paid","data":{"object":{"id":"in_1","currency":"eur"}}}"#,
            br#"{"id":"evt","created":1,"type":"customer.subscription.updated","data":{"object":{"id":"sub","status":"active"}}}"#,
            br#"{"id":"evt","created":"yesterday","type":"x","data":{"object":{}}}"#,
        ] {
            assert!(
                matches!(parse_event(body), Err(BillingError::Decode(_))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn truncated_fixtures_never_panic() {
        for name in [
            "checkout",
            "sub_updated",
            "sub_created_basil",
            "sub_deleted",
            "invoice_paid",
            "invoice_failed",
        ] {
            let body = fixture(name);
            for cut in 0..body.len() {
                let _ = parse_event(&body[..cut]);
            }
        }
    }
}
