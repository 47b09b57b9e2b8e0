//! Is a text about a task? Features of one (text, task) pair for the learned mention model
//! ([`crate::model`], two classes): the clause of the text that refers to the task best
//! (the matcher's scores and how it matched), how many of the title's words it holds
//! exactly, by stem, by synonym or with a typo, ticket numbers and names, the negation or
//! plan around it, whether another task claims the clause, and its words hashed.
//!
//! The standup check asks it about every task; the report asks it about tasks no clause
//! was attributed to, and gives a task it calls mentioned its best clause.

use crate::attribution::{tokens_in, Scorer, Sentence};
use crate::concepts::{groups, is_stopword, share_group};
use crate::cues::read;
use crate::features::{bins, key, same_word, slot, FIXED};
use crate::matching::Match;
use crate::text::char_len;
use crate::text::{edit_distance, Token};

/// Hash namespaces of the mention features (the status model's use 1–6, 21 and 22).
const NS_WORD: u8 = 11;
const NS_BIGRAM: u8 = 12;
const NS_HIT: u8 = 13;
const NS_MISS: u8 = 14;

/// One text, ready for questions about its tasks.
pub struct Text<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    pub sentences: &'a [Sentence],
    pub scorer: &'a Scorer<'a>,
    pub titles: &'a [Vec<Token>],
    /// An end-of-day report (else a standup).
    pub report: bool,
}

/// How a title word is found in a span, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Hit {
    None,
    Fuzzy,
    Concept,
    Stem,
    Exact,
}

/// The title's content words: three letters or more, or a number, and not a function word.
fn content(title: &[Token]) -> impl Iterator<Item = &Token> {
    title
        .iter()
        .filter(|t| (char_len(&t.norm) >= 3 || t.is_number()) && !is_stopword(&t.norm))
}

/// How well `w` stands for the title word `t`.
fn hit(w: &Token, t: &Token) -> Hit {
    if w.norm == t.norm {
        return Hit::Exact;
    }
    if w.is_number() || t.is_number() {
        return Hit::None;
    }
    if w.stem == t.stem || same_word(w, t) {
        return Hit::Stem;
    }
    let gw = groups(&w.stem);
    if !gw.is_empty() && share_group(gw, groups(&t.stem)) {
        return Hit::Concept;
    }
    // A typo of a longer word ("finace", "recieve"): one edit from five letters, two from
    // eight; or most of its letter trigrams.
    let (lt, lw) = (char_len(&t.norm), char_len(&w.norm));
    if lt < 5 || lw < 5 || lt.abs_diff(lw) > 2 {
        return Hit::None;
    }
    let n = lt.min(lw);
    let max = match n {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    };
    if max > 0 && edit_distance(&w.norm, &t.norm, max).is_some() {
        return Hit::Fuzzy;
    }
    if n >= 6 && trigram_share(&w.norm, &t.norm) >= 0.6 {
        return Hit::Fuzzy;
    }
    Hit::None
}

fn trigram_share(a: &str, b: &str) -> f32 {
    if a.is_ascii() && b.is_ascii() {
        // The same count on bytes, without collecting.
        let (ta, tb) = (a.as_bytes().windows(3), b.as_bytes().windows(3));
        let (na, nb) = (ta.len(), tb.len());
        let shared = tb
            .filter(|g| a.as_bytes().windows(3).any(|x| x == *g))
            .count();
        return shared as f32 / na.max(nb).max(1) as f32;
    }
    let tri = |s: &str| -> Vec<[char; 3]> {
        let c: Vec<char> = s.chars().collect();
        c.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
    };
    let (ta, tb) = (tri(a), tri(b));
    let shared = tb.iter().filter(|g| ta.contains(g)).count();
    shared as f32 / ta.len().max(tb.len()).max(1) as f32
}

/// How each token of the text stands for each content word of one title, computed once
/// per (text, task) with each distinct spelling scored once.
struct HitTable {
    /// hits[token * width + word]
    hits: Vec<Hit>,
    width: usize,
    /// Per content word: it holds a digit (a ticket or unit number).
    numeric: Vec<bool>,
}

impl HitTable {
    /// `norm_ids[j]` tells which distinct spelling token `j` is (see `Scorer::norm_ids`).
    fn new(title: &[Token], toks: &[Token], norm_ids: &[usize]) -> Self {
        let words: Vec<&Token> = content(title).collect();
        let width = words.len();
        debug_assert_eq!(toks.len(), norm_ids.len(), "ids of another token list");
        let n_norms = norm_ids.iter().map(|&k| k + 1).max().unwrap_or(0);
        let mut seen: Vec<usize> = vec![usize::MAX; n_norms];
        let mut hits = Vec::with_capacity(toks.len() * width);
        for (tok, &k) in toks.iter().zip(norm_ids) {
            match seen[k] {
                usize::MAX => {
                    seen[k] = hits.len();
                    hits.extend(words.iter().map(|w| hit(tok, w)));
                }
                at => hits.extend_from_within(at..at + width),
            }
        }
        let numeric = words
            .iter()
            .map(|t| t.norm.chars().any(|c| c.is_ascii_digit()))
            .collect();
        HitTable {
            hits,
            width,
            numeric,
        }
    }

