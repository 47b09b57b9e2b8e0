use crate::Config;
use app::{App, Clock, FileMailer, Mailer};
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::Arc;
use store::Store;
use web::{AppState, WebConfig};

/// A built, migrated, bound application, ready to [`run`](Application::run).
pub struct Application {
    listener: std::net::TcpListener,
    app: App,
    web: WebConfig,
    tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

impl Application {
    /// Connects to the database, migrates it, and binds the listener (port 0 picks a free
    /// port — what tests do).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Clock::system()).await
    }

    pub async fn build_with_clock(config: Config, clock: Clock) -> anyhow::Result<Self> {
        let store = Store::connect(config.database_url.expose_secret()).await?;
        store.migrate().await?;
        Self::build_with_store(config, store, clock).await
    }

    pub async fn build_with_store(
        config: Config,
        store: Store,
        clock: Clock,
    ) -> anyhow::Result<Self> {
        let listener = std::net::TcpListener::bind(config.bind)?;
        listener.set_nonblocking(true)?;
        let mut base_url = config.base_url.clone();
        // With port 0 the real port is known only now.
        if config.bind.port() == 0 && base_url.port() == Some(0) {
            let _ = base_url.set_port(Some(listener.local_addr()?.port()));
        }
        let mut web = WebConfig::new(base_url.clone(), config.privacy_contact.clone());
        web.proxies = config.proxies.clone();
        let mut app_config = app::Config::new(base_url);
        if let Some(wait) = config.analysis_wait {
            app_config.analysis_wait = wait;
        }
        let mailer: Arc<dyn Mailer> = match &config.smtp_url {
            Some(url) => Arc::new(crate::smtp::SmtpMailer::new(
                url.expose_secret(),
                &config.mail_from,
            )?),
            None => Arc::new(FileMailer::new(
                config.data_dir.join("outbox"),
                config.mail_from.clone(),
            )),
        };
        let billing = match config.billing.clone() {
            Some(c) => Some(Arc::new(billing::StripeClient::new(c)?)),
            None => None,
        };
        tracing::info!(
            billing = billing.is_some(),
            smtp = config.smtp_url.is_some(),
            "billing and mail configured"
        );
        let analyzer = analysis::Analyzer::new(config.analyzer.clone())?;
        tracing::info!(
            analyzer = analyzer.name(),
            model = analyzer.model(),
            "analyzer ready"
        );
        let app = App {
            store,
            config: Arc::new(app_config),
            mailer,
            clock,
            analyzer,
            billing,
            data_dir: config.data_dir.clone(),
            read_cache: app::read_cache::ReadCache::new(config.read_cache_ttl),
            exports: app::exports::ExportSlots::new(config.max_exports),
        };
        Ok(Self {
            listener,
            app,
            web,
            tls: config.tls,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The application's use cases, for commands and tests that drive them directly.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests and returns.
    pub async fn run(self) -> anyhow::Result<()> {
        let router = web::router(AppState::new(self.app.clone(), self.web.clone()))
            .into_make_service_with_connect_info::<SocketAddr>();
        let addr = self.listener.local_addr()?;
        let workers = crate::workers::spawn(self.app.clone());
        let summaries = crate::workers::summaries::spawn(self.app.clone());
        match self.tls {
            None => {
                tracing::info!(%addr, url = %self.app.config.base_url, "OmniTrack listening");
                let listener = tokio::net::TcpListener::from_std(self.listener)?;
                axum::serve(listener, router)
                    .with_graceful_shutdown(shutdown_signal())
                    .await?;
            }
            Some((cert, key)) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key).await?;
                let handle = axum_server::Handle::new();
                let h = handle.clone();
                tokio::spawn(async move {
                    shutdown_signal().await;
                    h.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
                });
                tracing::info!(%addr, url = %self.app.config.base_url, "OmniTrack listening (TLS)");
                axum_server::from_tcp_rustls(self.listener, tls)
                    .handle(handle)
                    .serve(router)
                    .await?;
            }
        }
        summaries.abort();
        for w in workers {
            w.abort();
        }
        self.app.store.close().await;
        tracing::info!("shut down cleanly");
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received");
}
