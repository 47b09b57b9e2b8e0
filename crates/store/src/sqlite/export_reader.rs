//! The SQLite fast path of the shift export: a synchronous reader on its own read-only
//! connection, meant for a blocking thread. Rows come straight from SQLite's buffers as
//! [`ExportRowRef`]s, or copied page by page into an [`ExportPage`] so that another thread
//! can format them while the reader reads on; no row struct, no per-cell allocation and no
//! thread hand-off per row (sqlx-sqlite's model). WAL readers never block the writer.
//!
//! Same rows as [`Store::export_shifts`]: the same tenant scope, filters, keyset order and
//! break totals. The differences are in *how*: the break total and the analyses' figures
//! come from columns of the shift row kept by triggers (migration `0012_export_figures`),
//! not from `breaks` and `analyses` (and the analyses' figures as plain columns, migration
//! `0015_export_plain_figures`, not as their JSON); employee names come from a per-export map read once
//! (not a join per row); and only the columns the CSVs need are read. Each page is its own
//! statement run, so a read snapshot lives for one page only.

use super::connection::{open, Role};
use crate::backend::Backend;
use crate::time::{from_ms, to_ms};
use crate::{BreakdownFigures, ExportCursor, ExportShift, Result, ShiftFilter, Store, Tenant};
use domain::{EmployeeId, ShiftId};
use jiff::{SignedDuration, Timestamp};
use rusqlite::types::{FromSqlError, ValueRef};
use rusqlite::Connection;
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;
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
    /// The tasks the standup did not mention, `; `-separated (migration 0015).
    pub standup_missed: Option<&'a str>,
    pub score: Option<i64>,
    pub override_score: Option<i64>,
    pub override_reason: Option<&'a str>,
    /// The score breakdown's figures, and its reasons `; `-separated.
    pub figures: Option<BreakdownFigures>,
    pub reasons: Option<&'a str>,
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
            standup_missed: self.export.missed.as_deref(),
            score: self.score,
            override_score: self.override_score,
            override_reason: self.override_reason.as_deref(),
            figures: self.export.breakdown,
            reasons: self.export.reasons.as_deref(),
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

/// The columns of an export page, both engines (`$1` now): the shift's own, its break
/// total (an open break counts up to `now`, as the sum over the `breaks` rows does) and its
/// analyses' figures as plain columns (migrations `0012_export_figures`,
/// `0015_export_plain_figures`), so a page is one range of `shifts_company_time` and its
/// rows, nothing else.
macro_rules! page_columns {
    () => {
        "SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
        s.auto_closed, s.corrected,
        s.breaks_closed_ms + COALESCE($1 - s.break_open_since, 0) AS break_ms,
        s.standup_missed, s.report_score, s.report_override_score, s.report_override_reason,
        s.report_formula_version, s.report_task_component, s.report_unplanned_component,
        s.report_tasks_total, s.report_tasks_done, s.report_tasks_progress, s.report_tasks_blocked,
        s.report_tasks_none, s.report_unplanned, s.report_reasons
     FROM shifts s"
    };
}
pub(crate) use page_columns;

/// The page query. `$1` now, `$2` company, `$3`/`$4` the time range, `$5` one employee or
/// NULL, `$6`/`$7` the keyset cursor, `$8` the page size. (SQLite numbers `$N` parameters in
/// order of first appearance, so they appear in order here.)
pub(crate) const PAGE_SQL: &str = concat!(
    page_columns!(),
    "
     WHERE s.company_id = $2 AND s.clock_in_at >= $3 AND s.clock_in_at < $4 AND ($5 IS NULL OR s.employee_id = $5)
       AND (s.clock_in_at > $6 OR (s.clock_in_at = $6 AND s.id > $7))
     ORDER BY s.clock_in_at, s.id LIMIT $8"
);

const EMPLOYEES_SQL: &str = "SELECT id, name, id_code FROM employees WHERE company_id = ?1";
const EMPLOYEE_SQL: &str =
    "SELECT id, name, id_code FROM employees WHERE company_id = ?1 AND id = ?2";

