//! Trains the report-status model and validates it.
//!
//! `cargo run --release -p local-analyzer --example train -- [OPTIONS] FILE...`
//!
//! - `--out PATH`: train on every item of the files and write the model there;
//! - `--cv K`: K-fold cross-validation by task list, rules and model side by side, pooled
//!   and per file;
//! - `--holdout FILE`: train on the files minus FILE's items, score FILE;
//! - `--l2 X` (several allowed: each is cross-validated), `--epochs N`, `--rate R`,
//!   `--no-balance`.
//!
//! Items are deduplicated by id (the first file that has an id wins).

use std::collections::HashSet;

use local_analyzer::eval::{parse_jsonl, EvalItem, EvalReport, Tally};
use local_analyzer::learn::{fold_of, report_examples, tally_reports, train, Options};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files: Vec<String> = Vec::new();
    let mut out: Option<String> = None;
    let mut cv: Option<usize> = None;
    let mut holdout: Option<String> = None;
    let mut l2s: Vec<f32> = Vec::new();
    let mut errors: Option<String> = None;
    let mut seeds: u64 = 1;
    let mut focus: Option<String> = None;
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--out" => out = Some(value()?),
            "--cv" => cv = Some(number(&value()?)?),
            "--holdout" => holdout = Some(value()?),
            "--l2" => l2s.push(number(&value()?)?),
            "--epochs" => o.epochs = number(&value()?)?,
            "--rate" => o.rate = number(&value()?)?,
            "--no-balance" => o.balance = false,
            "--errors" => errors = Some(value()?),
            "--seeds" => seeds = number(&value()?)?,
            "--focus" => focus = Some(value()?),
            f if f.starts_with("--") => return Err(format!("unknown option {f}")),
            f => files.push(f.to_string()),
        }
    }
    if l2s.is_empty() {
        l2s.push(o.l2);
    }
    let mut seen = HashSet::new();
    let mut sets: Vec<(String, Vec<EvalItem>)> = Vec::new();
    for f in &files {
        let raw = std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?;
        let items: Vec<EvalItem> = parse_jsonl(&raw)
            .map_err(|e| format!("{f}: {e}"))?
            .into_iter()
            .filter(|i| seen.insert(i.id.clone()))
            .collect();
        sets.push((f.clone(), items));
    }
    let all: Vec<EvalItem> = sets.iter().flat_map(|(_, v)| v.clone()).collect();
    let pairs = report_examples(&all).len();
    println!(
        "{} items from {} files, {pairs} report pairs the model decides",
        all.len(),
        files.len()
    );

    if let Some(k) = cv {
        for &l2 in &l2s {
            let o = Options { l2, ..o };
            let cv = Cv {
                k,
                seeds,
                errors: errors.as_deref(),
                focus: focus.as_deref(),
            };
            cross_validate(&sets, &cv, &o);
        }
    }
    if let Some(h) = &holdout {
        let raw = std::fs::read_to_string(h).map_err(|e| format!("{h}: {e}"))?;
        let held = parse_jsonl(&raw)?;
        let ids: HashSet<&str> = held.iter().map(|i| i.id.as_str()).collect();
        let rest: Vec<EvalItem> = all
            .iter()
            .filter(|i| !ids.contains(i.id.as_str()))
            .cloned()
            .collect();
        let o = Options { l2: l2s[0], ..o };
        let model = train(&report_examples(&rest), &o);
        println!(
            "holdout {h} ({} items; trained on {}, l2 {}):",
            held.len(),
            rest.len(),
            o.l2
        );
        let mut rules = Tally::default();
        let mut learned = Tally::default();
        tally_reports(None, &held, &mut rules);
        tally_reports(Some(&model), &held, &mut learned);
        side_by_side("  ", &rules.report(), &learned.report());
    }
    if let Some(path) = &out {
        let o = Options { l2: l2s[0], ..o };
        let model = train(&report_examples(&all), &o);
        std::fs::write(path, model.to_bytes()).map_err(|e| format!("{path}: {e}"))?;
        println!("wrote {path} (l2 {}, {} epochs)", o.l2, o.epochs);
    }
    Ok(())
}