    /// How many content words of the title are hit at least as well as `at_least` among
    /// tokens `a..b` (indices).
    fn count_at_least(&self, (a, b): (usize, usize), at_least: Hit) -> usize {
        (0..self.width)
            .filter(|&w| (a..b).any(|j| self.hits[j * self.width + w] >= at_least))
            .count()
    }

    /// Per content word of the title, its best hit among tokens `a..b` (indices).
    fn best(&self, (a, b): (usize, usize)) -> Vec<(Hit, bool)> {
        (0..self.width)
            .map(|w| {
                let h = (a..b)
                    .map(|j| self.hits[j * self.width + w])
                    .max()
                    .unwrap_or(Hit::None);
                (h, self.numeric[w])
            })
            .collect()
    }
}

/// Token indices of byte range `a..b`.
fn token_range(toks: &[Token], a: usize, b: usize) -> (usize, usize) {
    let lo = toks.partition_point(|t| t.start < a);
    let hi = toks.partition_point(|t| t.end <= b);
    (lo, hi.max(lo))
}

/// Share of the title's content words hit at least as well as `at_least`.
fn share(h: &[(Hit, bool)], at_least: Hit) -> f32 {
    h.iter().filter(|(x, _)| *x >= at_least).count() as f32 / h.len().max(1) as f32
}

/// The clause that refers to task `i` best, with its match; `None` when the text has no
/// clause.
fn candidate(t: &Text, i: usize, table: &HitTable) -> Option<((usize, usize), Match)> {
    let mut best: Option<(f64, (usize, usize), Match)> = None;
    for s in t.sentences {
        for c in &s.clauses {
            let m = t.scorer.score(i, c.start, c.end);
            let n = table.count_at_least(token_range(t.toks, c.start, c.end), Hit::Fuzzy);
            // As `share(&table.best(..), Hit::Fuzzy)`, without the vector.
            let lexical = f64::from(n as f32 / table.width.max(1) as f32);
            let v = f64::from(u8::from(m.pass)) + m.coverage + 0.5 * lexical;
            if v > 0.0 && best.as_ref().is_none_or(|b| v > b.0) {
                best = Some((v, (c.start, c.end), m));
            }
        }
    }
    best.map(|(_, span, m)| (span, m))
}