/// An open export: the connection and the company's employee names.
pub struct ExportReader {
    conn: Connection,
    source: ExportSource,
    /// By employee id; FxHash (a multiply per word), as the ids come from our own rows.
    names: FxHashMap<[u8; 16], (String, String)>,
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

fn int(v: ValueRef<'_>, col: usize) -> rusqlite::Result<i64> {
    v.as_i64().map_err(|e| bad(col, e))
}

fn opt_int(v: ValueRef<'_>, col: usize) -> rusqlite::Result<Option<i64>> {
    v.as_i64_or_null().map_err(|e| bad(col, e))
}

fn real(v: ValueRef<'_>, col: usize) -> rusqlite::Result<f64> {
    match v {
        // A REAL column stores a whole value as an integer on disk, but hands it out as REAL.
        ValueRef::Integer(i) => Ok(i as f64),
        ValueRef::Null => Ok(0.0),
        v => v.as_f64().map_err(|e| bad(col, e)),
    }
}

/// The breakdown figures of page columns 14…22; none when the formula version is NULL
/// (no breakdown). A NULL figure of a present breakdown reads as 0.
fn figures(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<BreakdownFigures>> {
    let Some(formula_version) = opt_int(r.get_ref(14)?, 14)? else {
        return Ok(None);
    };
    let n = |i: usize| -> rusqlite::Result<i64> { Ok(opt_int(r.get_ref(i)?, i)?.unwrap_or(0)) };
    Ok(Some(BreakdownFigures::from_columns(
        formula_version,
        [real(r.get_ref(15)?, 15)?, real(r.get_ref(16)?, 16)?],
        [n(17)?, n(18)?, n(19)?, n(20)?, n(21)?, n(22)?],
    )))
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
        let mut names = FxHashMap::default();
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

/// A row as SQLite hands it out: the scalars, the names, and the texts as bytes whose UTF-8
/// is not checked yet (workday, standup, report, missed tasks, override reason, reasons).
/// A page checks its texts once, on the formatter's thread ([`ExportPage::rows`]).
struct RawRow<'a> {
    scalars: Scalars,
    names: &'a (String, String),
    texts: [Option<&'a [u8]>; 6],
}

fn bytes<'a>(v: ValueRef<'a>, col: usize) -> rusqlite::Result<&'a [u8]> {
    v.as_bytes().map_err(|e| bad(col, e))
}

fn opt_bytes<'a>(v: ValueRef<'a>, col: usize) -> rusqlite::Result<Option<&'a [u8]>> {
    v.as_bytes_or_null().map_err(|e| bad(col, e))
}

impl ExportReader {
    /// Reads up to `limit` rows after `after` in `(clock_in_at, id)` order, calling `each`
    /// per row until it returns `false`. Returns the cursor to go on from when the page was
    /// full, or `None` when the range is exhausted (or `each` stopped). Open breaks count
    /// up to `now`.
    fn scan(
        &mut self,
        after: Option<ExportCursor>,
        limit: u32,
        now: Timestamp,
        mut each: impl FnMut(RawRow<'_>) -> bool,
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
            let row = RawRow {
                scalars: Scalars {
                    id: ShiftId(uuid::Uuid::from_bytes(id)),
                    employee_id: EmployeeId(uuid::Uuid::from_bytes(employee)),
                    clock_in_at,
                    clock_out_at: opt_int(r.get_ref(4)?, 4)?.map(from_ms),
                    auto_closed: int(r.get_ref(7)?, 7)? != 0,
                    corrected: int(r.get_ref(8)?, 8)? != 0,
                    break_ms: opt_int(r.get_ref(9)?, 9)?.unwrap_or(0),
                    score: opt_int(r.get_ref(11)?, 11)?,
                    override_score: opt_int(r.get_ref(12)?, 12)?,
                    figures: figures(r)?,
                },
                names,
                texts: [
                    Some(bytes(r.get_ref(2)?, 2)?),
                    Some(bytes(r.get_ref(5)?, 5)?),
                    opt_bytes(r.get_ref(6)?, 6)?,
                    opt_bytes(r.get_ref(10)?, 10)?,
                    opt_bytes(r.get_ref(13)?, 13)?,
                    opt_bytes(r.get_ref(23)?, 23)?,
                ],
            };
            if !each(row) {
                return Ok(None);
            }
        }
        Ok(if n == limit { last } else { None })
    }
}

