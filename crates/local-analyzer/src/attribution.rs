//! Which task does a piece of text talk about? Each task title becomes a weighted bag of
//! terms (distinctive words weigh more, generic verbs less, the title's head noun and
//! specific verb are "keys"); a span of text refers to the task when it covers enough of
//! that weight, or hits a ticket number or a distinctive name.

use crate::concepts::{self, groups, is_generic, is_specific_verb, is_stopword, share_group};
use crate::text::{edit_distance, tokenize, Token};

/// Coverage of the title's weight that is enough on its own.
const PASS_COVERAGE: f64 = 0.55;
/// Coverage that is enough when a key term (head noun or specific verb) is hit plainly.
const PASS_WITH_KEY: f64 = 0.35;
/// A title word used as a modifier of some other noun ("pricing meeting") counts this much.
const MODIFIER_DISCOUNT: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Name,
    Number,
    Letter,
    Id,
}

#[derive(Debug, Clone)]
struct Term {
    norm: String,
    stem: String,
    groups: &'static [usize],
    weight: f64,
    kind: Kind,
    core: bool,
    key: bool,
    /// Digits of a ticket id ("#412", "OPS-231", "88213").
    id: Option<String>,
    /// Also appears in another task title of the same list.
    shared: bool,
}

/// A task title prepared for matching.
#[derive(Debug, Clone)]
pub struct Profile {
    terms: Vec<Term>,
    total: f64,
    /// Title words (minus bare function words) with the term they feed, for initialisms.
    seq: Vec<(String, Option<usize>)>,
}

/// How well a span of text refers to one task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub coverage: f64,
    pub pass: bool,
    /// Byte range covering the matched words, when any matched.
    pub span: Option<(usize, usize)>,
}

const PREPOSITIONS: &[&str] = &[
    "for", "on", "with", "to", "from", "in", "into", "at", "about", "by", "re", "per",
];
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "for", "to", "on", "in", "with", "from", "at", "by",
];
/// Acronyms too common in work chat to identify a task alone.
const COMMON_ACRONYMS: &[&str] = &[
    "pr", "api", "ui", "ux", "ci", "qa", "it", "hr", "pm", "am", "eta", "eod", "fyi", "asap",
    "ok", "db", "id", "us", "uk", "eu", "ceo", "cto", "cfo", "vp",
];
/// Short words that are prefixes of many unrelated words; never treated as abbreviations.
const NOT_ABBREVIATIONS: &[&str] = &[
    "car", "art", "pan", "man", "con", "pro", "pre", "sub", "out", "over", "under", "back",
    "post", "work", "time", "day", "new", "old", "all", "any", "one", "two", "ten", "end",
    "set", "use", "run", "top", "low", "high", "long", "short", "part", "form", "ship", "pay",
    "rate", "test", "sale", "sign", "head", "hand", "home", "team", "plan", "task", "call",
    "line", "bill", "read", "open", "let", "put", "get", "add", "way", "war", "can", "cant",
    "tea", "act", "per", "inter", "even", "ever", "fin", "rest", "sent", "went", "show",
];
/// "-ing"/"-ed" words that are usually nouns, so they still count as "some other noun".
const ING_NOUNS: &[&str] = &[
    "meeting", "building", "wedding", "briefing", "hearing", "ceiling", "pricing", "billing",
    "marketing", "engineering", "parking", "landing", "listing", "funding", "training",
    "onboarding", "offering", "posting", "opening", "recording", "setting", "booking",
    "reading", "planning", "staffing", "housing", "catering", "accounting", "heading",
    "drawing", "painting", "screening", "coaching", "feed", "need", "speed",
];

fn weekday_or_month(stem: &str) -> bool {
    matches!(
        stem,
        "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
            | "january" | "february" | "march" | "april" | "may" | "june" | "july"
            | "august" | "september" | "october" | "november" | "december"
            | "mon" | "tue" | "tues" | "wed" | "thu" | "thur" | "thurs" | "fri" | "sat" | "sun"
            | "jan" | "feb" | "mar" | "apr" | "jun" | "jul" | "aug" | "sep" | "sept" | "oct"
            | "nov" | "dec"
    )
}