fn number<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("not a number: {s}"))
}

struct Cv<'a> {
    k: usize,
    /// Deal the folds this many times and pool.
    seeds: u64,
    /// Print the model's mistakes on files whose name has this.
    errors: Option<&'a str>,
    /// Also pool the files whose name has this (the data no rule was tuned on).
    focus: Option<&'a str>,
}

/// K folds by task list; each fold's model is trained on the other folds of every file.
fn cross_validate(sets: &[(String, Vec<EvalItem>)], cv: &Cv, o: &Options) {
    let mut rules: Vec<Tally> = vec![Tally::default(); sets.len()];
    let mut learned: Vec<Tally> = vec![Tally::default(); sets.len()];
    let k = cv.k;
    for seed in 0..cv.seeds {
        for fold in 0..k {
            let train_items: Vec<EvalItem> = sets
                .iter()
                .flat_map(|(_, v)| {
                    v.iter()
                        .filter(|i| fold_of(&i.id, k, seed) != fold)
                        .cloned()
                })
                .collect();
            let model = train(&report_examples(&train_items), o);
            for (s, (name, items)) in sets.iter().enumerate() {
                let test: Vec<EvalItem> = items
                    .iter()
                    .filter(|i| fold_of(&i.id, k, seed) == fold)
                    .cloned()
                    .collect();
                tally_reports(None, &test, &mut rules[s]);
                tally_reports(Some(&model), &test, &mut learned[s]);
                if cv.errors.is_some_and(|e| name.contains(e)) && seed == 0 {
                    print_errors(&model, &test);
                }
            }
        }
    }
    println!(
        "{k}-fold cross-validation × {} deals, l2 {}:",
        cv.seeds, o.l2
    );
    let mut pooled = (Tally::default(), Tally::default());
    let mut focused = (Tally::default(), Tally::default());
    for (s, (name, _)) in sets.iter().enumerate() {
        pooled.0.merge(&rules[s]);
        pooled.1.merge(&learned[s]);
        if cv.focus.is_some_and(|f| name.contains(f)) {
            focused.0.merge(&rules[s]);
            focused.1.merge(&learned[s]);
        }
        side_by_side(
            &format!("  {name}: "),
            &rules[s].report(),
            &learned[s].report(),
        );
    }
    side_by_side("  pooled: ", &pooled.0.report(), &pooled.1.report());
    if let Some(f) = cv.focus {
        side_by_side(
            &format!("  pooled *{f}*: "),
            &focused.0.report(),
            &focused.1.report(),
        );
    }
}

fn side_by_side(prefix: &str, rules: &EvalReport, model: &EvalReport) {
    let line = |r: &EvalReport| {
        let c: Vec<String> = r
            .report
            .per_class
            .iter()
            .map(|(s, m)| format!("{} {:.3}", s.as_str(), m.f1))
            .collect();
        format!(
            "acc {:.3} macro-F1 {:.3} ({}) n {}",
            r.report.accuracy,
            r.report.macro_f1,
            c.join(", "),
            r.report.n
        )
    };
    println!("{prefix}rules {}", line(rules));
    println!("{prefix}model {}", line(model));
}

/// The pairs `model` gets wrong, with the rules' answer and the evidence.
fn print_errors(model: &local_analyzer::model::Model, items: &[EvalItem]) {
    use local_analyzer::learn::extract_with;
    for item in items {
        let Some(labels) = &item.status else { continue };
        let m = extract_with(Some(model), &item.tasks, &item.text);
        let r = extract_with(None, &item.tasks, &item.text);
        for (k, (o, ro)) in m.tasks.iter().zip(&r.tasks).enumerate() {
            if labels.get(k) != Some(&o.status) {
                println!(
                    "ERR {} [{}] label={:?} model={:?} rules={:?} ev={:?}\n    {}",
                    item.id, o.task, labels[k], o.status, ro.status, o.evidence, item.text
                );
            }
        }
    }
}