/// Where a text of an [`ExportPage`] row lies in the page's text; `None` for NULL.
type Span = Option<(u32, u32)>;

/// What a row holds besides its texts.
#[derive(Debug, Clone, Copy)]
struct Scalars {
    id: ShiftId,
    employee_id: EmployeeId,
    clock_in_at: Timestamp,
    clock_out_at: Option<Timestamp>,
    break_ms: i64,
    auto_closed: bool,
    corrected: bool,
    score: Option<i64>,
    override_score: Option<i64>,
    figures: Option<BreakdownFigures>,
}

impl Scalars {
    /// The row with its names and its texts (workday, standup, report, missed tasks,
    /// override reason, reasons; see [`RawRow`]).
    fn row_ref<'a>(
        &self,
        (name, code): (&'a str, &'a str),
        [workday, standup, report, missed, reason, reasons]: [Option<&'a str>; 6],
    ) -> ExportRowRef<'a> {
        ExportRowRef {
            id: self.id,
            employee_id: self.employee_id,
            employee_name: name,
            employee_code: code,
            workday: workday.unwrap_or_default(),
            clock_in_at: self.clock_in_at,
            clock_out_at: self.clock_out_at,
            standup: standup.unwrap_or_default(),
            report,
            break_ms: self.break_ms,
            auto_closed: self.auto_closed,
            corrected: self.corrected,
            standup_missed: missed,
            score: self.score,
            override_score: self.override_score,
            override_reason: reason,
            figures: self.figures,
            reasons,
        }
    }

    fn of(r: &ExportRowRef<'_>) -> Self {
        Self {
            id: r.id,
            employee_id: r.employee_id,
            clock_in_at: r.clock_in_at,
            clock_out_at: r.clock_out_at,
            break_ms: r.break_ms,
            auto_closed: r.auto_closed,
            corrected: r.corrected,
            score: r.score,
            override_score: r.override_score,
            figures: r.figures,
        }
    }
}

/// One row of an [`ExportPage`]: the scalars, and the names and texts as spans of the
/// page's text.
#[derive(Debug, Clone, Copy)]
struct PageRow {
    scalars: Scalars,
    names: [Span; 2],
    texts: [Span; 6],
}

/// A page of export rows copied out of the database (all texts in one buffer), so that one
/// thread reads the next page while another formats this one (both engines' fast paths).
/// Reused page after page: [`ExportReader::fill`] clears it first. The texts are copied as
/// bytes; [`ExportPage::rows`] checks them once for the whole page, on the formatter's
/// thread, so the reader (the export's busiest thread) does not.
#[derive(Debug, Default)]
pub struct ExportPage {
    text: Vec<u8>,
    rows: Vec<PageRow>,
    /// The instant open breaks were counted up to.
    now: Option<Timestamp>,
}

impl ExportPage {
    fn put(&mut self, s: Option<&[u8]>) -> Span {
        let s = s?;
        let at = self.text.len();
        self.text.extend_from_slice(s);
        Some((
            u32::try_from(at).unwrap_or(u32::MAX),
            u32::try_from(s.len()).unwrap_or(0),
        ))
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

    /// The rows, in order, borrowed from the page; an error when a stored text is not
    /// UTF-8. Checked here, once for the page: each text is UTF-8 exactly when the whole
    /// buffer is and every text starts and ends on a character boundary of it.
    pub fn rows(&self) -> Result<impl Iterator<Item = ExportRowRef<'_>>> {
        let not_utf8 = |e: &dyn std::fmt::Display| {
            crate::StoreError::Rule(format!("a stored text is not UTF-8: {e}"))
        };
        let text = std::str::from_utf8(&self.text).map_err(|e| not_utf8(&e))?;
        let split = self
            .rows
            .iter()
            .flat_map(|r| r.names.iter().chain(&r.texts))
            .flatten()
            .any(|&(at, len)| {
                !text.is_char_boundary(at as usize) || !text.is_char_boundary((at + len) as usize)
            });
        if split {
            return Err(not_utf8(&"a character split between two texts"));
        }
        let get = |span: Span| {
            let (at, len) = span?;
            let at = at as usize;
            text.get(at..at + len as usize)
        };
        Ok(self.rows.iter().map(move |r| {
            let [name, code] = r.names.map(|n| get(n).unwrap_or_default());
            r.scalars.row_ref((name, code), r.texts.map(get))
        }))
    }