/// Writes the active slots of the pair (text, task `i`) into `out`, sorted and unique;
/// returns the candidate clause.
pub fn features(t: &Text, i: usize, out: &mut Vec<u32>) -> Option<(usize, usize)> {
    out.clear();
    let title = &t.titles[i];
    let table = HitTable::new(title, t.toks, &t.scorer.norm_ids);
    let cand = candidate(t, i, &table);
    let mut slot_no = 0u32;
    let mut put = |on: bool| {
        if on && slot_no < FIXED {
            out.push(slot_no);
        }
        slot_no += 1;
    };
    put(true);
    put(t.report);
    // What the rules said.
    let named = t.sentences.iter().any(|s| s.mentions.contains(&i));
    let fallback = t.sentences.iter().any(|s| s.fallback.contains(&i));
    let inherited = t.sentences.iter().any(|s| s.inherited.contains(&i));
    let attributed = t
        .sentences
        .iter()
        .any(|s| s.clauses.iter().any(|c| c.tasks.contains(&i)));
    for on in [named, fallback, inherited, attributed] {
        put(on);
    }
    let (span, m) = match cand {
        Some((span, m)) => (Some(span), Some(m)),
        None => (None, None),
    };
    put(span.is_some());
    let m = m.unwrap_or(Match {
        coverage: 0.0,
        pass: false,
        own_word: false,
        span: None,
    });
    put(m.pass);
    put(m.own_word);
    bins(&mut put, m.coverage as f32, &[0.01, 0.2, 0.35, 0.55, 0.8]);
    // Its sentence as a whole.
    let sentence = span.and_then(|(a, _)| t.sentences.iter().find(|s| s.start <= a && a < s.end));
    let sm = sentence.map(|s| t.scorer.score(i, s.start, s.end));
    put(sm.is_some_and(|m| m.pass));
    bins(
        &mut put,
        sm.map_or(0.0, |m| m.coverage as f32),
        &[0.01, 0.2, 0.35, 0.55, 0.8],
    );
    // Title words in the clause and in the whole text, by how they were found.
    let (a, b) = span.unwrap_or((0, 0));
    let words = tokens_in(t.toks, a, b);
    let h = table.best(token_range(t.toks, a, b));
    for level in [Hit::Exact, Hit::Stem, Hit::Concept, Hit::Fuzzy] {
        bins(&mut put, share(&h, level), &[0.01, 0.34, 0.67, 0.99]);
    }
    let n_hit = h.iter().filter(|(x, _)| *x > Hit::None).count();
    bins(&mut put, n_hit as f32, &[0.5, 1.5, 2.5]);
    let fuzzy_only = h.iter().any(|(x, _)| *x == Hit::Fuzzy);
    put(fuzzy_only);
    let whole = table.best((0, t.toks.len()));
    bins(
        &mut put,
        share(&whole, Hit::Fuzzy),
        &[0.01, 0.34, 0.67, 0.99],
    );
    bins(
        &mut put,
        share(&whole, Hit::Stem),
        &[0.01, 0.34, 0.67, 0.99],
    );
    // Ticket numbers and names.
    let has_number = h.iter().any(|(_, num)| *num);
    put(has_number);
    put(h.iter().any(|(x, num)| *num && *x == Hit::Exact));
    put(whole.iter().any(|(x, num)| *num && *x == Hit::Exact));
    let names: Vec<&Token> = title
        .iter()
        .skip(1)
        .filter(|w| w.capitalized && !w.acronym && char_len(&w.norm) >= 3)
        .collect();
    put(!names.is_empty());
    put(names
        .iter()
        .any(|n| words.iter().any(|w| hit(w, n) >= Hit::Stem)));
    // Does another task claim the clause, or match it better?
    let mut other_better = false;
    let mut other_pass = false;
    let mut other_attr = false;
    if let Some((a, b)) = span {
        for j in (0..t.titles.len()).filter(|&j| j != i) {
            let o = t.scorer.score(j, a, b);
            other_better |= o.coverage > m.coverage;
            other_pass |= o.pass;
        }
        other_attr = t
            .sentences
            .iter()
            .flat_map(|s| &s.clauses)
            .any(|c| c.start == a && c.tasks.iter().any(|&j| j != i));
    }
    for on in [other_better, other_pass, other_attr] {
        put(on);
    }
    // What the clause says: a negation or a plan still mentions a task.
    let c = span
        .map(|(a, b)| read(t.text, (a, b), words, title))
        .unwrap_or_default();
    for on in [
        c.negation,
        c.future,
        c.later_day,
        c.not_worked,
        c.done || c.weak_done,
        c.progress,
        c.blocked,
        c.activity,
    ] {
        put(on);
    }
    // How much there is.
    let n_tasks = t.titles.len();
    bins(&mut put, n_tasks as f32, &[1.5, 2.5, 3.5, 4.5]);
    bins(&mut put, h.len() as f32, &[1.5, 2.5, 3.5]);
    bins(&mut put, words.len() as f32, &[1.5, 3.5, 8.0, 16.0]);
    bins(&mut put, t.toks.len() as f32, &[8.0, 20.0, 50.0, 100.0]);
    bins(&mut put, t.sentences.len() as f32, &[1.5, 3.5]);

    // The clause's words relative to the title, and which title words were found.
    let mut prev = "^";
    for w in words {
        let k = key(w, title);
        out.push(slot(NS_WORD, k, ""));
        out.push(slot(NS_BIGRAM, prev, k));
        prev = k;
    }
    for (tw, (x, _)) in content(title).zip(&h) {
        let ns = if *x > Hit::None { NS_HIT } else { NS_MISS };
        out.push(slot(ns, &tw.stem, ""));
    }
    out.sort_unstable();
    out.dedup();
    span
}

/// The candidate clause and the clauses after it in its sentence that are about no task
/// ("Miller sight: compressor in, but the breaker keeps tripping"), so the status sees the
/// reason that follows a name. Cross-validation preferred this to the clause alone
/// (report macro-F1 0.749 against 0.739 on `train-*`) and to the whole sentence (0.746).
pub fn widen(sentences: &[Sentence], (a, b): (usize, usize)) -> (usize, usize) {
    let Some(s) = sentences.iter().find(|s| s.start <= a && a < s.end) else {
        return (a, b);
    };
    let end = s
        .clauses
        .iter()
        .filter(|c| c.start >= b)
        .take_while(|c| c.tasks.is_empty())
        .last()
        .map_or(b, |c| c.end);
    (a, end)
}

/// The span says what became of some work (the condition the matcher's own everyday-word
/// fallback sets): "the lab was a mess today" says nothing about "Order lab goggles".
pub fn says_something(t: &Text, i: usize, (a, b): (usize, usize)) -> bool {
    let c = read(t.text, (a, b), tokens_in(t.toks, a, b), &t.titles[i]);
    c.done || c.weak_done || c.progress || c.blocked || c.not_worked || c.future || c.negation
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn tok(s: &str) -> Token {
        tokenize(s).remove(0)
    }

    #[test]
    fn typos_synonyms_and_stems_are_told_apart() {
        assert_eq!(hit(&tok("finace"), &tok("finance")), Hit::Fuzzy);
        assert_eq!(hit(&tok("invoices"), &tok("invoice")), Hit::Stem);
        assert_eq!(hit(&tok("invoice"), &tok("invoice")), Hit::Exact);
        assert_eq!(hit(&tok("cat"), &tok("car")), Hit::None);
        assert_eq!(hit(&tok("412"), &tok("413")), Hit::None);
    }
}
