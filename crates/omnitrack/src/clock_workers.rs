//! Background work of the clock loop: the analysis job runner and housekeeping (closing
//! forgotten shifts, pruning idempotency records and rate-limit windows). Safe on several
//! instances: jobs are leased (SKIP LOCKED on PostgreSQL) and auto-close only touches
//! shifts that are still open.

use jiff::SignedDuration;
use std::time::Duration;
use tokio::task::JoinHandle;
use web::AppState;

/// How often the job queue is polled when idle.
pub const JOBS_EVERY: Duration = Duration::from_millis(500);
/// How often forgotten shifts are looked for.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(300);
/// Shifts open longer than this are closed automatically.
pub const MAX_OPEN_SHIFT: SignedDuration = SignedDuration::from_hours(16);
/// The assumed length of a shift when the employee has no history.
pub const DEFAULT_SHIFT: SignedDuration = SignedDuration::from_hours(8);

/// One housekeeping round; returns how many shifts were auto-closed.
pub async fn housekeeping_once(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let closed = state
        .store
        .auto_close_overdue(now, MAX_OPEN_SHIFT, DEFAULT_SHIFT)
        .await?;
    for (tenant, shift) in &closed {
        state
            .audit(
                tenant,
                None,
                "shift_auto_closed",
                &shift.to_string(),
                "system",
            )
            .await;
    }
    state
        .store
        .prune_idempotency(now - SignedDuration::from_hours(24))
        .await?;
    state
        .store
        .rate_prune(now - SignedDuration::from_hours(2))
        .await?;
    if !closed.is_empty() {
        state.read_cache.bump();
        tracing::info!(
            count = closed.len(),
            "forgotten shifts closed automatically"
        );
    }
    Ok(closed.len())
}

pub fn spawn(state: AppState) -> Vec<JoinHandle<()>> {
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
            if let Err(e) = housekeeping_once(&state).await {
                tracing::error!(error = %e, "housekeeping round failed");
            }
        }
    });
    vec![jobs, housekeeping]
}
