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

    pub fn report(&self) -> EvalReport {
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let m = &self.confusion;
        let correct: usize = (0..4).map(|k| m[k][k]).sum();
        let macro_f1 = (0..4)
            .map(|k| {
                let predicted: usize = (0..4).map(|l| m[l][k]).sum();
                let actual: usize = m[k].iter().sum();
                f1(ratio(m[k][k], predicted), ratio(m[k][k], actual))
            })
            .sum::<f64>()
            / 4.0;
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportMetrics {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub n: usize,
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
