//! A team timesheet's figures: per employee, per workday, and per day for the few employees
//! with the most hours (the chart's stacks).
//!
//! Two reads, both narrow: the staff list (id, name, active) and one small row per shift in
//! the period (who, which day, worked span, breaks, locked, effective score and the report's
//! task counts from the `tasks_*` columns — no note texts, no JSON). The totals are added up
//! here, once, for both engines. On an SQLite file the reads run on a blocking thread
//! through a synchronous connection ([`crate::inline_read`]): a week of a thousand people is
//! ~5 000 rows, and through sqlx-sqlite every row would be its own thread hand-off (moving
//! rows through the driver, not the query, was what a large timesheet spent its time on).
//!
//! Worked time follows [`Shift::worked`](crate::Shift::worked): clock-out (or `now` while
//! open) minus clock-in minus breaks, never below zero; scores are the effective ones
//! (override first).

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::to_ms;
use crate::{Result, Store, StoreError, Tenant};
use domain::EmployeeId;
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One employee's totals over the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeTotals {
    pub employee_id: EmployeeId,
    pub name: String,
    pub shifts: i64,
    pub worked_ms: i64,
    pub break_ms: i64,
    /// Shifts locked by an approval.
    pub locked: i64,
    /// Sum and count of the effective scores of scored shifts.
    pub score_sum: i64,
    pub scored: i64,
}

/// The whole team's totals for one workday (`YYYY-MM-DD`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayTotals {
    pub workday: String,
    pub shifts: i64,
    pub worked_ms: i64,
    pub score_sum: i64,
    pub scored: i64,
    /// Assigned tasks in the day's reports: done, in progress, blocked, not worked on.
    pub tasks: [i64; 4],
}

/// Worked time of one of the top employees on one workday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopDay {
    pub employee_id: EmployeeId,
    pub workday: String,
    pub worked_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamFigures {
    /// Every active employee, plus inactive ones who worked in the period, by name then id.
    pub employees: Vec<EmployeeTotals>,
    /// Workdays with shifts, in order.
    pub days: Vec<DayTotals>,
    /// Per workday (in order), the worked time of the `top` employees with the most worked
    /// time in the period (ties broken by id).
    pub top: Vec<TopDay>,
}

/// The company's staff: `$1` company.
const STAFF_SQL: &str =
    "SELECT id, name, active FROM employees WHERE company_id = $1 ORDER BY name, id";

/// One row per shift that started in the period: `$1` now (open shifts and breaks count up
/// to it), `$2` company, `$3`/`$4` the period's UTC bounds.
const SHIFTS_SQL: &str = "SELECT s.employee_id, s.workday, s.locked,
        COALESCE(s.clock_out_at, $1) - s.clock_in_at AS span_ms,
        CAST(COALESCE((SELECT SUM(COALESCE(b.end_at, $1) - b.start_at) FROM breaks b WHERE b.shift_id = s.id), 0) AS BIGINT) AS break_ms,
        COALESCE(a.override_score, a.score) AS score,
        COALESCE(a.tasks_done, 0) AS done, COALESCE(a.tasks_progress, 0) AS progress,
        COALESCE(a.tasks_blocked, 0) AS blocked, COALESCE(a.tasks_none, 0) AS idle
     FROM shifts s LEFT JOIN analyses a ON a.shift_id = s.id AND a.kind = 'report'
     WHERE s.company_id = $2 AND s.clock_in_at >= $3 AND s.clock_in_at < $4";

struct Staff {
    id: EmployeeId,
    name: String,
    active: bool,
}

/// What one shift adds to the totals.
struct ShiftFigure {
    employee: EmployeeId,
    workday: String,
    locked: bool,
    worked_ms: i64,
    break_ms: i64,
    score: Option<i64>,
    tasks: [i64; 4],
}

fn staff<R: RowGet>(r: &R) -> Result<Staff> {
    Ok(Staff {
        id: EmployeeId(r.uuid("id")?),
        name: r.string("name")?,
        active: r.boolean("active")?,
    })
}

fn shift_figure<R: RowGet>(r: &R) -> Result<ShiftFigure> {
    let break_ms = r.int("break_ms")?;
    Ok(ShiftFigure {
        employee: EmployeeId(r.uuid("employee_id")?),
        workday: r.string("workday")?,
        locked: r.boolean("locked")?,
        worked_ms: (r.int("span_ms")? - break_ms).max(0),
        break_ms,
        score: r.opt_int("score")?,
        tasks: [
            r.int("done")?,
            r.int("progress")?,
            r.int("blocked")?,
            r.int("idle")?,
        ],
    })
}

