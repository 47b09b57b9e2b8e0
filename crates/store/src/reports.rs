//! Reading for reports: the live board's extra lists, week approvals, the weekly-hours
//! target, weekly summaries, and the keyset-paged shift export (constant memory however
//! many shifts a company has).

use crate::backend::on_pool;
use crate::row::{AnyRow, RowGet};
use crate::shifts::{shift, SELECT};
use crate::time::{from_ms, to_ms};
use crate::{ExportFigures, Result, Shift, ShiftFilter, Store, StoreError, Tenant};
use domain::{CompanyId, EmployeeId, ShiftId, SummaryId};
use jiff::Timestamp;

/// Default weekly target: 40 hours.
pub const DEFAULT_WEEKLY_TARGET_MINUTES: i64 = 40 * 60;

/// A stored weekly summary. `figures` is the JSON of the anonymised weekly figures.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: SummaryId,
    pub week_start: String,
    pub figures: String,
    pub body: String,
    pub analyzer: String,
    pub model: String,
    pub fallback: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewSummary<'a> {
    pub week_start: &'a str,
    pub figures: &'a str,
    pub body: &'a str,
    pub analyzer: &'a str,
    pub model: &'a str,
    pub fallback: bool,
}

/// A company the report jobs work for, with what decides its weeks.
#[derive(Debug, Clone)]
pub struct ReportCompany {
    pub tenant: Tenant,
    pub timezone: String,
    pub week_start: i16,
}

/// One shift with everything an export row needs, analyses included.
#[derive(Debug, Clone)]
pub struct ExportShift {
    pub shift: Shift,
    pub employee_name: String,
    pub employee_code: String,
    /// JSON of the standup check, when analysed.
    pub standup_result: Option<String>,
    /// JSON of the report extraction, when analysed.
    pub report_result: Option<String>,
    pub score: Option<i64>,
    pub override_score: Option<i64>,
    pub override_reason: Option<String>,
    /// JSON of the score breakdown.
    pub breakdown: Option<String>,
    /// What the CSV rows show of the analyses, derived here from their JSON (the reference
    /// the fast paths' plain columns are held to).
    pub export: ExportFigures,
}

/// Where the previous export page ended: `(clock_in_at, id)` of its last shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportCursor {
    pub clock_in_at: Timestamp,
    pub id: ShiftId,
}

/// A break of a shift.
#[derive(Debug, Clone)]
pub struct BreakRow {
    pub shift_id: ShiftId,
    pub start_at: Timestamp,
    pub end_at: Option<Timestamp>,
}

fn summary<R: AnyRow>(r: &R) -> Result<Summary> {
    Ok(Summary {
        id: SummaryId(r.uuid("id")?),
        week_start: r.string("week_start")?,
        figures: r.string("figures")?,
        body: r.string("body")?,
        analyzer: r.string("analyzer")?,
        model: r.string("model")?,
        fallback: r.boolean("fallback")?,
        created_at: from_ms(r.int("created_at")?),
    })
}

const SUMMARY_COLUMNS: &str =
    "id, week_start, figures, body, analyzer, model, fallback, created_at";

fn export_row<R: AnyRow>(r: &R) -> Result<ExportShift> {
    let standup_result = r.opt_string("standup_result")?;
    let breakdown = r.opt_string("breakdown")?;
    Ok(ExportShift {
        export: ExportFigures::from_json(standup_result.as_deref(), breakdown.as_deref()),
        shift: shift(r)?,
        employee_name: r.string("employee_name")?,
        employee_code: r.string("employee_code")?,
        standup_result,
        report_result: r.opt_string("report_result")?,
        score: r.opt_int("score")?,
        override_score: r.opt_int("override_score")?,
        override_reason: r.opt_string("override_reason")?,
        breakdown,
    })
}

impl Store {
    /// The company's weekly-hours target in minutes (default 40 h).
    pub async fn weekly_target_minutes(&self, t: &Tenant) -> Result<i64> {
        on_pool!(self, p => {
            let m: Option<i64> = sqlx::query_scalar("SELECT weekly_target_minutes FROM companies WHERE id = $1")
                .bind(t.company_id().0).fetch_optional(p).await?;
            m.ok_or(StoreError::NotFound)
        })
    }

    /// Sets the weekly-hours target (minutes, 0 to 168 h).
    pub async fn set_weekly_target_minutes(&self, t: &Tenant, minutes: i64) -> Result<()> {
        if !(0..=168 * 60).contains(&minutes) {
            return Err(StoreError::Rule(
                "the weekly target must be between 0 and 168 hours".into(),
            ));
        }
        on_pool!(self, p => {
            sqlx::query("UPDATE companies SET weekly_target_minutes = $1 WHERE id = $2")
                .bind(minutes).bind(t.company_id().0).execute(p).await?;
        });
        Ok(())
    }

