//! The punches: clock-in and clock-out, each committed together with its analysis job or
//! its analysis (SQLite through the group-commit writer, PostgreSQL in one statement).

use super::{shift, Shift, SELECT};
use crate::backend::Backend;
use crate::export_figures::BREAKDOWN_COLUMNS;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{AnalysisRow, BurstHit, Job, JobKind, Result, Store, StoreError, Tenant};
use domain::{EmployeeId, ShiftId};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rusqlite::OptionalExtension;
use std::sync::LazyLock;

/// PostgreSQL: the punch in, for a punch with nothing to analyse.
const CLOCK_IN: &str =
    "INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, standup, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $5)";
/// SQLite (in one writer batch with its analysis or [`JOB_INSERT`]): the punch in, with
/// the missed tasks the export reads (`$7`, migration 0015) when the analysis (row `$8`) is
/// stored with the punch — its insert trigger then leaves the shift alone (migrations 0013,
/// 0015).
const CLOCK_IN_SQLITE: &str =
    "INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, standup, created_at, standup_missed, figures_from)
    VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)";
/// SQLite (with [`CLOSE_BREAKS`] and the analysis or [`JOB_INSERT`]): the punch out; with
/// `$3` the report's score and breakdown figures (`$4`…`$14`) go into the shift row for the
/// export as [`CLOCK_IN_SQLITE`]'s missed tasks do, with the analysis row's id (`$15`);
/// `$16` company, `$17` employee. (SQLite numbers `$N` parameters in order of first
/// appearance, so they appear in order here.)
pub(super) static CLOCK_OUT: LazyLock<String> = LazyLock::new(|| {
    let set: String = std::iter::once("report_score")
        .chain(BREAKDOWN_COLUMNS)
        .chain(["figures_from"])
        .enumerate()
        .map(|(i, c)| format!(",\n      {c} = CASE WHEN $3 THEN ${} ELSE {c} END", i + 4))
        .collect();
    format!(
        "UPDATE shifts SET clock_out_at = $1, report = $2{set}
    WHERE company_id = $16 AND employee_id = $17 AND clock_out_at IS NULL RETURNING id"
    )
});
/// PostgreSQL: [`CLOCK_IN`] and [`JOB_INSERT`] as one statement.
const CLOCK_IN_PG: &str = "WITH s AS (
      INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, standup, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $5) RETURNING id)
    INSERT INTO jobs (id, company_id, shift_id, kind, status, attempts, run_at, lease_until, created_at)
    SELECT $7, $2, s.id, 'standup', $8, 0, $5, $9, $5 FROM s
    ON CONFLICT DO NOTHING RETURNING id";
/// PostgreSQL: [`CLOCK_IN`] and its standup analysis (`$7`…`$15`) as one statement; the
/// shift row gets the missed tasks (`$16`) as its export figure itself, with the analysis
/// row's id (`$17`, the same as `$7`; NULL when the caller gave no figures) so that the
/// insert trigger leaves it alone (migrations 0013, 0015).
const CLOCK_IN_ANALYSED_PG: &str = concat!(
    "WITH s AS (
      INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, standup, created_at, standup_missed, figures_from)
      VALUES ($1, $2, $3, $4, $5, $6, $5, $16, $17) RETURNING id),
    a AS (",
    crate::analyses::save_sql!(
        "SELECT $7, $2, s.id, 'standup', $8, $9, $10, $11, $12, $13, $14, $5, $15 FROM s"
    ),
    ") SELECT id FROM s"
);
/// PostgreSQL: the punch out (setting `{set}` too) with its open breaks closed, then (in
/// [`clock_out_pg`]) its job or its analysis; the closed shift is the statement's row (no
/// row when none was open).
fn clock_out_pg_head(set: &str) -> String {
    format!(
        "WITH s AS (
      UPDATE shifts SET clock_out_at = $1, report = $2{set}
      WHERE company_id = $3 AND employee_id = $4 AND clock_out_at IS NULL
      RETURNING id, employee_id, workday, clock_in_at, clock_out_at, standup, report, auto_closed, end_confirmed, corrected, locked),
    b AS (UPDATE breaks SET end_at = $1 WHERE shift_id IN (SELECT id FROM s) AND end_at IS NULL)"
    )
}
/// The closed shift as [`shift`] reads it. The statement's snapshot predates `b`, so an open
/// break still has no end here: counting it up to `$1` gives the total `b` leaves behind.
const CLOCK_OUT_PG_SHIFT: &str = "SELECT s.*,
      CAST(COALESCE((SELECT SUM(COALESCE(x.end_at, $1) - x.start_at) FROM breaks x WHERE x.shift_id = s.id), 0) AS BIGINT) AS break_ms,
      CAST(0 AS BIGINT) AS on_break";
