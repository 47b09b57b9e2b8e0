//! What a company may do now, and the notice that says so on every signed-in page.
//!
//! * Canceled account: read-only until the purge (reactivate in Settings → Account).
//! * Billing on, subscribed: the subscription status decides ([`::billing::access`]).
//! * Billing on, not subscribed: the free trial ([`::billing::trial_phase`]): 14 days of
//!   full access from sign-up (companies older than trials: from migration 0011); then
//!   changes are refused while clocking goes on for a grace week, with a notice at the
//!   clock so nobody there is locked out unwarned; then read-only, clocking included.
//! * Billing off: only a canceled account is restricted.
//!
//! Read-only means everything can be viewed and exported and nothing changed; paying,
//! cancelling, reactivating and deleting stay possible.

use crate::subscriptions::{day, unix};
use crate::{App, Error};
use ::billing::{Access, SubscriptionStatus, TrialPhase};
use jiff::{SignedDuration, Timestamp};
use store::{Company, StoreError, Tenant};

/// A notice for every signed-in page: what is wrong (or coming) and where to act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNotice {
    pub text: String,
    /// Where an owner fixes it.
    pub href: &'static str,
    pub action: &'static str,
    /// Something is refused now (not just coming).
    pub urgent: bool,
}

/// Why a company may not change data.
struct Restriction {
    message: String,
    /// An ended trial keeps the clock running for its grace week.
    clocking_allowed: bool,
    /// For the people at the clock, during that week.
    clock_notice: Option<String>,
    href: &'static str,
    action: &'static str,
}

/// The trial's end: set for companies older than trials, else [`::billing::TRIAL_SECS`]
/// after sign-up.
fn trial_ends_at(c: &Company) -> Timestamp {
    c.trial_ends_at.unwrap_or_else(|| {
        c.created_at
            .checked_add(SignedDuration::from_secs(::billing::TRIAL_SECS))
            .unwrap_or(c.created_at)
    })
}

/// A company that has not subscribed: the trial rule ([`::billing::trial_phase`]).
fn trial_restriction(c: &Company, now: i64) -> Option<Restriction> {
    let end = trial_ends_at(c);
    let grace_end = end
        .checked_add(SignedDuration::from_secs(::billing::TRIAL_CLOCK_GRACE_SECS))
        .unwrap_or(end);
    let (message, clocking_allowed) = match ::billing::trial_phase(end.as_second(), now) {
        TrialPhase::Running => return None,
        TrialPhase::ClockingGrace => (
            format!(
                "The free trial ended on {}. Adding employees and changing data now needs a subscription; an owner can subscribe in Billing. Employees can still clock in and out until {}.",
                day(end),
                day(grace_end)
            ),
            true,
        ),
        TrialPhase::Over => (
            format!(
                "The free trial ended on {}: data can be viewed and exported, but nothing new can be recorded (clocking included) until an owner subscribes in Billing.",
                day(end)
            ),
            false,
        ),
    };
    Some(Restriction {
        message,
        clocking_allowed,
        clock_notice: clocking_allowed.then(|| {
            format!(
                "Clocking in and out here stops on {} unless the company subscribes to OmniTrack. Please tell your manager.",
                day(grace_end)
            )
        }),
        href: "/billing",
        action: "Subscribe in Billing",
    })
}

impl App {
    /// Whether the company may change data now (see the module docs).
    pub async fn write_allowed(&self, t: &Tenant) -> Result<bool, StoreError> {
        Ok(self.restriction(t).await?.is_none())
    }

    /// `Err(Error::ReadOnly)` with a message for people when the company may not change data.
    pub async fn ensure_writable(&self, t: &Tenant) -> Result<(), Error> {
        match self.restriction(t).await? {
            None => Ok(()),
            Some(r) => Err(Error::ReadOnly(r.message)),
        }
    }

    /// Like [`App::ensure_writable`] for clocking in and out, which an ended trial still
    /// allows during its grace week (the people at the clock cannot subscribe).
    pub async fn ensure_clock_writable(&self, t: &Tenant) -> Result<(), Error> {
        match self.restriction(t).await? {
            Some(r) if !r.clocking_allowed => Err(Error::ReadOnly(r.message)),
            _ => Ok(()),
        }
    }

    /// What the kiosk and clock links tell employees while an ended trial's grace week runs
    /// (they cannot subscribe, but they should not be surprised when the clock stops).
    pub async fn clock_notice(&self, t: &Tenant) -> Result<Option<String>, StoreError> {
        Ok(match self.restriction(t).await? {
            Some(r) if r.clocking_allowed => r.clock_notice,
            _ => None,
        })
    }

    /// The notice every signed-in page shows: why the account is restricted and what to
    /// do, or how long the free trial still runs. `None` when all is well.
    pub async fn account_notice(&self, t: &Tenant) -> Result<Option<AccountNotice>, StoreError> {
        if let Some(r) = self.restriction(t).await? {
            return Ok(Some(AccountNotice {
                text: r.message,
                href: r.href,
                action: r.action,
                urgent: true,
            }));
        }
        Ok(self.trial_end(t).await?.map(|end| {
            let days_left = (end.as_second() - unix(self.clock.now()) + 86_399) / 86_400;
            AccountNotice {
                text: format!(
                    "Free trial: {days_left} {} left (until {}). Subscribe before it ends to keep adding employees and changing data.",
                    if days_left == 1 { "day" } else { "days" },
                    day(end)
                ),
                href: "/billing",
                action: "Subscribe in Billing",
                urgent: false,
            }
        }))
    }

    /// The end of the free trial, while a company without a subscription is in it.
    async fn trial_end(&self, t: &Tenant) -> Result<Option<Timestamp>, StoreError> {
        if self.billing.is_none() || self.store.subscription(t).await?.is_some() {
            return Ok(None);
        }
        let end = trial_ends_at(&self.store.company(t).await?);
        Ok((self.clock.now() < end).then_some(end))
    }

    async fn restriction(&self, t: &Tenant) -> Result<Option<Restriction>, StoreError> {
        let company = self.store.company(t).await?;
        if company.status != "active" {
            let until = company.purge_at.map(day).unwrap_or_default();
            return Ok(Some(Restriction {
                message: format!(
                    "This account is canceled: its data can be viewed and exported until {until}, but not changed. An owner can reactivate it in Settings → Account."
                ),
                clocking_allowed: false,
                clock_notice: None,
                href: "/settings/account",
                action: "Reactivate in Settings → Account",
            }));
        }
        if self.billing.is_none() {
            return Ok(None);
        }
        let now = unix(self.clock.now());
        let Some(sub) = self.store.subscription(t).await? else {
            return Ok(trial_restriction(&company, now));
        };
        let status = SubscriptionStatus::from_stripe(&sub.status);
        Ok(
            match ::billing::access(status, sub.past_due_since.map(unix), now) {
                Access::Full => None,
                Access::ReadOnly => Some(Restriction {
                    message: format!(
                        "The subscription is {}: data can be viewed and exported, but changes need a paid subscription. An owner can fix this in Billing.",
                        status.as_str().replace('_', " ")
                    ),
                    clocking_allowed: false,
                    clock_notice: None,
                    href: "/billing",
                    action: "Open Billing",
                }),
            },
        )
    }
}
