//! Reading stored analyses for figures: scores and task statuses by shift.

use domain::{ReportExtraction, ShiftId, TaskStatus};
use std::collections::HashMap;
use store::Analysis;

/// The analyses of listed shifts by shift and kind: one hash lookup per shift instead of a
/// scan of every analysis (the listings used to be quadratic in the number of shifts).
pub struct AnalysisIndex<'a> {
    standup: HashMap<ShiftId, &'a Analysis>,
    report: HashMap<ShiftId, &'a Analysis>,
}

impl<'a> AnalysisIndex<'a> {
    pub fn new(analyses: &'a [Analysis]) -> Self {
        let mut standup = HashMap::with_capacity(analyses.len() / 2 + 1);
        let mut report = HashMap::with_capacity(analyses.len() / 2 + 1);
        for a in analyses {
            // The first match wins, as a linear `find` would have it.
            match a.kind.as_str() {
                "standup" => {
                    standup.entry(a.shift).or_insert(a);
                }
                "report" => {
                    report.entry(a.shift).or_insert(a);
                }
                _ => {}
            }
        }
        Self { standup, report }
    }

    pub fn standup(&self, s: ShiftId) -> Option<&'a Analysis> {
        self.standup.get(&s).copied()
    }

    pub fn report(&self, s: ShiftId) -> Option<&'a Analysis> {
        self.report.get(&s).copied()
    }

    /// The effective report score of a shift.
    pub fn score(&self, s: ShiftId) -> Option<i64> {
        self.report(s).and_then(Analysis::effective_score)
    }

    /// The task statuses of a shift's report (empty when unanalysed or unreadable).
    pub fn statuses(&self, s: ShiftId) -> Vec<TaskStatus> {
        self.report(s).map(report_statuses).unwrap_or_default()
    }
}

pub(super) fn report_statuses(a: &Analysis) -> Vec<TaskStatus> {
    serde_json::from_str::<ReportExtraction>(&a.result)
        .map(|r| r.tasks.into_iter().map(|t| t.status).collect())
        .unwrap_or_default()
}

/// The effective report score of a shift.
pub fn score_of(analyses: &[Analysis], s: ShiftId) -> Option<i64> {
    analyses
        .iter()
        .find(|a| a.shift == s && a.kind == "report")
        .and_then(Analysis::effective_score)
}

pub fn statuses_of(analyses: &[Analysis], s: ShiftId) -> Vec<TaskStatus> {
    analyses
        .iter()
        .find(|a| a.shift == s && a.kind == "report")
        .map(report_statuses)
        .unwrap_or_default()
}

pub(super) fn status_index(s: TaskStatus) -> usize {
    match s {
        TaskStatus::Done => 0,
        TaskStatus::Progress => 1,
        TaskStatus::Blocked => 2,
        TaskStatus::None => 3,
    }
}

pub fn mean(v: &[i64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<i64>() as f64 / v.len() as f64)
}

pub const STATUS_LABELS: [&str; 4] = ["done", "in progress", "blocked", "not worked on"];

pub fn status_items(mix: &[u32; 4]) -> Vec<(String, f64)> {
    STATUS_LABELS
        .iter()
        .zip(mix)
        .map(|(l, n)| (l.to_string(), f64::from(*n)))
        .collect()
}
