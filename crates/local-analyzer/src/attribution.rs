//! Clause -> task attribution: split the text into sentences and clauses, find which task
//! each clause talks about (see [`crate::matching`]), and let clauses that name no task
//! continue the task of the clause before them.

use crate::matching::{pairs, score_range, table, words, Match, Profile, Table};
use crate::text::Token;

/// Longest text analysed; notes are short, and this bounds the work on pathological input.
pub const MAX_TEXT_BYTES: usize = 20_000;
/// A clause that is not a clear reference still goes to a sentence's task at this coverage.
const CLAUSE_HINT: f64 = 0.2;
/// A task no sentence names clearly goes to the clause that covers this much of its title
/// with a word no other title has.
const FALLBACK_COVERAGE: f64 = 0.2;
/// How many clauses after the one naming a task the fallback reads for a status.
const RUN_CLAUSES: usize = 3;

/// One clause and the tasks it talks about.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub start: usize,
    pub end: usize,
    pub tasks: Vec<usize>,
    /// Per task: the clause alone is a clear reference (used for evidence).
    pub direct: Vec<bool>,
}

/// One sentence: the tasks it clearly refers to, and its clauses.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Tasks the sentence refers to by itself.
    pub mentions: Vec<usize>,
    /// Tasks carried over from a heading-like previous sentence ("Leak: found it!").
    pub inherited: Vec<usize>,
    pub clauses: Vec<Clause>,
    /// Per task: how much of its title the sentence covers (a feature of the status model).
    pub cover: Vec<f32>,
    /// Tasks that only the everyday-word fallback gave to this sentence.
    pub fallback: Vec<usize>,
}

/// Cuts `text` at a char boundary no later than `max` bytes.
pub fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Text that addresses the machine instead of reporting work is dropped, so it can neither
/// mention a task nor carry a status cue.
fn is_injection(sentence: &str) -> bool {
    let s = sentence.to_lowercase();
    let has = |w: &str| s.contains(w);
    (has("ignore") && (has("instruction") || has("previous") || has("above") || has("prompt")))
        || has("system prompt")
        || has("mark everything")
        || has("mark all")
        || has("set all")
        || has("set every")
        || has("score 100")
        || has("you are now")
        || (has("as an ai") && has("must"))
}

pub(crate) fn range(toks: &[Token], start: usize, end: usize) -> (usize, usize) {
    let a = toks.partition_point(|t| t.start < start);
    let b = toks.partition_point(|t| t.end <= end);
    (a, b.max(a))
}

fn slice(toks: &[Token], start: usize, end: usize) -> &[Token] {
    let (a, b) = range(toks, start, end);
    &toks[a..b]
}

/// Scores any byte range of one text against each task (the tables are made once).
pub struct Scorer<'a> {
    profiles: &'a [Profile],
    toks: &'a [Token],
    tables: Vec<Table>,
    /// The last score of each (task, first token): `memo[task * (toks + 1) + a]` holds the
    /// end token and the match. The same clauses and sentences are scored again and again
    /// (attribution, its fallback, the mention features), and a score depends only on the
    /// task and the token range.
    memo: std::cell::RefCell<Vec<Option<(usize, Match)>>>,
    /// Per token, which distinct spelling it is (0, 1, 2 ... by first occurrence).
    pub norm_ids: Vec<usize>,
}

impl<'a> Scorer<'a> {
    pub fn new(text: &str, toks: &'a [Token], profiles: &'a [Profile]) -> Self {
        let pairs = pairs(toks);
        let words = words(toks, text);
        let tables = profiles
            .iter()
            .map(|p| table(p, toks, text, &words, &pairs))
            .collect();
        Scorer {
            profiles,
            toks,
            tables,
            memo: std::cell::RefCell::new(vec![None; profiles.len() * (toks.len() + 1)]),
            norm_ids: words.iter().map(|w| w.norm_id).collect(),
        }
    }

    /// How well text `start..end` (bytes) refers to task `i`.
    pub fn score(&self, i: usize, start: usize, end: usize) -> Match {
        let (a, b) = range(self.toks, start, end);
        let slot = i * (self.toks.len() + 1) + a.min(self.toks.len());
        if let Some(Some((end, m))) = self.memo.borrow().get(slot) {
            if *end == b {
                return *m;
            }
        }
        let m = score_range(&self.profiles[i], &self.tables[i], a, b);
        if let Some(cell) = self.memo.borrow_mut().get_mut(slot) {
            *cell = Some((b, m));
        }
        m
    }
}

/// [`attribute_scored`] with a scorer of its own (for tests).
#[cfg(test)]
pub fn attribute_tokens(text: &str, toks: &[Token], profiles: &[Profile]) -> Vec<Sentence> {
    attribute_scored(text, &Scorer::new(text, toks, profiles))
}

