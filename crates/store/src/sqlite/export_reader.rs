//! The SQLite fast path of the shift export: a synchronous reader on its own read-only
//! connection, meant for a blocking thread. Rows come straight from SQLite's buffers as
//! [`ExportRowRef`]s, or copied page by page into an [`ExportPage`] so that another thread
//! can format them while the reader reads on; no row struct, no per-cell allocation and no
//! thread hand-off per row (sqlx-sqlite's model). WAL readers never block the writer.
//!
//! Same rows as [`Store::export_shifts`]: the same tenant scope, filters, keyset order and
//! break totals. The differences are in *how*: the break total and the analyses' figures
//! come from columns of the shift row kept by triggers (migration `0012_export_figures`),
//! not from `breaks` and `analyses`; employee names come from a per-export map read once
//! (not a join per row); and only the columns the CSVs need are read. Each page is its own
//! statement run, so a read snapshot lives for one page only.

use super::connection::{open, Role};
use crate::backend::Backend;
use crate::time::{from_ms, to_ms};
use crate::{ExportCursor, ExportShift, Result, ShiftFilter, Store, Tenant};
use domain::{EmployeeId, ShiftId};
use jiff::{SignedDuration, Timestamp};
use rusqlite::types::{FromSqlError, ValueRef};
use rusqlite::Connection;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::path::PathBuf;

/// One export row, borrowed: what [`ExportShift`] holds, minus what no CSV shows.
#[derive(Debug, Clone, Copy)]
pub struct ExportRowRef<'a> {
    pub id: ShiftId,
    pub employee_id: EmployeeId,
    pub employee_name: &'a str,
    pub employee_code: &'a str,
    pub workday: &'a str,
    pub clock_in_at: Timestamp,
    pub clock_out_at: Option<Timestamp>,
    pub standup: &'a str,
    pub report: Option<&'a str>,
    /// Total break time (an open break counts up to the page's "now").
    pub break_ms: i64,
    pub auto_closed: bool,
    pub corrected: bool,
    /// JSON of the standup check, when analysed.
    pub standup_result: Option<&'a str>,
    pub score: Option<i64>,
    pub override_score: Option<i64>,
    pub override_reason: Option<&'a str>,
    /// JSON of the score breakdown.
    pub breakdown: Option<&'a str>,
}

impl ExportRowRef<'_> {
    /// Worked time, as [`crate::Shift::worked`]: clock-out (or `now` while open) minus
    /// clock-in minus breaks, never negative.
    pub fn worked(&self, now: Timestamp) -> SignedDuration {
        let end = self.clock_out_at.unwrap_or(now);
        (end.duration_since(self.clock_in_at) - SignedDuration::from_millis(self.break_ms))
            .max(SignedDuration::ZERO)
    }
}

impl ExportShift {
    /// The row as the fast path hands it out, so one CSV writer serves both paths.
    pub fn row_ref(&self) -> ExportRowRef<'_> {
        let s = &self.shift;
        ExportRowRef {
            id: s.id,
            employee_id: s.employee_id,
            employee_name: &self.employee_name,
            employee_code: &self.employee_code,
            workday: &s.workday,
            clock_in_at: s.clock_in_at,
            clock_out_at: s.clock_out_at,
            standup: &s.standup,
            report: s.report.as_deref(),
            break_ms: s.break_ms,
            auto_closed: s.auto_closed,
            corrected: s.corrected,
            standup_result: self.standup_result.as_deref(),
            score: self.score,
            override_score: self.override_score,
            override_reason: self.override_reason.as_deref(),
            breakdown: self.breakdown.as_deref(),
        }
    }
}

/// Where and what to read: the database file and the tenant's filtered range. Cheap; the
/// connection is opened by [`ExportSource::open`] on the thread that reads.
#[derive(Debug, Clone)]
pub struct ExportSource {
    path: PathBuf,
    company: uuid::Uuid,
    filter: ShiftFilter,
}

impl Store {
    /// The fast export source for `t`'s shifts on SQLite; `None` on PostgreSQL (use
    /// [`Store::export_shifts`] there).
    pub fn export_source(&self, t: &Tenant, filter: ShiftFilter) -> Option<ExportSource> {
        let Backend::Sqlite(db) = &self.backend else {
            return None;
        };
        Some(ExportSource {
            path: db.file.to_path_buf(),
            company: t.company_id().0,
            filter,
        })
    }
}

/// The page query. `?1` now, `?2` company, `?3`/`?4` the time range, `?5` one employee or
/// NULL, `?6`/`?7` the keyset cursor, `?8` the page size. One table: the break total and
/// the analyses' figures are columns of the shift row (migration `0012_export_figures`), so
/// a page is one range of `shifts_company_time` and its rows, nothing else. An open break
/// counts up to `now`, as the sum over the `breaks` rows does.
pub(crate) const PAGE_SQL: &str = "SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
        s.auto_closed, s.corrected,
        s.breaks_closed_ms + COALESCE(?1 - s.break_open_since, 0) AS break_ms,
        s.standup_check, s.report_score, s.report_override_score, s.report_override_reason, s.report_breakdown
     FROM shifts s
     WHERE s.company_id = ?2 AND s.clock_in_at >= ?3 AND s.clock_in_at < ?4 AND (?5 IS NULL OR s.employee_id = ?5)
       AND (s.clock_in_at > ?6 OR (s.clock_in_at = ?6 AND s.id > ?7))
     ORDER BY s.clock_in_at, s.id LIMIT ?8";

