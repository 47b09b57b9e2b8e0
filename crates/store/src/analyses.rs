//! Stored analyzer results: one row per shift and kind. Writing again replaces the row, so
//! re-analysis after a failure never duplicates a result. The score is computed by our
//! formula and stored next to its breakdown; a supervisor's override keeps the original.

use crate::backend::{on_pool, Backend};
use crate::row::AnyRow;
use crate::time::{from_ms, to_ms};
use crate::{Job, JobKind, Result, Store, StoreError, Tenant};
use domain::{ShiftId, UserId};
use jiff::Timestamp;

#[derive(Debug, Clone)]
pub struct NewAnalysis<'a> {
    pub shift: ShiftId,
    pub kind: JobKind,
    pub analyzer: &'a str,
    pub model: &'a str,
    pub prompt_version: u32,
    /// The external model failed and the local analyzer stood in.
    pub fallback: bool,
    /// The local analyzer's answer, standing until the external model's replaces it.
    pub provisional: bool,
    /// JSON of the extracted variables.
    pub result: &'a str,
    pub score: Option<u8>,
    /// JSON of the score breakdown.
    pub breakdown: Option<&'a str>,
}

impl NewAnalysis<'_> {
    /// The row as [`Store::analysis`] reads it back right after it was saved at `now`
    /// (a fresh result has no supervisor override).
    pub fn saved(&self, now: Timestamp) -> Analysis {
        Analysis {
            shift: self.shift,
            kind: self.kind.as_str().to_owned(),
            analyzer: self.analyzer.to_owned(),
            model: self.model.to_owned(),
            prompt_version: i64::from(self.prompt_version),
            fallback: self.fallback,
            provisional: self.provisional,
            result: self.result.to_owned(),
            score: self.score.map(i64::from),
            breakdown: self.breakdown.map(str::to_owned),
            override_score: None,
            override_reason: None,
            created_at: from_ms(to_ms(now)),
        }
    }
}

/// An analysis result that owns its texts: what a punch carries into its own write when
/// the result is known before the write (the built-in analyzer; see
/// [`crate::PunchAnalysis::Store`]).
#[derive(Debug, Clone)]
pub struct AnalysisRow {
    pub analyzer: String,
    pub model: String,
    pub prompt_version: u32,
    pub fallback: bool,
    /// Stands in until the external model answers (see [`NewAnalysis::provisional`]); a
    /// result a punch carries into its own write is final (`false`).
    pub provisional: bool,
    /// JSON of the extracted variables.
    pub result: String,
    pub score: Option<u8>,
    /// JSON of the score breakdown.
    pub breakdown: Option<String>,
    /// What the export shows of it, derived from the same values as `result` and
    /// `breakdown`, for a punch to write into its own shift row; `None`: the database
    /// derives it from the JSON instead.
    pub export: Option<Box<crate::ExportFigures>>,
}

impl AnalysisRow {
    /// The row to store for `shift`'s analysis of `kind`.
    pub fn of(&self, shift: ShiftId, kind: JobKind) -> NewAnalysis<'_> {
        NewAnalysis {
            shift,
            kind,
            analyzer: &self.analyzer,
            model: &self.model,
            prompt_version: self.prompt_version,
            fallback: self.fallback,
            provisional: self.provisional,
            result: &self.result,
            score: self.score,
            breakdown: self.breakdown.as_deref(),
        }
    }
}

/// Stores `a` on SQLite's write connection `c` (inside the caller's transaction) as a new
/// row `id`: a final result replaces whatever the shift had (keeping the row's id), a
/// provisional one is written only where no final one stands. Returns whether a row was
/// written.
pub(crate) fn save_on(
    c: &rusqlite::Connection,
    company: uuid::Uuid,
    id: uuid::Uuid,
    a: &NewAnalysis<'_>,
    now: Timestamp,
) -> Result<bool> {
    let sql = if a.provisional {
        SAVE_PROVISIONAL
    } else {
        SAVE
    };
    let n = c.prepare_cached(sql)?.execute(rusqlite::params![
        id.as_bytes(),
        company.as_bytes(),
        a.shift.0.as_bytes(),
        a.kind.as_str(),
        a.analyzer,
        a.model,
        i64::from(a.prompt_version),
        a.fallback,
        a.result,
        a.score.map(i64::from),
        a.breakdown,
        to_ms(now),
        a.provisional
    ])?;
    Ok(n > 0)
}