fn id_digits(t: &Token) -> Option<String> {
    let digits: String = t.norm.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || t.norm.contains('.') {
        return None;
    }
    let letters = t.norm.chars().take_while(|c| c.is_alphabetic()).count();
    let is_code = letters >= 2 && letters + digits.len() == t.norm.len();
    let plain = digits.len() == t.norm.len();
    if is_code || (plain && (digits.len() >= 3 || t.prev == Some('#'))) {
        Some(digits)
    } else {
        None
    }
}

/// Builds one profile per title; shared words across the list weigh less.
pub fn profiles(titles: &[String]) -> Vec<Profile> {
    let token_lists: Vec<Vec<Token>> = titles.iter().map(|t| tokenize(t)).collect();
    token_lists
        .iter()
        .enumerate()
        .map(|(i, toks)| {
            let others: Vec<&Token> = token_lists
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .flat_map(|(_, l)| l.iter())
                .collect();
            build(&titles[i], toks, &others)
        })
        .collect()
}

/// "qPCR", "PowerSchool", "AmEx": an uppercase letter after a lowercase one marks a name.
fn camel_case(raw: &str) -> bool {
    let c: Vec<char> = raw.chars().collect();
    c.windows(2).any(|w| w[0].is_lowercase() && w[1].is_uppercase())
}

fn build(title_raw: &str, toks: &[Token], others: &[&Token]) -> Profile {
    let mut terms: Vec<Term> = Vec::new();
    let mut seq = Vec::new();
    let mut in_qualifier = false;
    for (pos, t) in toks.iter().enumerate() {
        let norm = concepts::translate_cue(&t.norm).to_string();
        if !FUNCTION_WORDS.contains(&norm.as_str()) {
            seq.push((t.norm.clone(), None));
        }
        if PREPOSITIONS.contains(&norm.as_str()) && !terms.is_empty() {
            in_qualifier = true;
            continue;
        }
        let single_letter = t.norm.chars().count() == 1 && t.norm.chars().all(char::is_alphabetic);
        let alphabetic = t.norm.chars().all(char::is_alphabetic);
        if (is_stopword(&norm) && !single_letter) || norm == "a" || norm == "i" {
            continue;
        }
        let id = id_digits(t);
        let kind = if id.is_some() {
            Kind::Id
        } else if t.is_number() {
            Kind::Number
        } else if single_letter {
            Kind::Letter
        } else if (t.acronym && !COMMON_ACRONYMS.contains(&norm.as_str()))
            || (t.capitalized && pos > 0 && !weekday_or_month(&t.stem) && !t.acronym && alphabetic)
            || camel_case(&title_raw[t.start..t.end])
        {
            Kind::Name
        } else {
            Kind::Word
        };
        let shared = others.iter().any(|o| o.stem == t.stem);
        if let Some(last) = seq.last_mut() {
            last.1 = Some(terms.len());
        }
        terms.push(Term {
            norm: t.norm.clone(),
            stem: t.stem.clone(),
            groups: groups(&t.stem),
            weight: 0.0,
            kind,
            core: !in_qualifier,
            key: false,
            id,
            shared,
        });
    }
    // A core made only of generic verbs ("Follow up with Acme on renewal"): the object is
    // in the qualifier, so treat the whole title as core.
    let core_specific = terms
        .iter()
        .any(|t| t.core && t.kind != Kind::Number && !is_generic(&t.stem));
    if !core_specific {
        for t in &mut terms {
            t.core = true;
        }
    }
    if let Some(head) = terms
        .iter()
        .rposition(|t| t.core && matches!(t.kind, Kind::Word | Kind::Name))
    {
        terms[head].key = true;
    }
    // Specific verbs of the core are keys too ("Restock ...", "Tag and triage ...").
    for t in terms.iter_mut().filter(|t| t.core && t.kind == Kind::Word) {
        if is_specific_verb(&t.stem) {
            t.key = true;
        }
    }
    for t in &mut terms {
        let mut w = match t.kind {
            Kind::Word if is_generic(&t.stem) || is_generic(&t.norm) => 0.4,
            Kind::Word if weekday_or_month(&t.stem) => 0.6,
            Kind::Word => 1.0,
            Kind::Name | Kind::Id => 2.0,
            Kind::Number => 0.5,
            Kind::Letter => 0.3,
        };
        if t.key {
            w *= 1.5;
        }
        if !t.core && t.kind != Kind::Name {
            w *= 0.6;
        }
        if t.shared {
            w *= 0.7;
        }
        t.weight = w;
    }
    let total = terms.iter().map(|t| t.weight).sum();
    Profile { terms, total, seq }
}