    /// Active companies, for the weekly-summary job.
    pub async fn report_companies(&self) -> Result<Vec<ReportCompany>> {
        on_pool!(self, p => {
            sqlx::query("SELECT id, timezone, CAST(week_start AS BIGINT) AS week_start FROM companies WHERE status = 'active' ORDER BY id")
                .fetch_all(p).await?.iter().map(|r| Ok(ReportCompany {
                    tenant: Tenant::new(CompanyId(r.uuid("id")?)),
                    timezone: r.string("timezone")?,
                    week_start: r.int("week_start")?.clamp(1, 7) as i16,
                })).collect()
        })
    }

    /// Auto-closed shifts whose end nobody has confirmed yet, oldest first.
    pub async fn unconfirmed_shifts(&self, t: &Tenant, now: Timestamp) -> Result<Vec<Shift>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{SELECT} WHERE s.company_id = $2 AND s.auto_closed AND NOT s.end_confirmed ORDER BY s.clock_in_at LIMIT 200"))
                .bind(to_ms(now)).bind(t.company_id().0).fetch_all(p).await?.iter().map(shift).collect()
        })
    }

    /// Approved weeks `(employee, week_start)` with week starts in `[from, to]` (`YYYY-MM-DD`).
    pub async fn approvals_between(
        &self,
        t: &Tenant,
        from: &str,
        to: &str,
    ) -> Result<Vec<(EmployeeId, String)>> {
        on_pool!(self, p => {
            sqlx::query("SELECT employee_id, week_start FROM week_approvals WHERE company_id = $1 AND week_start >= $2 AND week_start <= $3")
                .bind(t.company_id().0).bind(from).bind(to).fetch_all(p).await?.iter()
                .map(|r| Ok((EmployeeId(r.uuid("employee_id")?), r.string("week_start")?))).collect()
        })
    }

    /// One page of shifts for an export, in `(clock_in_at, id)` order after `after`. The
    /// cursor narrows the index range itself, so every page costs the same.
    pub async fn export_shifts(
        &self,
        t: &Tenant,
        f: ShiftFilter,
        after: Option<ExportCursor>,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<ExportShift>> {
        let from = f.from.map(to_ms).unwrap_or(i64::MIN);
        let lower = after
            .map(|c| to_ms(c.clock_in_at).max(from))
            .unwrap_or(from);
        let (after_ms, after_id) = after
            .map(|c| (to_ms(c.clock_in_at), c.id.0))
            .unwrap_or((i64::MIN, uuid::Uuid::nil()));
        const SQL: &str =             "SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
                s.auto_closed, s.end_confirmed, s.corrected, s.locked,
                CAST(COALESCE((SELECT SUM(COALESCE(b.end_at, $1) - b.start_at) FROM breaks b WHERE b.shift_id = s.id), 0) AS BIGINT) AS break_ms,
                CASE WHEN EXISTS (SELECT 1 FROM breaks b WHERE b.shift_id = s.id AND b.end_at IS NULL) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS on_break,
                e.name AS employee_name, e.id_code AS employee_code,
                su.result AS standup_result, r.result AS report_result, r.score, r.override_score, r.override_reason, r.breakdown
             FROM shifts s JOIN employees e ON e.id = s.employee_id
             LEFT JOIN analyses su ON su.shift_id = s.id AND su.kind = 'standup'
             LEFT JOIN analyses r ON r.shift_id = s.id AND r.kind = 'report'
             WHERE s.company_id = $2 AND s.clock_in_at >= $3 AND s.clock_in_at < $4 AND ($5 IS NULL OR s.employee_id = $5)
               AND (s.clock_in_at > $6 OR (s.clock_in_at = $6 AND s.id > $7))
             ORDER BY s.clock_in_at, s.id LIMIT $8";
        on_pool!(self, p => {
            sqlx::query(SQL)
                .bind(to_ms(now)).bind(t.company_id().0).bind(lower).bind(f.to.map(to_ms).unwrap_or(i64::MAX))
                .bind(f.employee.map(|e| e.0)).bind(after_ms).bind(after_id).bind(i64::from(limit))
                .fetch_all(p).await?.iter().map(export_row).collect()
        })
    }

    /// Shifts that started in `[from, to)`, oldest first, like [`Store::shifts`] but
    /// **without the notes**: `standup` is empty and `report` is `None`. For figures
    /// (timesheets, the board) that never show the texts, which are most of a row's bytes.
    pub async fn shift_figures(
        &self,
        t: &Tenant,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<Shift>> {
        const SQL: &str = "SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at,
                CAST('' AS TEXT) AS standup, CAST(NULL AS TEXT) AS report,
                s.auto_closed, s.end_confirmed, s.corrected, s.locked,
                CAST(COALESCE((SELECT SUM(COALESCE(b.end_at, $1) - b.start_at) FROM breaks b WHERE b.shift_id = s.id), 0) AS BIGINT) AS break_ms,
                CASE WHEN EXISTS (SELECT 1 FROM breaks b WHERE b.shift_id = s.id AND b.end_at IS NULL) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END AS on_break
             FROM shifts s
             WHERE s.company_id = $2 AND s.clock_in_at >= $3 AND s.clock_in_at < $4
             ORDER BY s.clock_in_at, s.id";
        on_pool!(self, p => {
            sqlx::query(SQL)
                .bind(to_ms(now)).bind(t.company_id().0).bind(to_ms(from)).bind(to_ms(to))
                .fetch_all(p).await?.iter().map(shift).collect()
        })
    }

    /// Every break of one employee's shifts (the personal data export).
    pub async fn employee_breaks(&self, t: &Tenant, employee: EmployeeId) -> Result<Vec<BreakRow>> {
        on_pool!(self, p => {
            sqlx::query("SELECT b.shift_id, b.start_at, b.end_at FROM breaks b JOIN shifts s ON s.id = b.shift_id
                         WHERE b.company_id = $1 AND s.employee_id = $2 ORDER BY b.start_at")
                .bind(t.company_id().0).bind(employee.0).fetch_all(p).await?.iter().map(|r| Ok(BreakRow {
                    shift_id: ShiftId(r.uuid("shift_id")?),
                    start_at: from_ms(r.int("start_at")?),
                    end_at: r.opt_int("end_at")?.map(from_ms),
                })).collect()
        })
    }

    /// Stores a weekly summary unless the week already has one. Returns the new id, or
    /// `None` when the week was summarised before (the job is idempotent per week).
    pub async fn save_summary(
        &self,
        t: &Tenant,
        s: NewSummary<'_>,
        now: Timestamp,
    ) -> Result<Option<SummaryId>> {
        let id = SummaryId::new();
        let n = on_pool!(self, p => {
            sqlx::query("INSERT INTO summaries (id, company_id, week_start, figures, body, analyzer, model, fallback, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (company_id, week_start) DO NOTHING")
                .bind(id.0).bind(t.company_id().0).bind(s.week_start).bind(s.figures).bind(s.body)
                .bind(s.analyzer).bind(s.model).bind(s.fallback).bind(to_ms(now)).execute(p).await?.rows_affected()
        });
        Ok((n == 1).then_some(id))
    }

    /// The newest `limit` summaries, newest week first.
    pub async fn summaries(&self, t: &Tenant, limit: u32) -> Result<Vec<Summary>> {
        on_pool!(self, p => {
            sqlx::query(&format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE company_id = $1 ORDER BY week_start DESC LIMIT $2"))
                .bind(t.company_id().0).bind(i64::from(limit)).fetch_all(p).await?.iter().map(summary).collect()
        })
    }

    /// One page of summaries, newest week first: `limit` of them after skipping `offset`.
    pub async fn summaries_page(
        &self,
        t: &Tenant,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Summary>> {
        on_pool!(self, p => {
            sqlx::query(&format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE company_id = $1 ORDER BY week_start DESC LIMIT $2 OFFSET $3"))
                .bind(t.company_id().0).bind(i64::from(limit)).bind(i64::from(offset))
                .fetch_all(p).await?.iter().map(summary).collect()
        })
    }

    pub async fn summary(&self, t: &Tenant, id: SummaryId) -> Result<Summary> {
        on_pool!(self, p => {
            let r = sqlx::query(&format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE id = $1 AND company_id = $2"))
                .bind(id.0).bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)?;
            summary(&r)
        })
    }

    pub async fn summary_for_week(&self, t: &Tenant, week_start: &str) -> Result<Option<Summary>> {
        on_pool!(self, p => {
            let r = sqlx::query(&format!("SELECT {SUMMARY_COLUMNS} FROM summaries WHERE company_id = $1 AND week_start = $2"))
                .bind(t.company_id().0).bind(week_start).fetch_optional(p).await?;
            r.as_ref().map(summary).transpose()
        })
    }
}