/// SQLite: the closed shift, re-read inside the clock-out's write (formatted once).
static REREAD: LazyLock<String> =
    LazyLock::new(|| format!("{SELECT} WHERE s.id = $2 AND s.company_id = $3"));
const CLOSE_BREAKS: &str = "UPDATE breaks SET end_at = $1 WHERE shift_id = $2 AND end_at IS NULL";

/// The PostgreSQL clock-out statement for `analysis`: [`CLOCK_OUT_PG_HEAD`], then the job
/// (`$5`…`$7`, its id as the row's `job`) or the report's analysis (`$5`…`$13`).
fn clock_out_pg(analysis: &PunchAnalysis) -> &'static str {
    static JOB: LazyLock<String> = LazyLock::new(|| {
        format!(
            "{},
    j AS (INSERT INTO jobs (id, company_id, shift_id, kind, status, attempts, run_at, lease_until, created_at)
      SELECT $5, $3, s.id, 'report', $6, 0, $1, $7, $1 FROM s ON CONFLICT DO NOTHING RETURNING id)
    {CLOCK_OUT_PG_SHIFT}, (SELECT j.id FROM j) AS job FROM s",
            clock_out_pg_head("")
        )
    });
    // The report's score (`$11`) and breakdown figures (`$14`…`$23`) go into the shift row
    // for the export in the same update, with the analysis row's id (`$24`, the same as
    // `$5`; NULL when the caller gave no figures) so that the insert trigger leaves it
    // alone (migrations 0013, 0015).
    static ANALYSED: LazyLock<String> = LazyLock::new(|| {
        let set: String = BREAKDOWN_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!(", {c} = ${}", i + 14))
            .collect();
        format!(
            "{},
    a AS ({})
    {CLOCK_OUT_PG_SHIFT} FROM s",
            clock_out_pg_head(&format!(", report_score = $11{set}, figures_from = $24")),
            crate::analyses::save_sql!(
                "SELECT $5, $3, s.id, 'report', $6, $7, $8, $9, $10, $11, $12, $1, $13 FROM s"
            )
        )
    });
    static BARE: LazyLock<String> =
        LazyLock::new(|| format!("{} {CLOCK_OUT_PG_SHIFT} FROM s", clock_out_pg_head("")));
    match analysis {
        PunchAnalysis::Queue | PunchAnalysis::Claim(_) => &JOB,
        PunchAnalysis::Store(_) => &ANALYSED,
        PunchAnalysis::Skip => &BARE,
    }
}

/// The punch's analysis job: `queued` for the worker, or `running` with a lease when the
/// caller claims it right away. Returns the id when inserted.
const JOB_INSERT: &str =
    "INSERT INTO jobs (id, company_id, shift_id, kind, status, attempts, run_at, lease_until, created_at)
    VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $6) ON CONFLICT DO NOTHING RETURNING id";

