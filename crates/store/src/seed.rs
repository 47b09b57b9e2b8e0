//! Bulk inserts for demo and benchmark data: multi-row `INSERT`s inside one transaction
//! per call, so seeding a million shifts takes seconds per hundred thousand rather than a
//! round trip per row. Not used by the app itself.

use crate::backend::on_pool;
use crate::time::to_ms;
use crate::{JobKind, Result, Store, TaskState, Tenant};
use domain::{EmployeeId, ShiftId, TaskId};
use jiff::Timestamp;

#[derive(Debug, Clone)]
pub struct SeedEmployee {
    pub id: EmployeeId,
    pub name: String,
    pub id_code: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct SeedTask {
    pub id: TaskId,
    pub employee_id: EmployeeId,
    pub title: String,
    pub state: TaskState,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct SeedShift {
    pub id: ShiftId,
    pub employee_id: EmployeeId,
    pub workday: String,
    pub clock_in_at: Timestamp,
    pub clock_out_at: Option<Timestamp>,
    pub standup: String,
    pub report: Option<String>,
    pub auto_closed: bool,
    pub end_confirmed: bool,
    pub locked: bool,
    pub breaks: Vec<(Timestamp, Option<Timestamp>)>,
}

#[derive(Debug, Clone)]
pub struct SeedAnalysis {
    pub shift: ShiftId,
    pub kind: JobKind,
    pub analyzer: String,
    pub model: String,
    pub result: String,
    pub score: Option<u8>,
    pub breakdown: Option<String>,
    pub created_at: Timestamp,
}

/// `($1, $2, …), (…)` for `rows` rows of `cols` columns.
fn values(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// Rows per statement: well under SQLite's 32 766 and PostgreSQL's 65 535 parameters.
const CHUNK: usize = 400;

impl Store {
    pub async fn seed_employees(&self, t: &Tenant, rows: &[SeedEmployee]) -> Result<()> {
        let c = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in rows.chunks(CHUNK) {
                let sql = format!("INSERT INTO employees (id, company_id, name, id_code, active, objected, created_at, updated_at) VALUES {}",
                    values(chunk.len(), 8));
                let mut q = sqlx::query(&sql);
                for e in chunk {
                    q = q.bind(e.id.0).bind(c).bind(&e.name).bind(&e.id_code).bind(true).bind(false)
                        .bind(to_ms(e.created_at)).bind(to_ms(e.created_at));
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn seed_tasks(&self, t: &Tenant, rows: &[SeedTask]) -> Result<()> {
        let c = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in rows.chunks(CHUNK) {
                let sql = format!("INSERT INTO tasks (id, company_id, employee_id, title, details, status, created_at, updated_at) VALUES {}",
                    values(chunk.len(), 8));
                let mut q = sqlx::query(&sql);
                for r in chunk {
                    q = q.bind(r.id.0).bind(c).bind(r.employee_id.0).bind(&r.title).bind("")
                        .bind(r.state.as_str()).bind(to_ms(r.created_at)).bind(to_ms(r.created_at));
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Shifts with their breaks.
    pub async fn seed_shifts(&self, t: &Tenant, rows: &[SeedShift]) -> Result<()> {
        let c = t.company_id().0;
        let breaks: Vec<(ShiftId, Timestamp, Option<Timestamp>)> = rows
            .iter()
            .flat_map(|s| s.breaks.iter().map(move |(a, b)| (s.id, *a, *b)))
            .collect();
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in rows.chunks(CHUNK) {
                let sql = format!("INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, clock_out_at, standup, report,
                                   auto_closed, end_confirmed, corrected, locked, created_at) VALUES {}", values(chunk.len(), 13));
                let mut q = sqlx::query(&sql);
                for s in chunk {
                    q = q.bind(s.id.0).bind(c).bind(s.employee_id.0).bind(&s.workday).bind(to_ms(s.clock_in_at))
                        .bind(s.clock_out_at.map(to_ms)).bind(&s.standup).bind(&s.report).bind(s.auto_closed)
                        .bind(s.end_confirmed).bind(false).bind(s.locked).bind(to_ms(s.clock_in_at));
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in breaks.chunks(CHUNK) {
                let sql = format!("INSERT INTO breaks (id, company_id, shift_id, start_at, end_at) VALUES {}", values(chunk.len(), 5));
                let mut q = sqlx::query(&sql);
                for (shift, a, b) in chunk {
                    q = q.bind(uuid::Uuid::now_v7()).bind(c).bind(shift.0).bind(to_ms(*a)).bind(b.map(to_ms));
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Moves a seeded company's creation date back, so the weeks seeded before "now"
    /// count as weeks it existed in (weekly summaries skip weeks before a company existed).
    pub async fn backdate_company_for_seed(&self, t: &Tenant, created_at: Timestamp) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("UPDATE companies SET created_at = $1 WHERE id = $2").bind(to_ms(created_at)).bind(t.company_id().0).execute(p).await?;
        });
        Ok(())
    }

    pub async fn seed_analyses(&self, t: &Tenant, rows: &[SeedAnalysis]) -> Result<()> {
        let c = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for chunk in rows.chunks(CHUNK) {
                let sql = format!("INSERT INTO analyses (id, company_id, shift_id, kind, analyzer, model, prompt_version, fallback, result, score, breakdown, created_at)
                                   VALUES {}", values(chunk.len(), 12));
                let mut q = sqlx::query(&sql);
                for a in chunk {
                    q = q.bind(uuid::Uuid::now_v7()).bind(c).bind(a.shift.0).bind(a.kind.as_str()).bind(&a.analyzer).bind(&a.model)
                        .bind(0i64).bind(false).bind(&a.result).bind(a.score.map(i64::from)).bind(&a.breakdown).bind(to_ms(a.created_at));
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

impl Store {
    /// Refreshes the planner's statistics after a bulk load. PostgreSQL plans the export's
    /// keyset page from them: with none (autovacuum off, or not run yet) it estimated a
    /// hundred rows and sorted every remaining shift for each 2,000-row page — a
    /// 672,000-shift export took 5 minutes instead of seconds. SQLite's plans here do not
    /// depend on statistics.
    pub async fn analyze_after_seed(&self) -> Result<()> {
        if let crate::backend::Backend::Postgres(p) = &self.backend {
            sqlx::query("ANALYZE").execute(p).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn values_numbers_placeholders_row_by_row() {
        assert_eq!(super::values(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(super::values(0, 3), "");
    }
}
