//! Shifts: the punches themselves, breaks, corrections with their audit trail, weekly
//! approval locks, and closing shifts someone forgot to end.

use crate::backend::{on_pool, Backend};
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Job, JobKind, Result, Store, StoreError, Tenant};
use domain::{EmployeeId, ShiftId, UserId};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rusqlite::OptionalExtension;

#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub id: ShiftId,
    pub employee_id: EmployeeId,
    pub workday: String,
    pub clock_in_at: Timestamp,
    pub clock_out_at: Option<Timestamp>,
    pub standup: String,
    pub report: Option<String>,
    pub auto_closed: bool,
    pub end_confirmed: bool,
    pub corrected: bool,
    pub locked: bool,
    /// Total break time so far (an open break counts up to "now" of the query).
    pub break_ms: i64,
    pub on_break: bool,
}

impl Shift {
    /// Worked time: clock-out (or `now` while open) minus clock-in minus breaks.
    pub fn worked(&self, now: Timestamp) -> SignedDuration {
        let end = self.clock_out_at.unwrap_or(now);
        (end.duration_since(self.clock_in_at) - SignedDuration::from_millis(self.break_ms))
            .max(SignedDuration::ZERO)
    }
}

/// One recorded correction.
#[derive(Debug, Clone)]
pub struct ShiftChange {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
    pub changed_by: Option<UserId>,
    pub created_at: Timestamp,
}

/// What a supervisor corrects; `None` leaves a field alone.
#[derive(Debug, Default, Clone)]
pub struct ShiftCorrection {
    pub clock_in_at: Option<Timestamp>,
    pub clock_out_at: Option<Timestamp>,
    pub standup: Option<String>,
    pub report: Option<String>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct ShiftFilter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub employee: Option<EmployeeId>,
}

pub(crate) const SELECT: &str = "SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
    s.auto_closed, s.end_confirmed, s.corrected, s.locked,
    CAST(COALESCE((SELECT SUM(COALESCE(b.end_at, $1) - b.start_at) FROM breaks b WHERE b.shift_id = s.id), 0) AS BIGINT) AS break_ms,
    CASE WHEN EXISTS (SELECT 1 FROM breaks b WHERE b.shift_id = s.id AND b.end_at IS NULL) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS on_break
    FROM shifts s";

pub(crate) fn shift<R: RowGet>(r: &R) -> Result<Shift> {
    Ok(Shift {
        id: ShiftId(r.uuid("id")?),
        employee_id: EmployeeId(r.uuid("employee_id")?),
        workday: r.string("workday")?,
        clock_in_at: from_ms(r.int("clock_in_at")?),
        clock_out_at: r.opt_int("clock_out_at")?.map(from_ms),
        standup: r.string("standup")?,
        report: r.opt_string("report")?,
        auto_closed: r.boolean("auto_closed")?,
        end_confirmed: r.boolean("end_confirmed")?,
        corrected: r.boolean("corrected")?,
        locked: r.boolean("locked")?,
        break_ms: r.int("break_ms")?,
        on_break: r.int("on_break")? != 0,
    })
}

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

