//! The seat-sync queue: one row per company whose billed seat count may be behind its
//! head count. Requests coalesce into the row (a version bump); the worker claims due rows
//! with a lease, reads the head count itself, and clears only the version it ran, so a
//! change made during a Stripe call is never dropped. On PostgreSQL several instances
//! claim with `SKIP LOCKED`.

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, StoreKind, Tenant};
use domain::CompanyId;
use jiff::{SignedDuration, Timestamp};

/// A claimed sync: the worker holds the company's row until the lease ends.
#[derive(Debug, Clone)]
pub struct SeatSyncJob {
    pub tenant: Tenant,
    /// The request version this run answers.
    pub version: i64,
    /// Failed attempts before this one.
    pub attempts: u32,
}

/// A company's pending or refused sync, for the billing page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatSyncState {
    pub attempts: u32,
    pub last_error: Option<String>,
    pub run_at: Timestamp,
    /// Stripe refused for good; not retried until the next change or reconcile.
    pub failed_at: Option<Timestamp>,
    /// A worker is on it until then.
    pub lease_until: Option<Timestamp>,
}

/// A company with a live Stripe subscription, for the daily reconcile.
#[derive(Debug, Clone)]
pub struct SubscribedCompany {
    pub tenant: Tenant,
    pub subscription_id: String,
}

impl Store {
    /// Asks for the company's seats to be synced at `run_at` or later. Coalesces with a
    /// pending request (one row per company) and re-arms a refused one.
    pub async fn request_seat_sync(&self, t: &Tenant, run_at: Timestamp) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO seat_syncs (company_id, version, run_at) VALUES ($1, 1, $2)
                         ON CONFLICT (company_id) DO UPDATE SET version = seat_syncs.version + 1,
                             run_at = excluded.run_at, attempts = 0, last_error = NULL, failed_at = NULL")
                .bind(t.company_id().0).bind(to_ms(run_at)).execute(p).await?;
        });
        Ok(())
    }

    /// Claims up to `limit` due syncs for `lease`. A row whose lease is held is left alone,
    /// so two runs for one company never race each other's quantities to Stripe.
    pub async fn claim_seat_syncs(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<SeatSyncJob>> {
        let now_ms = to_ms(now);
        let until = to_ms(now.checked_add(lease).unwrap_or(now));
        let lock = match self.kind() {
            StoreKind::Postgres => " FOR UPDATE SKIP LOCKED",
            StoreKind::Sqlite => "",
        };
        let sql = format!(
            "UPDATE seat_syncs SET lease_until = $2 WHERE company_id IN (
                 SELECT company_id FROM seat_syncs WHERE failed_at IS NULL AND run_at <= $1
                     AND (lease_until IS NULL OR lease_until <= $1)
                 ORDER BY run_at LIMIT $3{lock})
             RETURNING company_id, version, attempts"
        );
        on_pool!(self, p => {
            sqlx::query(&sql).bind(now_ms).bind(until).bind(i64::from(limit)).fetch_all(p).await?
                .iter().map(|r| Ok(SeatSyncJob {
                    tenant: Tenant::new(CompanyId(r.uuid("company_id")?)),
                    version: r.int("version")?,
                    attempts: r.int("attempts")?.clamp(0, i64::from(u32::MAX)) as u32,
                })).collect()
        })
    }

    /// Stripe has the count `job` read: the row goes, unless a newer request came in
    /// meanwhile (then it stays due and runs again with the newer count).
    pub async fn seat_sync_done(&self, job: &SeatSyncJob) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("DELETE FROM seat_syncs WHERE company_id = $1 AND version = $2")
                .bind(job.tenant.company_id().0).bind(job.version).execute(p).await?.rows_affected();
            if n == 0 {
                sqlx::query(RELEASE).bind(job.tenant.company_id().0).execute(p).await?;
            }
        });
        Ok(())
    }

    /// Records a failed attempt: due again at `retry_at`, or refused for good (`None`). A
    /// newer request that came in meanwhile wins: it stays due as it is.
    pub async fn seat_sync_failed(
        &self,
        job: &SeatSyncJob,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        let failed_at = retry_at.is_none().then(|| to_ms(now));
        on_pool!(self, p => {
            let n = sqlx::query("UPDATE seat_syncs SET lease_until = NULL, attempts = attempts + 1, last_error = $1,
                                     run_at = COALESCE($2, run_at), failed_at = $3
                                 WHERE company_id = $4 AND version = $5")
                .bind(&error).bind(retry_at.map(to_ms)).bind(failed_at)
                .bind(job.tenant.company_id().0).bind(job.version).execute(p).await?.rows_affected();
            if n == 0 {
                sqlx::query(RELEASE).bind(job.tenant.company_id().0).execute(p).await?;
            }
        });
        Ok(())
    }

    pub async fn seat_sync_state(&self, t: &Tenant) -> Result<Option<SeatSyncState>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT attempts, last_error, run_at, failed_at, lease_until FROM seat_syncs WHERE company_id = $1")
                .bind(t.company_id().0).fetch_optional(p).await?;
            row.map(|r| Ok(SeatSyncState {
                attempts: r.int("attempts")?.clamp(0, i64::from(u32::MAX)) as u32,
                last_error: r.opt_string("last_error")?,
                run_at: from_ms(r.int("run_at")?),
                failed_at: r.opt_int("failed_at")?.map(from_ms),
                lease_until: r.opt_int("lease_until")?.map(from_ms),
            })).transpose()
        })
    }

    /// Every active company whose subscription Stripe may still bill.
    pub async fn subscribed_companies(&self) -> Result<Vec<SubscribedCompany>> {
        on_pool!(self, p => {
            sqlx::query("SELECT s.company_id, s.stripe_subscription_id FROM subscriptions s
                         JOIN companies c ON c.id = s.company_id
                         WHERE c.status = 'active' AND s.stripe_subscription_id IS NOT NULL
                             AND s.status NOT IN ('canceled', 'incomplete_expired')
                         ORDER BY s.company_id")
                .fetch_all(p).await?.iter().map(|r| Ok(SubscribedCompany {
                    tenant: Tenant::new(CompanyId(r.uuid("company_id")?)),
                    subscription_id: r.string("stripe_subscription_id")?,
                })).collect()
        })
    }
}

/// Gives a claimed row back without touching what a newer request set.
const RELEASE: &str = "UPDATE seat_syncs SET lease_until = NULL WHERE company_id = $1";
