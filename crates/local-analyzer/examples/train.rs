//! Trains the mention and report-status models and validates them.
//!
//! `cargo run --release -p local-analyzer --example train -- [OPTIONS] FILE...`
//!
//! - `--out PATH`, `--mention-out PATH`: train on every item of the files and write the
//!   status model and the mention model there;
//! - `--cv K`: K-fold cross-validation by task list: the rules, the status model alone
//!   (`local-learned-v1`) and both models side by side, pooled and per file;
//! - `--holdout FILE`: train on the files minus FILE's items, score FILE;
//! - `--cut X` (several allowed, each validated; the first is used for `--holdout` and
//!   `--out`): the mention model's certainty to overrule the matcher in standups;
//!   `--report-cut X`: the one for report tasks no clause was attributed to;
//! - `--margin X`: how much more probable the status model must find another status to
//!   overrule the rules;
//! - `--none-is-no`: a report task labelled `none` trains the mention model as "not
//!   mentioned" (else it is left out);
//! - `--l2 X`, `--mention-l2 X`, `--epochs N`, `--rate R`, `--no-balance`, `--seeds N`
//!   (deal the folds N times), `--focus S` (also pool the files whose name has S; `S1,S2` any of them).
//!
//! Items are deduplicated by id (the first file that has an id wins).

use std::collections::HashSet;

use domain::TaskStatus;
use local_analyzer::eval::{parse_jsonl, EvalItem, EvalReport, Tally};
use local_analyzer::learn::{
    fold_of, mention_examples, report_examples_with, tally_items, train, train_classes, Options,
};
use local_analyzer::model::{Model, Models, REPORT_CUT, RULE_MARGIN, STANDUP_CUT};

/// How the models are trained.
#[derive(Clone, Copy)]
struct Fit {
    status: Options,
    mention: Options,
    none_is_no: bool,
    report_cut: f32,
    rule_margin: f32,
}

/// The models of one training set: the mention model, the status model of v1 (trained on
/// the rules' attribution) and, per cut, the status model trained on the attribution with
/// the mention model at that cut.
struct Trained {
    mention: Model,
    v1: Model,
    v2: Vec<Model>,
}

fn fit(items: &[EvalItem], f: &Fit, cuts: &[f32]) -> Trained {
    let mention = train_classes(&mention_examples(items, f.none_is_no), 2, &f.mention);
    let rules = Models::rules();
    let v1 = train(&report_examples_with(items, &rules), &f.status);
    let v2 = cuts
        .iter()
        .map(|&c| {
            let m = with(Some(&mention), None, c, f);
            train(&report_examples_with(items, &m), &f.status)
        })
        .collect();
    Trained { mention, v1, v2 }
}