/// What a punch's own write does about its analysis.
#[derive(Debug, Clone)]
pub enum PunchAnalysis {
    /// Nothing: an objecting employee whose company chose no analysis at all.
    Skip,
    /// Stores this result, computed before the write (the built-in analyzer needs only the
    /// note and the open tasks): no job, no second write.
    Store(AnalysisRow),
    /// Queues the analysis job for the background worker.
    Queue,
    /// Inserts the job already claimed by the caller (`running`, leased for this long),
    /// which saves the separate claim of [`Store::claim_job_for`]. If the caller never
    /// finishes it, the lease expires and the worker runs it, exactly as after a claim.
    Claim(SignedDuration),
}

impl PunchAnalysis {
    /// Status and lease of the job, when the punch inserts one (see [`JOB_INSERT`]).
    fn job(&self, now: Timestamp) -> Option<(&'static str, Option<i64>)> {
        match self {
            Self::Claim(l) => Some(("running", Some(to_ms(now) + l.as_millis() as i64))),
            Self::Queue => Some(("queued", None)),
            Self::Skip | Self::Store(_) => None,
        }
    }

    /// The result stored with the punch, if any.
    fn stored(&self) -> Option<&AnalysisRow> {
        match self {
            Self::Store(row) => Some(row),
            _ => None,
        }
    }

    fn lease(&self) -> Option<SignedDuration> {
        match self {
            Self::Claim(l) => Some(*l),
            _ => None,
        }
    }
}

