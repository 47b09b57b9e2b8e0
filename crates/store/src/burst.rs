//! A kiosk's burst counter: identifications per fixed window, with an alert when a window
//! reaches its threshold (a burst of ID codes on one device looks like buddy punching).
//! The counter is a `rate_limits` row, so every instance counts into the same window.
//!
//! A punch carries its hit into its own write ([`Store::punch_in`](crate::Store::punch_in)),
//! so counting costs no write of its own on SQLite. Once a window has reached the threshold
//! on this instance, its further hits are not written at all: the alert has fired, and a
//! higher count changes nothing anyone reads — so a busy kiosk does not rewrite one row on
//! every punch (on PostgreSQL every punch of the kiosk would queue on that row's lock).

use crate::backend::Backend;
use crate::hot_cache::{FullWindows, HotCache};
use crate::rate_limit::HIT;
use crate::time::to_ms;
use crate::{Result, Store, Tenant};
use domain::{CompanyId, KioskId};
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;

/// One identification on a kiosk, still to be counted: by the punch's write, or on its own
/// with [`Store::count_burst`].
#[derive(Debug, Clone)]
pub struct BurstHit {
    company: CompanyId,
    kiosk: KioskId,
    key: String,
    window_start: i64,
    threshold: u32,
    detail: String,
    now: i64,
}

const ALERT: &str = "INSERT INTO kiosk_alerts (id, company_id, kiosk_id, kind, detail, created_at) VALUES ($1, $2, $3, 'burst', $4, $5)";

impl BurstHit {
    /// Counts the hit on SQLite's write connection `c`, inside the caller's transaction,
    /// with the alert when this hit reaches the threshold.
    pub(crate) fn count_on(&self, c: &rusqlite::Connection, full: &FullWindows) -> Result<()> {
        let count: i64 = c
            .prepare_cached(HIT)?
            .query_row(rusqlite::params![self.key, self.window_start], |r| r.get(0))?;
        if count == i64::from(self.threshold) {
            c.prepare_cached(ALERT)?.execute(rusqlite::params![
                uuid::Uuid::now_v7().as_bytes(),
                self.company.0.as_bytes(),
                self.kiosk.0.as_bytes(),
                self.detail,
                self.now
            ])?;
        }
        if count >= i64::from(self.threshold) {
            full.mark(&self.key, self.window_start);
        }
        Ok(())
    }

    /// [`count_on`](Self::count_on) on PostgreSQL (two statements at most; the hit is rare
    /// once a window is full, see the module docs).
    async fn count_pg(&self, p: &sqlx::PgPool, full: &FullWindows) -> Result<()> {
        let count: i64 = sqlx::query_scalar(HIT)
            .bind(&self.key)
            .bind(self.window_start)
            .fetch_one(p)
            .await?;
        if count == i64::from(self.threshold) {
            sqlx::query(ALERT)
                .bind(uuid::Uuid::now_v7())
                .bind(self.company.0)
                .bind(self.kiosk.0)
                .bind(&self.detail)
                .bind(self.now)
                .execute(p)
                .await?;
        }
        if count >= i64::from(self.threshold) {
            full.mark(&self.key, self.window_start);
        }
        Ok(())
    }
}

impl Store {
    /// An identification on `kiosk` at `now`, to be counted in fixed windows of `window`;
    /// the hit that makes the count `threshold` adds a `burst` kiosk alert with `detail`.
    /// `None` when this window has already reached the threshold (see the module docs).
    pub fn burst_hit(
        &self,
        t: &Tenant,
        kiosk: KioskId,
        window: SignedDuration,
        threshold: u32,
        detail: impl FnOnce() -> String,
        now: Timestamp,
    ) -> Option<BurstHit> {
        let win = (window.as_millis() as i64).max(1);
        let window_start = to_ms(now) - to_ms(now).rem_euclid(win);
        let key = format!("burst:{kiosk}");
        if self.cache.full_windows.is_full(&key, window_start) {
            return None;
        }
        Some(BurstHit {
            company: t.company_id(),
            kiosk,
            key,
            window_start,
            threshold,
            detail: detail(),
            now: to_ms(now),
        })
    }

    /// Counts a hit that no punch carried (an identification that ended in an error, or
    /// one for a break).
    pub async fn count_burst(&self, hit: Option<BurstHit>) -> Result<()> {
        let Some(hit) = hit else { return Ok(()) };
        match &self.backend {
            Backend::Sqlite(db) => {
                let cache: Arc<HotCache> = self.cache.clone();
                db.writer
                    .write(move |c| hit.count_on(c, &cache.full_windows))
                    .await
            }
            Backend::Postgres(p) => hit.count_pg(p, &self.cache.full_windows).await,
        }
    }
}
