//! The rows of shifts.csv and scores.csv, written straight into a buffer from a borrowed
//! row ([`ExportRowRef`]). One writer for both read paths (the engines' fast readers and
//! the paged sqlx query), so both produce the same bytes. Per row it allocates nothing and
//! parses nothing: the analyses' figures arrive as plain columns (migration 0015), a score
//! component's text is formatted once per distinct value, and times come from [`Times`]
//! (no `strftime` per cell).

use super::csv::RowWriter;
use super::times::Times;
use crate::reports::{minutes, Calendar};
use jiff::Timestamp;
use rustc_hash::FxHashMap as HashMap;
use store::sqlite::export_reader::ExportRowRef;
use store::BreakdownFigures;

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

/// Distinct score components remembered per export: a component is a function of a few
/// task counts and the company's weights, so an export has few distinct ones, and `{:.3}`
/// (exact decimal rounding) is the costliest cell of a row.
const REMEMBERED: usize = 1024;

/// Reusable state of a row writer: a scratch buffer for cells, the formatted score
/// components and the zone's remembered offset and day (one export, one calendar).
#[derive(Default)]
pub struct RowScratch {
    cell: String,
    times: Times,
    components: HashMap<u64, Box<str>>,
}

/// The two score components to three decimals, as `format!("{x:.3}")`.
fn components<'a>(
    known: &'a mut HashMap<u64, Box<str>>,
    f: &BreakdownFigures,
) -> (&'a str, &'a str) {
    let (a, b) = (f.task_component, f.unplanned_component);
    if known.len() + 2 > REMEMBERED {
        known.clear();
    }
    for x in [a, b] {
        known
            .entry(x.to_bits())
            .or_insert_with(|| format!("{x:.3}").into());
    }
    (&known[&a.to_bits()], &known[&b.to_bits()])
}

/// The cells of a breakdown from `formula_version` to `unplanned` as shifts.csv orders them.
fn shift_figures(w: &mut RowWriter<'_>, f: &BreakdownFigures, task: &str, unplanned: &str) {
    w.int(f.formula_version);
    w.num(task);
    w.num(unplanned);
    for n in f.counts() {
        w.int(n);
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
    let duration = r
        .clock_out_at
        .map(|o| minutes(o.duration_since(r.clock_in_at).as_millis() as i64));
    let RowScratch {
        cell,
        times,
        components: known,
    } = scratch;
    let figures = r.figures.as_ref().map(|f| (f, components(known, f)));
    let mut w = RowWriter::new(out, cell);
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
    w.text(r.standup_missed.unwrap_or_default());
    w.text(r.report.unwrap_or_default());
    w.opt_int(r.override_score.or(r.score));
    w.opt_int(r.score);
    w.text(r.override_reason.unwrap_or_default());
    match figures {
        Some((f, (task, unplanned))) => shift_figures(&mut w, f, task, unplanned),
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
    let Some(f) = &r.figures else {
        return;
    };
    let (task, unplanned) = components(&mut scratch.components, f);
    let mut w = RowWriter::new(out, &mut scratch.cell);
    w.text_with(|s| uuid_cell(s, r.id.0));
    w.text_with(|s| uuid_cell(s, r.employee_id.0));
    w.text(r.employee_name);
    w.text(r.employee_code);
    w.text(r.workday);
    w.opt_int(r.override_score.or(r.score));
    w.opt_int(r.score);
    w.text(r.override_reason.unwrap_or_default());
    w.int(f.formula_version);
    for n in f.counts() {
        w.int(n);
    }
    w.num(task);
    w.num(unplanned);
    w.text(r.reasons.unwrap_or_default());
    w.end();
}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