/// "inspector" is the person, not the inspection: agent nouns are different words.
fn agent_suffix(rest: &str) -> bool {
    matches!(rest, "or" | "ors")
}

fn is_abbreviation_of(short: &str, long: &str) -> bool {
    short.len() >= 3
        && !agent_suffix(long.get(short.len()..).unwrap_or(""))
        && long.len() >= short.len() + 2
        && long.starts_with(short)
        && short.chars().all(char::is_alphabetic)
        && !NOT_ABBREVIATIONS.contains(&short)
        && !is_stopword(short)
}

/// Quality of a text word as a reference to a title term, 0 when unrelated.
fn quality(term: &Term, tok: &Token) -> f64 {
    if let Some(id) = &term.id {
        return match id_digits(tok) {
            Some(d) if &d == id => 1.0,
            // A long id may be typed bare ("412"); short ones need the # or prefix.
            _ if tok.norm == *id && id.len() >= 3 => 1.0,
            _ => 0.0,
        };
    }
    if term.kind == Kind::Number || tok.is_number() {
        return if tok.norm == term.norm { 1.0 } else { 0.0 };
    }
    let word = concepts::translate_cue(&tok.norm);
    if is_stopword(word) && term.kind != Kind::Letter {
        return 0.0;
    }
    if tok.stem == term.stem || tok.norm == term.norm {
        return 1.0;
    }
    if term.kind == Kind::Letter {
        return 0.0;
    }
    if share_group(groups(&tok.stem), term.groups) {
        return 0.9;
    }
    let (a, b) = (tok.norm.as_str(), term.norm.as_str());
    let min_len = a.chars().count().min(b.chars().count());
    if min_len >= 5 {
        let max = if min_len >= 9 { 2 } else { 1 };
        let agent = |x: &str| x.ends_with("or") || x.ends_with("ors");
        if agent(a) != agent(b) {
            // "inspector" vs "inspection": a person, not the task.
        } else if edit_distance(a, b, max).is_some()
            || (tok.stem.len() >= 5 && edit_distance(&tok.stem, &term.stem, 1).is_some())
        {
            return 0.8;
        }
    }
    if is_abbreviation_of(&tok.stem, &term.stem) || is_abbreviation_of(&term.stem, &tok.norm) {
        return 0.75;
    }
    // Shared root: "synthesizing" / "synthesis", "reconciled" / "reconciliation".
    let (sa, sb) = (tok.stem.as_str(), term.stem.as_str());
    let common = sa.bytes().zip(sb.bytes()).take_while(|(x, y)| x == y).count();
    let shorter = sa.len().min(sb.len());
    if sa.is_ascii()
        && sb.is_ascii()
        && common >= 6
        && common * 4 >= shorter * 3
        && !agent_suffix(&sa[common..])
        && !agent_suffix(&sb[common..])
    {
        return 0.8;
    }
    // A negated form names the same thing: "untagged" / "tag".
    if let Some(rest) = tok.norm.strip_prefix("un") {
        if rest.len() >= 3 && crate::text::stem(rest) == term.stem {
            return 0.75;
        }
    }
    0.0
}

/// Does this text word look like it could stand for initials of title words ("PA", "QBR")?
fn initialism_candidate(tok: &Token) -> bool {
    let n = tok.norm.chars().count();
    (2..=4).contains(&n)
        && tok.norm.chars().next().is_some_and(char::is_alphabetic)
        && tok.norm.chars().all(|c| c.is_ascii_alphanumeric())
        && !is_stopword(&tok.norm)
        && !is_generic(&tok.norm)
        && (tok.acronym || n >= 3 || tok.norm.chars().any(|c| c.is_ascii_digit()))
}

