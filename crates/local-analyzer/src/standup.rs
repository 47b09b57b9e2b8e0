//! Standup check: which assigned tasks does the clock-in note refer to?

use domain::{StandupCheck, TaskMention};

use crate::attribution::{attribute_scored, clip, Scorer, Sentence, MAX_TEXT_BYTES};
use crate::matching::profiles_of;
use crate::mention::{self, Text};
use crate::model::Models;
use crate::report::PairSink;
use crate::text::tokenize;

/// One `TaskMention` per task, in the given order. A task counts as mentioned whatever the
/// note says about it ("won't get to X today" still mentions X).
pub fn check_standup(tasks: &[String], text: &str) -> StandupCheck {
    check(tasks, text, &Models::embedded(), None)
}

/// [`check_standup`] deciding with `models` (the matcher's answer when it has no mention
/// model); `on_pair` sees the mention features of every task, for training.
pub(crate) fn check(
    tasks: &[String],
    text: &str,
    models: &Models,
    mut on_pair: Option<&mut PairSink>,
) -> StandupCheck {
    let text = clip(text, MAX_TEXT_BYTES);
    // The titles are tokenised once, for the profiles and the mention features.
    let title_toks: Vec<_> = tasks.iter().map(|t| tokenize(t)).collect();
    let profiles = profiles_of(tasks, &title_toks);
    let toks = tokenize(text);
    let scorer = Scorer::new(text, &toks, &profiles);
    let sentences = attribute_scored(text, &scorer);
    let learned = models.mention.is_some() || on_pair.is_some();
    let titles: Vec<_> = if learned { title_toks } else { Vec::new() };
    let t = Text {
        text,
        toks: &toks,
        sentences: &sentences,
        scorer: &scorer,
        titles: &titles,
        report: false,
    };
    let mut feats = Vec::new();
    let tasks = tasks
        .iter()
        .enumerate()
        .map(|(i, task)| {
            let mut evidence = evidence(text, &sentences, i);
            if learned {
                let cand = mention::features(&t, i, &mut feats);
                if let Some(f) = on_pair.as_mut() {
                    f(i, &feats);
                }
                if let Some(m) = models.mention {
                    // The model overrules the matcher only when it is at least as sure as
                    // the cut, either way.
                    let p = m.yes(&feats);
                    let cut = models.standup_cut;
                    let yes = if evidence.is_some() {
                        p >= 1.0 - cut
                    } else {
                        p >= cut
                    };
                    if !yes {
                        evidence = None;
                    } else if evidence.is_none() {
                        // The clause the model read as about the task.
                        evidence = cand.map(|(a, b)| text[a..b].trim().to_string());
                    }
                }
            }
            TaskMention {
                task: task.clone(),
                mentioned: evidence.is_some(),
                evidence,
            }
        })
        .collect();
    StandupCheck { tasks }
}

/// The clause that names the task, or the whole sentence when the reference spans clauses.
fn evidence(text: &str, sentences: &[Sentence], task: usize) -> Option<String> {
    let s = sentences.iter().find(|s| s.mentions.contains(&task))?;
    let (a, b) = s
        .clauses
        .iter()
        .find(|c| c.direct.get(task).copied().unwrap_or(false))
        .map_or((s.start, s.end), |c| (c.start, c.end));
    Some(text[a..b].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn mentioned(t: &[&str], text: &str) -> Vec<bool> {
        check_standup(&tasks(t), text)
            .tasks
            .iter()
            .map(|m| m.mentioned)
            .collect()
    }

    #[test]
    fn negated_and_postponed_tasks_are_still_mentioned() {
        let t = [
            "Q3 revenue dashboard",
            "Reply to vendor RFP",
            "Clean up stale feature flags",
        ];
        assert_eq!(
            mentioned(
                &t,
                "Won't get to the dashboard today, pushed to next week. Focusing on the RFP reply."
            ),
            [true, true, false]
        );
    }

    #[test]
    fn deferral_paraphrase_and_mixed_languages_are_mentions() {
        let t = [
            "Replace HVAC unit, Miller Rd",
            "Quarterly boiler check at Eastgate School",
            "Invoice the Patterson job",
            "Traducir el manual al inglés",
        ];
        assert_eq!(
            mentioned(
                &t,
                "Swapping the compressor at the Miller site all morning. Eastgate boiler if that goes fast."
            ),
            [true, true, false, false]
        );
        assert_eq!(
            mentioned(&t, "Hoy: el manual, then the Patterson invoice"),
            [false, false, true, true]
        );
    }

    #[test]
    fn bullet_lists_are_read_line_by_line() {
        let t = [
            "Add rate limiting to public API",
            "Investigate memory leak in worker",
            "Review Dana's caching PR",
        ];
        let text = "Plan:\n* finish the rate limiter\n* review dana's caching PR\n* 1:1 with Sam";
        assert_eq!(mentioned(&t, text), [true, false, true]);
    }

    #[test]
    fn shared_word_distractor_is_not_a_mention() {
        let t = ["Update pricing page", "Launch spring email campaign"];
        assert_eq!(
            mentioned(
                &t,
                "pricing meeting moved to Thu, spring campaign goes out at 10"
            ),
            [false, true]
        );
    }

    #[test]
    fn unit_codes_and_words_after_a_title_word() {
        let t = [
            "Replace thermostat – unit 4B",
            "Replace ceiling tiles 3rd floor",
            "Order lab goggles",
        ];
        // "4B" names its unit; "tiles never arrived" is about the tiles, "never" is no noun
        // they modify; the lab being a mess says nothing about the goggles.
        assert_eq!(
            mentioned(
                &t,
                "4B tenant wasn't home. tiles never arrived. the lab was a mess today"
            ),
            [true, true, false]
        );
    }

    #[test]
    fn evidence_is_the_referring_clause() {
        let t = tasks(&["Fix login redirect loop", "Q3 revenue dashboard"]);
        let c = check_standup(
            &t,
            "Morning standup, then fix the login redirect loop, then lunch.",
        );
        assert_eq!(
            c.tasks[0].evidence.as_deref(),
            Some("then fix the login redirect loop")
        );
        assert_eq!(c.tasks[1].evidence, None);
    }

    #[test]
    fn output_has_one_entry_per_task_in_order() {
        let t = tasks(&["B task", "A task", "B task"]);
        let c = check_standup(&t, "");
        assert_eq!(
            c.tasks.iter().map(|m| m.task.as_str()).collect::<Vec<_>>(),
            ["B task", "A task", "B task"]
        );
        assert!(check_standup(&[], "did everything").tasks.is_empty());
    }

    #[test]
    fn very_long_text_is_handled() {
        let text = "worked on the dashboard. ".repeat(20_000);
        let c = check_standup(&tasks(&["Q3 revenue dashboard"]), &text);
        assert!(c.tasks[0].mentioned);
    }
}
