//! Property tests of the analyzer's input handling: for any task titles and any text the
//! results are well-formed — one entry per task, in order, with our titles; evidence quoted
//! from the text itself; the same answer every time — and the score computed from them
//! stays within 0–100 with every task counted once.

use domain::score::{compute, ScoreWeights};
use domain::TaskStatus;
use local_analyzer::{check_standup, extract_report};
use proptest::prelude::*;

/// Words the rules react to, mixed with arbitrary text, so cues and task matches happen.
fn text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("done".to_string()),
        Just("finished".to_string()),
        Just("blocked by".to_string()),
        Just("waiting on".to_string()),
        Just("not".to_string()),
        Just("tomorrow".to_string()),
        Just("invoices".to_string()),
        Just("login".to_string()),
        Just("fixed".to_string()),
        Just(". ".to_string()),
        Just(", and ".to_string()),
        Just(" … ".to_string()),
        "[a-z]{1,8}",
        any::<String>(),
    ];
    prop::collection::vec(word, 0..40).prop_map(|w| w.join(" "))
}

fn titles() -> impl Strategy<Value = Vec<String>> {
    let title = prop_oneof![
        Just("Reconcile March invoices".to_string()),
        Just("Fix login redirect loop".to_string()),
        "[A-Za-z0-9#-]{1,10}( [A-Za-z]{1,10}){0,4}",
        any::<String>(),
    ];
    prop::collection::vec(title, 0..6)
}

fn quoted_from(text: &str, evidence: &str) -> bool {
    evidence.split(" … ").all(|piece| text.contains(piece))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn standup_check_is_well_formed(tasks in titles(), text in text()) {
        let c = check_standup(&tasks, &text);
        prop_assert_eq!(c.tasks.len(), tasks.len());
        for (m, title) in c.tasks.iter().zip(&tasks) {
            prop_assert_eq!(&m.task, title);
            prop_assert_eq!(m.mentioned, m.evidence.is_some());
            if let Some(e) = &m.evidence {
                prop_assert!(text.contains(e.as_str()), "evidence {:?} not in the note", e);
            }
        }
        prop_assert_eq!(check_standup(&tasks, &text), c, "deterministic");
    }

    #[test]
    fn report_extraction_is_well_formed_and_scores_in_range(tasks in titles(), text in text()) {
        let r = extract_report(&tasks, &text);
        prop_assert_eq!(r.tasks.len(), tasks.len());
        for (o, title) in r.tasks.iter().zip(&tasks) {
            prop_assert_eq!(&o.task, title);
            if let Some(e) = &o.evidence {
                prop_assert!(quoted_from(&text, e), "evidence {:?} not in the report", e);
            }
            if o.status != TaskStatus::None {
                prop_assert!(o.evidence.is_some(), "a status needs its evidence");
            }
        }
        for phrase in r.blockers.iter().chain(&r.unplanned) {
            prop_assert!(!phrase.trim().is_empty());
        }
        prop_assert_eq!(extract_report(&tasks, &text), r.clone(), "deterministic");

        let statuses: Vec<TaskStatus> = r.tasks.iter().map(|t| t.status).collect();
        let b = compute(&statuses, r.unplanned.len(), ScoreWeights::default());
        prop_assert!(b.score <= 100);
        prop_assert_eq!(b.tasks_total as usize, tasks.len());
        prop_assert_eq!(b.done + b.progress + b.blocked + b.none, b.tasks_total);
        prop_assert!((0.0..=1.0).contains(&b.task_component));
        prop_assert!((0.0..=1.0).contains(&b.unplanned_component));
    }

    #[test]
    fn blank_text_mentions_nothing(tasks in titles(), blank in "[ \t\r\n]{0,20}") {
        prop_assert!(check_standup(&tasks, &blank).tasks.iter().all(|m| !m.mentioned));
        let r = extract_report(&tasks, &blank);
        prop_assert!(r.tasks.iter().all(|t| t.status == TaskStatus::None && t.evidence.is_none()));
        prop_assert!(r.blockers.is_empty() && r.unplanned.is_empty());
    }
}
