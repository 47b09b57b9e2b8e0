//! Training and validating the report-status model (used by `examples/train.rs`): labelled
//! pairs from eval items, a deterministic softmax-regression trainer, folds by task list,
//! and scoring with a given model.

use std::hash::Hasher;

use domain::{ReportExtraction, TaskStatus};

use crate::eval::{EvalItem, EvalReport, Kind, Tally};
use crate::fast_hash::Fnv;
use crate::features::DIM;
use crate::model::{softmax, Model, CLASSES};

/// One (report, task) pair the model decides: its active features and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub feats: Vec<u32>,
    pub label: usize,
}

/// The pairs of the report items that the model decides (tasks the pipeline attributed at
/// least one clause to; the others are "not mentioned" by rule).
pub fn report_examples(items: &[EvalItem]) -> Vec<Example> {
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
        crate::report::extract(&item.tasks, &item.text, None, Some(&mut push));
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
    let mut m = Model::zeros();
    if examples.is_empty() {
        return m;
    }
    let mut count = [0f32; CLASSES];
    for e in examples {
        count[e.label] += 1.0;
    }
    let n = examples.len() as f32;
    let weight: Vec<f32> = count
        .iter()
        .map(|&c| {
            if !o.balance || c == 0.0 {
                1.0
            } else {
                n / (CLASSES as f32 * c)
            }
        })
        .collect();
    let mut grad = vec![0f32; CLASSES * DIM];
    let mut hist = vec![0f32; CLASSES * DIM];
    for _ in 0..o.epochs {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for e in examples {
            let p = softmax(m.scores(&e.feats));
            for (k, pk) in p.iter().enumerate() {
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

/// The report of one item, decided by `model` (the rules alone when `None`).
pub fn extract_with(model: Option<&Model>, tasks: &[String], text: &str) -> ReportExtraction {
    crate::report::extract(tasks, text, model, None)
}

/// Report metrics of `items` decided by `model` (the rules alone when `None`), tallied into
/// `tally` so folds can pool.
pub fn tally_reports(model: Option<&Model>, items: &[EvalItem], tally: &mut Tally) {
    for item in items.iter().filter(|i| i.kind == Kind::Report) {
        let Some(labels) = &item.status else { continue };
        let r = extract_with(model, &item.tasks, &item.text);
        let predicted: Vec<TaskStatus> = r.tasks.iter().map(|t| t.status).collect();
        tally.add_report(labels, &predicted);
    }
}

/// Report metrics of `items` under `model`.
pub fn score_reports(model: Option<&Model>, items: &[EvalItem]) -> EvalReport {
    let mut t = Tally::default();
    tally_reports(model, items, &mut t);
    t.report()
}
