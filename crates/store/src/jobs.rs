//! The jobs table: analysis work queued in the same transaction as the punch it belongs
//! to, claimed with a lease (so a crashed worker's job comes back), retried with
//! exponential backoff, and parked as `dead` — visible to supervisors with a retry button —
//! after too many attempts. On PostgreSQL several instances claim with `SKIP LOCKED`.

use crate::backend::{on_pool, Backend};
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, StoreError, Tenant};
use domain::{CompanyId, JobId, ShiftId};
use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Standup,
    Report,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standup => "standup",
            Self::Report => "report",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "standup" => Some(Self::Standup),
            "report" => Some(Self::Report),
            _ => None,
        }
    }
}

/// A claimed job: the worker holds its lease until `lease_until`.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub tenant: Tenant,
    pub shift_id: ShiftId,
    pub kind: JobKind,
    /// Attempts before this one.
    pub attempts: u32,
}

/// A job that failed for good, for the supervisors' board.
#[derive(Debug, Clone)]
pub struct DeadJob {
    pub id: JobId,
    pub shift_id: ShiftId,
    pub kind: JobKind,
    pub attempts: u32,
    pub last_error: String,
    pub created_at: Timestamp,
}

pub const MAX_ATTEMPTS: u32 = 6;

pub(crate) const FINISH: &str =
    "UPDATE jobs SET status = 'done', lease_until = NULL, attempts = attempts + 1, last_error = NULL WHERE id = $1";

/// 5 s, 10 s, 20 s … capped at 10 minutes.
pub fn backoff(attempts: u32) -> SignedDuration {
    SignedDuration::from_secs((5i64 << attempts.min(10)).min(600))
}

