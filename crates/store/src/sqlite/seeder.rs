//! Bulk inserts for demo and benchmark data on SQLite: one synchronous connection, one
//! prepared single-row `INSERT` per table run row after row inside one transaction per
//! batch. (The multi-row statements of [`crate::seed`] bind thousands of `$N`
//! parameters through sqlx, which looks each name up linearly: quadratic per statement.)
//! Not used by the app itself.

use super::connection::{open, Role};
use crate::backend::Backend;
use crate::seed::{SeedAnalysis, SeedShift};
use crate::time::to_ms;
use crate::{Result, Store, Tenant};
use rusqlite::{params, Connection};

/// A write connection for seeding one company. Blocking: use it from its own thread.
pub struct SqliteSeeder {
    conn: Connection,
    company: uuid::Uuid,
}

impl std::fmt::Debug for SqliteSeeder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteSeeder")
            .field("company", &self.company)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// A seeder for `t` on SQLite; `None` on PostgreSQL (use [`Store::seed_shifts`] and
    /// [`Store::seed_analyses`] there).
    pub fn sqlite_seeder(&self, t: &Tenant) -> Result<Option<SqliteSeeder>> {
        let Backend::Sqlite(db) = &self.backend else {
            return Ok(None);
        };
        let conn = open(&db.file, Role::Seeder)?;
        Ok(Some(SqliteSeeder {
            conn,
            company: t.company_id().0,
        }))
    }
}

impl SqliteSeeder {
    /// Shifts with their breaks, then analyses, in one transaction.
    pub fn write(&mut self, shifts: &[SeedShift], analyses: &[SeedAnalysis]) -> Result<()> {
        let c = self.company.as_bytes();
        let tx = self.conn.transaction()?;
        {
            let mut shift = tx.prepare_cached(
                "INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, clock_out_at, standup, report,
                 auto_closed, end_confirmed, corrected, locked, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?5)",
            )?;
            let mut brk = tx.prepare_cached(
                "INSERT INTO breaks (id, company_id, shift_id, start_at, end_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for s in shifts {
                shift.execute(params![
                    s.id.0.as_bytes(),
                    c,
                    s.employee_id.0.as_bytes(),
                    s.workday,
                    to_ms(s.clock_in_at),
                    s.clock_out_at.map(to_ms),
                    s.standup,
                    s.report,
                    s.auto_closed,
                    s.end_confirmed,
                    s.locked,
                ])?;
                for (a, b) in &s.breaks {
                    brk.execute(params![
                        uuid::Uuid::now_v7().as_bytes(),
                        c,
                        s.id.0.as_bytes(),
                        to_ms(*a),
                        b.map(to_ms),
                    ])?;
                }
            }
            let mut analysis = tx.prepare_cached(
                "INSERT INTO analyses (id, company_id, shift_id, kind, analyzer, model, prompt_version, fallback, result, score, breakdown, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7, ?8, ?9, ?10)",
            )?;
            for a in analyses {
                analysis.execute(params![
                    uuid::Uuid::now_v7().as_bytes(),
                    c,
                    a.shift.0.as_bytes(),
                    a.kind.as_str(),
                    a.analyzer,
                    a.model,
                    a.result,
                    a.score.map(i64::from),
                    a.breakdown,
                    to_ms(a.created_at),
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
