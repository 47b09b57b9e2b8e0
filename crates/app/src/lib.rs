//! OmniTrack's use cases: every action of the product as a plain async method on [`App`]
//! (or a function over it), over the store, the analyzer, billing and the mailer. No HTTP
//! here: the `web` crate parses requests into calls of these and renders what they return;
//! the binary's workers call the same methods on a timer. Errors are one enum, [`Error`],
//! mapped to responses once, at the web edge.
//!
//! Every side effect of an action happens here, not in its callers: the audit entry, the
//! seat count sent to billing, the read cache's generation bump, the mail.

pub mod access;
pub mod accounts;
pub mod audit_log;
pub mod clocking;
pub mod company_profile;
pub mod credentials;
pub mod employees;
mod error;
pub mod exports;
pub mod kiosks;
pub mod lifecycle;
pub mod mail;
pub mod pipeline;
pub mod read_cache;
pub mod reports;
pub mod seat_sync;
pub mod security;
pub mod self_service;
pub mod settings;
pub mod shifts;
pub mod subscriptions;
pub mod summaries;
pub mod tasks;
pub mod time_source;
pub mod two_factor;

pub use accounts::{Client, SignupInput};
pub use error::Error;
pub use mail::{FileMailer, Mail, Mailer, SendError, SendFuture};
pub use time_source::Clock;

use std::sync::Arc;
use url::Url;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the use cases need to know about the deployment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Public URL, used for links in mail.
    pub base_url: Url,
    /// Login / token / reset attempts per IP per 5 minutes.
    pub login_ip_limit: u32,
    /// Failed logins per account per 15 minutes before it is locked for the window.
    pub login_account_limit: u32,
    /// How long a clock-in or -out waits for its analysis before saying it comes later.
    pub analysis_wait: std::time::Duration,
}

impl Config {
    pub fn new(base_url: Url) -> Self {
        Self {
            base_url,
            login_ip_limit: 30,
            login_account_limit: 10,
            analysis_wait: std::time::Duration::from_secs(3),
        }
    }
}

/// The application: what every use case runs over. Cheap to clone (everything inside is an
/// `Arc` or a pool).
#[derive(Clone)]
pub struct App {
    pub store: store::Store,
    pub config: Arc<Config>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Clock,
    /// Standup checks, report extraction and weekly summaries.
    pub analyzer: analysis::Analyzer,
    /// Stripe, when `STRIPE_SECRET_KEY` is set (its config holds the webhook secret);
    /// `None`: billing off, unlimited seats. See [`subscriptions`].
    pub billing: Option<Arc<billing::StripeClient>>,
    /// The data dir (company files live under `companies/{id}/`).
    pub data_dir: std::path::PathBuf,
    /// Computed boards and timesheets; writers call `bump()` (see [`read_cache`]).
    pub read_cache: read_cache::ReadCache,
    /// Exports running at once (see [`exports::slots`]).
    pub exports: exports::slots::ExportSlots,
}