/// Splits the text into sentences and clauses and finds which task each clause is about;
/// the caller's scorer can then score other candidate spans without new tables.
pub fn attribute_scored(text: &str, scorer: &Scorer) -> Vec<Sentence> {
    let (toks, profiles) = (scorer.toks, scorer.profiles);
    let score_at = |i: usize, start: usize, end: usize| scorer.score(i, start, end);
    let mut out: Vec<Sentence> = Vec::new();
    for (s, e) in crate::text::sentences(text) {
        if is_injection(&text[s..e]) {
            continue;
        }
        let st = slice(toks, s, e);
        let whole: Vec<Match> = (0..profiles.len()).map(|i| score_at(i, s, e)).collect();
        let mentions: Vec<usize> = (0..profiles.len()).filter(|&i| whole[i].pass).collect();
        let cover: Vec<f32> = whole.iter().map(|m| m.coverage as f32).collect();
        let mut clauses: Vec<Clause> = crate::text::clauses(text, s, e)
            .into_iter()
            .map(|(cs, ce)| {
                let scores: Vec<Match> = mentions.iter().map(|&i| score_at(i, cs, ce)).collect();
                let direct: Vec<bool> = profiles
                    .iter()
                    .enumerate()
                    .map(|(i, _)| {
                        mentions
                            .iter()
                            .position(|&m| m == i)
                            .is_some_and(|k| scores[k].pass)
                    })
                    .collect();
                let mut tasks: Vec<usize> = mentions
                    .iter()
                    .zip(&scores)
                    .filter(|(_, m)| m.pass)
                    .map(|(&i, _)| i)
                    .collect();
                if tasks.is_empty() {
                    if let Some((&i, _)) = mentions
                        .iter()
                        .zip(&scores)
                        .filter(|(_, m)| m.coverage >= CLAUSE_HINT)
                        .max_by(|a, b| a.1.coverage.total_cmp(&b.1.coverage))
                    {
                        tasks.push(i);
                    }
                }
                Clause {
                    start: cs,
                    end: ce,
                    tasks,
                    direct,
                }
            })
            .collect();
        if mentions.len() == 1 {
            for c in &mut clauses {
                c.tasks = mentions.clone();
            }
        } else if !mentions.is_empty() {
            // Clauses without a task continue the previous clause's task; leading ones
            // belong to the first task named after them.
            let mut last: Vec<usize> = Vec::new();
            for c in &mut clauses {
                if c.tasks.is_empty() {
                    c.tasks = last.clone();
                } else {
                    last = c.tasks.clone();
                }
            }
            let first = clauses
                .iter()
                .find(|c| !c.tasks.is_empty())
                .map(|c| c.tasks.clone());
            if let Some(first) = first {
                for c in clauses.iter_mut().take_while(|c| c.tasks.is_empty()) {
                    c.tasks = first.clone();
                }
            }
        }
        cut_at_other_labels(text, &mut clauses);
        let mut inherited = Vec::new();
        if mentions.is_empty() {
            if let Some(prev) = out.last() {
                let prev_words = slice(toks, prev.start, prev.end).len();
                let starts_also = st.first().is_some_and(|t| t.norm == "also");
                // The previous sentence's cues are read only when the rest holds.
                let has_cue = || {
                    let prev_toks = slice(toks, prev.start, prev.end);
                    let c = crate::cues::read(text, (prev.start, prev.end), prev_toks, &[]);
                    c.done || c.progress || c.blocked || c.not_worked || c.negation
                };
                let heading = prev_words <= 4
                    && prev.mentions.len() == 1
                    && prev.inherited.is_empty()
                    && !has_cue();
                // "AR: all pages roughed in. still no final copy, so I can't go on": a
                // sentence that opens with a connective or points back ("it", "them")
                // goes on about the one task of the sentence before.
                // The task the previous sentence ended on ("… boardroom: licence not
                // assigned yet. can't test till then").
                let prev_tasks: &[usize] = match prev.clauses.last() {
                    Some(c) if c.tasks.len() == 1 => &c.tasks,
                    _ if prev.mentions.is_empty() => &prev.inherited,
                    _ => &prev.mentions,
                };
                let continues = prev_tasks.len() == 1
                    && (st.first().is_some_and(|t| {
                        matches!(
                            t.norm.as_str(),
                            "still" | "but" | "so" | "though" | "however" | "which" | "its"
                        )
                    }) || st.iter().take(6).any(|t| {
                        matches!(t.norm.as_str(), "it" | "them" | "those" | "itll" | "its")
                    }) || st.windows(2).any(|w| {
                        matches!(w[0].norm.as_str(), "till" | "until") && w[1].norm == "then"
                    }) || subjectless_past(text, prev.end, s, st));
                if (heading || continues) && !starts_also {
                    inherited = prev_tasks.to_vec();
                    for c in &mut clauses {
                        c.tasks = inherited.clone();
                    }
                }
            }
        }
        out.push(Sentence {
            start: s,
            end: e,
            mentions,
            inherited,
            clauses,
            cover,
            fallback: Vec::new(),
        });
    }
    for i in 0..profiles.len() {
        let says_something = |s: usize, e: usize| {
            let c = crate::cues::read(text, (s, e), slice(toks, s, e), &[]);
            c.done || c.weak_done || c.progress || c.blocked || c.not_worked || c.future
        };
        // The clause names the task; it and the task-less clauses after it say what became
        // of it ("door 4 - tech came, needs a new spring").
        fallback(&mut out, i, |s, e, run_end| {
            let m = score_at(i, s, e);
            (m.own_word && says_something(s, run_end)).then_some(m.coverage)
        });
    }
    out
}

