//! The application layer's one error enum. Each variant says what went wrong in terms of
//! the product; the web edge maps each to a status and a page or JSON body exactly once
//! (`web/src/error.rs`), the workers log them.

use domain::ValidationError;
use jiff::Timestamp;
use store::{Shift, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input that does not parse; names the field.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A request the rules refuse, with a sentence for people (not tied to one field).
    #[error("{0}")]
    Rejected(String),
    /// Something with the same identity already exists.
    #[error("{0}")]
    Conflict(String),

    // Accounts.
    #[error("that email or password is not right")]
    BadCredentials,
    #[error("too many attempts")]
    RateLimited { retry_after: u64 },
    /// The company may view and export but not change data (canceled or unpaid); the
    /// message says what to do about it.
    #[error("{0}")]
    ReadOnly(String),
    /// A confirmation password (deleting the account) is not right.
    #[error("the password is not right")]
    WrongPassword,

    // Clocking.
    #[error("that ID code or PIN is not right")]
    WrongCode,
    #[error("too many wrong codes; try again in {retry_after} seconds")]
    Locked { retry_after: u64 },
    #[error("already clocked in since {since}")]
    AlreadyIn { since: Timestamp, shift: Box<Shift> },
    #[error("not clocked in")]
    NotIn,
    #[error("already on a break")]
    AlreadyOnBreak,
    #[error("not on a break")]
    NotOnBreak,

    // Billing and the account's lifecycle.
    #[error("billing is not enabled on this server")]
    BillingOff,
    #[error("the company already has a subscription; use Manage billing to change it")]
    AlreadySubscribed,
    #[error("there is no subscription yet; subscribe first")]
    NoCustomer,
    #[error("the account is not canceled")]
    NotCanceled,
    #[error(
        "Stripe could not be reached or refused the request; nothing was changed, please try again"
    )]
    Stripe(#[source] billing::BillingError),
    #[error("the effective date must be at least {days} days ahead (on or after {earliest})")]
    PolicyTooSoon {
        days: i32,
        earliest: jiff::civil::Date,
    },

    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not serialise a result: {0}")]
    Json(#[from] serde_json::Error),
    #[error("internal error")]
    Internal,
}
