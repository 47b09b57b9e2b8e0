//! Subscription status and what it grants. Pure: the caller supplies the clock and remembers
//! when a subscription went `past_due`.

use serde::{Deserialize, Serialize};

/// How long a `past_due` company keeps full access while Stripe retries the card.
pub const PAST_DUE_GRACE_SECS: i64 = 7 * 24 * 60 * 60;

/// Stripe's subscription `status`. Statuses added by Stripe later parse as `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    Trialing,
    Active,
    PastDue,
    Canceled,
    Unpaid,
    Incomplete,
    IncompleteExpired,
    Paused,
    #[serde(other)]
    Unknown,
}

impl SubscriptionStatus {
    /// Parses Stripe's string (also what [`as_str`](Self::as_str) stores).
    pub fn from_stripe(s: &str) -> Self {
        match s {
            "trialing" => Self::Trialing,
            "active" => Self::Active,
            "past_due" => Self::PastDue,
            "canceled" => Self::Canceled,
            "unpaid" => Self::Unpaid,
            "incomplete" => Self::Incomplete,
            "incomplete_expired" => Self::IncompleteExpired,
            "paused" => Self::Paused,
            _ => Self::Unknown,
        }
    }

    /// Stripe's spelling, stable for storing in a database column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Canceled => "canceled",
            Self::Unpaid => "unpaid",
            Self::Incomplete => "incomplete",
            Self::IncompleteExpired => "incomplete_expired",
            Self::Paused => "paused",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for SubscriptionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a company may do in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Everything, including clocking in and adding employees.
    Full,
    /// Data stays visible and exportable; nothing new is recorded.
    ReadOnly,
}

/// Access for a subscription status.
///
/// | status | access |
/// |---|---|
/// | `trialing`, `active` | Full |
/// | `past_due` | Full for [`PAST_DUE_GRACE_SECS`] (7 days) after `past_due_since`, then ReadOnly |
/// | `incomplete` | Full: the first payment is being confirmed (3-D Secure); Stripe moves it to `active` or, after 23 h, `incomplete_expired` |
/// | `canceled`, `unpaid`, `incomplete_expired`, `paused` | ReadOnly (nothing is being paid) |
/// | `unknown` | Full: a status Stripe adds later must not lock paying customers out |
///
/// `past_due_since` is the unix time the caller first saw `past_due` (e.g. the `created` of
/// that webhook event); `None` means "not recorded yet" and counts as just now, so the grace
/// starts rather than being skipped.
pub fn access(status: SubscriptionStatus, past_due_since: Option<i64>, now: i64) -> Access {
    use SubscriptionStatus::*;
    match status {
        Trialing | Active | Incomplete | Unknown => Access::Full,
        PastDue => {
            let since = past_due_since.unwrap_or(now);
            if now.saturating_sub(since) <= PAST_DUE_GRACE_SECS {
                Access::Full
            } else {
                Access::ReadOnly
            }
        }
        Canceled | Unpaid | IncompleteExpired | Paused => Access::ReadOnly,
    }
}

#[cfg(test)]
mod tests {
    use super::SubscriptionStatus::*;
    use super::*;

    const NOW: i64 = 1_700_000_000;
    const DAY: i64 = 24 * 60 * 60;

    #[test]
    fn paying_statuses_get_full_access() {
        for s in [Trialing, Active, Incomplete, Unknown] {
            assert_eq!(access(s, None, NOW), Access::Full, "{s}");
            assert_eq!(access(s, Some(NOW - 100 * DAY), NOW), Access::Full, "{s}");
        }
    }

    #[test]
    fn unpaid_statuses_are_read_only() {
        for s in [Canceled, Unpaid, IncompleteExpired, Paused] {
            assert_eq!(access(s, None, NOW), Access::ReadOnly, "{s}");
        }
    }

    #[test]
    fn past_due_grace_is_seven_days() {
        assert_eq!(access(PastDue, None, NOW), Access::Full);
        assert_eq!(access(PastDue, Some(NOW), NOW), Access::Full);
        assert_eq!(access(PastDue, Some(NOW - 6 * DAY), NOW), Access::Full);
        assert_eq!(access(PastDue, Some(NOW - 7 * DAY), NOW), Access::Full);
        assert_eq!(
            access(PastDue, Some(NOW - 7 * DAY - 1), NOW),
            Access::ReadOnly
        );
        // A clock that went backwards is not held against the customer.
        assert_eq!(access(PastDue, Some(NOW + DAY), NOW), Access::Full);
        assert_eq!(access(PastDue, Some(i64::MIN), i64::MAX), Access::ReadOnly);
        assert_eq!(access(PastDue, Some(i64::MAX), i64::MIN), Access::Full);
    }

    #[test]
    fn status_strings_round_trip() {
        for s in [
            Trialing,
            Active,
            PastDue,
            Canceled,
            Unpaid,
            Incomplete,
            IncompleteExpired,
            Paused,
        ] {
            assert_eq!(SubscriptionStatus::from_stripe(s.as_str()), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(
                serde_json::from_str::<SubscriptionStatus>(&json).unwrap(),
                s
            );
        }
        assert_eq!(SubscriptionStatus::from_stripe("brand_new"), Unknown);
        assert_eq!(
            serde_json::from_str::<SubscriptionStatus>("\"brand_new\"").unwrap(),
            Unknown
        );
    }
}
