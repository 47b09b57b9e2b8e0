//! Background work started by [`crate::Application::run`], each a timer around a use case
//! of the [`app`] crate: mail delivery (the outbox) and retention (purge reminders,
//! purges) here, the analysis jobs and clock housekeeping in [`jobs`], weekly summaries in
//! [`summaries`], seat syncs and the daily Stripe reconcile in [`billing`]. All are safe
//! to run on several instances at once: mail rows, jobs and seat syncs are leased, purges are per-company transactions that re-check the date, summaries are
//! unique per (company, week).

pub mod billing;
pub mod jobs;
pub mod summaries;

use app::App;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often due mail is looked for (retries included).
pub const MAIL_EVERY: Duration = Duration::from_secs(10);
/// How often purge dates and reminders are checked.
pub const RETENTION_EVERY: Duration = Duration::from_secs(300);

/// One delivery round plus pruning of old delivered mail.
pub async fn mail_once(state: &App) {
    match state.deliver_mail(None).await {
        Ok(r) if r.sent + r.retrying + r.given_up > 0 => {
            tracing::info!(
                sent = r.sent,
                retrying = r.retrying,
                given_up = r.given_up,
                "mail round"
            )
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "mail round failed"),
    }
    if let Err(e) = state.prune_mail().await {
        tracing::warn!(error = %e, "pruning delivered mail failed");
    }
}

/// One retention round (what `omnitrack purge` runs).
pub async fn retention_once(state: &App) -> anyhow::Result<app::lifecycle::RetentionReport> {
    let r = state.run_retention().await?;
    if r.reminded + r.purged + r.failed > 0 {
        tracing::info!(
            reminded = r.reminded,
            purged = r.purged,
            failed = r.failed,
            "retention round"
        );
    }
    Ok(r)
}

/// Starts both loops; abort the handles to stop them.
pub fn spawn(state: App) -> Vec<JoinHandle<()>> {
    let mail_state = state.clone();
    let mail = tokio::spawn(async move {
        let mut tick = tokio::time::interval(MAIL_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            mail_once(&mail_state).await;
        }
    });
    let clock = jobs::spawn(state.clone());
    let state_for_billing = state.clone();
    let retention = tokio::spawn(async move {
        let mut tick = tokio::time::interval(RETENTION_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = retention_once(&state).await {
                tracing::error!(error = %e, "retention round failed");
            }
        }
    });
    let mut all = vec![mail, retention];
    all.extend(clock);
    all.extend(billing::spawn(state_for_billing));
    all
}
