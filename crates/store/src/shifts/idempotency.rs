//! Stored answers to requests with an `Idempotency-Key`, so a retried punch gets the first
//! answer instead of punching twice.
//!
//! A record belongs to the principal that made the request (a kiosk or a user), not to the
//! whole company: another device of the same company that happens to pick the same key
//! gets its own record, and can neither read this one's answer nor lose its punch to it.
//! The hash of the request body is kept, so the same key with a different body is told
//! apart from a retry. The employee the answer is about is named, so an erasure removes it.

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::to_ms;
use crate::{Result, Store, Tenant};
use domain::EmployeeId;
use jiff::Timestamp;
use sqlx::Row;

/// A request's identity for idempotency: who sent it, under which key, with which body.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyKey<'a> {
    /// `kiosk:{id}` or `user:{id}`.
    pub principal: &'a str,
    /// The route and the client's `Idempotency-Key`.
    pub key: &'a str,
    /// SHA-256 of the request body.
    pub request_hash: &'a [u8; 32],
}

/// The first answer given under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// False when the stored request had another body: the key was reused, not retried.
    pub same_request: bool,
    pub status: u16,
    pub body: String,
}

impl Store {
    /// The stored answer to an earlier request of this principal with this key, if any.
    pub async fn idempotent_response(
        &self,
        t: &Tenant,
        k: IdempotencyKey<'_>,
    ) -> Result<Option<StoredAnswer>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT request_hash, status, body FROM idempotency WHERE company_id = $1 AND principal = $2 AND key = $3")
                .bind(t.company_id().0).bind(k.principal).bind(k.key).fetch_optional(p).await?;
            row.map(|r| -> Result<StoredAnswer> {
                let hash: Vec<u8> = r.try_get("request_hash")?;
                Ok(StoredAnswer {
                    same_request: hash.as_slice() == k.request_hash.as_slice(),
                    status: r.int("status")?.clamp(0, 999) as u16,
                    body: r.string("body")?,
                })
            }).transpose()
        })
    }

    /// Remembers the answer for a key; the first answer stored wins.
    pub async fn store_idempotent_response(
        &self,
        t: &Tenant,
        k: IdempotencyKey<'_>,
        employee: Option<EmployeeId>,
        status: u16,
        body: &str,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO idempotency (company_id, principal, key, request_hash, employee_id, status, body, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                         ON CONFLICT (company_id, principal, key) DO NOTHING")
                .bind(t.company_id().0).bind(k.principal).bind(k.key).bind(&k.request_hash[..])
                .bind(employee.map(|e| e.0)).bind(i64::from(status)).bind(body).bind(to_ms(now))
                .execute(p).await?;
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
