use crate::{Clock, Mailer};
use std::sync::Arc;
use store::{SessionPolicy, Store};
use url::Url;

/// What the web layer needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Public URL, used for links in mail and for the Origin check.
    pub base_url: Url,
    /// Trust `X-Forwarded-For` for the client IP (only behind a proxy you control).
    pub trust_proxy: bool,
    pub session: SessionPolicy,
    /// Login / token attempts per IP per 5 minutes.
    pub login_ip_limit: u32,
    /// Failed logins per account per 15 minutes before it is locked for the window.
    pub login_account_limit: u32,
    /// How long the kiosk waits for the standup check before saying it comes later.
    pub analysis_wait: std::time::Duration,
}

impl WebConfig {
    pub fn new(base_url: Url) -> Self {
        Self {
            base_url,
            trust_proxy: false,
            session: SessionPolicy::default(),
            login_ip_limit: 30,
            login_account_limit: 10,
            analysis_wait: std::time::Duration::from_secs(3),
        }
    }

    /// Cookies get `Secure` and responses get HSTS when the public URL is https.
    pub fn https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// `scheme://host[:port]` of the public URL, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }
}

/// Shared by every handler. Cheap to clone (everything inside is an `Arc` or a pool).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Clock,
    /// Standup checks, report extraction and weekly summaries.
    pub analyzer: analysis::Analyzer,
    /// Stripe, when `STRIPE_SECRET_KEY` is set (its config holds the webhook secret);
    /// `None`: billing off, unlimited seats. See [`crate::billing`].
    pub billing: Option<Arc<billing::StripeClient>>,
    /// The data dir (company files live under `companies/{id}/`).
    pub data_dir: std::path::PathBuf,
    /// Computed boards and timesheets; writers call `bump()` (see [`crate::read_cache`]).
    pub read_cache: crate::read_cache::ReadCache,
}