/// A task that no sentence names clearly is still the one a clause talks about in everyday
/// words when a word of its title's core that no other title has stands plainly in the
/// clause and the clause says something about the work ("the window is DONE" for "Holiday
/// window display – front", not "the lab was a mess" for "Order lab goggles"): the best
/// such clause above a coverage floor gets it, as if named. `score` gives a clause's
/// coverage when it qualifies.
fn fallback(out: &mut [Sentence], task: usize, score: impl Fn(usize, usize, usize) -> Option<f64>) {
    if out
        .iter()
        .any(|s| s.mentions.contains(&task) || s.inherited.contains(&task))
    {
        return;
    }
    let mut best: Option<(f64, usize, usize)> = None;
    for (si, s) in out.iter().enumerate() {
        for (ci, c) in s.clauses.iter().enumerate() {
            // A few clauses at most, so a sentence of many commas stays linear.
            let run_end = (ci + 1..s.clauses.len())
                .take_while(|&k| !s.clauses[k].direct.iter().any(|&d| d))
                .take(RUN_CLAUSES)
                .last()
                .map_or(c.end, |k| s.clauses[k].end);
            let Some(coverage) = score(c.start, c.end, run_end) else {
                continue;
            };
            if coverage >= FALLBACK_COVERAGE && best.is_none_or(|(b, _, _)| coverage > b) {
                best = Some((coverage, si, ci));
            }
        }
    }
    let Some((_, si, ci)) = best else { return };
    let s = &mut out[si];
    s.mentions.push(task);
    s.fallback.push(task);
    if let Some(d) = s.clauses[ci].direct.get_mut(task) {
        *d = true;
    }
    // The clause and the ones after it that name no task ("didn't do the windows, rain").
    for k in run(s, ci) {
        let c = &mut s.clauses[k];
        if !c.direct.iter().any(|&d| d) {
            c.tasks.clear();
        }
        c.tasks.push(task);
    }
}

/// Clause `ci` and the clauses after it in the sentence up to the next one that names a task.
fn run(s: &Sentence, ci: usize) -> Vec<usize> {
    let mut out = vec![ci];
    out.extend((ci + 1..s.clauses.len()).take_while(|&k| !s.clauses[k].direct.iter().any(|&d| d)));
    out
}

/// "… so the morning was the bakery. Replaced the box and cover, reset, ran the mixer":
/// a sentence on the same line that opens with a past-tense verb and no subject goes on
/// about what the sentence before was about (a new line starts a new topic).
fn subjectless_past(text: &str, prev_end: usize, start: usize, st: &[Token]) -> bool {
    let same_line = text
        .get(prev_end..start)
        .is_some_and(|gap| !gap.contains(['\n', '\r']));
    same_line
        && st
            .first()
            .is_some_and(|t| crate::cues::is_past(&t.norm) && !t.norm.starts_with("un"))
}

/// "palette locked 🎨 type: narrowed it down to 2 pairings": a label that names no task
/// opens another topic, so it and the clauses after it (up to one that names a task) do not
/// go on about the task before it.
fn cut_at_other_labels(text: &str, clauses: &mut [Clause]) {
    let mut cut = false;
    for c in clauses.iter_mut() {
        let direct = c.direct.iter().any(|&d| d);
        let label = text
            .get(c.end..)
            .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'));
        if direct {
            cut = false;
        } else if label {
            cut = true;
        }
        if cut {
            c.tasks.clear();
        }
    }
}

/// Tokens of `text` inside a byte range (offsets stay relative to `text`).
pub fn tokens_in(toks: &[Token], start: usize, end: usize) -> &[Token] {
    slice(toks, start, end)
}
