//! The PostgreSQL fast path of the shift export: the same one-table page query as the SQLite
//! reader ([`crate::sqlite::export_reader`]) — the break total and the analyses' figures
//! are columns of the shift row (migrations `0012_export_figures`, `0015_export_plain_figures`) — streamed row by row
//! from the server and handed out as borrowed [`ExportRowRef`]s: no join, no row struct and
//! no `String` per cell. Employee names come from a map read once per export.
//!
//! Same rows as [`Store::export_shifts`] (which stays the reference the tests compare
//! against, and the source of the zips' JSON, which needs columns no CSV shows).

use crate::backend::Backend;
use crate::sqlite::export_reader::{ExportPage, ExportRowRef};
use crate::time::{from_ms, to_ms};
use crate::{BreakdownFigures, ExportCursor, Result, ShiftFilter, Store, Tenant};
use domain::{EmployeeId, ShiftId};
use futures_util::TryStreamExt;
use jiff::Timestamp;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::Row;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use uuid::Uuid;

/// `$1` now, `$2` company, `$3`/`$4` the time range (`$3` already raised to the cursor),
/// `$5` one employee or NULL, `$6`/`$7` the keyset cursor, `$8` the page size.
const PAGE_SQL: &str = concat!(
    crate::sqlite::export_reader::page_columns!(),
    "
     WHERE s.company_id = $2 AND s.clock_in_at >= $3 AND s.clock_in_at < $4 AND ($5::uuid IS NULL OR s.employee_id = $5)
       AND (s.clock_in_at > $6 OR (s.clock_in_at = $6 AND s.id > $7))
     ORDER BY s.clock_in_at, s.id LIMIT $8"
);

/// An open PostgreSQL export: the pool, the tenant's filtered range and the employee names.
#[derive(Debug)]
pub struct PgExportReader {
    pool: PgPool,
    company: Uuid,
    filter: ShiftFilter,
    names: HashMap<Uuid, (String, String)>,
}

impl Store {
    /// The fast export reader for `t`'s shifts on PostgreSQL; `None` on SQLite (use
    /// [`Store::export_source`] there).
    pub async fn pg_export_reader(
        &self,
        t: &Tenant,
        filter: ShiftFilter,
    ) -> Result<Option<PgExportReader>> {
        let Backend::Postgres(pool) = &self.backend else {
            return Ok(None);
        };
        let company = t.company_id().0;
        let names = sqlx::query("SELECT id, name, id_code FROM employees WHERE company_id = $1")
            .bind(company)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
            .collect::<Result<_>>()?;
        Ok(Some(PgExportReader {
            pool: pool.clone(),
            company,
            filter,
            names,
        }))
    }
}

fn row_ref<'a>(r: &'a PgRow, names: &'a (String, String)) -> Result<ExportRowRef<'a>> {
    Ok(ExportRowRef {
        id: ShiftId(r.try_get(0)?),
        employee_id: EmployeeId(r.try_get(1)?),
        employee_name: &names.0,
        employee_code: &names.1,
        workday: r.try_get(2)?,
        clock_in_at: from_ms(r.try_get(3)?),
        clock_out_at: r.try_get::<Option<i64>, _>(4)?.map(from_ms),
        standup: r.try_get(5)?,
        report: r.try_get(6)?,
        auto_closed: r.try_get(7)?,
        corrected: r.try_get(8)?,
        break_ms: r.try_get(9)?,
        standup_missed: r.try_get(10)?,
        score: r.try_get(11)?,
        override_score: r.try_get(12)?,
        override_reason: r.try_get(13)?,
        figures: figures(r)?,
        reasons: r.try_get(23)?,
    })
}

/// The breakdown figures of page columns 14…22, as the SQLite reader reads them.
fn figures(r: &PgRow) -> Result<Option<BreakdownFigures>> {
    let Some(formula_version) = r.try_get::<Option<i64>, _>(14)? else {
        return Ok(None);
    };
    let n = |i: usize| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>(i)?.unwrap_or(0)) };
    let x = |i: usize| -> Result<f64> { Ok(r.try_get::<Option<f64>, _>(i)?.unwrap_or(0.0)) };
    Ok(Some(BreakdownFigures::from_columns(
        formula_version,
        [x(15)?, x(16)?],
        [n(17)?, n(18)?, n(19)?, n(20)?, n(21)?, n(22)?],
    )))
}

impl PgExportReader {
    /// Reads up to `limit` rows after `after` in `(clock_in_at, id)` order as the server
    /// sends them, calling `each` per row until it returns `false`. Returns the cursor to go
    /// on from when the page was full, or `None` when the range is exhausted (or `each`
    /// stopped). Open breaks count up to `now`.
    pub async fn page(
        &mut self,
        after: Option<ExportCursor>,
        limit: u32,
        now: Timestamp,
        mut each: impl FnMut(&ExportRowRef<'_>) -> bool,
    ) -> Result<Option<ExportCursor>> {
        let f = self.filter;
        let from = f.from.map(to_ms).unwrap_or(i64::MIN);
        let (after_ms, after_id) = after
            .map(|c| (to_ms(c.clock_in_at), c.id.0))
            .unwrap_or((i64::MIN, Uuid::nil()));
        let Self {
            pool,
            company,
            names,
            ..
        } = self;
        let mut rows = sqlx::query(PAGE_SQL)
            .bind(to_ms(now))
            .bind(*company)
            .bind(after_ms.max(from))
            .bind(f.to.map(to_ms).unwrap_or(i64::MAX))
            .bind(f.employee.map(|e| e.0))
            .bind(after_ms)
            .bind(after_id)
            .bind(i64::from(limit))
            .fetch(&*pool);
        let mut n = 0u32;
        let mut last = None;
        while let Some(r) = rows.try_next().await? {
            n += 1;
            let employee: Uuid = r.try_get(1)?;
            last = Some(ExportCursor {
                clock_in_at: from_ms(r.try_get(3)?),
                id: ShiftId(r.try_get(0)?),
            });
            if let Entry::Vacant(slot) = names.entry(employee) {
                // Someone added after the export started: read once, as the join would.
                let found = sqlx::query(
                    "SELECT name, id_code FROM employees WHERE company_id = $1 AND id = $2",
                )
                .bind(*company)
                .bind(employee)
                .fetch_optional(&*pool)
                .await?;
                let Some(e) = found else { continue };
                slot.insert((e.try_get(0)?, e.try_get(1)?));
            }
            let Some(pair) = names.get(&employee) else {
                continue;
            };
            if !each(&row_ref(&r, pair)?) {
                return Ok(None);
            }
        }
        Ok(if n == limit { last } else { None })
    }

    /// [`PgExportReader::page`] into `page` (emptied first), for a formatter on another
    /// thread.
    pub async fn fill(
        &mut self,
        after: Option<ExportCursor>,
        limit: u32,
        now: Timestamp,
        page: &mut ExportPage,
    ) -> Result<Option<ExportCursor>> {
        page.reset(now);
        self.page(after, limit, now, |r| {
            page.push(r);
            true
        })
        .await
    }
}