/// Binds [`SAVE`]'s thirteen parameters, in its column order (PostgreSQL; SQLite writes
/// through [`save_on`]).
fn bind_save<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    company: uuid::Uuid,
    a: &NewAnalysis<'q>,
    now: Timestamp,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    q.bind(uuid::Uuid::now_v7())
        .bind(company)
        .bind(a.shift.0)
        .bind(a.kind.as_str())
        .bind(a.analyzer)
        .bind(a.model)
        .bind(i64::from(a.prompt_version))
        .bind(a.fallback)
        .bind(a.result)
        .bind(a.score.map(i64::from))
        .bind(a.breakdown)
        .bind(to_ms(now))
        .bind(a.provisional)
}

impl From<&NewAnalysis<'_>> for AnalysisRow {
    fn from(a: &NewAnalysis<'_>) -> Self {
        AnalysisRow {
            analyzer: a.analyzer.to_owned(),
            model: a.model.to_owned(),
            prompt_version: a.prompt_version,
            fallback: a.fallback,
            provisional: a.provisional,
            result: a.result.to_owned(),
            score: a.score,
            breakdown: a.breakdown.map(str::to_owned),
            // The triggers derive it (a stored result's shift is not written here).
            export: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Analysis {
    pub shift: ShiftId,
    pub kind: String,
    pub analyzer: String,
    pub model: String,
    pub prompt_version: i64,
    pub fallback: bool,
    /// Stands in until the external model answers (see [`NewAnalysis::provisional`]).
    pub provisional: bool,
    pub result: String,
    pub score: Option<i64>,
    pub breakdown: Option<String>,
    pub override_score: Option<i64>,
    pub override_reason: Option<String>,
    pub created_at: Timestamp,
}

impl Analysis {
    /// The score people see: the override when there is one.
    pub fn effective_score(&self) -> Option<i64> {
        self.override_score.or(self.score)
    }
}

fn analysis<R: AnyRow>(r: &R) -> Result<Analysis> {
    Ok(Analysis {
        shift: ShiftId(r.uuid("shift_id")?),
        kind: r.string("kind")?,
        analyzer: r.string("analyzer")?,
        model: r.string("model")?,
        prompt_version: r.int("prompt_version")?,
        fallback: r.boolean("fallback")?,
        provisional: r.boolean("provisional")?,
        result: r.string("result")?,
        score: r.opt_int("score")?,
        breakdown: r.opt_string("breakdown")?,
        override_score: r.opt_int("override_score")?,
        override_reason: r.opt_string("override_reason")?,
        created_at: from_ms(r.int("created_at")?),
    })
}

/// The upsert of one analysis row with `$values` for its columns (a `VALUES` list, or a
/// `SELECT` in a statement that also writes the shift): one text for every writer. It
/// inserts a result or replaces the shift's result of that kind, override columns untouched.
macro_rules! save_sql {
    ($values:literal) => {
        concat!(
            "INSERT INTO analyses (id, company_id, shift_id, kind, analyzer, model, prompt_version, fallback, result, score, breakdown, created_at, provisional) ",
            $values,
            " ON CONFLICT (shift_id, kind) DO UPDATE SET analyzer = excluded.analyzer, model = excluded.model,
       prompt_version = excluded.prompt_version, fallback = excluded.fallback, result = excluded.result,
       score = excluded.score, breakdown = excluded.breakdown, created_at = excluded.created_at,
       provisional = excluded.provisional"
        )
    };
}
pub(crate) use save_sql;

const SAVE: &str = save_sql!("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
/// A provisional result never replaces a final one (the external answer may land first).
const SAVE_PROVISIONAL: &str = concat!(
    save_sql!("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"),
    " WHERE analyses.provisional"
);

/// The number of placeholders in [`SAVE`] (`$1`…`$13`); statements that extend it number on.
const SAVE_PARAMS: usize = 13;

const COLUMNS: &str = "shift_id, kind, analyzer, model, prompt_version, fallback, provisional, result, score, breakdown, override_score, override_reason, created_at";

impl Store {
    /// Saves a result outside a job's completion: a final one replaces whatever the shift
    /// had; a provisional one is written only where no final result stands yet. Returns
    /// whether a row was written.
    pub async fn save_analysis(
        &self,
        t: &Tenant,
        a: NewAnalysis<'_>,
        now: Timestamp,
    ) -> Result<bool> {
        let company = t.company_id().0;
        match &self.backend {
            Backend::Sqlite(db) => {
                let (shift, kind, row) = (a.shift, a.kind, AnalysisRow::from(&a));
                db.writer
                    .write(move |c| {
                        save_on(c, company, uuid::Uuid::now_v7(), &row.of(shift, kind), now)
                    })
                    .await
            }
            Backend::Postgres(p) => {
                let sql = if a.provisional {
                    SAVE_PROVISIONAL
                } else {
                    SAVE
                };
                let n = bind_save(sqlx::query(sql), company, &a, now)
                    .execute(p)
                    .await?
                    .rows_affected();
                Ok(n > 0)
            }
        }
    }

    /// [`save_analysis`](Self::save_analysis) and [`finish_job`](Self::finish_job) in one
    /// transaction: one commit instead of two, and never a result without its job done.
    /// A job's result is final.
    pub async fn save_analysis_finishing(
        &self,
        job: &Job,
        a: NewAnalysis<'_>,
        now: Timestamp,
    ) -> Result<()> {
        let a = NewAnalysis {
            provisional: false,
            ..a
        };
        let (company, job_id) = (job.tenant.company_id().0, job.id.0);
        match &self.backend {
            Backend::Sqlite(db) => {
                let (shift, kind, row) = (a.shift, a.kind, AnalysisRow::from(&a));
                db.writer
                    .write(move |c| {
                        save_on(c, company, uuid::Uuid::now_v7(), &row.of(shift, kind), now)?;
                        c.prepare_cached(crate::jobs::FINISH)?
                            .execute([job_id.as_bytes()])?;
                        Ok(())
                    })
                    .await
            }
            Backend::Postgres(p) => {
                // One statement, one round trip: a data-modifying CTE is atomic with its query.
                let sql = format!(
                    "WITH saved AS ({SAVE}) {}",
                    crate::jobs::FINISH.replace("$1", &format!("${}", SAVE_PARAMS + 1))
                );
                bind_save(sqlx::query(&sql), company, &a, now)
                    .bind(job_id)
                    .execute(p)
                    .await?;
                Ok(())
            }
        }
    }

    /// The analyses of the given shifts (both kinds), for listings.
    pub async fn analyses_for(&self, t: &Tenant, shifts: &[ShiftId]) -> Result<Vec<Analysis>> {
        // Chunked IN-lists keep the statement size bounded on both engines (far below
        // SQLite's 32 766 and PostgreSQL's 65 535 parameters); a week of a large team
        // is a handful of round trips instead of dozens.
        let mut out = Vec::with_capacity(shifts.len() * 2);
        for chunk in shifts.chunks(1000) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT {COLUMNS} FROM analyses WHERE company_id = $1 AND shift_id IN ({})",
                placeholders.join(", ")
            );
            on_pool!(self, p => {
                let mut q = sqlx::query(&sql).bind(t.company_id().0);
                for s in chunk {
                    q = q.bind(s.0);
                }
                for r in q.fetch_all(p).await? {
                    out.push(analysis(&r)?);
                }
            });
        }
        Ok(out)
    }

    /// The analyses of one kind (`standup` or `report`) of every shift that started in
    /// `[from, to)`: one indexed join instead of chunked IN lists of shift ids.
    pub async fn analyses_between(
        &self,
        t: &Tenant,
        from: Timestamp,
        to: Timestamp,
        kind: JobKind,
    ) -> Result<Vec<Analysis>> {
        const SQL: &str = "SELECT a.shift_id, a.kind, a.analyzer, a.model, a.prompt_version, a.fallback, a.provisional, a.result, a.score,
                a.breakdown, a.override_score, a.override_reason, a.created_at
             FROM shifts s JOIN analyses a ON a.shift_id = s.id
             WHERE s.company_id = $1 AND s.clock_in_at >= $2 AND s.clock_in_at < $3 AND a.kind = $4 AND a.company_id = $1";
        on_pool!(self, p => {
            sqlx::query(SQL)
                .bind(t.company_id().0).bind(to_ms(from)).bind(to_ms(to)).bind(kind.as_str())
                .fetch_all(p).await?.iter().map(analysis).collect()
        })
    }

    pub async fn analysis(
        &self,
        t: &Tenant,
        shift: ShiftId,
        kind: JobKind,
    ) -> Result<Option<Analysis>> {
        on_pool!(self, p => {
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM analyses WHERE company_id = $1 AND shift_id = $2 AND kind = $3"))
                .bind(t.company_id().0).bind(shift.0).bind(kind.as_str()).fetch_optional(p).await?;
            row.as_ref().map(analysis).transpose()
        })
    }

    /// A supervisor overrides a score; the computed score stays stored beside it.
    pub async fn override_score(
        &self,
        t: &Tenant,
        shift: ShiftId,
        score: u8,
        reason: &str,
        by: UserId,
    ) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("UPDATE analyses SET override_score = $1, override_reason = $2, override_by = $3
                                 WHERE company_id = $4 AND shift_id = $5 AND kind = 'report'")
                .bind(i64::from(score)).bind(reason).bind(by.0).bind(t.company_id().0).bind(shift.0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_numbers_its_placeholders_up_to_save_params() {
        assert!(SAVE.contains(&format!("${SAVE_PARAMS}")));
        assert!(!SAVE.contains(&format!("${}", SAVE_PARAMS + 1)));
    }
}
