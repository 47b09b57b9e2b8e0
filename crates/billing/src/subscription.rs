//! The parts of Stripe objects we read, shared by API answers and webhook events. Parsing is
//! lenient about fields Stripe moved between API versions and strict about ids we need.

use serde::Deserialize;

use crate::error::BillingError;
use crate::status::SubscriptionStatus;

/// A subscription as OmniTrack sees it: one per-seat item, and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// `sub_...`
    pub id: String,
    /// `cus_...`
    pub customer_id: String,
    /// `metadata.company_id`, set through checkout's `subscription_data[metadata][company_id]`.
    pub company_id: Option<String>,
    pub status: SubscriptionStatus,
    /// `items.data[0].quantity` (0 when absent).
    pub seats: u32,
    /// `items.data[0].id` (`si_...`): what [`crate::StripeClient::set_seat_quantity`] takes.
    pub item_id: Option<String>,
    /// `items.data[0].price.id`, to tell our per-seat price from anything else.
    pub price_id: Option<String>,
    /// End of the paid period (unix seconds). Read from the subscription (API versions
    /// before 2025-03-31) or from its first item (2025-03-31.basil and later).
    pub current_period_end: Option<i64>,
    /// The customer asked to cancel at the end of the period (status is still `active`).
    pub cancel_at_period_end: bool,
}

/// A field that is an id string, or the object when expanded.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Expandable {
    Id(String),
    Object { id: String },
}

impl Expandable {
    pub(crate) fn into_id(self) -> String {
        match self {
            Expandable::Id(id) | Expandable::Object { id } => id,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct RawList<T> {
    #[serde(default = "Vec::new")]
    pub(crate) data: Vec<T>,
}

#[derive(Deserialize)]
pub(crate) struct RawItem {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) quantity: Option<u64>,
    #[serde(default)]
    pub(crate) current_period_end: Option<i64>,
    #[serde(default)]
    pub(crate) price: Option<Expandable>,
    #[serde(default)]
    pub(crate) subscription: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct RawSubscription {
    id: String,
    #[serde(default)]
    customer: Option<Expandable>,
    status: String,
    #[serde(default)]
    metadata: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    items: Option<RawList<RawItem>>,
    #[serde(default)]
    current_period_end: Option<i64>,
    #[serde(default)]
    cancel_at_period_end: Option<bool>,
}

pub(crate) fn seats_from(quantity: Option<u64>) -> u32 {
    // A quantity beyond u32 is absurd for seats; clamp rather than fail the whole event.
    quantity.map_or(0, |q| u32::try_from(q).unwrap_or(u32::MAX))
}

impl TryFrom<RawSubscription> for Subscription {
    type Error = BillingError;

    fn try_from(raw: RawSubscription) -> Result<Self, BillingError> {
        let customer_id = raw.customer.map(Expandable::into_id).ok_or_else(|| {
            BillingError::Decode(format!("subscription {} has no customer", raw.id))
        })?;
        let status = SubscriptionStatus::from_stripe(&raw.status);
        if status == SubscriptionStatus::Unknown {
            tracing::warn!(subscription = %raw.id, status = %raw.status, "unknown Stripe subscription status");
        }
        let company_id = raw
            .metadata
            .as_ref()
            .and_then(|m| m.get("company_id"))
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let first = raw.items.and_then(|l| l.data.into_iter().next());
        let current_period_end = raw
            .current_period_end
            .or_else(|| first.as_ref().and_then(|i| i.current_period_end));
        Ok(Subscription {
            id: raw.id,
            customer_id,
            company_id,
            status,
            seats: seats_from(first.as_ref().and_then(|i| i.quantity)),
            price_id: first
                .as_ref()
                .and_then(|i| i.price.as_ref())
                .map(|p| match p {
                    Expandable::Id(id) | Expandable::Object { id } => id.clone(),
                }),
            item_id: first.map(|i| i.id),
            current_period_end,
            cancel_at_period_end: raw.cancel_at_period_end.unwrap_or(false),
        })
    }
}

/// A subscription item after a quantity change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionItem {
    /// `si_...`
    pub id: String,
    /// `sub_...`, when Stripe includes it (it does on update).
    pub subscription_id: Option<String>,
    pub quantity: u32,
}

impl From<RawItem> for SubscriptionItem {
    fn from(raw: RawItem) -> Self {
        SubscriptionItem {
            id: raw.id,
            subscription_id: raw.subscription,
            quantity: seats_from(raw.quantity),
        }
    }
}
