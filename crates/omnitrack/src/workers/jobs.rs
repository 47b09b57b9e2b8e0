//! Background work of the clock loop: the analysis job runner ([`app::App::run_due_jobs`])
//! and housekeeping ([`app::App::housekeeping`]: closing forgotten shifts, pruning
//! idempotency records and rate-limit windows). Safe on several
//! instances: jobs are leased (SKIP LOCKED on PostgreSQL) and auto-close only touches
//! shifts that are still open.

use app::App;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often the job queue is polled when idle.
pub const JOBS_EVERY: Duration = Duration::from_millis(500);
/// How often forgotten shifts are looked for.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(300);
pub fn spawn(state: App) -> Vec<JoinHandle<()>> {
    let jobs_state = state.clone();
    let jobs = tokio::spawn(async move {
        loop {
            match jobs_state.run_due_jobs().await {
                // A full batch: there may be more, go again at once.
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "analysis worker round failed"),
            }
            tokio::time::sleep(JOBS_EVERY).await;
        }
    });
    let housekeeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = state.housekeeping().await {
                tracing::error!(error = %e, "housekeeping round failed");
            }
        }
    });
    vec![jobs, housekeeping]
}
