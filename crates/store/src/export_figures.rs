//! What an export row shows of a shift's analyses, as the shift row keeps it in plain
//! columns (migration `0015_export_plain_figures`): the standup's missed tasks and the
//! score breakdown's figures. The database derives them from the analyses' JSON (a view
//! on SQLite, a function on PostgreSQL); [`ExportFigures::from_json`] is the same
//! derivation in Rust, the reference the tests hold the database to, and
//! [`ExportFigures::standup`] / [`ExportFigures::report`] give a punch the figures of the
//! result it stores, so its own write fills them (the trigger then skips the shift).

use domain::score::ScoreBreakdown;
use domain::StandupCheck;

/// The shift row's breakdown columns, in their order (after `report_score`).
pub(crate) const BREAKDOWN_COLUMNS: [&str; 10] = [
    "report_formula_version",
    "report_task_component",
    "report_unplanned_component",
    "report_tasks_total",
    "report_tasks_done",
    "report_tasks_progress",
    "report_tasks_blocked",
    "report_tasks_none",
    "report_unplanned",
    "report_reasons",
];

/// A score breakdown's figures as the CSV rows show them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakdownFigures {
    pub formula_version: i64,
    pub task_component: f64,
    pub unplanned_component: f64,
    pub tasks_total: i64,
    pub done: i64,
    pub progress: i64,
    pub blocked: i64,
    pub none: i64,
    pub unplanned: i64,
}

impl BreakdownFigures {
    /// The figures from their columns, in [`BREAKDOWN_COLUMNS`] order (both readers).
    pub(crate) fn from_columns(
        formula_version: i64,
        [task_component, unplanned_component]: [f64; 2],
        counts: [i64; 6],
    ) -> Self {
        let [tasks_total, done, progress, blocked, none, unplanned] = counts;
        Self {
            formula_version,
            task_component,
            unplanned_component,
            tasks_total,
            done,
            progress,
            blocked,
            none,
            unplanned,
        }
    }

    /// The six counts, in [`BREAKDOWN_COLUMNS`] order.
    pub fn counts(&self) -> [i64; 6] {
        [
            self.tasks_total,
            self.done,
            self.progress,
            self.blocked,
            self.none,
            self.unplanned,
        ]
    }

    pub fn of(b: &ScoreBreakdown) -> Self {
        Self::from_columns(
            b.formula_version.into(),
            [b.task_component, b.unplanned_component],
            [
                b.tasks_total,
                b.done,
                b.progress,
                b.blocked,
                b.none,
                b.unplanned,
            ]
            .map(i64::from),
        )
    }
}

/// The export columns of one shift's analyses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportFigures {
    /// The titles of the tasks the standup did not mention, `; `-separated; `None` when
    /// there is no check or it missed nothing.
    pub missed: Option<String>,
    /// The score breakdown's figures, when there is one.
    pub breakdown: Option<BreakdownFigures>,
    /// Its reasons, `; `-separated (present exactly when `breakdown` is).
    pub reasons: Option<String>,
}

impl ExportFigures {
    /// The figures of a standup check.
    pub fn standup(check: &StandupCheck) -> Self {
        let missed: Vec<&str> = check.missed().collect();
        Self {
            missed: (!missed.is_empty()).then(|| missed.join("; ")),
            ..Self::default()
        }
    }

    /// The figures of a report's score breakdown.
    pub fn report(b: &ScoreBreakdown) -> Self {
        Self {
            missed: None,
            breakdown: Some(BreakdownFigures::of(b)),
            reasons: Some(b.reasons.join("; ")),
        }
    }

    /// The figures of the stored JSON of a shift's standup check and score breakdown; a
    /// text that is not one has none (as the database's derivation).
    pub fn from_json(standup_result: Option<&str>, breakdown: Option<&str>) -> Self {
        let standup = standup_result
            .and_then(|j| serde_json::from_str::<StandupCheck>(j).ok())
            .map(|c| Self::standup(&c))
            .unwrap_or_default();
        let report = breakdown
            .and_then(|j| serde_json::from_str::<ScoreBreakdown>(j).ok())
            .map(|b| Self::report(&b))
            .unwrap_or_default();
        Self {
            missed: standup.missed,
            ..report
        }
    }
}