/// Runs the punch's job insert or analysis on SQLite's write connection, for the shift
/// whose id is `shift`. Returns whether a job was inserted.
fn analysis_on(
    c: &rusqlite::Connection,
    company: uuid::Uuid,
    shift: ShiftId,
    kind: JobKind,
    analysis: &PunchAnalysis,
    ids: (uuid::Uuid, domain::JobId),
    now: Timestamp,
) -> Result<bool> {
    let (analysis_id, job_id) = ids;
    if let PunchAnalysis::Store(row) = analysis {
        crate::analyses::save_on(c, company, analysis_id, &row.of(shift, kind), now)?;
    }
    let Some((status, lease_until)) = analysis.job(now) else {
        return Ok(false);
    };
    Ok(c.prepare_cached(JOB_INSERT)?
        .query_row(
            rusqlite::params![
                job_id.0.as_bytes(),
                company.as_bytes(),
                shift.0.as_bytes(),
                kind.as_str(),
                status,
                to_ms(now),
                lease_until
            ],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Binds a new analysis row's id and `row`'s columns, in the order of the punch statements'
/// analysis placeholders.
fn bind_analysis<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    id: uuid::Uuid,
    row: &'q AnalysisRow,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    q.bind(id)
        .bind(&row.analyzer)
        .bind(&row.model)
        .bind(i64::from(row.prompt_version))
        .bind(row.fallback)
        .bind(&row.result)
        .bind(row.score.map(i64::from))
        .bind(row.breakdown.as_deref())
        .bind(row.provisional)
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
            .punch_in(
                t,
                employee,
                standup,
                workday,
                now,
                PunchAnalysis::Queue,
                None,
            )
            .await?
            .0)
    }

    /// [`clock_in`](Self::clock_in) whose standup job is inserted already claimed by the
    /// caller (see [`PunchAnalysis::Claim`]).
    pub async fn clock_in_claiming(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        standup: &str,
        workday: Date,
        now: Timestamp,
        lease: SignedDuration,
    ) -> Result<(Shift, Option<Job>)> {
        self.punch_in(
            t,
            employee,
            standup,
            workday,
            now,
            PunchAnalysis::Claim(lease),
            None,
        )
        .await
    }

    /// [`clock_in`](Self::clock_in) in one write with whatever else the punch records: its
    /// analysis (or job, see [`PunchAnalysis`]) and the kiosk's burst-counter hit. The punch
    /// and its job or analysis commit together: neither exists without the other. The hit
    /// counts even when the punch is refused (`Conflict`): it was an identification. Returns
    /// the job when the caller claimed one.
    #[allow(clippy::too_many_arguments)]
    pub async fn punch_in(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        standup: &str,
        workday: Date,
        now: Timestamp,
        analysis: PunchAnalysis,
        burst: Option<BurstHit>,
    ) -> Result<(Shift, Option<Job>)> {
        let id = ShiftId::new();
        let job_id = domain::JobId::new();
        // The stored analysis' row: the shift row names it (see the statements).
        let analysis_id = uuid::Uuid::now_v7();
        let company = t.company_id().0;
        let day = workday.to_string();
        let lease = analysis.lease();
        let job: Option<uuid::Uuid> = match &self.backend {
            Backend::Sqlite(db) => {
                let standup = standup.to_owned();
                let day = day.clone();
                let cache = self.cache.clone();
                db.writer
                    .write(move |c| {
                        if let Some(hit) = &burst {
                            hit.count_on(c, &cache.full_windows)?;
                        }
                        let export = analysis.stored().and_then(|row| row.export.as_deref());
                        let punched =
                            c.prepare_cached(CLOCK_IN_SQLITE)?
                                .execute(rusqlite::params![
                                    id.0.as_bytes(),
                                    company.as_bytes(),
                                    employee.0.as_bytes(),
                                    day,
                                    to_ms(now),
                                    standup,
                                    export.and_then(|e| e.missed.as_deref()),
                                    export.map(|_| analysis_id.as_bytes())
                                ]);
                        // A refused insert undoes only itself: the hit above stays counted.
                        if let Err(e) = punched.map_err(crate::sqlite::writer::unique("open shift"))
                        {
                            return Ok(Err(e));
                        }
                        let job = analysis_on(
                            c,
                            company,
                            id,
                            JobKind::Standup,
                            &analysis,
                            (analysis_id, job_id),
                            now,
                        )?;
                        Ok(Ok(job.then_some(job_id.0)))
                    })
                    .await??
            }
            Backend::Postgres(p) => {
                self.count_burst(burst).await?;
                match &analysis {
                    PunchAnalysis::Queue | PunchAnalysis::Claim(_) => {
                        let (status, lease_until) = analysis.job(now).unwrap_or(("queued", None));
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
                    PunchAnalysis::Store(row) => {
                        let q = sqlx::query(CLOCK_IN_ANALYSED_PG)
                            .bind(id.0)
                            .bind(company)
                            .bind(employee.0)
                            .bind(&day)
                            .bind(to_ms(now))
                            .bind(standup);
                        let export = row.export.as_deref();
                        bind_analysis(q, analysis_id, row)
                            .bind(export.and_then(|e| e.missed.as_deref()))
                            .bind(export.map(|_| analysis_id))
                            .execute(p)
                            .await
                            .map_err(StoreError::unique("open shift"))?;
                        None
                    }
                    PunchAnalysis::Skip => {
                        sqlx::query(CLOCK_IN)
                            .bind(id.0)
                            .bind(company)
                            .bind(employee.0)
                            .bind(&day)
                            .bind(to_ms(now))
                            .bind(standup)
                            .execute(p)
                            .await
                            .map_err(StoreError::unique("open shift"))?;
                        None
                    }
                }
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
            .punch_out(t, employee, report, now, PunchAnalysis::Queue, None)
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
        self.punch_out(t, employee, report, now, PunchAnalysis::Claim(lease), None)
            .await
    }

    /// [`clock_out`](Self::clock_out) in one write with its analysis (or job) and the
    /// kiosk's burst-counter hit, as [`punch_in`](Self::punch_in) does.
    pub async fn punch_out(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        report: &str,
        now: Timestamp,
        analysis: PunchAnalysis,
        burst: Option<BurstHit>,
    ) -> Result<(Shift, Option<Job>)> {
        let job_id = domain::JobId::new();
        // The stored analysis' row: the shift row names it (see the statements).
        let analysis_id = uuid::Uuid::now_v7();
        let company = t.company_id().0;
        let lease = analysis.lease();
        let (shift, job) = match &self.backend {
            Backend::Sqlite(db) => {
                let report = report.to_owned();
                let cache = self.cache.clone();
                let (shift, inserted) = db
                    .writer
                    .write(move |c| {
                        if let Some(hit) = &burst {
                            hit.count_on(c, &cache.full_windows)?;
                        }
                        let stored = analysis.stored();
                        let export = stored.and_then(|row| row.export.as_deref());
                        let b = export.and_then(|e| e.breakdown);
                        let count = |i: usize| b.map(|b| b.counts()[i]);
                        let id: Option<Vec<u8>> = c
                            .prepare_cached(&CLOCK_OUT)?
                            .query_row(
                                rusqlite::params![
                                    to_ms(now),
                                    report,
                                    stored.is_some(),
                                    stored.and_then(|row| row.score).map(i64::from),
                                    b.map(|b| b.formula_version),
                                    b.map(|b| b.task_component),
                                    b.map(|b| b.unplanned_component),
                                    count(0),
                                    count(1),
                                    count(2),
                                    count(3),
                                    count(4),
                                    count(5),
                                    export.and_then(|e| e.reasons.as_deref()),
                                    export.map(|_| analysis_id.as_bytes()),
                                    company.as_bytes(),
                                    employee.0.as_bytes()
                                ],
                                |r| r.get(0),
                            )
                            .optional()?;
                        // No open shift: nothing written but the hit, which stays counted.
                        let Some(id) = id else {
                            return Ok(Err(StoreError::NotFound));
                        };
                        let id = uuid::Uuid::from_slice(&id).map_err(|e| {
                            StoreError::Rule(format!("a shift id is not a UUID: {e}"))
                        })?;
                        c.prepare_cached(CLOSE_BREAKS)?
                            .execute(rusqlite::params![to_ms(now), id.as_bytes()])?;
                        let inserted = analysis_on(
                            c,
                            company,
                            ShiftId(id),
                            JobKind::Report,
                            &analysis,
                            (analysis_id, job_id),
                            now,
                        )?;
                        // Re-read inside the batch: the closed shift with its break totals.
                        let shift = c
                            .prepare_cached(&REREAD)?
                            .query(rusqlite::params![
                                to_ms(now),
                                id.as_bytes(),
                                company.as_bytes()
                            ])?
                            .next()?
                            .map(shift)
                            .transpose()?
                            .ok_or(StoreError::NotFound)?;
                        Ok(Ok((shift, inserted)))
                    })
                    .await??;
                (shift, inserted.then_some(job_id.0))
            }
            Backend::Postgres(p) => {
                self.count_burst(burst).await?;
                let q = sqlx::query(clock_out_pg(&analysis))
                    .bind(to_ms(now))
                    .bind(report)
                    .bind(company)
                    .bind(employee.0);
                let q = match &analysis {
                    PunchAnalysis::Queue | PunchAnalysis::Claim(_) => {
                        let (status, lease_until) = analysis.job(now).unwrap_or(("queued", None));
                        q.bind(job_id.0).bind(status).bind(lease_until)
                    }
                    PunchAnalysis::Store(row) => {
                        let export = row.export.as_deref();
                        let b = export.and_then(|e| e.breakdown);
                        let count = |i: usize| b.map(|b| b.counts()[i]);
                        bind_analysis(q, analysis_id, row)
                            .bind(b.map(|b| b.formula_version))
                            .bind(b.map(|b| b.task_component))
                            .bind(b.map(|b| b.unplanned_component))
                            .bind(count(0))
                            .bind(count(1))
                            .bind(count(2))
                            .bind(count(3))
                            .bind(count(4))
                            .bind(count(5))
                            .bind(export.and_then(|e| e.reasons.as_deref()))
                            .bind(export.map(|_| analysis_id))
                    }
                    PunchAnalysis::Skip => q,
                };
                let r = q.fetch_optional(p).await?.ok_or(StoreError::NotFound)?;
                let job = match analysis.job(now) {
                    Some(_) => r.opt_uuid("job")?,
                    None => None,
                };
                (shift(&r)?, job)
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
