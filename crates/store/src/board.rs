//! The live board's reads: one query per list, with the employee's name joined in, so the
//! board never loads the whole staff list to name a handful of rows; and today's standups
//! that missed tasks picked out by the `tasks_missed` column (migration 0005), so only
//! those results travel and get parsed.

use crate::backend::on_pool;
use crate::row::{AnyRow, RowGet};
use crate::shifts::shift;
use crate::time::{from_ms, to_ms};
use crate::{Result, Shift, Store, Tenant};
use domain::{EmployeeId, ShiftId};
use jiff::Timestamp;

/// A shift with its employee's name (`(removed)` if the employee is gone).
#[derive(Debug, Clone)]
pub struct NamedShift {
    pub shift: Shift,
    pub employee_name: String,
}

/// A standup that left out at least one assigned task.
#[derive(Debug, Clone)]
pub struct MissedStandup {
    pub shift_id: ShiftId,
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub clock_in_at: Timestamp,
    /// JSON of the standup check.
    pub result: String,
}

/// A shift whose check or score is the local analyzer's, waiting for the external model.
#[derive(Debug, Clone)]
pub struct ProvisionalResult {
    pub shift_id: ShiftId,
    pub employee_id: EmployeeId,
    pub employee_name: String,
    /// `standup` or `report`.
    pub kind: String,
    pub score: Option<i64>,
    pub since: Timestamp,
}

/// Shift columns without the note texts (the board never shows them), as [`shift`] reads
/// them; `$1` is "now" for open breaks.
const NAMED: &str = "SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at,
        CAST('' AS TEXT) AS standup, CAST(NULL AS TEXT) AS report,
        s.auto_closed, s.end_confirmed, s.corrected, s.locked,
        CAST(COALESCE((SELECT SUM(COALESCE(b.end_at, $1) - b.start_at) FROM breaks b WHERE b.shift_id = s.id), 0) AS BIGINT) AS break_ms,
        CASE WHEN EXISTS (SELECT 1 FROM breaks b WHERE b.shift_id = s.id AND b.end_at IS NULL) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS on_break,
        COALESCE(e.name, '(removed)') AS employee_name
     FROM shifts s LEFT JOIN employees e ON e.id = s.employee_id";

fn named<R: AnyRow>(r: &R) -> Result<NamedShift> {
    Ok(NamedShift {
        shift: shift(r)?,
        employee_name: r.string("employee_name")?,
    })
}

impl Store {
    /// Who is in: open shifts, earliest first.
    pub async fn present_shifts(&self, t: &Tenant, now: Timestamp) -> Result<Vec<NamedShift>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{NAMED} WHERE s.company_id = $2 AND s.clock_out_at IS NULL ORDER BY s.clock_in_at"))
                .bind(to_ms(now)).bind(t.company_id().0).fetch_all(p).await?.iter().map(named).collect()
        })
    }

    /// Auto-closed shifts whose end nobody has confirmed yet, oldest first (at most 200).
    pub async fn unconfirmed_named(&self, t: &Tenant, now: Timestamp) -> Result<Vec<NamedShift>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{NAMED} WHERE s.company_id = $2 AND s.auto_closed AND NOT s.end_confirmed ORDER BY s.clock_in_at LIMIT 200"))
                .bind(to_ms(now)).bind(t.company_id().0).fetch_all(p).await?.iter().map(named).collect()
        })
    }

    /// Standups of shifts that started in `[from, to)` and left out an assigned task, in
    /// `(clock_in_at, id)` order.
    pub async fn missed_standups(
        &self,
        t: &Tenant,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<MissedStandup>> {
        const SQL: &str = "SELECT s.id, s.employee_id, s.clock_in_at, COALESCE(e.name, '(removed)') AS employee_name, a.result
             FROM shifts s JOIN analyses a ON a.shift_id = s.id AND a.kind = 'standup'
             LEFT JOIN employees e ON e.id = s.employee_id
             WHERE s.company_id = $1 AND s.clock_in_at >= $2 AND s.clock_in_at < $3 AND a.company_id = $1 AND a.tasks_missed > 0
             ORDER BY s.clock_in_at, s.id";
        on_pool!(self, p => {
            sqlx::query(SQL)
                .bind(t.company_id().0).bind(to_ms(from)).bind(to_ms(to))
                .fetch_all(p).await?.iter().map(|r| Ok(MissedStandup {
                    shift_id: ShiftId(r.uuid("id")?),
                    employee_id: EmployeeId(r.uuid("employee_id")?),
                    employee_name: r.string("employee_name")?,
                    clock_in_at: from_ms(r.int("clock_in_at")?),
                    result: r.string("result")?,
                })).collect()
        })
    }

    /// Results still provisional (the external model has not answered yet), oldest first
    /// (at most 200).
    pub async fn provisional_results(&self, t: &Tenant) -> Result<Vec<ProvisionalResult>> {
        const SQL: &str = "SELECT a.shift_id, s.employee_id, COALESCE(e.name, '(removed)') AS employee_name, a.kind, a.score, a.created_at
             FROM analyses a JOIN shifts s ON s.id = a.shift_id
             LEFT JOIN employees e ON e.id = s.employee_id
             WHERE a.company_id = $1 AND a.provisional
             ORDER BY a.created_at, a.shift_id LIMIT 200";
        on_pool!(self, p => {
            sqlx::query(SQL)
                .bind(t.company_id().0)
                .fetch_all(p).await?.iter().map(|r| Ok(ProvisionalResult {
                    shift_id: ShiftId(r.uuid("shift_id")?),
                    employee_id: EmployeeId(r.uuid("employee_id")?),
                    employee_name: r.string("employee_name")?,
                    kind: r.string("kind")?,
                    score: r.opt_int("score")?,
                    since: from_ms(r.int("created_at")?),
                })).collect()
        })
    }
}