fn ms_text(t: Option<Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
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

    pub async fn open_shift(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        now: Timestamp,
    ) -> Result<Option<Shift>> {
        on_pool!(self, p => {
            let row = sqlx::query(&format!("{SELECT} WHERE s.company_id = $2 AND s.employee_id = $3 AND s.clock_out_at IS NULL"))
                .bind(to_ms(now)).bind(t.company_id().0).bind(employee.0).fetch_optional(p).await?;
            row.as_ref().map(shift).transpose()
        })
    }

    pub async fn shift(&self, t: &Tenant, id: ShiftId, now: Timestamp) -> Result<Shift> {
        on_pool!(self, p => {
            let r = sqlx::query(&format!("{SELECT} WHERE s.id = $2 AND s.company_id = $3"))
                .bind(to_ms(now)).bind(id.0).bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)?;
            shift(&r)
        })
    }

    /// Shifts that started in `[from, to)`, oldest first.
    pub async fn shifts(&self, t: &Tenant, f: ShiftFilter, now: Timestamp) -> Result<Vec<Shift>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{SELECT} WHERE s.company_id = $2 AND s.clock_in_at >= $3 AND s.clock_in_at < $4
                                  AND ($5 IS NULL OR s.employee_id = $5) ORDER BY s.clock_in_at, s.id"))
                .bind(to_ms(now)).bind(t.company_id().0)
                .bind(f.from.map(to_ms).unwrap_or(i64::MIN)).bind(f.to.map(to_ms).unwrap_or(i64::MAX))
                .bind(f.employee.map(|e| e.0))
                .fetch_all(p).await?.iter().map(shift).collect()
        })
    }

    /// Every open shift of the company (the live board).
    pub async fn open_shifts(&self, t: &Tenant, now: Timestamp) -> Result<Vec<Shift>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{SELECT} WHERE s.company_id = $2 AND s.clock_out_at IS NULL ORDER BY s.clock_in_at"))
                .bind(to_ms(now)).bind(t.company_id().0).fetch_all(p).await?.iter().map(shift).collect()
        })
    }

    /// Starts a break in the open shift. `NotFound` without an open shift,
    /// `Conflict("open break")` when already on break.
    pub async fn start_break(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        now: Timestamp,
    ) -> Result<Shift> {
        let open = self
            .open_shift(t, employee, now)
            .await?
            .ok_or(StoreError::NotFound)?;
        on_pool!(self, p => {
            sqlx::query("INSERT INTO breaks (id, company_id, shift_id, start_at) VALUES ($1, $2, $3, $4)")
                .bind(uuid::Uuid::now_v7()).bind(t.company_id().0).bind(open.id.0).bind(to_ms(now))
                .execute(p).await.map_err(StoreError::unique("open break"))?;
        });
        self.shift(t, open.id, now).await
    }

    /// Ends the current break. `NotFound` when not on break.
    pub async fn end_break(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        now: Timestamp,
    ) -> Result<Shift> {
        let open = self
            .open_shift(t, employee, now)
            .await?
            .ok_or(StoreError::NotFound)?;
        on_pool!(self, p => {
            let n = sqlx::query("UPDATE breaks SET end_at = $1 WHERE shift_id = $2 AND company_id = $3 AND end_at IS NULL")
                .bind(to_ms(now)).bind(open.id.0).bind(t.company_id().0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        self.shift(t, open.id, now).await
    }

    /// Applies a supervisor's correction, keeping every old value with who, when and why.
    /// Locked (approved) shifts refuse with `Rule`.
    pub async fn correct_shift(
        &self,
        t: &Tenant,
        id: ShiftId,
        c: &ShiftCorrection,
        reason: &str,
        by: UserId,
        now: Timestamp,
    ) -> Result<Shift> {
        let old = self.shift(t, id, now).await?;
        if old.locked {
            return Err(StoreError::Rule(
                "this shift is in an approved week; unlock the week first".into(),
            ));
        }
        let new_in = c.clock_in_at.unwrap_or(old.clock_in_at);
        let new_out = c.clock_out_at.or(old.clock_out_at);
        if new_out.is_some_and(|o| o <= new_in) {
            return Err(StoreError::Rule("clock-out must be after clock-in".into()));
        }
        let mut changes: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
        if c.clock_in_at.is_some_and(|x| x != old.clock_in_at) {
            changes.push((
                "clock_in_at",
                ms_text(Some(old.clock_in_at)),
                ms_text(c.clock_in_at),
            ));
        }
        if c.clock_out_at.is_some_and(|x| Some(x) != old.clock_out_at) {
            changes.push((
                "clock_out_at",
                ms_text(old.clock_out_at),
                ms_text(c.clock_out_at),
            ));
        }
        if c.standup.as_ref().is_some_and(|x| *x != old.standup) {
            changes.push(("standup", Some(old.standup.clone()), c.standup.clone()));
        }
        if c.report
            .as_ref()
            .is_some_and(|x| Some(x) != old.report.as_ref())
        {
            changes.push(("report", old.report.clone(), c.report.clone()));
        }
        if changes.is_empty() {
            return Ok(old);
        }
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE shifts SET clock_in_at = $1, clock_out_at = $2, standup = COALESCE($3, standup), report = COALESCE($4, report),
                           corrected = TRUE, end_confirmed = TRUE WHERE id = $5 AND company_id = $6 AND NOT locked")
                .bind(to_ms(new_in)).bind(new_out.map(to_ms)).bind(c.standup.as_deref()).bind(c.report.as_deref())
                .bind(id.0).bind(t.company_id().0).execute(&mut *tx).await?;
            for (field, old_v, new_v) in &changes {
                sqlx::query("INSERT INTO shift_changes (id, company_id, shift_id, changed_by, field, old_value, new_value, reason, created_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(uuid::Uuid::now_v7()).bind(t.company_id().0).bind(id.0).bind(by.0).bind(*field)
                    .bind(old_v.as_deref()).bind(new_v.as_deref()).bind(reason).bind(to_ms(now)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        self.shift(t, id, now).await
    }

    pub async fn shift_changes(&self, t: &Tenant, id: ShiftId) -> Result<Vec<ShiftChange>> {
        on_pool!(self, p => {
            sqlx::query("SELECT field, old_value, new_value, reason, changed_by, created_at FROM shift_changes
                         WHERE shift_id = $1 AND company_id = $2 ORDER BY created_at, id")
                .bind(id.0).bind(t.company_id().0).fetch_all(p).await?.iter().map(|r| Ok(ShiftChange {
                    field: r.string("field")?,
                    old_value: r.opt_string("old_value")?,
                    new_value: r.opt_string("new_value")?,
                    reason: r.string("reason")?,
                    changed_by: r.opt_uuid("changed_by")?.map(UserId),
                    created_at: from_ms(r.int("created_at")?),
                })).collect()
        })
    }

    /// Approves one employee's week (workdays `[week_start, week_start + 7)`), locking its
    /// shifts. Returns how many shifts were locked.
    pub async fn approve_week(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        week_start: Date,
        by: UserId,
        now: Timestamp,
    ) -> Result<u64> {
        self.employee(t, employee).await?;
        let end = week_start
            .checked_add(SignedDuration::from_hours(24 * 7))
            .map_err(|e| StoreError::Rule(e.to_string()))?;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO week_approvals (company_id, employee_id, week_start, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (company_id, employee_id, week_start) DO NOTHING")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).bind(by.0).bind(to_ms(now)).execute(&mut *tx).await?;
            let n = sqlx::query("UPDATE shifts SET locked = TRUE WHERE company_id = $1 AND employee_id = $2 AND workday >= $3 AND workday < $4")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).bind(end.to_string()).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok(n)
        })
    }

    /// Removes an approval so the week's shifts can be corrected again.
    pub async fn unlock_week(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        week_start: Date,
    ) -> Result<()> {
        let end = week_start
            .checked_add(SignedDuration::from_hours(24 * 7))
            .map_err(|e| StoreError::Rule(e.to_string()))?;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("DELETE FROM week_approvals WHERE company_id = $1 AND employee_id = $2 AND week_start = $3")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).execute(&mut *tx).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
            sqlx::query("UPDATE shifts SET locked = FALSE WHERE company_id = $1 AND employee_id = $2 AND workday >= $3 AND workday < $4")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).bind(end.to_string()).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn week_approved(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        week_start: Date,
    ) -> Result<bool> {
        on_pool!(self, p => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM week_approvals WHERE company_id = $1 AND employee_id = $2 AND week_start = $3")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).fetch_one(p).await?;
            Ok(n > 0)
        })
    }

    /// Closes every shift open longer than `max_open` at a plausible end: clock-in plus the
    /// employee's usual shift length (median of their last ten), capped at `max_open`.
    /// Returns the closed shifts' ids with their tenants. Safe on several instances: the
    /// UPDATE only touches still-open shifts.
    pub async fn auto_close_overdue(
        &self,
        now: Timestamp,
        max_open: SignedDuration,
        default_len: SignedDuration,
    ) -> Result<Vec<(Tenant, ShiftId)>> {
        let cutoff = to_ms(now) - max_open.as_millis() as i64;
        let overdue: Vec<(uuid::Uuid, uuid::Uuid, uuid::Uuid, i64)> = on_pool!(self, p => {
            sqlx::query("SELECT id, company_id, employee_id, clock_in_at FROM shifts WHERE clock_out_at IS NULL AND clock_in_at < $1 LIMIT 500")
                .bind(cutoff).fetch_all(p).await?.iter()
                .map(|r| Ok((r.uuid("id")?, r.uuid("company_id")?, r.uuid("employee_id")?, r.int("clock_in_at")?)))
                .collect::<Result<Vec<_>>>()?
        });
        let mut closed = Vec::new();
        for (id, company, employee, clock_in) in overdue {
            let lengths: Vec<i64> = on_pool!(self, p => {
                sqlx::query_scalar("SELECT clock_out_at - clock_in_at FROM shifts WHERE company_id = $1 AND employee_id = $2
                                    AND clock_out_at IS NOT NULL AND NOT auto_closed ORDER BY clock_in_at DESC LIMIT 10")
                    .bind(company).bind(employee).fetch_all(p).await?
            });
            let len = usual_length(&lengths)
                .unwrap_or(default_len.as_millis() as i64)
                .min(max_open.as_millis() as i64);
            let n = on_pool!(self, p => {
                sqlx::query("UPDATE shifts SET clock_out_at = $1, auto_closed = TRUE, end_confirmed = FALSE WHERE id = $2 AND clock_out_at IS NULL")
                    .bind(clock_in + len).bind(id).execute(p).await?.rows_affected()
            });
            if n == 1 {
                on_pool!(self, p => {
                    sqlx::query("UPDATE breaks SET end_at = $1 WHERE shift_id = $2 AND end_at IS NULL").bind(clock_in + len).bind(id).execute(p).await?;
                });
                closed.push((Tenant::new(domain::CompanyId(company)), ShiftId(id)));
            }
        }
        Ok(closed)
    }

    /// The employee's latest auto-closed shift still waiting for them to confirm its end.
    pub async fn unconfirmed_shift(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        now: Timestamp,
    ) -> Result<Option<Shift>> {
        let sql = format!("{SELECT} WHERE s.company_id = $2 AND s.employee_id = $3 AND s.auto_closed AND NOT s.end_confirmed
                           ORDER BY s.clock_in_at DESC LIMIT 1");
        if let Some(inline) = self.inline() {
            return inline.read(|c| {
                crate::sqlite::inline_read::first(
                    c,
                    &sql,
                    rusqlite::params![
                        to_ms(now),
                        t.company_id().0.as_bytes(),
                        employee.0.as_bytes()
                    ],
                    |r| shift(r),
                )
            });
        }
        on_pool!(self, p => {
            let row = sqlx::query(&sql)
                .bind(to_ms(now)).bind(t.company_id().0).bind(employee.0).fetch_optional(p).await?;
            row.as_ref().map(shift).transpose()
        })
    }

    /// The employee confirms (or corrects) the end of an auto-closed shift.
    pub async fn confirm_shift_end(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        id: ShiftId,
        end: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<Shift> {
        let s = self.shift(t, id, now).await?;
        if s.employee_id != employee || !s.auto_closed {
            return Err(StoreError::NotFound);
        }
        if s.locked {
            return Err(StoreError::Rule(
                "this shift is in an approved week; ask a supervisor".into(),
            ));
        }
        let new_end = end.or(s.clock_out_at).unwrap_or(now);
        if new_end <= s.clock_in_at || new_end > now {
            return Err(StoreError::Rule(
                "the end must be after the start and not in the future".into(),
            ));
        }
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE shifts SET clock_out_at = $1, end_confirmed = TRUE WHERE id = $2 AND company_id = $3")
                .bind(to_ms(new_end)).bind(id.0).bind(t.company_id().0).execute(&mut *tx).await?;
            if Some(new_end) != s.clock_out_at {
                sqlx::query("INSERT INTO shift_changes (id, company_id, shift_id, changed_by, field, old_value, new_value, reason, created_at)
                             VALUES ($1, $2, $3, NULL, 'clock_out_at', $4, $5, 'employee corrected an automatic clock-out', $6)")
                    .bind(uuid::Uuid::now_v7()).bind(t.company_id().0).bind(id.0)
                    .bind(ms_text(s.clock_out_at)).bind(ms_text(Some(new_end))).bind(to_ms(now)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        self.shift(t, id, now).await
    }

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

/// The median of recent shift lengths, ignoring nonsense values.
fn usual_length(lengths: &[i64]) -> Option<i64> {
    let mut v: Vec<i64> = lengths.iter().copied().filter(|l| *l > 0).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2])
}

#[cfg(test)]
mod tests {
    #[test]
    fn usual_length_is_the_median() {
        assert_eq!(super::usual_length(&[]), None);
        assert_eq!(super::usual_length(&[5, 1, 3]), Some(3));
        assert_eq!(super::usual_length(&[-1, 0, 4]), Some(4));
    }
}