impl Store {
    /// Claims up to `limit` due jobs with a lease of `lease`.
    pub async fn claim_jobs(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
    ) -> Result<Vec<Job>> {
        let now_ms = to_ms(now);
        let until = now_ms + lease.as_millis() as i64;
        // Due = queued and run_at passed, or running with an expired lease (a worker died).
        let rows = match &self.backend {
            Backend::Postgres(p) => sqlx::query(
                "UPDATE jobs SET status = 'running', lease_until = $2 WHERE id IN (
                    SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND lease_until < $1)
                    ORDER BY run_at LIMIT $3 FOR UPDATE SKIP LOCKED)
                 RETURNING id, company_id, shift_id, kind, attempts")
            .bind(now_ms).bind(until).bind(i64::from(limit)).fetch_all(p).await?
            .iter().map(job_of).collect::<Result<Vec<_>>>()?,
            // SQLite has one writer at a time, so the sub-select and update cannot interleave.
            // The claim goes through the group-commit writer like the punches: a poll on a
            // pooled connection would take the write lock (even when nothing is due) and
            // send the writer into SQLite's busy-wait sleeps every round.
            Backend::Sqlite(db) => db.writer.write(move |c| {
                let mut st = c.prepare_cached(
                    "UPDATE jobs SET status = 'running', lease_until = $2 WHERE id IN (
                        SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND lease_until < $1)
                        ORDER BY run_at LIMIT $3)
                     RETURNING id, company_id, shift_id, kind, attempts")?;
                let mut rows = st.query(rusqlite::params![now_ms, until, i64::from(limit)])?;
                let mut jobs = Vec::new();
                while let Some(r) = rows.next()? {
                    jobs.push(job_of(r)?);
                }
                Ok(jobs)
            }).await?,
        };
        Ok(rows.into_iter().flatten().collect())
    }

    /// Claims one specific job if it is still queued (the request that created it tries it
    /// at once, so the person at the kiosk gets feedback without waiting for a worker).
    pub async fn claim_job_for(
        &self,
        t: &Tenant,
        shift: ShiftId,
        kind: JobKind,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<Option<Job>> {
        let until = to_ms(now) + lease.as_millis() as i64;
        on_pool!(self, p => {
            let row = sqlx::query("UPDATE jobs SET status = 'running', lease_until = $1
                                   WHERE company_id = $2 AND shift_id = $3 AND kind = $4 AND status = 'queued'
                                   RETURNING id, company_id, shift_id, kind, attempts")
                .bind(until).bind(t.company_id().0).bind(shift.0).bind(kind.as_str()).fetch_optional(p).await?;
            Ok(row.as_ref().map(job_of).transpose()?.flatten())
        })
    }

    pub async fn finish_job(&self, job: &Job) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query(FINISH).bind(job.id.0).execute(p).await?;
        });
        Ok(())
    }

    /// Records a failed attempt: back to the queue after a backoff, or dead after
    /// [`MAX_ATTEMPTS`] (or at once when `permanent`).
    pub async fn fail_job(
        &self,
        job: &Job,
        error: &str,
        permanent: bool,
        now: Timestamp,
    ) -> Result<bool> {
        let attempts = job.attempts + 1;
        let dead = permanent || attempts >= MAX_ATTEMPTS;
        let run_at = to_ms(now) + backoff(attempts).as_millis() as i64;
        let error: String = error.chars().take(500).collect();
        on_pool!(self, p => {
            sqlx::query("UPDATE jobs SET status = $1, attempts = $2, run_at = $3, lease_until = NULL, last_error = $4 WHERE id = $5")
                .bind(if dead { "dead" } else { "queued" }).bind(i64::from(attempts)).bind(run_at).bind(&error).bind(job.id.0)
                .execute(p).await?;
        });
        Ok(dead)
    }

    pub async fn dead_jobs(&self, t: &Tenant) -> Result<Vec<DeadJob>> {
        on_pool!(self, p => {
            sqlx::query("SELECT id, shift_id, kind, attempts, last_error, created_at FROM jobs WHERE company_id = $1 AND status = 'dead' ORDER BY created_at DESC LIMIT 100")
                .bind(t.company_id().0).fetch_all(p).await?.iter().filter_map(|r| {
                    let kind = r.string("kind").ok().and_then(|k| JobKind::parse(&k))?;
                    Some((|| Ok(DeadJob {
                        id: JobId(r.uuid("id")?),
                        shift_id: ShiftId(r.opt_uuid("shift_id")?.unwrap_or_default()),
                        kind,
                        attempts: r.int("attempts")?.clamp(0, u32::MAX as i64) as u32,
                        last_error: r.opt_string("last_error")?.unwrap_or_default(),
                        created_at: from_ms(r.int("created_at")?),
                    }))())
                }).collect()
        })
    }

    /// A supervisor's "retry": the dead job goes back to the queue with fresh attempts.
    pub async fn retry_job(&self, t: &Tenant, id: JobId, now: Timestamp) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1 WHERE id = $2 AND company_id = $3 AND status = 'dead'")
                .bind(to_ms(now)).bind(id.0).bind(t.company_id().0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        Ok(())
    }

    /// Queues (again) the analysis of a shift, unless one is already queued or running.
    pub async fn enqueue_job(
        &self,
        t: &Tenant,
        shift: ShiftId,
        kind: JobKind,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO jobs (id, company_id, shift_id, kind, status, attempts, run_at, created_at)
                         VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5) ON CONFLICT DO NOTHING")
                .bind(JobId::new().0).bind(t.company_id().0).bind(shift.0).bind(kind.as_str()).bind(to_ms(now)).execute(p).await?;
        });
        Ok(())
    }

    /// Count of jobs not finished yet (tests and health pages).
    pub async fn pending_jobs(&self) -> Result<i64> {
        on_pool!(self, p => {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')").fetch_one(p).await?)
        })
    }
}

fn job_of<R: RowGet>(r: &R) -> Result<Option<Job>> {
    let Some(kind) = JobKind::parse(&r.string("kind")?) else {
        return Ok(None);
    };
    let Some(shift) = r.opt_uuid("shift_id")? else {
        return Ok(None);
    };
    Ok(Some(Job {
        id: JobId(r.uuid("id")?),
        tenant: Tenant::new(CompanyId(r.uuid("company_id")?)),
        shift_id: ShiftId(shift),
        kind,
        attempts: r.int("attempts")?.clamp(0, u32::MAX as i64) as u32,
    }))
}
