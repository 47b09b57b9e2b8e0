//! Billing's background work, started only when billing is on: the seat-sync queue
//! ([`app::App::run_due_seat_syncs`], every few seconds: changes wait
//! [`app::seat_sync::SEAT_SYNC_DEBOUNCE`] anyway) and the daily reconcile against Stripe
//! ([`app::App::reconcile_seats`]). Safe on several instances: syncs are leased (SKIP
//! LOCKED on PostgreSQL), and a reconcile only reads Stripe and queues syncs.

use app::App;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How often due seat syncs are looked for.
pub const SEAT_SYNC_EVERY: Duration = Duration::from_secs(2);
/// How often every subscription is read back from Stripe.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// The first reconcile waits this long after start, so a restart loop does not hammer Stripe.
const RECONCILE_FIRST_AFTER: Duration = Duration::from_secs(10 * 60);

pub fn spawn(state: App) -> Vec<JoinHandle<()>> {
    if !state.billing_enabled() {
        return Vec::new();
    }
    let sync_state = state.clone();
    let sync = tokio::spawn(async move {
        loop {
            match sync_state.run_due_seat_syncs().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "seat sync round failed"),
            }
            tokio::time::sleep(SEAT_SYNC_EVERY).await;
        }
    });
    let reconcile = tokio::spawn(async move {
        let start = tokio::time::Instant::now() + RECONCILE_FIRST_AFTER;
        let mut tick = tokio::time::interval_at(start, RECONCILE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match state.reconcile_seats().await {
                Ok(r) if r.drifted + r.failed > 0 => tracing::warn!(
                    checked = r.checked,
                    drifted = r.drifted,
                    failed = r.failed,
                    "seat reconcile found differences"
                ),
                Ok(r) => tracing::info!(checked = r.checked, "seat reconcile: all in step"),
                Err(e) => tracing::error!(error = %e, "seat reconcile failed"),
            }
        }
    });
    vec![sync, reconcile]
}
