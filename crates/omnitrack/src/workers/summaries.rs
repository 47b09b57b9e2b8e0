//! The weekly-summary job: every hour, each active company's last finished week (in its
//! own zone and week start) is summarised unless it already is. Idempotent per (company,
//! week) through a unique index, so several instances may run it.

use app::App;
use std::time::Duration;
use tokio::task::JoinHandle;

pub const SUMMARY_EVERY: Duration = Duration::from_secs(3600);

pub fn spawn(state: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SUMMARY_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::summaries::run_due(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(created = n, "weekly summaries written"),
                Err(e) => tracing::error!(error = %e, "weekly summary round failed"),
            }
        }
    })
}
