//! Evaluation against labelled JSONL (see shared/eval/README.md): parsing, metric tallies and
//! a convenience runner for the local analyzer.

use domain::TaskStatus;
use serde::{Deserialize, Serialize};

/// One labelled example.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EvalItem {
    pub id: String,
    pub kind: Kind,
    pub tasks: Vec<String>,
    pub text: String,
    #[serde(default)]
    pub mentioned: Option<Vec<bool>>,
    #[serde(default)]
    pub status: Option<Vec<TaskStatus>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Standup,
    Report,
}

/// Parses one item per non-blank line; the error names the 1-based line number.
pub fn parse_jsonl(s: &str) -> Result<Vec<EvalItem>, String> {
    let mut out = Vec::new();
    for (n, line) in s.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let item: EvalItem =
            serde_json::from_str(line).map_err(|e| format!("line {line_no}: {e}"))?;
        let labels = match item.kind {
            Kind::Standup => item.mentioned.as_ref().map(Vec::len),
            Kind::Report => item.status.as_ref().map(Vec::len),
        };
        match labels {
            None => {
                return Err(format!(
                    "line {line_no}: {} has no labels for its kind",
                    item.id
                ))
            }
            Some(n) if n != item.tasks.len() => {
                return Err(format!(
                    "line {line_no}: {} has {} tasks but {n} labels",
                    item.id,
                    item.tasks.len()
                ))
            }
            Some(_) => out.push(item),
        }
    }
    Ok(out)
}

/// Accumulates predictions against labels, pooled over (item, task) pairs.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
    standup_n: usize,
    /// confusion[label][predicted], indexed like `TaskStatus::ALL`.
    confusion: [[usize; 4]; 4],
    report_n: usize,
}

fn class(s: TaskStatus) -> usize {
    TaskStatus::ALL.iter().position(|&c| c == s).unwrap_or(3)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

impl Tally {
    /// Adds another tally's counts (folds of a cross-validation pool).
    pub fn merge(&mut self, o: &Tally) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.standup_n += o.standup_n;
        self.report_n += o.report_n;
        for (row, orow) in self.confusion.iter_mut().zip(&o.confusion) {
            for (v, ov) in row.iter_mut().zip(orow) {
                *v += ov;
            }
        }
    }

    /// A missing prediction counts as "not mentioned".
    pub fn add_standup(&mut self, labels: &[bool], predicted: &[bool]) {
        for (i, &label) in labels.iter().enumerate() {
            let pred = predicted.get(i).copied().unwrap_or(false);
            match (label, pred) {
                (true, true) => self.tp += 1,
                (false, true) => self.fp += 1,
                (true, false) => self.fn_ += 1,
                (false, false) => {}
            }
            self.standup_n += 1;
        }
    }

    /// A missing prediction counts as `none`.
    pub fn add_report(&mut self, labels: &[TaskStatus], predicted: &[TaskStatus]) {
        for (i, &label) in labels.iter().enumerate() {
            let pred = predicted.get(i).copied().unwrap_or(TaskStatus::None);
            self.confusion[class(label)][class(pred)] += 1;
            self.report_n += 1;
        }
    }

    /// Report pairs by label (rows) and prediction (columns), `TaskStatus::ALL` order.
    pub fn confusion(&self) -> [[usize; 4]; 4] {
        self.confusion
    }

    pub fn report(&self) -> EvalReport {
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let m = &self.confusion;
        let correct: usize = (0..4).map(|k| m[k][k]).sum();
        let class_metrics = |k: usize| {
            let predicted: usize = (0..4).map(|l| m[l][k]).sum();
            let actual: usize = m[k].iter().sum();
            let (p, r) = (ratio(m[k][k], predicted), ratio(m[k][k], actual));
            ClassMetrics {
                precision: p,
                recall: r,
                f1: f1(p, r),
                n: actual,
                predicted,
            }
        };
        let per_class = PerClass {
            done: class_metrics(0),
            progress: class_metrics(1),
            blocked: class_metrics(2),
            none: class_metrics(3),
        };
        let macro_f1 = per_class.iter().map(|(_, c)| c.f1).sum::<f64>() / 4.0;
        EvalReport {
            standup: StandupMetrics {
                precision,
                recall,
                f1: f1(precision, recall),
                n: self.standup_n,
            },
            report: ReportMetrics {
                accuracy: ratio(correct, self.report_n),
                macro_f1,
                n: self.report_n,
                per_class,
                classes: TaskStatus::ALL,
                confusion: self.confusion,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub standup: StandupMetrics,
    pub report: ReportMetrics,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandupMetrics {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub n: usize,
}

/// Report metrics. The first three keys are the original shape; the rest were added after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportMetrics {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub n: usize,
    pub per_class: PerClass,
    /// Order of the confusion matrix's rows and columns.
    pub classes: [TaskStatus; 4],
    /// confusion[label][predicted], rows and columns in `classes` order.
    pub confusion: [[usize; 4]; 4],
}

/// One status class: precision and recall of predicting it, `n` labelled, `predicted` times
/// predicted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassMetrics {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub n: usize,
    pub predicted: usize,
}

/// Per-class metrics in `TaskStatus::ALL` order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerClass {
    pub done: ClassMetrics,
    pub progress: ClassMetrics,
    pub blocked: ClassMetrics,
    pub none: ClassMetrics,
}

impl PerClass {
    /// (status, metrics) in `TaskStatus::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (TaskStatus, &ClassMetrics)> {
        TaskStatus::ALL
            .into_iter()
            .zip([&self.done, &self.progress, &self.blocked, &self.none])
    }
}

