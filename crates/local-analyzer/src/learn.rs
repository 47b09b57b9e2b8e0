//! Training and validating the report-status and mention models (used by
//! `examples/train.rs`): labelled pairs from eval items, a deterministic softmax-regression
//! trainer, folds by task list, and scoring with given models.

use std::hash::Hasher;

use domain::{ReportExtraction, StandupCheck, TaskStatus};

use crate::eval::{EvalItem, EvalReport, Kind, Tally};
use crate::fast_hash::Fnv;
use crate::features::DIM;
use crate::model::{softmax, Model, Models, CLASSES};
use crate::report::Sinks;

/// One (report, task) pair the model decides: its active features and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub feats: Vec<u32>,
    pub label: usize,
}

/// The pairs of the report items that the status model decides (tasks the pipeline
/// attributed at least one clause to; the others are "not mentioned" by rule).
pub fn report_examples(items: &[EvalItem]) -> Vec<Example> {
    report_examples_with(items, &Models::rules())
}

/// [`report_examples`] with the attribution of `models` (its mention model may give a
/// task a clause).
pub fn report_examples_with(items: &[EvalItem], models: &Models) -> Vec<Example> {
    let mut out = Vec::new();
    for item in items.iter().filter(|i| i.kind == Kind::Report) {
        let Some(labels) = &item.status else { continue };
        let mut push = |i: usize, f: &[u32]| {
            if let Some(&l) = labels.get(i) {
                out.push(Example {
                    feats: f.to_vec(),
                    label: class(l),
                });
            }
        };
        let sinks = Sinks {
            status: Some(&mut push),
            mention: None,
        };
        crate::report::extract(&item.tasks, &item.text, models, sinks);
    }
    out
}

/// The mention model's pairs: every (standup, task) pair, labelled mentioned or not, and
/// every (report, task) pair the matcher connected to no clause, labelled mentioned when
/// its status is not `none`; a report's `none` is not mentioned when `none_is_no`, else
/// left out (the task may be named with nothing done).
pub fn mention_examples(items: &[EvalItem], none_is_no: bool) -> Vec<Example> {
    let mut out = Vec::new();
    let rules = Models::rules();
    for item in items {
        let mut push = |i: usize, f: &[u32]| {
            let label = match (&item.mentioned, &item.status) {
                (Some(m), _) => m.get(i).map(|&b| usize::from(b)),
                (None, Some(s)) => match s.get(i) {
                    Some(TaskStatus::None) if !none_is_no => None,
                    Some(&st) => Some(usize::from(st != TaskStatus::None)),
                    None => None,
                },
                _ => None,
            };
            if let Some(label) = label {
                out.push(Example {
                    feats: f.to_vec(),
                    label,
                });
            }
        };
        match item.kind {
            Kind::Standup => {
                crate::standup::check(&item.tasks, &item.text, &rules, Some(&mut push));
            }
            Kind::Report => {
                let sinks = Sinks {
                    status: None,
                    mention: Some(&mut push),
                };
                crate::report::extract(&item.tasks, &item.text, &rules, sinks);
            }
        }
    }
    out
}

fn class(s: TaskStatus) -> usize {
    TaskStatus::ALL.iter().position(|&c| c == s).unwrap_or(3)
}

/// Trainer settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// L2 penalty on every weight but the bias.
    pub l2: f32,
    pub epochs: usize,
    /// AdaGrad step size.
    pub rate: f32,
    /// Weigh each class by the inverse of its frequency (the target is macro-F1).
    pub balance: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            l2: 1e-3,
            epochs: 300,
            rate: 0.3,
            balance: true,
        }
    }
}

/// Full-batch AdaGrad on the mean (class-weighted) cross-entropy plus L2. No randomness and
/// a fixed order of summation, so the same data gives the same bytes.
pub fn train(examples: &[Example], o: &Options) -> Model {
    train_classes(examples, CLASSES, o)
}

/// [`train`] for a model of `classes` classes (labels below it).
pub fn train_classes(examples: &[Example], classes: usize, o: &Options) -> Model {
    let mut m = Model::with_classes(classes);
    let classes = m.classes();
    if examples.is_empty() {
        return m;
    }
    let mut count = vec![0f32; classes];
    for e in examples {
        count[e.label.min(classes - 1)] += 1.0;
    }
    let n = examples.len() as f32;
    let weight: Vec<f32> = count
        .iter()
        .map(|&c| {
            if !o.balance || c == 0.0 {
                1.0
            } else {
                n / (classes as f32 * c)
            }
        })
        .collect();
    let mut grad = vec![0f32; classes * DIM];
    let mut hist = vec![0f32; classes * DIM];
    for _ in 0..o.epochs {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for e in examples {
            let p = softmax(m.scores(&e.feats));
            for (k, pk) in p.iter().enumerate().take(classes) {
                let d = weight[e.label] * (pk - f32::from(k == e.label)) / n;
                for &f in &e.feats {
                    grad[k * DIM + f as usize] += d;
                }
            }
        }
        for (j, (w, g)) in m.w.iter_mut().zip(&grad).enumerate() {
            let bias = j % DIM == 0;
            let g = g + if bias { 0.0 } else { o.l2 * *w };
            if g == 0.0 {
                continue;
            }
            hist[j] += g * g;
            *w -= o.rate * g / (hist[j].sqrt() + 1e-8);
        }
    }
    m
}

/// The fold of an item among `k`: a standup and a report with the same number share a task
/// list (`p1-s-017`, `p1-r-017`), so they share a fold.
/// `seed` deals the items again.
pub fn fold_of(id: &str, k: usize, seed: u64) -> usize {
    let key = id.replacen("-s-", "-x-", 1).replacen("-r-", "-x-", 1);
    let mut h = Fnv::default();
    h.write(&seed.to_le_bytes());
    h.write(key.as_bytes());
    (h.finish() % k.max(1) as u64) as usize
}

/// The report of one item, decided by `models`.
pub fn extract_with(models: &Models, tasks: &[String], text: &str) -> ReportExtraction {
    crate::report::extract(tasks, text, models, Sinks::default())
}

/// The standup check of one item, decided by `models`.
pub fn check_with(models: &Models, tasks: &[String], text: &str) -> StandupCheck {
    crate::standup::check(tasks, text, models, None)
}

/// Standup and report metrics of `items` decided by `models`, tallied into `tally` so
/// folds can pool.
pub fn tally_items(models: &Models, items: &[EvalItem], tally: &mut Tally) {
    for item in items {
        if let Some(labels) = &item.status {
            let r = extract_with(models, &item.tasks, &item.text);
            let predicted: Vec<TaskStatus> = r.tasks.iter().map(|t| t.status).collect();
            tally.add_report(labels, &predicted);
        } else if let Some(labels) = &item.mentioned {
            let c = check_with(models, &item.tasks, &item.text);
            let predicted: Vec<bool> = c.tasks.iter().map(|t| t.mentioned).collect();
            tally.add_standup(labels, &predicted);
        }
    }
}

/// Metrics of `items` under `models`.
pub fn score_items(models: &Models, items: &[EvalItem]) -> EvalReport {
    let mut t = Tally::default();
    tally_items(models, items, &mut t);
    t.report()
}
