//! The weekly-summary job: every hour, each active company's last finished week (in its
//! own zone and week start) is summarised unless it already is. Idempotent per (company,
//! week) through a unique index, so several instances may run it.

use std::time::Duration;
use tokio::task::JoinHandle;
use web::AppState;

pub const SUMMARY_EVERY: Duration = Duration::from_secs(3600);

pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SUMMARY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match web::summaries::run_due(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(created = n, "weekly summaries written"),
                Err(e) => tracing::error!(error = %e, "weekly summary round failed"),
            }
        }
    })
}

/// Builds the app's state for a one-off command (no listener is served).
pub async fn command_state(mut config: crate::Config) -> anyhow::Result<AppState> {
    config.bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    Ok(crate::Application::build(config).await?.state().clone())
}
