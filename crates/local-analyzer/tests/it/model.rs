//! The learned status and mention models: the embedded ones load and read clear cases
//! right on their own; training is deterministic and the file format round-trips.

use domain::TaskStatus::{self, Blocked, Done, None as NoWork, Progress};
use local_analyzer::eval::{EvalItem, Kind};
use local_analyzer::learn::{
    check_with, extract_with, fold_of, mention_examples, report_examples, train, train_classes,
    Example, Options,
};
use local_analyzer::model::{embedded, embedded_mention, Model, Models};
use local_analyzer::{check_standup, extract_report};

fn report(tasks: &[&str], text: &str, status: &[TaskStatus]) -> EvalItem {
    EvalItem {
        id: "t-r-001".into(),
        kind: Kind::Report,
        tasks: tasks.iter().map(|t| t.to_string()).collect(),
        text: text.into(),
        mentioned: None,
        status: Some(status.to_vec()),
    }
}

fn clear_phrases() -> Vec<EvalItem> {
    let t = [
        "Fix login redirect loop",
        "Q3 revenue dashboard",
        "Migrate billing service to Postgres 16",
    ];
    vec![
        report(
            &t,
            "Login redirect loop fixed and merged. Dashboard half done, rest tomorrow. \
             Billing migration is blocked, waiting on the DBA for access.",
            &[Done, Progress, Blocked],
        ),
        report(
            &t,
            "Didn't get to the billing migration, moved to next week. Q3 dashboard shipped ✅",
            &[NoWork, Done, NoWork],
        ),
    ]
}

#[test]
fn the_embedded_model_loads_and_reads_clear_phrases_alone() {
    let m = embedded().expect("the embedded model fits this build's features");
    let examples = report_examples(&clear_phrases());
    // Only tasks some clause is about go to the model (the login loop of the second
    // report is not mentioned at all).
    assert_eq!(examples.len(), 5);
    for e in &examples {
        assert_eq!(m.predict(&e.feats), TaskStatus::ALL[e.label], "{e:?}");
    }
}

#[test]
fn training_is_deterministic_and_learns_its_data() {
    let examples: Vec<Example> = report_examples(&clear_phrases());
    let o = Options {
        epochs: 60,
        ..Options::default()
    };
    let a = train(&examples, &o);
    assert_eq!(a.to_bytes(), train(&examples, &o).to_bytes());
    for e in &examples {
        assert_eq!(a.predict(&e.feats), TaskStatus::ALL[e.label]);
    }
    // An untrained model has no preference, so it answers the first class.
    assert!(examples
        .iter()
        .any(|e| Model::zeros().predict(&e.feats) != TaskStatus::ALL[e.label]));
}

#[test]
fn the_file_format_round_trips_and_rejects_other_files() {
    let examples = report_examples(&clear_phrases());
    let m = train(&examples, &Options::default());
    let bytes = m.to_bytes();
    let back = Model::from_bytes(&bytes).expect("round trip");
    for e in &examples {
        assert_eq!(back.predict(&e.feats), m.predict(&e.feats));
    }
    assert!(Model::from_bytes(&bytes[..bytes.len() - 1]).is_none());
    assert!(Model::from_bytes(b"").is_none());
    let mut other = bytes.clone();
    other[8] ^= 1; // another hash width
    assert!(Model::from_bytes(&other).is_none());
}

#[test]
fn a_standup_and_report_of_one_task_list_share_a_fold() {
    for seed in 0..5 {
        assert_eq!(fold_of("p1-s-017", 5, seed), fold_of("p1-r-017", 5, seed));
        assert!(fold_of("t3-r-201", 5, seed) < 5);
    }
    let folds: std::collections::HashSet<usize> = (0..50)
        .map(|n| fold_of(&format!("t3-r-{n:03}"), 5, 0))
        .collect();
    assert_eq!(folds.len(), 5);
}

fn standup(tasks: &[&str], text: &str, mentioned: &[bool]) -> EvalItem {
    EvalItem {
        id: "t-s-001".into(),
        kind: Kind::Standup,
        tasks: tasks.iter().map(|t| t.to_string()).collect(),
        text: text.into(),
        mentioned: Some(mentioned.to_vec()),
        status: None,
    }
}

#[test]
fn the_mention_model_loads_and_finds_what_the_matcher_misses() {
    assert!(embedded_mention().is_some_and(|m| m.classes() == 2));
    let t: Vec<String> = [
        "Deliver signed contracts to the courthouse",
        "Restock the van",
        "Levar amostras ao laboratório",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // The matcher alone does not take "courthouse" for the delivery; the model does.
    let rules = check_with(&Models::rules(), &t, "van restock, then courthouse");
    assert!(!rules.tasks[0].mentioned);
    let c = check_standup(&t, "van restock, then courthouse");
    let got: Vec<bool> = c.tasks.iter().map(|m| m.mentioned).collect();
    assert_eq!(got, [true, true, false], "{c:?}");
    assert!(c.tasks[0].evidence.is_some());
    // In a report the task gets the clause, and the status and evidence come from it.
    let text = "van restocked. courthouse run done b4 noon";
    assert_eq!(
        extract_with(&Models::rules(), &t, text).tasks[0].status,
        NoWork
    );
    let r = extract_report(&t, text);
    assert_eq!(r.tasks[0].status, Done);
    assert_eq!(
        r.tasks[0].evidence.as_deref(),
        Some("courthouse run done b4 noon")
    );
}

#[test]
fn mention_examples_label_standups_and_unconnected_report_tasks() {
    let items = vec![
        standup(
            &["Fix login redirect loop", "Q3 revenue dashboard"],
            "login loop first thing",
            &[true, false],
        ),
        report(
            &["Fix login redirect loop", "Q3 revenue dashboard"],
            "login loop fixed",
            &[Done, NoWork],
        ),
    ];
    // Both standup pairs; of the report only the unconnected dashboard, a `none` that is
    // kept as "not mentioned" or left out.
    let with_none = mention_examples(&items, true);
    assert_eq!(
        with_none.iter().map(|e| e.label).collect::<Vec<_>>(),
        [1, 0, 0]
    );
    assert_eq!(mention_examples(&items, false).len(), 2);
    let o = Options {
        epochs: 60,
        balance: false,
        ..Options::default()
    };
    let a = train_classes(&with_none, 2, &o);
    assert_eq!(a.to_bytes(), train_classes(&with_none, 2, &o).to_bytes());
    let back = Model::from_bytes(&a.to_bytes()).expect("round trip");
    assert_eq!(back.classes(), 2);
    for e in &with_none {
        assert_eq!(usize::from(a.yes(&e.feats) >= 0.5), e.label);
    }
}