impl EvalReport {
    /// The per-class table and the confusion matrix as plain text (rows = label,
    /// columns = predicted).
    pub fn report_table(&self) -> String {
        use std::fmt::Write;
        let r = &self.report;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<10}{:>10}{:>8}{:>8}{:>8}{:>11}",
            "status", "precision", "recall", "F1", "n", "predicted"
        );
        for (s, c) in r.per_class.iter() {
            let _ = writeln!(
                out,
                "{:<10}{:>10.3}{:>8.3}{:>8.3}{:>8}{:>11}",
                s.as_str(),
                c.precision,
                c.recall,
                c.f1,
                c.n,
                c.predicted
            );
        }
        let _ = writeln!(out, "confusion (rows = label, columns = predicted)");
        let _ = write!(out, "{:<10}", "");
        for s in r.classes {
            let _ = write!(out, "{:>10}", s.as_str());
        }
        let _ = writeln!(out);
        for (s, row) in r.classes.iter().zip(&r.confusion) {
            let _ = write!(out, "{:<10}", s.as_str());
            for v in row {
                let _ = write!(out, "{v:>10}");
            }
            let _ = writeln!(out);
        }
        out
    }
}

/// Runs the local analyzer over the items and scores it.
pub fn run_local(items: &[EvalItem]) -> EvalReport {
    let mut tally = Tally::default();
    for item in items {
        match item.kind {
            Kind::Standup => {
                let Some(labels) = &item.mentioned else {
                    continue;
                };
                let check = crate::check_standup(&item.tasks, &item.text);
                let predicted: Vec<bool> = check.tasks.iter().map(|t| t.mentioned).collect();
                tally.add_standup(labels, &predicted);
            }
            Kind::Report => {
                let Some(labels) = &item.status else { continue };
                let report = crate::extract_report(&item.tasks, &item.text);
                let predicted: Vec<TaskStatus> = report.tasks.iter().map(|t| t.status).collect();
                tally.add_report(labels, &predicted);
            }
        }
    }
    tally.report()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reports_the_bad_line() {
        let ok = r#"{"id":"a","kind":"standup","tasks":["T"],"text":"x","mentioned":[true]}"#;
        assert_eq!(
            parse_jsonl(&format!("{ok}\n\n{ok}")).map(|v| v.len()),
            Ok(2)
        );
        let err = parse_jsonl(&format!("{ok}\n{{oops")).unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
        let short = r#"{"id":"b","kind":"report","tasks":["T","U"],"text":"x","status":["done"]}"#;
        assert!(parse_jsonl(short).unwrap_err().starts_with("line 1:"));
        let unlabeled = r#"{"id":"c","kind":"report","tasks":["T"],"text":"x"}"#;
        assert!(parse_jsonl(unlabeled).is_err());
    }

    #[test]
    fn zero_denominators_give_zero() {
        let r = Tally::default().report();
        assert_eq!(
            (
                r.standup.precision,
                r.standup.f1,
                r.report.macro_f1,
                r.report.n
            ),
            (0.0, 0.0, 0.0, 0)
        );
    }
}