fn with<'a>(
    mention: Option<&'a Model>,
    status: Option<&'a Model>,
    cut: f32,
    f: &Fit,
) -> Models<'a> {
    Models {
        status,
        mention,
        standup_cut: cut,
        report_cut: f.report_cut,
        rule_margin: f.rule_margin,
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files: Vec<String> = Vec::new();
    let mut out: Option<String> = None;
    let mut mention_out: Option<String> = None;
    let mut cv: Option<usize> = None;
    let mut holdout: Option<String> = None;
    let mut cuts: Vec<f32> = Vec::new();
    let mut seeds: u64 = 1;
    let mut focus: Option<String> = None;
    let mut f = Fit {
        status: Options::default(),
        mention: Options {
            balance: false,
            ..Options::default()
        },
        none_is_no: false,
        report_cut: REPORT_CUT,
        rule_margin: RULE_MARGIN,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--out" => out = Some(value()?),
            "--mention-out" => mention_out = Some(value()?),
            "--cv" => cv = Some(number(&value()?)?),
            "--holdout" => holdout = Some(value()?),
            "--cut" => cuts.push(number(&value()?)?),
            "--none-is-no" => f.none_is_no = true,
            "--report-cut" => f.report_cut = number(&value()?)?,
            "--margin" => f.rule_margin = number(&value()?)?,
            "--l2" => f.status.l2 = number(&value()?)?,
            "--mention-l2" => f.mention.l2 = number(&value()?)?,
            "--epochs" => {
                f.status.epochs = number(&value()?)?;
                f.mention.epochs = f.status.epochs;
            }
            "--rate" => f.status.rate = number(&value()?)?,
            "--no-balance" => f.status.balance = false,
            "--seeds" => seeds = number(&value()?)?,
            "--focus" => focus = Some(value()?),
            o if o.starts_with("--") => return Err(format!("unknown option {o}")),
            file => files.push(file.to_string()),
        }
    }
    if cuts.is_empty() {
        cuts.push(STANDUP_CUT);
    }
    let mut seen = HashSet::new();
    let mut sets: Vec<(String, Vec<EvalItem>)> = Vec::new();
    for file in &files {
        let raw = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        let items: Vec<EvalItem> = parse_jsonl(&raw)
            .map_err(|e| format!("{file}: {e}"))?
            .into_iter()
            .filter(|i| seen.insert(i.id.clone()))
            .collect();
        sets.push((file.clone(), items));
    }
    let all: Vec<EvalItem> = sets.iter().flat_map(|(_, v)| v.clone()).collect();
    println!(
        "{} items from {} files, {} mention pairs (none as no: {})",
        all.len(),
        files.len(),
        mention_examples(&all, f.none_is_no).len(),
        f.none_is_no
    );

    if let Some(k) = cv {
        let cv = Cv {
            k,
            seeds,
            focus: focus.as_deref(),
        };
        cross_validate(&sets, &cv, &f, &cuts);
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
        let t = fit(&rest, &f, &cuts[..1]);
        println!(
            "holdout {h} ({} items; trained on {}, cut {}):",
            held.len(),
            rest.len(),
            cuts[0]
        );
        let mut tallies = [Tally::default(), Tally::default(), Tally::default()];
        tally_items(&Models::rules(), &held, &mut tallies[0]);
        tally_items(
            &with(None, Some(&t.v1), cuts[0], &f),
            &held,
            &mut tallies[1],
        );
        let v2 = with(Some(&t.mention), Some(&t.v2[0]), cuts[0], &f);
        tally_items(&v2, &held, &mut tallies[2]);
        print_three("  ", &tallies);
    }
    if out.is_some() || mention_out.is_some() {
        let t = fit(&all, &f, &cuts[..1]);
        if let Some(path) = &mention_out {
            std::fs::write(path, t.mention.to_bytes()).map_err(|e| format!("{path}: {e}"))?;
            println!(
                "wrote {path} (l2 {}, none as no: {})",
                f.mention.l2, f.none_is_no
            );
        }
        if let Some(path) = &out {
            std::fs::write(path, t.v2[0].to_bytes()).map_err(|e| format!("{path}: {e}"))?;
            println!(
                "wrote {path} (l2 {}, report cut {})",
                f.status.l2, f.report_cut
            );
        }
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
    /// Also pool the files whose name has this (the data no rule was tuned on).
    focus: Option<&'a str>,
}