const EMPLOYEES_SQL: &str = "SELECT id, name, id_code FROM employees WHERE company_id = ?1";
const EMPLOYEE_SQL: &str =
    "SELECT id, name, id_code FROM employees WHERE company_id = ?1 AND id = ?2";

/// An open export: the connection and the company's employee names.
pub struct ExportReader {
    conn: Connection,
    source: ExportSource,
    names: HashMap<[u8; 16], (String, String)>,
}

impl std::fmt::Debug for ExportReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportReader")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

fn bad(col: usize, e: FromSqlError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Null, Box::new(e))
}

fn text<'a>(v: ValueRef<'a>, col: usize) -> rusqlite::Result<&'a str> {
    v.as_str().map_err(|e| bad(col, e))
}

fn opt_text<'a>(v: ValueRef<'a>, col: usize) -> rusqlite::Result<Option<&'a str>> {
    v.as_str_or_null().map_err(|e| bad(col, e))
}

fn int(v: ValueRef<'_>, col: usize) -> rusqlite::Result<i64> {
    v.as_i64().map_err(|e| bad(col, e))
}

fn opt_int(v: ValueRef<'_>, col: usize) -> rusqlite::Result<Option<i64>> {
    v.as_i64_or_null().map_err(|e| bad(col, e))
}

fn id16(v: ValueRef<'_>, col: usize) -> rusqlite::Result<[u8; 16]> {
    let b = v.as_blob().map_err(|e| bad(col, e))?;
    b.try_into().map_err(|_| {
        bad(
            col,
            FromSqlError::InvalidBlobSize {
                expected_size: 16,
                blob_size: b.len(),
            },
        )
    })
}

impl ExportSource {
    /// Opens a read-only connection and reads the company's employee names. Blocking.
    pub fn open(self) -> Result<ExportReader> {
        let conn = open(&self.path, Role::ExportRead)?;
        let mut names = HashMap::new();
        {
            let mut st = conn.prepare(EMPLOYEES_SQL)?;
            let mut rows = st.query([self.company.as_bytes()])?;
            while let Some(r) = rows.next()? {
                names.insert(
                    id16(r.get_ref(0)?, 0)?,
                    (
                        text(r.get_ref(1)?, 1)?.to_string(),
                        text(r.get_ref(2)?, 2)?.to_string(),
                    ),
                );
            }
        }
        Ok(ExportReader {
            conn,
            source: self,
            names,
        })
    }
}

impl ExportReader {
    /// Reads up to `limit` rows after `after` in `(clock_in_at, id)` order, calling `each`
    /// per row until it returns `false`. Returns the cursor to go on from when the page was
    /// full, or `None` when the range is exhausted (or `each` stopped). Open breaks count
    /// up to `now`.
    pub fn page(
        &mut self,
        after: Option<ExportCursor>,
        limit: u32,
        now: Timestamp,
        mut each: impl FnMut(&ExportRowRef<'_>) -> bool,
    ) -> Result<Option<ExportCursor>> {
        let f = self.source.filter;
        let from = f.from.map(to_ms).unwrap_or(i64::MIN);
        let (after_ms, after_id) = after
            .map(|c| (to_ms(c.clock_in_at), c.id.0))
            .unwrap_or((i64::MIN, uuid::Uuid::nil()));
        let employee = f.employee.map(|e| *e.0.as_bytes());
        let mut st = self.conn.prepare_cached(PAGE_SQL)?;
        let mut rows = st.query(rusqlite::params![
            to_ms(now),
            self.source.company.as_bytes(),
            after_ms.max(from),
            f.to.map(to_ms).unwrap_or(i64::MAX),
            employee.as_ref().map(|e| &e[..]),
            after_ms,
            after_id.as_bytes(),
            i64::from(limit),
        ])?;
        let mut n = 0u32;
        let mut last = None;
        while let Some(r) = rows.next()? {
            n += 1;
            let id = id16(r.get_ref(0)?, 0)?;
            let employee = id16(r.get_ref(1)?, 1)?;
            let clock_in_at = from_ms(int(r.get_ref(3)?, 3)?);
            last = Some(ExportCursor {
                clock_in_at,
                id: ShiftId(uuid::Uuid::from_bytes(id)),
            });
            let names = match self.names.entry(employee) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    // Someone added after the export started: read once, as the join would.
                    let mut st = self.conn.prepare_cached(EMPLOYEE_SQL)?;
                    let mut found = st.query(rusqlite::params![
                        self.source.company.as_bytes(),
                        &employee[..]
                    ])?;
                    let Some(e) = found.next()? else { continue };
                    slot.insert((
                        text(e.get_ref(1)?, 1)?.to_string(),
                        text(e.get_ref(2)?, 2)?.to_string(),
                    ))
                }
            };
            let row = ExportRowRef {
                id: ShiftId(uuid::Uuid::from_bytes(id)),
                employee_id: EmployeeId(uuid::Uuid::from_bytes(employee)),
                employee_name: &names.0,
                employee_code: &names.1,
                workday: text(r.get_ref(2)?, 2)?,
                clock_in_at,
                clock_out_at: opt_int(r.get_ref(4)?, 4)?.map(from_ms),
                standup: text(r.get_ref(5)?, 5)?,
                report: opt_text(r.get_ref(6)?, 6)?,
                auto_closed: int(r.get_ref(7)?, 7)? != 0,
                corrected: int(r.get_ref(8)?, 8)? != 0,
                break_ms: opt_int(r.get_ref(9)?, 9)?.unwrap_or(0),
                standup_result: opt_text(r.get_ref(10)?, 10)?,
                score: opt_int(r.get_ref(11)?, 11)?,
                override_score: opt_int(r.get_ref(12)?, 12)?,
                override_reason: opt_text(r.get_ref(13)?, 13)?,
                breakdown: opt_text(r.get_ref(14)?, 14)?,
            };
            if !each(&row) {
                return Ok(None);
            }
        }
        Ok(if n == limit { last } else { None })
    }
}

