//! Shifts: the row and its queries, breaks. The punches ([`punch`]), corrections and
//! approvals ([`corrections`]), closing forgotten shifts ([`auto_close`]) and idempotent
//! clock requests ([`idempotency`]) are `impl Store` blocks of their own.

mod auto_close;
mod corrections;
mod idempotency;
mod punch;
#[cfg(test)]
mod query_plan_tests;

pub use auto_close::{ConfirmedEnd, SELF_CORRECTION_MARGIN};
pub use idempotency::{IdempotencyKey, StoredAnswer};
pub use punch::PunchAnalysis;

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, StoreError, Tenant};
use domain::{EmployeeId, ShiftId, UserId};
use jiff::{SignedDuration, Timestamp};

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

/// Where a page of shifts ends: the last shift's clock-in (ms) and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftCursor {
    pub clock_in_ms: i64,
    pub id: ShiftId,
}

impl ShiftCursor {
    pub fn after(s: &Shift) -> Self {
        Self {
            clock_in_ms: to_ms(s.clock_in_at),
            id: s.id,
        }
    }
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

pub(super) fn ms_text(t: Option<Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

/// The employee's open shift (index `shifts_one_open`, migration 0014); formatted once.
static OPEN_SHIFT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("{SELECT} WHERE s.company_id = $2 AND s.employee_id = $3 AND s.clock_out_at IS NULL")
});

impl Store {
    pub async fn open_shift(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        now: Timestamp,
    ) -> Result<Option<Shift>> {
        on_pool!(self, p => {
            let row = sqlx::query(&OPEN_SHIFT)
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
        self.shifts_page(t, f, None, u32::MAX, now).await
    }

    /// At most `limit` shifts matching `f` that come after `after`, in keyset order
    /// (clock-in, id): one page of a listing that may be of any length.
    pub async fn shifts_page(
        &self,
        t: &Tenant,
        f: ShiftFilter,
        after: Option<ShiftCursor>,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<Shift>> {
        let after = after.unwrap_or(ShiftCursor {
            clock_in_ms: i64::MIN,
            id: ShiftId(uuid::Uuid::nil()),
        });
        on_pool!(self, p => {
            sqlx::query(&format!("{SELECT} WHERE s.company_id = $2 AND s.clock_in_at >= $3 AND s.clock_in_at < $4
                                  AND ($5 IS NULL OR s.employee_id = $5)
                                  AND (s.clock_in_at > $6 OR (s.clock_in_at = $6 AND s.id > $7))
                                  ORDER BY s.clock_in_at, s.id LIMIT $8"))
                .bind(to_ms(now)).bind(t.company_id().0)
                .bind(f.from.map(to_ms).unwrap_or(i64::MIN)).bind(f.to.map(to_ms).unwrap_or(i64::MAX))
                .bind(f.employee.map(|e| e.0))
                .bind(after.clock_in_ms).bind(after.id.0).bind(i64::from(limit))
                .fetch_all(p).await?.iter().map(shift).collect()
        })
    }

    /// An employee's newest `limit` shifts, newest first.
    pub async fn recent_shifts(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<Shift>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{SELECT} WHERE s.company_id = $2 AND s.employee_id = $3
                                  ORDER BY s.clock_in_at DESC, s.id DESC LIMIT $4"))
                .bind(to_ms(now)).bind(t.company_id().0).bind(employee.0).bind(i64::from(limit))
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
}