impl Store {
    /// The team's figures for shifts that started in `[from, to)`; see [`TeamFigures`].
    pub async fn team_figures(
        &self,
        t: &Tenant,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
        top: u32,
    ) -> Result<TeamFigures> {
        let company = t.company_id().0;
        let (now, from, to) = (to_ms(now), to_ms(from), to_ms(to));
        let (staff, shifts) = if let Some(inline) = self.inline().cloned() {
            tokio::task::spawn_blocking(move || {
                inline.read(|c| {
                    use crate::sqlite::inline_read::all;
                    Ok((
                        all(c, STAFF_SQL, [company.as_bytes()], |r| staff(r))?,
                        all(
                            c,
                            SHIFTS_SQL,
                            rusqlite::params![now, company.as_bytes(), from, to],
                            |r| shift_figure(r),
                        )?,
                    ))
                })
            })
            .await
            .map_err(|e| StoreError::Unavailable(format!("timesheet read: {e}")))??
        } else {
            on_pool!(self, p => {
                let staff = sqlx::query(STAFF_SQL).bind(company).fetch_all(p).await?
                    .iter().map(staff).collect::<Result<Vec<_>>>()?;
                let shifts = sqlx::query(SHIFTS_SQL).bind(now).bind(company).bind(from).bind(to).fetch_all(p).await?
                    .iter().map(shift_figure).collect::<Result<Vec<_>>>()?;
                (staff, shifts)
            })
        };
        Ok(add_up(&staff, &shifts, top))
    }
}

fn add_up(staff: &[Staff], shifts: &[ShiftFigure], top: u32) -> TeamFigures {
    let mut per_employee: HashMap<EmployeeId, EmployeeTotals> = HashMap::new();
    let mut per_day: BTreeMap<&str, DayTotals> = BTreeMap::new();
    for s in shifts {
        let e = per_employee
            .entry(s.employee)
            .or_insert_with(|| EmployeeTotals {
                employee_id: s.employee,
                name: String::new(),
                shifts: 0,
                worked_ms: 0,
                break_ms: 0,
                locked: 0,
                score_sum: 0,
                scored: 0,
            });
        e.shifts += 1;
        e.worked_ms += s.worked_ms;
        e.break_ms += s.break_ms;
        e.locked += i64::from(s.locked);
        let d = per_day.entry(&s.workday).or_default();
        d.shifts += 1;
        d.worked_ms += s.worked_ms;
        if let Some(score) = s.score {
            e.score_sum += score;
            e.scored += 1;
            d.score_sum += score;
            d.scored += 1;
        }
        for (n, add) in d.tasks.iter_mut().zip(s.tasks) {
            *n += add;
        }
    }
    let mut ranked: Vec<&EmployeeTotals> = per_employee.values().collect();
    ranked.sort_by(|a, b| {
        b.worked_ms
            .cmp(&a.worked_ms)
            .then(a.employee_id.cmp(&b.employee_id))
    });
    let chosen: HashSet<EmployeeId> = ranked
        .iter()
        .take(usize::try_from(top).unwrap_or(usize::MAX))
        .map(|e| e.employee_id)
        .collect();
    let mut top_days: BTreeMap<(&str, EmployeeId), i64> = BTreeMap::new();
    for s in shifts.iter().filter(|s| chosen.contains(&s.employee)) {
        *top_days.entry((&s.workday, s.employee)).or_default() += s.worked_ms;
    }
    // Shifts of someone no longer on the staff list cannot exist (they go with the employee).
    let employees = staff
        .iter()
        .filter_map(|m| match per_employee.remove(&m.id) {
            Some(e) => Some(EmployeeTotals {
                name: m.name.clone(),
                ..e
            }),
            None => m.active.then(|| EmployeeTotals {
                employee_id: m.id,
                name: m.name.clone(),
                shifts: 0,
                worked_ms: 0,
                break_ms: 0,
                locked: 0,
                score_sum: 0,
                scored: 0,
            }),
        })
        .collect();
    TeamFigures {
        employees,
        days: per_day
            .into_iter()
            .map(|(workday, d)| DayTotals {
                workday: workday.to_string(),
                ..d
            })
            .collect(),
        top: top_days
            .into_iter()
            .map(|((workday, employee_id), worked_ms)| TopDay {
                employee_id,
                workday: workday.to_string(),
                worked_ms,
            })
            .collect(),
    }
}
