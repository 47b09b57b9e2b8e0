//! Stored answers to clock requests that carried an `Idempotency-Key`: a retry gets the
//! first answer.

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::to_ms;
use crate::{Result, Store, Tenant};
use jiff::Timestamp;

impl Store {
    /// The stored answer to an earlier request with this `Idempotency-Key`, if any.
    pub async fn idempotent_response(
        &self,
        t: &Tenant,
        key: &str,
    ) -> Result<Option<(u16, String)>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT status, body FROM idempotency WHERE company_id = $1 AND key = $2")
                .bind(t.company_id().0).bind(key).fetch_optional(p).await?;
            row.map(|r| -> Result<(u16, String)> { Ok((r.int("status")?.clamp(0, 999) as u16, r.string("body")?)) }).transpose()
        })
    }

    /// Remembers the answer for a key; the first answer stored wins.
    pub async fn store_idempotent_response(
        &self,
        t: &Tenant,
        key: &str,
        status: u16,
        body: &str,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO idempotency (company_id, key, status, body, created_at) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (company_id, key) DO NOTHING")
                .bind(t.company_id().0).bind(key).bind(i64::from(status)).bind(body).bind(to_ms(now)).execute(p).await?;
        });
        Ok(())
    }

    /// Forgets idempotency records older than `before` (they only guard retries).
    pub async fn prune_idempotency(&self, before: Timestamp) -> Result<u64> {
        on_pool!(self, p => {
            Ok(sqlx::query("DELETE FROM idempotency WHERE created_at < $1").bind(to_ms(before)).execute(p).await?.rows_affected())
        })
    }
}