/// K folds by task list; each fold's models are trained on the other folds of every file.
/// Tallies per file: rules, v1, then v2 at each cut.
fn cross_validate(sets: &[(String, Vec<EvalItem>)], cv: &Cv, f: &Fit, cuts: &[f32]) {
    let n = 2 + cuts.len();
    let mut diag = [Tally::default(), Tally::default()];
    let mut tallies: Vec<Vec<Tally>> = vec![vec![Tally::default(); n]; sets.len()];
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
            let t = fit(&train_items, f, cuts);
            for (s, (_, items)) in sets.iter().enumerate() {
                let test: Vec<EvalItem> = items
                    .iter()
                    .filter(|i| fold_of(&i.id, k, seed) == fold)
                    .cloned()
                    .collect();
                let row = &mut tallies[s];
                tally_items(&Models::rules(), &test, &mut row[0]);
                tally_items(&with(None, Some(&t.v1), 0.5, f), &test, &mut row[1]);
                for (c, (&cut, status)) in cuts.iter().zip(&t.v2).enumerate() {
                    let m = with(Some(&t.mention), Some(status), cut, f);
                    tally_items(&m, &test, &mut row[2 + c]);
                    if c == 0 && cv.focus.is_some_and(|x| focused_on(&sets[s].0, x)) {
                        diag_items(&m, &test, &mut diag);
                    }
                }
            }
        }
    }
    println!(
        "{k}-fold cross-validation × {} deals (status l2 {}, mention l2 {}):",
        cv.seeds, f.status.l2, f.mention.l2
    );
    let mut pooled = vec![Tally::default(); n];
    let mut focused = vec![Tally::default(); n];
    for (s, (name, _)) in sets.iter().enumerate() {
        for (c, t) in tallies[s].iter().enumerate() {
            pooled[c].merge(t);
            if cv.focus.is_some_and(|x| focused_on(name, x)) {
                focused[c].merge(t);
            }
        }
        println!("  {name}:");
        print_all(&tallies[s], cuts);
    }
    println!("  pooled:");
    print_all(&pooled, cuts);
    if let Some(x) = cv.focus {
        println!("  pooled *{x}*:");
        print_all(&focused, cuts);
        for (name, t) in ["no clause", "a clause"].iter().zip(&diag) {
            println!("    v2 confusion, tasks with {name}: {:?}", t.confusion());
        }
        let m = focused[2].confusion();
        println!("    v2 confusion (rows label, columns predicted: done progress blocked none):");
        for (s, row) in TaskStatus::ALL.iter().zip(m) {
            println!("      {:>8} {:?}", s.as_str(), row);
        }
    }
}

/// The file is one `--focus` pools: its name has one of the comma-separated strings.
fn focused_on(name: &str, focus: &str) -> bool {
    focus.split(',').any(|x| !x.is_empty() && name.contains(x))
}

fn line(r: &EvalReport) -> String {
    let c: Vec<String> = r
        .report
        .per_class
        .iter()
        .map(|(s, m)| format!("{} {:.3}", s.as_str(), m.f1))
        .collect();
    format!(
        "standup P/R/F1 {:.3}/{:.3}/{:.3} (n {}) | report acc {:.3} macro-F1 {:.3} ({}) n {}",
        r.standup.precision,
        r.standup.recall,
        r.standup.f1,
        r.standup.n,
        r.report.accuracy,
        r.report.macro_f1,
        c.join(", "),
        r.report.n
    )
}

fn print_all(t: &[Tally], cuts: &[f32]) {
    println!("    rules    {}", line(&t[0].report()));
    println!("    v1       {}", line(&t[1].report()));
    for (c, cut) in cuts.iter().enumerate() {
        println!("    v2 @{cut:.2} {}", line(&t[2 + c].report()));
    }
}

fn print_three(prefix: &str, t: &[Tally; 3]) {
    println!("{prefix}rules {}", line(&t[0].report()));
    println!("{prefix}v1    {}", line(&t[1].report()));
    println!("{prefix}v2    {}", line(&t[2].report()));
}

/// Report pairs split by whether the task got a clause (evidence) or not.
fn diag_items(models: &Models, items: &[EvalItem], t: &mut [Tally; 2]) {
    for item in items {
        if let Some(labels) = &item.status {
            let r = local_analyzer::learn::extract_with(models, &item.tasks, &item.text);
            for (i, o) in r.tasks.iter().enumerate() {
                let k = usize::from(o.evidence.is_some());
                t[k].add_report(&labels[i..i + 1], &[o.status]);
                if std::env::var("OT_SHOW").is_ok() && labels[i] != o.status {
                    println!(
                        "ERR {} -> {} | {} | {} | {}",
                        labels[i].as_str(),
                        o.status.as_str(),
                        item.tasks[i],
                        o.evidence.as_deref().unwrap_or("-"),
                        item.text.replace('\n', " / ")
                    );
                }
            }
        }
    }
}
