//! Housekeeping of the clock: forgotten shifts are closed automatically (and audited), and
//! old idempotency records and rate-limit windows are pruned. Safe on several instances:
//! auto-close only touches shifts that are still open.

use crate::{App, Result};
use jiff::SignedDuration;

/// Shifts open longer than this are closed automatically.
pub const MAX_OPEN_SHIFT: SignedDuration = SignedDuration::from_hours(16);
/// The assumed length of a shift when the employee has no history.
pub const DEFAULT_SHIFT: SignedDuration = SignedDuration::from_hours(8);

impl App {
    /// One housekeeping round; returns how many shifts were auto-closed.
    pub async fn housekeeping(&self) -> Result<usize> {
        let now = self.clock.now();
        let closed = self
            .store
            .auto_close_overdue(now, MAX_OPEN_SHIFT, DEFAULT_SHIFT)
            .await?;
        for (tenant, shift) in &closed {
            self.audit(
                tenant,
                None,
                "shift_auto_closed",
                &shift.to_string(),
                "system",
            )
            .await;
        }
        self.store
            .prune_idempotency(now - SignedDuration::from_hours(24))
            .await?;
        self.store
            .rate_prune(now - SignedDuration::from_hours(2))
            .await?;
        for (tenant, _) in &closed {
            self.read_cache.bump(tenant.company_id());
        }
        if !closed.is_empty() {
            tracing::info!(
                count = closed.len(),
                "forgotten shifts closed automatically"
            );
        }
        Ok(closed.len())
    }
}