/// Marks title terms matched as initials ("AP" = "accounts payable", "T2" = "tier 2").
fn initials(profile: &Profile, tok: &Token, best: &mut [f64]) {
    if !initialism_candidate(tok) {
        return;
    }
    let target = tok.norm.as_str();
    for start in 0..profile.seq.len() {
        let mut acc = String::new();
        for (k, (w, _)) in profile.seq[start..].iter().enumerate() {
            if w.chars().all(|c| c.is_ascii_digit()) {
                acc.push_str(w);
            } else if let Some(c) = w.chars().next() {
                acc.push(c);
            }
            if !target.starts_with(acc.as_str()) {
                break;
            }
            if acc == target && k >= 1 {
                for (_, term) in &profile.seq[start..=start + k] {
                    if let Some(i) = term {
                        best[*i] = best[*i].max(0.9);
                    }
                }
                return;
            }
        }
    }
}

/// Best quality of each term over consecutive text words written as one ("post mortem",
/// "sign in") or one text word standing for two title words ("postmortem").
fn compounds(profile: &Profile, a: &Token, b: &Token, best: &mut [f64]) {
    let joined = format!("{}{}", a.norm, b.norm);
    let phrase = format!("{} {}", a.stem, b.stem);
    let phrase_groups = groups(&phrase);
    for (i, t) in profile.terms.iter().enumerate() {
        if t.norm == joined || share_group(phrase_groups, t.groups) {
            best[i] = best[i].max(0.9);
        }
    }
}

fn is_verbish(tok: &Token) -> bool {
    let n = concepts::translate_cue(&tok.norm);
    if ING_NOUNS.contains(&n) {
        return false;
    }
    n.ends_with("ed")
        || n.ends_with("ing")
        || matches!(
            n,
            "goes" | "went" | "came" | "comes" | "starts" | "moved" | "looks" | "due" | "done"
                | "sent" | "live" | "left" | "shipped" | "ready" | "stuck" | "blocked"
        )
        || crate::cues::is_cue_word(n)
}

/// Scores one span of text (already tokenised) against one task.
pub fn score(profile: &Profile, toks: &[Token], text: &str) -> Match {
    let n_terms = profile.terms.len();
    let mut best = vec![0.0f64; n_terms];
    let mut plain = vec![false; n_terms]; // matched without the modifier discount
    let mut lo = usize::MAX;
    let mut hi = 0usize;
    let mut matched_tok = vec![false; toks.len()];
    for (j, tok) in toks.iter().enumerate() {
        let mut local = vec![0.0f64; n_terms];
        for (i, term) in profile.terms.iter().enumerate() {
            local[i] = quality(term, tok);
        }
        initials(profile, tok, &mut local);
        if let Some(next) = toks.get(j + 1) {
            compounds(profile, tok, next, &mut local);
        }
        if local.iter().any(|&q| q > 0.0) {
            matched_tok[j] = true;
        }
        let discounted = toks.get(j + 1).is_some_and(|next| {
            let gap = &text[tok.end.min(next.start)..next.start];
            gap.trim().is_empty()
                && !is_stopword(concepts::translate_cue(&next.norm))
                && !next.is_number()
                && next.norm.chars().count() >= 3
                && next.norm.chars().all(char::is_alphabetic)
                && !is_verbish(next)
                && profile.terms.iter().all(|t| quality(t, next) == 0.0)
        });
        for i in 0..n_terms {
            let q = local[i];
            if q == 0.0 {
                continue;
            }
            let term = &profile.terms[i];
            // The title's own head noun keeps its weight even as a modifier ("webinar topic").
            let factor = if discounted && term.kind == Kind::Word && !term.key {
                MODIFIER_DISCOUNT
            } else {
                1.0
            };
            if q * factor > best[i] {
                best[i] = q * factor;
            }
            if factor == 1.0 && q >= 0.75 {
                plain[i] = true;
            }
            lo = lo.min(tok.start);
            hi = hi.max(tok.end);
        }
    }
    let matched: f64 = profile
        .terms
        .iter()
        .zip(&best)
        .map(|(t, q)| t.weight * q)
        .sum();
    let coverage = if profile.total > 0.0 {
        matched / profile.total
    } else {
        0.0
    };
    let hit = |pred: &dyn Fn(&Term) -> bool| {
        profile
            .terms
            .iter()
            .zip(&plain)
            .any(|(t, &p)| p && pred(t))
    };
    // Key rule compares with the core only: a long qualifier ("for 2nd floor restroom")
    // should not drown the head noun.
    let core_total: f64 = profile.terms.iter().filter(|t| t.core).map(|t| t.weight).sum();
    let core_matched: f64 = profile
        .terms
        .iter()
        .zip(&best)
        .filter(|(t, _)| t.core)
        .map(|(t, q)| t.weight * q)
        .sum();
    let core_coverage = if core_total > 0.0 { core_matched / core_total } else { 0.0 };
    // Two distinct specific words of the core, at least half of them, is a clear reference.
    let specific = |t: &Term| {
        t.core && !t.shared && matches!(t.kind, Kind::Word | Kind::Name) && !is_generic(&t.stem)
    };
    let n_specific = profile.terms.iter().filter(|t| specific(t)).count();
    let n_specific_hit = profile
        .terms
        .iter()
        .zip(&plain)
        .filter(|(t, &p)| p && specific(t))
        .count();
    let id_hit = hit(&|t| t.kind == Kind::Id);
    let name_hit = hit(&|t| t.kind == Kind::Name && t.core && !t.shared);
    let key_hit = hit(&|t| t.key && !t.shared);
    let pass = id_hit
        || name_hit
        || coverage >= PASS_COVERAGE
        || (key_hit && core_coverage >= PASS_WITH_KEY)
        || (n_specific_hit >= 2 && n_specific_hit * 2 >= n_specific);
    Match {
        coverage,
        pass,
        span: (lo < hi).then_some((lo, hi)),
    }
}

