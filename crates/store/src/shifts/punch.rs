//! The punches: clock-in and clock-out, each committed together with its analysis job
//! (SQLite through the group-commit writer, PostgreSQL in one statement).

use super::{shift, Shift, SELECT};
use crate::backend::Backend;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Job, JobKind, Result, Store, StoreError, Tenant};
use domain::{EmployeeId, ShiftId};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rusqlite::OptionalExtension;

/// SQLite (in one writer batch with [`JOB_INSERT`]): the punch in.
const CLOCK_IN: &str =
    "INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, standup, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $5)";
/// SQLite (with [`CLOSE_BREAKS`] and [`JOB_INSERT`]): the punch out.
const CLOCK_OUT: &str = "UPDATE shifts SET clock_out_at = $1, report = $2
    WHERE company_id = $3 AND employee_id = $4 AND clock_out_at IS NULL RETURNING id";
/// PostgreSQL: [`CLOCK_IN`] and [`JOB_INSERT`] as one statement.
const CLOCK_IN_PG: &str = "WITH s AS (
      INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, standup, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $5) RETURNING id)
    INSERT INTO jobs (id, company_id, shift_id, kind, status, attempts, run_at, lease_until, created_at)
    SELECT $7, $2, s.id, 'standup', $8, 0, $5, $9, $5 FROM s
    ON CONFLICT DO NOTHING RETURNING id";
/// PostgreSQL: [`CLOCK_OUT`], [`CLOSE_BREAKS`] and [`JOB_INSERT`] as one statement; no row
/// when no shift is open.
const CLOCK_OUT_PG: &str = "WITH s AS (
      UPDATE shifts SET clock_out_at = $1, report = $2
      WHERE company_id = $3 AND employee_id = $4 AND clock_out_at IS NULL RETURNING id),
    b AS (UPDATE breaks SET end_at = $1 WHERE shift_id IN (SELECT id FROM s) AND end_at IS NULL),
    j AS (INSERT INTO jobs (id, company_id, shift_id, kind, status, attempts, run_at, lease_until, created_at)
      SELECT $5, $3, s.id, 'report', $6, 0, $1, $7, $1 FROM s ON CONFLICT DO NOTHING RETURNING id)
    SELECT s.id, (SELECT j.id FROM j) AS job FROM s";
const CLOSE_BREAKS: &str = "UPDATE breaks SET end_at = $1 WHERE shift_id = $2 AND end_at IS NULL";

/// The punch's analysis job: `queued` for the worker, or `running` with a lease when the
/// caller claims it right away. Returns the id when inserted.
const JOB_INSERT: &str =
    "INSERT INTO jobs (id, company_id, shift_id, kind, status, attempts, run_at, lease_until, created_at)
    VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $6) ON CONFLICT DO NOTHING RETURNING id";

/// Status and lease of a job inserted with a punch (see [`JOB_INSERT`]).
fn job_claim(now: Timestamp, lease: Option<SignedDuration>) -> (&'static str, Option<i64>) {
    match lease {
        Some(l) => ("running", Some(to_ms(now) + l.as_millis() as i64)),
        None => ("queued", None),
    }
}

impl Store {
    /// Opens a shift. `Conflict("open shift")` when one is already open — the unique index
    /// decides, so concurrent clock-ins for one employee yield exactly one shift.
    pub async fn clock_in(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        standup: &str,
        workday: Date,
        now: Timestamp,
    ) -> Result<Shift> {
        Ok(self
            .clock_in_with_job(t, employee, standup, workday, now, None)
            .await?
            .0)
    }

