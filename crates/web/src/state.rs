//! What every handler gets: the application ([`app::App`], whose use cases handlers call)
//! and what only the HTTP edge needs to know.

use crate::views::timesheet::{TeamView, TimesheetKey};
use app::read_cache::Memo;
use app::App;
use std::sync::Arc;
use store::SessionPolicy;
use url::Url;

/// What the web layer needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Public URL: the origin the Origin check expects, and https for `Secure` cookies.
    pub base_url: Url,
    /// Which peers' `X-Forwarded-For` is believed (see [`crate::middleware::client_ip`]).
    pub proxies: crate::middleware::trusted_proxies::TrustedProxies,
    pub session: SessionPolicy,
    /// The operator's address for privacy questions and data requests, on the privacy page.
    pub privacy_contact: domain::Email,
}

impl WebConfig {
    pub fn new(base_url: Url, privacy_contact: domain::Email) -> Self {
        Self {
            base_url,
            privacy_contact,
            proxies: Default::default(),
            session: SessionPolicy::default(),
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

/// Shared by every handler. Cheap to clone: axum clones the state for every middleware
/// and extractor of every request, so the [`App`] (a dozen `Arc`s and a path) sits behind
/// one `Arc` — one counter to bump instead of a dozen and an allocation. It dereferences to
/// [`App`], so a handler calls a use case as `state.clock_in(…)` and reads `state.store` /
/// `state.clock` directly.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
    pub config: Arc<WebConfig>,
    /// Rendered team timesheets, kept under the app's read-cache generation (see
    /// [`app::read_cache`]); they are HTML, so they live at the edge.
    pub timesheets: Arc<Memo<TimesheetKey, TeamView>>,
}

impl AppState {
    pub fn new(app: App, config: WebConfig) -> Self {
        Self {
            app: Arc::new(app),
            config: Arc::new(config),
            timesheets: Arc::default(),
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}
