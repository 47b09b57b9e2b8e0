//! The rows of shifts.csv and scores.csv, written straight into a buffer from a borrowed
//! row ([`ExportRowRef`]). One writer for both read paths (the engines' fast readers and
//! the paged sqlx query), so both produce the same bytes. Per row it allocates nothing: the
//! missed tasks are written while the standup check's JSON is read ([`super::missed`]), a
//! breakdown's cells are rendered once per distinct text, and times come from [`Times`]
//! (no `strftime` per cell).

use super::csv::RowWriter;
use super::missed::missed;
use super::times::Times;
use crate::reports::{minutes, Calendar};
use domain::score::ScoreWeights;
use jiff::Timestamp;
use serde::Deserialize;
use std::borrow::Cow;
use store::sqlite::export_reader::ExportRowRef;

/// Which CSV of the shift rows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Shifts,
    Scores,
}

impl Kind {
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Shifts => "shifts.csv",
            Kind::Scores => "scores.csv",
        }
    }

    pub fn header(self, out: &mut String) {
        match self {
            Kind::Shifts => super::csv::write_row(out, &SHIFT_HEADER),
            Kind::Scores => super::csv::write_row(out, &SCORE_HEADER),
        }
    }

    /// Appends the row(s) of this kind for one shift.
    pub fn write(
        self,
        out: &mut String,
        scratch: &mut RowScratch,
        r: &ExportRowRef<'_>,
        cal: &Calendar,
        now: Timestamp,
    ) {
        match self {
            Kind::Shifts => shift_row(out, scratch, r, cal, now),
            Kind::Scores => score_row(out, scratch, r),
        }
    }
}

pub const SHIFT_HEADER: [&str; 30] = [
    "shift_id",
    "employee_id",
    "employee_name",
    "employee_id_code",
    "workday",
    "clock_in_utc",
    "clock_out_utc",
    "clock_in_local",
    "clock_out_local",
    "timezone",
    "duration_minutes",
    "break_minutes",
    "worked_minutes",
    "standup",
    "standup_missed_tasks",
    "report",
    "score",
    "computed_score",
    "override_reason",
    "formula_version",
    "task_component",
    "unplanned_component",
    "tasks_total",
    "tasks_done",
    "tasks_progress",
    "tasks_blocked",
    "tasks_none",
    "unplanned",
    "auto_closed",
    "corrected",
];

pub const SCORE_HEADER: [&str; 18] = [
    "shift_id",
    "employee_id",
    "employee_name",
    "employee_id_code",
    "workday",
    "score",
    "computed_score",
    "override_reason",
    "formula_version",
    "tasks_total",
    "tasks_done",
    "tasks_progress",
    "tasks_blocked",
    "tasks_none",
    "unplanned",
    "task_component",
    "unplanned_component",
    "reasons",
];

/// [`domain::score::ScoreBreakdown`] borrowed: the same fields and types, so it parses
/// exactly when that does, but the reasons stay slices of the stored JSON.
#[derive(Deserialize)]
struct Breakdown<'a> {
    #[allow(dead_code)]
    score: u8,
    formula_version: u32,
    tasks_total: u32,
    done: u32,
    progress: u32,
    blocked: u32,
    none: u32,
    unplanned: u32,
    task_component: f64,
    unplanned_component: f64,
    #[allow(dead_code)]
    weights: ScoreWeights,
    #[serde(borrow)]
    reasons: Vec<Cow<'a, str>>,
}

/// What the rows show of a score breakdown, formatted once: the cells as they follow the
/// previous cell of each CSV (each with its leading comma).
struct Figures {
    /// shifts.csv's nine cells from `formula_version` to `unplanned`.
    shift_cells: String,
    /// scores.csv's ten cells from `formula_version` to `reasons`.
    score_cells: String,
}

impl Figures {
    fn parse(json: &str) -> Option<Self> {
        let b: Breakdown = serde_json::from_str(json).ok()?;
        let task_component = format!("{:.3}", b.task_component);
        let unplanned_component = format!("{:.3}", b.unplanned_component);
        let counts = [
            b.tasks_total,
            b.done,
            b.progress,
            b.blocked,
            b.none,
            b.unplanned,
        ];
        let (mut shift_cells, mut score_cells, mut scratch) =
            (String::new(), String::new(), String::new());
        let mut w = RowWriter::after_a_cell(&mut shift_cells, &mut scratch);
        w.int(b.formula_version.into());
        w.num(&task_component);
        w.num(&unplanned_component);
        for n in counts {
            w.int(n.into());
        }
        let mut w = RowWriter::after_a_cell(&mut score_cells, &mut scratch);
        w.int(b.formula_version.into());
        for n in counts {
            w.int(n.into());
        }
        w.num(&task_component);
        w.num(&unplanned_component);
        w.text(&b.reasons.join("; "));
        Some(Self {
            shift_cells,
            score_cells,
        })
    }
}

