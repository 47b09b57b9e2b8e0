//! Fixed-window rate-limit counters in the database, so every app instance sees the same
//! count (an in-memory limiter would multiply the allowance by the number of instances).

use crate::backend::on_pool;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store};
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;

#[derive(Debug, Clone, Copy)]
pub struct RateCount {
    /// Hits in the current window, this one included.
    pub count: u32,
    /// When the current window ends.
    pub resets_at: Timestamp,
}

/// One hit in the current window of a key (`$1`, window start `$2`): the new count first.
pub(crate) const HIT: &str = "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
      window_start = excluded.window_start
    RETURNING count, window_start";

/// The start of the fixed window of length `window` that holds `now`, and the length (ms).
fn window_of(window: SignedDuration, now: Timestamp) -> (i64, i64) {
    let win = window.as_millis() as i64;
    (to_ms(now) - to_ms(now).rem_euclid(win.max(1)), win)
}

impl Store {
    /// Counts one hit against `key` in a window of length `window` and returns the count.
    pub async fn rate_hit(
        &self,
        key: &str,
        window: SignedDuration,
        now: Timestamp,
    ) -> Result<RateCount> {
        let (start, win) = window_of(window, now);
        let (count, ws): (i64, i64) = if let Some(w) = self.writer() {
            let key = key.to_owned();
            w.write(move |c| {
                Ok(c.prepare_cached(HIT)?
                    .query_row(rusqlite::params![key, start], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?)
            })
            .await?
        } else {
            on_pool!(self, p => {
                let r = sqlx::query(HIT).bind(key).bind(start).fetch_one(p).await?;
                (r.try_get::<i64, _>("count")?, r.try_get::<i64, _>("window_start")?)
            })
        };
        Ok(RateCount {
            count: count.clamp(0, u32::MAX as i64) as u32,
            resets_at: from_ms(ws + win),
        })
    }

    /// The count of `key` in its current window, without counting a hit: a check that
    /// must not itself use up the allowance (the per-account login limit counts failures
    /// only, so a stranger's requests alone cannot lock the owner out).
    pub async fn rate_peek(
        &self,
        key: &str,
        window: SignedDuration,
        now: Timestamp,
    ) -> Result<RateCount> {
        let (start, win) = window_of(window, now);
        let row: Option<(i64, i64)> = on_pool!(self, p => {
            sqlx::query_as("SELECT count, window_start FROM rate_limits WHERE key = $1")
                .bind(key).fetch_optional(p).await?
        });
        let count = match row {
            Some((count, ws)) if ws == start => count.clamp(0, u32::MAX as i64) as u32,
            _ => 0,
        };
        Ok(RateCount {
            count,
            resets_at: from_ms(start + win),
        })
    }

    /// Clears a key (a successful login resets its failure counter).
    pub async fn rate_reset(&self, key: &str) -> Result<()> {
        on_pool!(self, p => { sqlx::query("DELETE FROM rate_limits WHERE key = $1").bind(key).execute(p).await?; });
        Ok(())
    }

    /// Drops windows that ended before `before` (housekeeping).
    pub async fn rate_prune(&self, before: Timestamp) -> Result<u64> {
        on_pool!(self, p => {
            Ok(sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(to_ms(before)).execute(p).await?.rows_affected())
        })
    }
}