/// Longest text analysed; notes are short, and this bounds the work on pathological input.
pub const MAX_TEXT_BYTES: usize = 20_000;
/// A clause that is not a clear reference still goes to a sentence's task at this coverage.
const CLAUSE_HINT: f64 = 0.2;

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

fn slice<'a>(toks: &'a [Token], start: usize, end: usize) -> &'a [Token] {
    let a = toks.partition_point(|t| t.start < start);
    let b = toks.partition_point(|t| t.end <= end);
    &toks[a..b.max(a)]
}

/// Splits the text into sentences and clauses and finds which task each clause is about.
pub fn attribute(text: &str, profiles: &[Profile]) -> Vec<Sentence> {
    let toks = tokenize(text);
    let mut out: Vec<Sentence> = Vec::new();
    for (s, e) in crate::text::sentences(text) {
        if is_injection(&text[s..e]) {
            continue;
        }
        let st = slice(&toks, s, e);
        let mentions: Vec<usize> = profiles
            .iter()
            .enumerate()
            .filter(|(_, p)| score(p, st, text).pass)
            .map(|(i, _)| i)
            .collect();
        let mut clauses: Vec<Clause> = crate::text::clauses(text, s, e)
            .into_iter()
            .map(|(cs, ce)| {
                let ct = slice(&toks, cs, ce);
                let scores: Vec<Match> = mentions.iter().map(|&i| score(&profiles[i], ct, text)).collect();
                let direct: Vec<bool> = profiles
                    .iter()
                    .enumerate()
                    .map(|(i, _)| mentions.iter().position(|&m| m == i).is_some_and(|k| scores[k].pass))
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
                Clause { start: cs, end: ce, tasks, direct }
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
            let first = clauses.iter().find(|c| !c.tasks.is_empty()).map(|c| c.tasks.clone());
            if let Some(first) = first {
                for c in clauses.iter_mut().take_while(|c| c.tasks.is_empty()) {
                    c.tasks = first.clone();
                }
            }
        }
        let mut inherited = Vec::new();
        if mentions.is_empty() {
            if let Some(prev) = out.last() {
                let prev_words = slice(&toks, prev.start, prev.end).len();
                let starts_also = st.first().is_some_and(|t| t.norm == "also");
                let prev_toks = slice(&toks, prev.start, prev.end);
                let c = crate::cues::read(text, (prev.start, prev.end), prev_toks, &[]);
                let has_cue = c.done || c.progress || c.blocked || c.not_worked || c.negation;
                let heading = prev_words <= 4
                    && prev.mentions.len() == 1
                    && prev.inherited.is_empty()
                    && !has_cue;
                if heading && !starts_also {
                    inherited = prev.mentions.clone();
                    for c in &mut clauses {
                        c.tasks = inherited.clone();
                    }
                }
            }
        }
        out.push(Sentence { start: s, end: e, mentions, inherited, clauses });
    }
    out
}

/// Tokens of `text` inside a byte range (offsets stay relative to `text`).
pub fn tokens_in(toks: &[Token], start: usize, end: usize) -> &[Token] {
    slice(toks, start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passes(title: &str, text: &str) -> bool {
        let p = profiles(&[title.to_string()]);
        score(&p[0], &tokenize(text), text).pass
    }

    #[test]
    fn exact_title_and_paraphrase_pass() {
        assert!(passes("Fix login redirect loop", "Fix login redirect loop first"));
        assert!(passes("Fix login redirect loop", "the sign-in bug bouncing people back to login"));
        assert!(passes("Update immunization records", "updating the shot records"));
    }

    #[test]
    fn ticket_numbers_match_with_or_without_hash_or_prefix() {
        assert!(passes("#412 Null pointer in export job", "picking up 412"));
        assert!(passes("JIRA-12 flaky upload", "jira-12 is next"));
        assert!(passes("Receive inbound PO 88213", "PO 88213 is late"));
        assert!(!passes("JIRA-12 flaky upload", "12 people came"));
        assert!(!passes("#412 Null pointer in export job", "413 is the one"));
    }

    #[test]
    fn typos_and_abbreviations() {
        assert!(passes("Send proposal to Harlow Dental", "harlow propsal first"));
        assert!(passes("Reconcile AmEx corporate card", "AmEx rec if time"));
        assert!(passes("Accounts payable run for Friday", "AP run"));
        assert!(passes("Clear Tier 2 ticket backlog", "T2 queue"));
        assert!(passes("Quarterly business review deck for Orion", "Orion QBR deck"));
    }

    #[test]
    fn shared_word_with_other_meaning_does_not_pass() {
        assert!(!passes("Update pricing page", "pricing meeting moved to Thu"));
        assert!(!passes("Review refund policy draft", "working the refund queue"));
        assert!(!passes("Train temp staff on RF scanners", "Scanner #4 is broken again"));
        assert!(!passes("Build territory plan for Midwest", "talking about Midwest hiring"));
    }

    #[test]
    fn head_noun_alone_is_enough() {
        assert!(passes("Q3 revenue dashboard", "dashboard all day"));
        assert!(passes("Prepare Q4 pipeline forecast", "Forecast can wait till tomorrow"));
    }

    #[test]
    fn span_covers_matched_words() {
        let text = "then the react bump if CI is green";
        let p = profiles(&["Upgrade React to 18.3".to_string()]);
        let m = score(&p[0], &tokenize(text), text);
        assert!(m.pass);
        assert_eq!(m.span.map(|(s, e)| &text[s..e]), Some("react bump"));
    }
}
#[cfg(test)]
mod scratch {
    use super::*;
    #[test]
    fn scratch_dump() {
        for (text, titles) in [("Greer claim — still waiting on their BOL copy so nothing I can do yet.", vec!["Plan routes for Tuesday deliveries", "Renew DOT permits for trucks 4 and 7", "Resolve missing shipment claim for Greer Foods"]),
        ("got about 2/3 of the q1 grades in, cutoff got extended to monday so ill finish then.", vec!["Rec letter for Jordan B.", "Enter Q1 grades in PowerSchool", "Photosynthesis quiz for 7th grade"])] {
        let titles: Vec<String> = titles.iter().map(|s| s.to_string()).collect();
        let p = profiles(&titles);
        let toks = tokenize(text);
        for pr in &p { eprintln!("{:?}\n{:?}", pr.terms.iter().map(|t| (&t.norm, t.weight, t.kind, t.core, t.key, t.shared)).collect::<Vec<_>>(), score(pr, &toks, text)); }
        }
    }
}
