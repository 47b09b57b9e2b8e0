//! The productivity score: a documented, versioned formula over the extracted variables.
//!
//! Version 1, for a report with `n` assigned tasks:
//!
//! ```text
//! task_points  = Σ credit(status)  where credit(done)=1, credit(progress)=0.5,
//!                                        credit(blocked)=blocked_credit, credit(none)=0
//! task_score   = task_points / n                    (1 when n = 0 and unplanned work exists)
//! unplanned    = min(unplanned_items, 3) / 3        (credit for work nobody assigned)
//! score        = round(100 × (w_tasks × task_score + w_unplanned × unplanned) / (w_tasks + w_unplanned))
//! ```
//!
//! Blockers are flagged but not punished: a blocked task earns `blocked_credit` (default
//! 0.25) because reporting an obstacle is useful work. Weights are per company.

use crate::{ReportExtraction, TaskStatus};
use serde::{Deserialize, Serialize};

pub const FORMULA_VERSION: u32 = 1;

/// Company-configurable weights of the formula.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreWeights {
    pub tasks: f64,
    pub unplanned: f64,
    pub blocked_credit: f64,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        Self {
            tasks: 0.85,
            unplanned: 0.15,
            blocked_credit: 0.25,
        }
    }
}

impl ScoreWeights {
    /// Weights must be non-negative, finite, and not both zero; blocked credit in 0..=1.
    pub fn parse(
        tasks: f64,
        unplanned: f64,
        blocked_credit: f64,
    ) -> Result<Self, crate::ValidationError> {
        let finite = [tasks, unplanned, blocked_credit]
            .iter()
            .all(|v| v.is_finite() && *v >= 0.0);
        if !finite || tasks + unplanned <= 0.0 || blocked_credit > 1.0 {
            return Err(crate::ValidationError::new(
                "weights",
                "weights must be non-negative and not all zero; blocked credit between 0 and 1",
            ));
        }
        Ok(Self {
            tasks,
            unplanned,
            blocked_credit,
        })
    }
}

/// A score with the parts that explain it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreBreakdown {
    pub score: u8,
    pub formula_version: u32,
    pub tasks_total: u32,
    pub done: u32,
    pub progress: u32,
    pub blocked: u32,
    pub none: u32,
    pub unplanned: u32,
    /// Share of assigned-task credit earned, 0–1.
    pub task_component: f64,
    /// Credit for unplanned work, 0–1.
    pub unplanned_component: f64,
    pub weights: ScoreWeights,
    /// Plain-language reasons, one per line, for people reading the score.
    pub reasons: Vec<String>,
}

/// The score of an extracted report: every place that scores a report (the punch, the
/// pipeline, the demo) goes through here, so they cannot disagree.
pub fn score_report(report: &ReportExtraction, weights: ScoreWeights) -> ScoreBreakdown {
    let statuses: Vec<TaskStatus> = report.tasks.iter().map(|t| t.status).collect();
    compute(&statuses, report.unplanned.len(), weights)
}

pub fn compute(
    statuses: &[TaskStatus],
    unplanned_items: usize,
    weights: ScoreWeights,
) -> ScoreBreakdown {
    let count = |s: TaskStatus| statuses.iter().filter(|x| **x == s).count() as u32;
    let (done, progress, blocked, none) = (
        count(TaskStatus::Done),
        count(TaskStatus::Progress),
        count(TaskStatus::Blocked),
        count(TaskStatus::None),
    );
    let n = statuses.len() as u32;
    let points = done as f64 + 0.5 * progress as f64 + weights.blocked_credit * blocked as f64;
    let task_component = if n == 0 {
        if unplanned_items > 0 {
            1.0
        } else {
            0.0
        }
    } else {
        points / n as f64
    };
    let unplanned_component = unplanned_items.min(3) as f64 / 3.0;
    let total_w = weights.tasks + weights.unplanned;
    let raw = (weights.tasks * task_component + weights.unplanned * unplanned_component) / total_w;
    let score = (raw * 100.0).round().clamp(0.0, 100.0) as u8;

    let mut reasons = Vec::new();
    if n > 0 {
        reasons.push(format!(
            "{done} of {n} assigned tasks done, {progress} in progress, {blocked} blocked, {none} not worked on"
        ));
    } else {
        reasons.push("no tasks were assigned".to_string());
    }
    if blocked > 0 {
        reasons.push(format!(
            "blocked tasks earn {:.0}% credit: reporting an obstacle is not punished",
            weights.blocked_credit * 100.0
        ));
    }
    if unplanned_items > 0 {
        reasons.push(format!("{unplanned_items} unplanned work item(s) credited"));
    }
    ScoreBreakdown {
        score,
        formula_version: FORMULA_VERSION,
        tasks_total: n,
        done,
        progress,
        blocked,
        none,
        unplanned: unplanned_items as u32,
        task_component,
        unplanned_component,
        weights,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TaskStatus::*;

    #[test]
    fn all_done_and_unplanned_work_is_full_marks() {
        assert_eq!(
            compute(&[Done, Done], 3, ScoreWeights::default()).score,
            100
        );
    }

    #[test]
    fn nothing_done_is_zero() {
        assert_eq!(compute(&[None, None], 0, ScoreWeights::default()).score, 0);
    }

    #[test]
    fn progress_is_half_and_blocked_is_partly_credited() {
        let w = ScoreWeights {
            tasks: 1.0,
            unplanned: 0.0,
            blocked_credit: 0.25,
        };
        assert_eq!(compute(&[Done, Progress], 0, w).score, 75);
        assert_eq!(compute(&[Blocked, None], 0, w).score, 13);
    }

    #[test]
    fn breakdown_counts_and_reasons() {
        let b = compute(&[Done, Blocked, None], 1, ScoreWeights::default());
        assert_eq!((b.done, b.blocked, b.none, b.unplanned), (1, 1, 1, 1));
        assert!(b.reasons[0].contains("1 of 3"));
        assert!(b.reasons.iter().any(|r| r.contains("blocked")));
    }

    #[test]
    fn weights_are_validated() {
        assert!(ScoreWeights::parse(0.0, 0.0, 0.1).is_err());
        assert!(ScoreWeights::parse(1.0, f64::NAN, 0.1).is_err());
        assert!(ScoreWeights::parse(1.0, 0.0, 1.5).is_err());
        assert!(ScoreWeights::parse(0.7, 0.3, 0.2).is_ok());
    }
}