    /// [`clock_in`](Self::clock_in) whose standup job is inserted already claimed by the
    /// caller (`running`, leased until `now + lease`) in the punch's own transaction, which
    /// saves the separate claim commit of [`Store::claim_job_for`]. If the caller never
    /// finishes it, the lease expires and the worker runs it, exactly as after a claim.
    pub async fn clock_in_claiming(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        standup: &str,
        workday: Date,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<(Shift, Option<Job>)> {
        self.clock_in_with_job(t, employee, standup, workday, now, Some(lease))
            .await
    }

    async fn clock_in_with_job(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        standup: &str,
        workday: Date,
        now: Timestamp,
        lease: Option<SignedDuration>,
    ) -> Result<(Shift, Option<Job>)> {
        let id = ShiftId::new();
        let job_id = domain::JobId::new();
        let (status, lease_until) = job_claim(now, lease);
        let company = t.company_id().0;
        let day = workday.to_string();
        // The punch and its analysis job commit together: neither exists without the other.
        let job: Option<uuid::Uuid> = match &self.backend {
            Backend::Sqlite(db) => {
                let standup = standup.to_owned();
                let day = day.clone();
                db.writer
                    .write(move |c| {
                        c.prepare_cached(CLOCK_IN)?
                            .execute(rusqlite::params![
                                id.0.as_bytes(),
                                company.as_bytes(),
                                employee.0.as_bytes(),
                                day,
                                to_ms(now),
                                standup
                            ])
                            .map_err(crate::sqlite::writer::unique("open shift"))?;
                        let inserted = c
                            .prepare_cached(JOB_INSERT)?
                            .query_row(
                                rusqlite::params![
                                    job_id.0.as_bytes(),
                                    company.as_bytes(),
                                    id.0.as_bytes(),
                                    "standup",
                                    status,
                                    to_ms(now),
                                    lease_until
                                ],
                                |_| Ok(()),
                            )
                            .optional()?;
                        Ok(inserted.map(|()| job_id.0))
                    })
                    .await?
            }
            Backend::Postgres(p) => {
                // Shift and job in one statement (one round trip, atomic).
                sqlx::query_scalar(CLOCK_IN_PG)
                    .bind(id.0)
                    .bind(company)
                    .bind(employee.0)
                    .bind(&day)
                    .bind(to_ms(now))
                    .bind(standup)
                    .bind(job_id.0)
                    .bind(status)
                    .bind(lease_until)
                    .fetch_optional(p)
                    .await
                    .map_err(StoreError::unique("open shift"))?
            }
        };
        // What the insert wrote, as a re-read would return it (instants are stored in ms).
        let shift = Shift {
            id,
            employee_id: employee,
            workday: day,
            clock_in_at: from_ms(to_ms(now)),
            clock_out_at: None,
            standup: standup.to_owned(),
            report: None,
            auto_closed: false,
            end_confirmed: true,
            corrected: false,
            locked: false,
            break_ms: 0,
            on_break: false,
        };
        Ok((shift, claimed(t, id, JobKind::Standup, lease, job)))
    }

    /// Closes the employee's open shift (and any open break). `NotFound` when none is open.
    pub async fn clock_out(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        report: &str,
        now: Timestamp,
    ) -> Result<Shift> {
        Ok(self
            .clock_out_with_job(t, employee, report, now, None)
            .await?
            .0)
    }

    /// [`clock_out`](Self::clock_out) with the report job claimed in the same transaction,
    /// as [`clock_in_claiming`](Self::clock_in_claiming) does.
    pub async fn clock_out_claiming(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        report: &str,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<(Shift, Option<Job>)> {
        self.clock_out_with_job(t, employee, report, now, Some(lease))
            .await
    }

    async fn clock_out_with_job(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        report: &str,
        now: Timestamp,
        lease: Option<SignedDuration>,
    ) -> Result<(Shift, Option<Job>)> {
        let (status, lease_until) = job_claim(now, lease);
        let job_id = domain::JobId::new();
        let company = t.company_id().0;
        let (shift, job) = match &self.backend {
            Backend::Sqlite(db) => {
                let report = report.to_owned();
                let (shift, inserted) = db
                    .writer
                    .write(move |c| {
                        let id: Vec<u8> = c
                            .prepare_cached(CLOCK_OUT)?
                            .query_row(
                                rusqlite::params![
                                    to_ms(now),
                                    report,
                                    company.as_bytes(),
                                    employee.0.as_bytes()
                                ],
                                |r| r.get(0),
                            )
                            .optional()?
                            .ok_or(StoreError::NotFound)?;
                        c.prepare_cached(CLOSE_BREAKS)?
                            .execute(rusqlite::params![to_ms(now), id])?;
                        let inserted = c
                            .prepare_cached(JOB_INSERT)?
                            .query_row(
                                rusqlite::params![
                                    job_id.0.as_bytes(),
                                    company.as_bytes(),
                                    id,
                                    "report",
                                    status,
                                    to_ms(now),
                                    lease_until
                                ],
                                |_| Ok(()),
                            )
                            .optional()?
                            .is_some();
                        // Re-read inside the batch: the closed shift with its break totals.
                        let shift = c
                            .prepare_cached(&format!(
                                "{SELECT} WHERE s.id = $2 AND s.company_id = $3"
                            ))?
                            .query(rusqlite::params![to_ms(now), id, company.as_bytes()])?
                            .next()?
                            .map(shift)
                            .transpose()?
                            .ok_or(StoreError::NotFound)?;
                        Ok((shift, inserted))
                    })
                    .await?;
                (shift, inserted.then_some(job_id.0))
            }
            Backend::Postgres(p) => {
                let r = sqlx::query(CLOCK_OUT_PG)
                    .bind(to_ms(now))
                    .bind(report)
                    .bind(company)
                    .bind(employee.0)
                    .bind(job_id.0)
                    .bind(status)
                    .bind(lease_until)
                    .fetch_optional(p)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let shift = self.shift(t, ShiftId(r.uuid("id")?), now).await?;
                (shift, r.opt_uuid("job")?)
            }
        };
        let id = shift.id;
        Ok((shift, claimed(t, id, JobKind::Report, lease, job)))
    }
}

/// The job a `*_claiming` punch hands to its caller: only one it inserted as `running`.
fn claimed(
    t: &Tenant,
    shift: ShiftId,
    kind: JobKind,
    lease: Option<SignedDuration>,
    inserted: Option<uuid::Uuid>,
) -> Option<Job> {
    lease?;
    Some(Job {
        id: domain::JobId(inserted?),
        tenant: *t,
        shift_id: shift,
        kind,
        attempts: 0,
    })
}