/// Where a text of an [`ExportPage`] row lies in the page's text; `None` for NULL.
type Span = Option<(u32, u32)>;

/// One row of an [`ExportPage`]: the scalars, and the texts as spans of the page's text.
#[derive(Debug, Clone, Copy)]
struct PageRow {
    id: ShiftId,
    employee_id: EmployeeId,
    clock_in_at: Timestamp,
    clock_out_at: Option<Timestamp>,
    break_ms: i64,
    auto_closed: bool,
    corrected: bool,
    score: Option<i64>,
    override_score: Option<i64>,
    texts: [Span; 8],
}

/// A page of export rows copied out of the database (all texts in one buffer), so that one
/// thread reads the next page while another formats this one (both engines' fast paths). Reused page after page:
/// [`ExportReader::fill`] clears it first.
#[derive(Debug, Default)]
pub struct ExportPage {
    text: String,
    rows: Vec<PageRow>,
    /// The instant open breaks were counted up to.
    now: Option<Timestamp>,
}

impl ExportPage {
    fn put(&mut self, s: Option<&str>) -> Span {
        let s = s?;
        let at = self.text.len();
        self.text.push_str(s);
        Some((
            u32::try_from(at).unwrap_or(u32::MAX),
            u32::try_from(s.len()).unwrap_or(0),
        ))
    }

    fn get(&self, span: Span) -> Option<&str> {
        let (at, len) = span?;
        let at = at as usize;
        self.text.get(at..at + len as usize)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The instant the page was read at (open breaks count up to it).
    pub fn now(&self) -> Option<Timestamp> {
        self.now
    }

    /// The rows, in order, borrowed from the page.
    pub fn rows(&self) -> impl Iterator<Item = ExportRowRef<'_>> {
        self.rows.iter().map(move |r| {
            let t = |i: usize| self.get(r.texts[i]);
            ExportRowRef {
                id: r.id,
                employee_id: r.employee_id,
                employee_name: t(0).unwrap_or_default(),
                employee_code: t(1).unwrap_or_default(),
                workday: t(2).unwrap_or_default(),
                clock_in_at: r.clock_in_at,
                clock_out_at: r.clock_out_at,
                standup: t(3).unwrap_or_default(),
                report: t(4),
                break_ms: r.break_ms,
                auto_closed: r.auto_closed,
                corrected: r.corrected,
                standup_result: t(5),
                score: r.score,
                override_score: r.override_score,
                override_reason: t(6),
                breakdown: t(7),
            }
        })
    }

    /// Empties the page for rows read at `now`.
    pub(crate) fn reset(&mut self, now: Timestamp) {
        self.text.clear();
        self.rows.clear();
        self.now = Some(now);
    }

    pub(crate) fn push(&mut self, r: &ExportRowRef<'_>) {
        let texts = [
            self.put(Some(r.employee_name)),
            self.put(Some(r.employee_code)),
            self.put(Some(r.workday)),
            self.put(Some(r.standup)),
            self.put(r.report),
            self.put(r.standup_result),
            self.put(r.override_reason),
            self.put(r.breakdown),
        ];
        self.rows.push(PageRow {
            id: r.id,
            employee_id: r.employee_id,
            clock_in_at: r.clock_in_at,
            clock_out_at: r.clock_out_at,
            break_ms: r.break_ms,
            auto_closed: r.auto_closed,
            corrected: r.corrected,
            score: r.score,
            override_score: r.override_score,
            texts,
        });
    }
}

impl ExportReader {
    /// [`ExportReader::page`] into `page` (cleared first): the rows are copied out and
    /// the statement is done before this returns, so no snapshot is held while the page
    /// waits to be formatted.
    pub fn fill(
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
    }
}