    /// Empties the page for rows read at `now`.
    pub(crate) fn reset(&mut self, now: Timestamp) {
        self.text.clear();
        self.rows.clear();
        self.now = Some(now);
    }

    fn push_raw(
        &mut self,
        scalars: Scalars,
        (name, code): (&str, &str),
        texts: [Option<&[u8]>; 6],
    ) {
        let names = [name, code].map(|n| self.put(Some(n.as_bytes())));
        let texts = texts.map(|t| self.put(t));
        self.rows.push(PageRow {
            scalars,
            names,
            texts,
        });
    }

    pub(crate) fn push(&mut self, r: &ExportRowRef<'_>) {
        let names = (r.employee_name, r.employee_code);
        let texts = [
            Some(r.workday),
            Some(r.standup),
            r.report,
            r.standup_missed,
            r.override_reason,
            r.reasons,
        ]
        .map(|t| t.map(str::as_bytes));
        self.push_raw(Scalars::of(r), names, texts);
    }
}

impl ExportReader {
    /// [`ExportReader::scan`] into `page` (cleared first): the rows are copied out and
    /// the statement is done before this returns, so no snapshot is held while the page
    /// waits to be formatted. The texts' UTF-8 is checked later, by [`ExportPage::rows`].
    pub fn fill(
        &mut self,
        after: Option<ExportCursor>,
        limit: u32,
        now: Timestamp,
        page: &mut ExportPage,
    ) -> Result<Option<ExportCursor>> {
        page.reset(now);
        self.scan(after, limit, now, |r| {
            page.push_raw(r.scalars, (&r.names.0, &r.names.1), r.texts);
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalars() -> Scalars {
        Scalars {
            id: ShiftId(uuid::Uuid::from_u128(1)),
            employee_id: EmployeeId(uuid::Uuid::from_u128(2)),
            clock_in_at: Timestamp::UNIX_EPOCH,
            clock_out_at: None,
            break_ms: 0,
            auto_closed: false,
            corrected: false,
            score: None,
            override_score: None,
            figures: None,
        }
    }

    #[test]
    fn a_page_hands_out_its_texts_and_refuses_what_is_not_utf8() {
        let mut page = ExportPage::default();
        page.reset(Timestamp::UNIX_EPOCH);
        let texts = |standup: &'static [u8]| {
            [
                Some(&b"2026-01-02"[..]),
                Some(standup),
                None,
                Some(&b"Fix; ship"[..]),
                None,
                Some(&b""[..]),
            ]
        };
        page.push_raw(scalars(), ("Ünal", "U-1"), texts("caf\u{e9} 🚀".as_bytes()));
        page.push_raw(scalars(), ("Ann", ""), texts(b"plain"));
        let rows: Vec<_> = page.rows().expect("UTF-8").collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[0].employee_name,
                rows[0].employee_code,
                rows[0].standup
            ),
            ("Ünal", "U-1", "café 🚀")
        );
        assert_eq!(
            (
                rows[1].workday,
                rows[1].report,
                rows[1].standup_missed,
                rows[1].reasons
            ),
            ("2026-01-02", None, Some("Fix; ship"), Some(""))
        );
        // A stray continuation byte: the page is refused.
        page.push_raw(scalars(), ("Bo", "B"), texts(&[0xa9]));
        assert!(page.rows().is_err());
        // Two halves of "é" in two texts side by side: the buffer is UTF-8, the texts not.
        page.reset(Timestamp::UNIX_EPOCH);
        let halves = [
            Some(&b"d"[..]),
            Some(&[0xc3][..]),
            Some(&[0xa9][..]),
            None,
            None,
            None,
        ];
        page.push_raw(scalars(), ("Bo", "B"), halves);
        assert!(std::str::from_utf8(&page.text).is_ok());
        assert!(page.rows().is_err());
        page.reset(Timestamp::UNIX_EPOCH);
        assert_eq!(page.rows().expect("empty").count(), 0);
    }
}