/// Distinct breakdowns parsed so far in one export. A breakdown is a function of a few
/// task counts and the company's weights, so a company has few distinct ones; entries are
/// keyed by the exact text, so a hit is the parse of the same bytes.
const REMEMBERED: usize = 1024;

/// Reusable state of a row writer: a scratch buffer for cells, the parsed breakdowns and
/// the zone's remembered offset and day (one export, one calendar).
#[derive(Default)]
pub struct RowScratch {
    cell: String,
    times: Times,
    figures: std::collections::HashMap<u64, (Box<str>, Option<std::sync::Arc<Figures>>)>,
}

/// A quick 64-bit hash of the text (FNV-style over 8-byte words); entries are checked
/// against the full text, so collisions only cost a parse.
fn text_hash(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ s.len() as u64;
    for c in s.as_bytes().chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(23);
    }
    h
}

impl RowScratch {
    fn figures(&mut self, breakdown: Option<&str>) -> Option<std::sync::Arc<Figures>> {
        let json = breakdown?;
        let key = text_hash(json);
        if let Some((text, f)) = self.figures.get(&key) {
            if **text == *json {
                return f.clone();
            }
            return Figures::parse(json).map(std::sync::Arc::new);
        }
        let f = Figures::parse(json).map(std::sync::Arc::new);
        if self.figures.len() >= REMEMBERED {
            self.figures.clear();
        }
        self.figures.insert(key, (json.into(), f.clone()));
        f
    }
}

fn uuid_cell(out: &mut String, id: uuid::Uuid) {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    out.push_str(id.hyphenated().encode_lower(&mut buf));
}

/// Appends one shifts.csv row. `scratch` is a reusable buffer for formatted cells; `now`
/// is the instant the row's open break / open shift is counted up to.
pub fn shift_row(
    out: &mut String,
    scratch: &mut RowScratch,
    r: &ExportRowRef<'_>,
    cal: &Calendar,
    now: Timestamp,
) {
    let b = scratch.figures(r.breakdown);
    let duration = r
        .clock_out_at
        .map(|o| minutes(o.duration_since(r.clock_in_at).as_millis() as i64));
    let times = &mut scratch.times;
    let mut w = RowWriter::new(out, &mut scratch.cell);
    w.text_with(|s| uuid_cell(s, r.id.0));
    w.text_with(|s| uuid_cell(s, r.employee_id.0));
    w.text(r.employee_name);
    w.text(r.employee_code);
    w.text(r.workday);
    w.text_with(|s| times.utc(s, r.clock_in_at));
    match r.clock_out_at {
        Some(t) => w.text_with(|s| times.utc(s, t)),
        None => w.text(""),
    }
    w.text_with(|s| times.local(s, cal, r.clock_in_at));
    match r.clock_out_at {
        Some(t) => w.text_with(|s| times.local(s, cal, t)),
        None => w.text(""),
    }
    w.text(&cal.zone);
    w.opt_int(duration);
    w.int(minutes(r.break_ms));
    w.int(minutes(r.worked(now).as_millis() as i64));
    w.text(r.standup);
    match r.standup_result {
        Some(json) => w.text_with(|s| missed(s, json)),
        None => w.text(""),
    }
    w.text(r.report.unwrap_or_default());
    w.opt_int(r.override_score.or(r.score));
    w.opt_int(r.score);
    w.text(r.override_reason.unwrap_or_default());
    match &b {
        Some(b) => w.cells(&b.shift_cells),
        None => {
            for _ in 0..9 {
                w.opt_int(None);
            }
        }
    }
    w.bool(r.auto_closed);
    w.bool(r.corrected);
    w.end();
}

/// Appends one scores.csv row; unscored shifts write nothing.
pub fn score_row(out: &mut String, scratch: &mut RowScratch, r: &ExportRowRef<'_>) {
    let Some(b) = scratch.figures(r.breakdown) else {
        return;
    };
    let mut w = RowWriter::new(out, &mut scratch.cell);
    w.text_with(|s| uuid_cell(s, r.id.0));
    w.text_with(|s| uuid_cell(s, r.employee_id.0));
    w.text(r.employee_name);
    w.text(r.employee_code);
    w.text(r.workday);
    w.opt_int(r.override_score.or(r.score));
    w.opt_int(r.score);
    w.text(r.override_reason.unwrap_or_default());
    w.cells(&b.score_cells);
    w.end();
}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
