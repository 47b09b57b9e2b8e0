//! Does a span of text refer to a task? Each task title becomes a weighted bag of
//! terms (distinctive words weigh more, generic verbs less, the title's head noun and
//! specific verb are "keys"); a span of text refers to the task when it covers enough of
//! that weight, or hits a ticket number or a distinctive name.

use crate::concepts::{
    self, groups, is_generic, is_specific_verb, is_stopword, share_group, WordSet,
};
use crate::text::char_len;
use std::collections::HashMap;

use crate::text::{edit_distance, Token};

/// Coverage of the title's weight that is enough on its own.
const PASS_COVERAGE: f64 = 0.55;
/// Coverage that is enough when a key term (head noun or specific verb) is hit plainly.
const PASS_WITH_KEY: f64 = 0.35;
/// A title word used as a modifier of some other noun ("pricing meeting") counts this much.
const MODIFIER_DISCOUNT: f64 = 0.5;
/// A bare two-digit ticket number ("42" for "OPS-42") before it is confirmed by a neighbour.
const SHORT_ID: f64 = 0.74;

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
    /// The head noun of the core (a key).
    head: bool,
    /// Digits of a ticket id ("#412", "OPS-231", "88213").
    id: Option<String>,
    /// Also appears in another task title of the same list.
    shared: bool,
    /// A rare content word (not generic, not everyday vocabulary): like a high-IDF term, it
    /// identifies the task on its own when the text uses it plainly.
    distinctive: bool,
    /// Position of the word in the title (0 is usually the verb).
    pos: usize,
    /// Before a colon ("Brand refresh: typography"): a label shared by sibling tasks.
    label: bool,
    /// The first word of the title or of a colon segment, where the verb usually stands.
    lead: bool,
    /// After a dash or in parentheses ("Packaging redesign - Oat Bar multipack").
    detail: bool,
    /// Per-term facts `score_range` needs, fixed once the list's `shared` flags are set
    /// (see [`Flags`]).
    flags: Flags,
}

/// Facts about a term that depend only on the title list, computed once in [`profiles`]
/// so scoring a span needs no word-table lookups.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// A specific core word (see `score_range`).
    specific: bool,
    /// A rare content word of any part of the title.
    rare: bool,
    /// A content word that only this title has (the `own_word` test).
    own: bool,
    /// A multi-digit number or a version that only this title has.
    number: bool,
}

impl Flags {
    fn of(t: &Term) -> Self {
        Flags {
            specific: t.core
                && !t.shared
                && matches!(t.kind, Kind::Word | Kind::Name)
                && !is_generic(&t.stem),
            rare: matches!(t.kind, Kind::Word | Kind::Name)
                && char_len(&t.norm) >= 3
                && !t.shared
                && !is_generic(&t.stem)
                && !concepts::is_common(&t.stem)
                && !concepts::is_common(&t.norm),
            own: matches!(t.kind, Kind::Word | Kind::Name)
                && t.core
                && !t.shared
                && !t.label
                && char_len(&t.norm) >= 3
                && !is_generic(&t.stem)
                && !is_generic(&t.norm),
            number: t.kind == Kind::Number
                && (t.norm.len() >= 2 || t.norm.contains('.'))
                && !t.shared,
        }
    }
}

/// A task title prepared for matching.
#[derive(Debug, Clone)]
pub struct Profile {
    terms: Vec<Term>,
    total: f64,
    /// Title words (minus bare function words) with the term they feed, for initialisms.
    seq: Vec<(String, Option<usize>)>,
    /// Two consecutive title words written as one ("end-cap" -> "endcap"), with their terms.
    joined: Vec<(String, usize, usize)>,
    /// How many terms are specific (see [`Flags`]).
    n_specific: usize,
    /// Bit `n` set when some term's norm is `n` bytes long (under 64).
    norm_lengths: u64,
}

/// How well a span of text refers to one task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub coverage: f64,
    pub pass: bool,
    /// A plain hit on a content word that only this task's title has in the list ("window"
    /// for "Holiday window display"): enough when nothing else names the task.
    pub own_word: bool,
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
const COMMON_ACRONYMS_LIST: &[&str] = &[
    "pr", "api", "ui", "ux", "ci", "qa", "it", "hr", "pm", "am", "eta", "eod", "fyi", "asap", "ok",
    "db", "id", "us", "uk", "eu", "ceo", "cto", "cfo", "vp",
];
/// Short words that are prefixes of many unrelated words; never treated as abbreviations.
const NOT_ABBREVIATIONS_LIST: &[&str] = &[
    "car", "art", "pan", "man", "con", "pro", "pre", "sub", "out", "over", "under", "back", "post",
    "work", "time", "day", "new", "old", "all", "any", "one", "two", "ten", "end", "set", "use",
    "run", "top", "low", "high", "long", "short", "part", "form", "ship", "pay", "rate", "test",
    "sale", "sign", "head", "hand", "home", "team", "plan", "task", "call", "line", "bill", "read",
    "open", "let", "put", "get", "add", "way", "war", "can", "cant", "tea", "act", "per", "inter",
    "even", "ever", "fin", "rest", "sent", "went", "show",
];
/// "-ing"/"-ed" words that are usually nouns, so they still count as "some other noun".
const ING_NOUNS_LIST: &[&str] = &[
    "meeting",
    "building",
    "wedding",
    "briefing",
    "hearing",
    "ceiling",
    "pricing",
    "billing",
    "marketing",
    "engineering",
    "parking",
    "landing",
    "listing",
    "funding",
    "training",
    "onboarding",
    "offering",
    "posting",
    "opening",
    "recording",
    "setting",
    "booking",
    "reading",
    "planning",
    "staffing",
    "housing",
    "catering",
    "accounting",
    "heading",
    "drawing",
    "painting",
    "screening",
    "coaching",
    "feed",
    "need",
    "speed",
];

static NOT_ABBREVIATIONS: WordSet = WordSet::new(NOT_ABBREVIATIONS_LIST);
static ING_NOUNS: WordSet = WordSet::new(ING_NOUNS_LIST);
static COMMON_ACRONYMS: WordSet = WordSet::new(COMMON_ACRONYMS_LIST);

fn weekday_or_month(stem: &str) -> bool {
    matches!(
        stem,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "mon"
            | "tue"
            | "tues"
            | "wed"
            | "thu"
            | "thur"
            | "thurs"
            | "fri"
            | "sat"
            | "sun"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
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

/// Builds one profile per title. A word that is also in the core of another title of the
/// list weighs less and cannot identify the task on its own. (The analyzer tokenises the
/// titles itself and calls [`profiles_of`].)
#[cfg(test)]
pub fn profiles(titles: &[String]) -> Vec<Profile> {
    let toks: Vec<Vec<Token>> = titles.iter().map(|t| crate::text::tokenize(t)).collect();
    profiles_of(titles, &toks)
}

/// The profiles of titles the caller has tokenised (`toks[i]` is `tokenize(&titles[i])`):
/// one per title; a word that is also in the core of another title of the list weighs less
/// and cannot identify the task on its own.
pub fn profiles_of(titles: &[String], toks: &[Vec<Token>]) -> Vec<Profile> {
    let mut out: Vec<Profile> = titles
        .iter()
        .zip(toks)
        .map(|(t, toks)| build(t, toks))
        .collect();
    let cores: Vec<Vec<String>> = out
        .iter()
        .map(|p| {
            p.terms
                .iter()
                .filter(|t| t.core)
                .map(|t| t.stem.clone())
                .collect()
        })
        .collect();
    for (i, p) in out.iter_mut().enumerate() {
        for t in &mut p.terms {
            let shared = cores
                .iter()
                .enumerate()
                .any(|(j, c)| j != i && c.contains(&t.stem));
            if shared {
                t.shared = true;
                t.weight *= 0.7;
            }
        }
        p.total = p.terms.iter().map(|t| t.weight).sum();
        for t in &mut p.terms {
            t.flags = Flags::of(t);
        }
        p.n_specific = p.terms.iter().filter(|t| t.flags.specific).count();
    }
    out
}

/// "qPCR", "PowerSchool", "AmEx": an uppercase letter after a lowercase one marks a name.
fn camel_case(raw: &str) -> bool {
    let c: Vec<char> = raw.chars().collect();
    c.windows(2)
        .any(|w| w[0].is_lowercase() && w[1].is_uppercase())
}

fn build(title_raw: &str, toks: &[Token]) -> Profile {
    let mut terms: Vec<Term> = Vec::new();
    let mut seq = Vec::new();
    let mut in_qualifier = false;
    // Title Case ("Gutter Installation Block A") says nothing about names.
    let long_words: Vec<&Token> = toks
        .iter()
        .filter(|t| char_len(&t.norm) >= 4 && t.norm.chars().all(char::is_alphabetic))
        .collect();
    let title_case = long_words.len() >= 2
        && long_words.iter().filter(|t| t.capitalized).count() * 10 >= long_words.len() * 9;
    // Segments: "Brand refresh: typography" is about what follows the colon; "Replace
    // toner - HR printer", "Endcaps (TVs)" add a place, customer or detail after a dash or
    // parenthesis. Words outside the main segment are qualifiers.
    let mut main = vec![true; toks.len()];
    let mut before_colon = vec![false; toks.len()];
    // The first word of the title or of a segment is capitalised as a matter of course
    // ("#7794 Billing address", "Brand refresh: Typography").
    let mut segment_start = vec![false; toks.len()];
    let mut seen_word = false;
    let mut colon_seen = false;
    let mut after_dash = false;
    for (k, t) in toks.iter().enumerate() {
        let gap = if k == 0 {
            ""
        } else {
            title_raw.get(toks[k - 1].end..t.start).unwrap_or("")
        };
        if gap.contains(':') {
            seen_word = false;
        }
        if !seen_word && t.norm.chars().any(char::is_alphabetic) && id_digits(t).is_none() {
            segment_start[k] = true;
            seen_word = true;
        }
        if gap.contains(':') && !colon_seen && !after_dash {
            colon_seen = true;
            for m in before_colon.iter_mut().take(k) {
                *m = true;
            }
        }
        if gap.contains(['–', '—', '(', '[', '|']) || gap.contains(" - ") {
            after_dash = true;
        }
        if after_dash {
            main[k] = false;
        }
    }
    for (pos, t) in toks.iter().enumerate() {
        let norm = concepts::translate_cue(&t.norm).to_string();
        if !FUNCTION_WORDS.contains(&norm.as_str()) {
            seq.push((t.norm.clone(), None));
        }
        // "walk-in" is one word, not the preposition "in".
        let hyphenated = t.prev == Some('-');
        if PREPOSITIONS.contains(&norm.as_str()) && !terms.is_empty() && !hyphenated {
            in_qualifier = true;
            continue;
        }
        let single_letter = char_len(&t.norm) == 1 && t.norm.chars().all(char::is_alphabetic);
        let alphabetic = t.norm.chars().all(char::is_alphabetic);
        if (is_stopword(&norm) && !single_letter) || norm == "a" || norm == "i" {
            continue;
        }
        let id = id_digits(t);
        let kind = if id.is_some() {
            Kind::Id
        } else if t.is_number()
            || (!t.stem.is_empty() && t.stem.chars().all(|c| c.is_ascii_digit()))
        {
            // Ordinals too ("3rd floor"): their stem is the number.
            Kind::Number
        } else if single_letter {
            Kind::Letter
        } else if (t.acronym && !COMMON_ACRONYMS.contains(norm.as_str()))
            // A unit, room or floor code ("unit 4B", "2F", "12a").
            || (t.norm.starts_with(|c: char| c.is_ascii_digit()) && char_len(&t.norm) <= 4)
            || (t.capitalized
                && pos > 0
                && char_len(&t.norm) >= 3
                && !segment_start[pos]
                && !title_case
                && !weekday_or_month(&t.stem)
                && !t.acronym
                && alphabetic)
            || camel_case(&title_raw[t.start..t.end])
        {
            Kind::Name
        } else {
            Kind::Word
        };
        if let Some(last) = seq.last_mut() {
            last.1 = Some(terms.len());
        }
        terms.push(Term {
            norm: t.norm.clone(),
            stem: t.stem.clone(),
            groups: groups(&t.stem),
            weight: 0.0,
            kind,
            core: !in_qualifier && main[pos],
            key: false,
            head: false,
            id,
            shared: false,
            distinctive: false,
            pos,
            label: before_colon[pos],
            detail: !main[pos],
            lead: pos == 0 || segment_start[pos],
            flags: Flags::default(),
        });
    }
    // A core made only of generic verbs ("Follow up with Acme on renewal"): the object is
    // in the qualifier, so treat the whole title as core.
    let core_specific = terms
        .iter()
        .any(|t| t.core && t.kind != Kind::Number && !is_generic(&t.stem));
    // A one-word core is the verb ("Respond to escalated tickets"): its object follows.
    let one_word_core = terms.iter().filter(|t| t.core).count() == 1;
    if !core_specific || one_word_core {
        for t in &mut terms {
            t.core = true;
        }
    }
    if let Some(head) = terms
        .iter()
        .rposition(|t| t.core && matches!(t.kind, Kind::Word | Kind::Name))
    {
        terms[head].key = true;
        terms[head].head = true;
    }
    // Specific verbs of the core are keys too ("Restock ...", "Tag and triage ...").
    for t in terms.iter_mut().filter(|t| t.core && t.kind == Kind::Word) {
        if is_specific_verb(&t.stem) && is_specific_verb(&t.norm) {
            t.key = true;
        }
    }
    for t in &mut terms {
        let mut w = match t.kind {
            Kind::Word if is_generic(&t.stem) || is_generic(&t.norm) => 0.4,
            Kind::Word if weekday_or_month(&t.stem) => 0.6,
            Kind::Word => 1.0,
            Kind::Name | Kind::Id => 2.0,
            // A number in a title ("truck 14", "aisle 7") mostly names a place or thing.
            Kind::Number => 1.0,
            Kind::Letter => 0.3,
        };
        if t.key {
            w *= 1.5;
        }
        if !t.core && t.kind != Kind::Name {
            w *= 0.6;
        }
        t.weight = w;
    }
    // The effective head: the last core word that is not a generic work word ("escalated"
    // in "Respond to escalated tickets", "policy" in "Review refund policy draft"... no:
    // "draft"). When it is rare (not everyday vocabulary) it names the task on its own, like
    // a high-IDF term; earlier words only modify it ("refund" in "refund policy draft").
    let rare = |t: &Term| {
        t.kind == Kind::Word
            && char_len(&t.norm) >= 3
            && !is_generic(&t.stem)
            && !is_generic(&t.norm)
            && !weekday_or_month(&t.stem)
            && !concepts::is_common(&t.stem)
            && !concepts::is_common(&t.norm)
    };
    // Process nouns ("installation", "testing", "review") act like verbs: the thing they
    // act on ("Gutter installation", "Croissant lamination") is what names the task.
    let process = |t: &Term| {
        ["tion", "sion", "ment", "ing", "ance", "ence", "ure"]
            .iter()
            .any(|s| t.norm.ends_with(s))
    };
    let effective_head = terms
        .iter()
        .rposition(|t| t.core && !t.label && rare(t) && !process(t))
        .or_else(|| terms.iter().rposition(|t| t.core && rare(t) && !process(t)))
        .or_else(|| terms.iter().rposition(|t| t.core && rare(t)));
    // The rare head of the detail after a dash names the task too ("multipack").
    let detail_head = terms
        .iter()
        .rposition(|t| t.detail && rare(t) && !process(t));
    for k in 0..terms.len() {
        let t = &terms[k];
        let verb = t.key && is_specific_verb(&t.stem) && is_specific_verb(&t.norm);
        // A rare first word is the task's own verb or subject ("Shampoo carpets",
        // "Croissant lamination").
        let first =
            (t.pos == 0 || segment_start[t.pos]) && char_len(&t.norm) >= 4 && terms.len() >= 2;
        let distinctive =
            rare(t) && (effective_head == Some(k) || detail_head == Some(k) || verb || first);
        terms[k].distinctive = distinctive;
    }
    let joined = terms
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0].kind != Kind::Id && w[1].kind != Kind::Id)
        .map(|(i, w)| (format!("{}{}", w[0].norm, w[1].norm), i, i + 1))
        .collect();
    let total = terms.iter().map(|t| t.weight).sum();
    for t in &mut terms {
        t.flags = Flags::of(t);
    }
    let n_specific = terms.iter().filter(|t| t.flags.specific).count();
    let norm_lengths = terms
        .iter()
        .filter(|t| t.norm.len() < 64)
        .fold(0u64, |m, t| m | 1 << t.norm.len());
    Profile {
        terms,
        total,
        seq,
        joined,
        n_specific,
        norm_lengths,
    }
}

/// "inspector" is the person, not the inspection: agent nouns are different words.
fn agent_suffix(rest: &str) -> bool {
    matches!(rest, "or" | "ors")
}

fn is_abbreviation_of(short: &str, long: &str) -> bool {
    short.len() >= 3
        && long.len() >= short.len() + 2
        && long.starts_with(short)
        && !agent_suffix(long.get(short.len()..).unwrap_or(""))
        && short.chars().all(char::is_alphabetic)
        && !NOT_ABBREVIATIONS.contains(short)
        && !is_stopword(short)
}

/// The last part of a compound: "sheet" for "spreadsheet", "board" for "keyboard".
fn is_compound_tail(short: &str, long: &str) -> bool {
    short.len() >= 5
        && long.len() >= short.len() + 3
        && long.ends_with(short)
        && short.chars().all(|c| c.is_ascii_alphabetic())
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// A contraction written without vowels: "rm" = room, "mgmt" = management, "pmts" =
/// payments, "bldg" = building. The short form keeps the first letter, has no vowel after
/// it, and is a subsequence of the long word; two-letter ones must also keep the last letter.
fn is_contraction(short: &str, long: &str) -> bool {
    let short = short
        .strip_suffix('s')
        .filter(|s| s.len() >= 2)
        .unwrap_or(short);
    let long_core = long.strip_suffix('s').unwrap_or(long);
    // The cheapest test first: most word pairs differ in their first letter.
    if short.chars().next() != long_core.chars().next() {
        return false;
    }
    let n = char_len(short);
    if !(2..=5).contains(&n)
        || char_len(long_core) < n + 2
        || !short.chars().all(|c| c.is_ascii_lowercase())
        || short.chars().skip(1).any(is_vowel)
        || is_stopword(short)
        || COMMON_ACRONYMS.contains(short)
    {
        return false;
    }
    if n == 2 && short.chars().last() != long_core.chars().last() {
        return false;
    }
    let mut rest = long_core.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// Quality of a text word as a reference to a title term, 0 when unrelated.
/// Per-text facts about one word, computed once so matching against many terms is cheap.
pub(crate) struct Word<'a> {
    tok: &'a Token,
    stop: bool,
    groups: &'static [usize],
    id: Option<String>,
    initialism: bool,
    /// Stem of the word without a negating "un-" ("untagged" -> "tag").
    un_stem: Option<String>,
    /// Capitalised inside a sentence ("with Ana"): a name, never a clipped word.
    proper: bool,
    /// Which distinct spelling of the text this is (0, 1, 2 ... by first occurrence).
    pub(crate) norm_id: usize,
}

impl Word<'_> {
    /// Words with equal keys score alike against any term: same spelling, both names or
    /// neither, both ids or neither.
    fn key(&self) -> usize {
        self.norm_id * 4 + usize::from(self.proper) * 2 + usize::from(self.id.is_some())
    }
}

pub(crate) fn words<'a>(toks: &'a [Token], text: &str) -> Vec<Word<'a>> {
    let mut ids: HashMap<&str, usize, crate::fast_hash::FastHash> =
        HashMap::with_capacity_and_hasher(toks.len(), Default::default());
    toks.iter()
        .enumerate()
        .map(|(j, tok)| Word {
            norm_id: {
                let next = ids.len();
                *ids.entry(tok.norm.as_str()).or_insert(next)
            },
            proper: tok.capitalized
                && !tok.acronym
                && j > 0
                && text
                    .get(toks[j - 1].end..tok.start)
                    .is_some_and(|gap| !gap.contains(['.', '!', '?', '\n', ':', '-', '•', '*'])),
            tok,
            stop: is_stopword(concepts::translate_cue(&tok.norm)),
            groups: groups(&tok.stem),
            id: id_digits(tok),
            initialism: initialism_candidate(tok),
            un_stem: tok
                .norm
                .strip_prefix("un")
                .filter(|r| r.len() >= 3)
                .map(crate::text::cached_stem),
        })
        .collect()
}

/// Typos keep the first letter and stay short; longer strings are not worth comparing.
fn typo(a: &str, b: &str, max: usize) -> bool {
    a.len() <= 30
        && b.len() <= 30
        && a.chars().next() == b.chars().next()
        && edit_distance(a, b, max).is_some()
}

fn quality(term: &Term, w: &Word) -> f64 {
    let tok = w.tok;
    if let Some(id) = &term.id {
        return match &w.id {
            Some(d) if d == id => 1.0,
            // A long id may be typed bare ("412"); short ones ("the 42 fix") count only
            // next to another word of the title (see `table`).
            _ if tok.norm == *id && id.len() >= 3 => 1.0,
            _ if tok.norm == *id && id.len() == 2 => SHORT_ID,
            _ => 0.0,
        };
    }
    if term.kind == Kind::Number || tok.is_number() {
        return if tok.norm == term.norm || tok.stem == term.stem {
            1.0
        } else {
            0.0
        };
    }
    if w.stop && term.kind != Kind::Letter {
        return 0.0;
    }
    if tok.stem == term.stem || tok.norm == term.norm {
        return 1.0;
    }
    if term.kind == Kind::Letter {
        return 0.0;
    }
    if share_group(w.groups, term.groups) {
        return 0.9;
    }
    let (a, b) = (tok.norm.as_str(), term.norm.as_str());
    let min_len = char_len(a).min(char_len(b));
    if min_len >= 5 {
        let max = if min_len >= 9 { 2 } else { 1 };
        let agent = |x: &str| x.ends_with("or") || x.ends_with("ors");
        if agent(a) != agent(b) {
            // "inspector" vs "inspection": a person, not the task.
        } else if typo(a, b, max) || (tok.stem.len() >= 5 && typo(&tok.stem, &term.stem, 1)) {
            return 0.8;
        }
    }
    if (is_abbreviation_of(&tok.stem, &term.stem) && !w.proper)
        || (char_len(&term.norm) <= 4 && is_abbreviation_of(&term.stem, &tok.norm))
        || is_contraction(&tok.norm, &term.norm)
        || is_compound_tail(&tok.stem, &term.stem)
    {
        return 0.75;
    }
    // Shared root: "synthesizing" / "synthesis", "reconciled" / "reconciliation".
    let (sa, sb) = (tok.stem.as_str(), term.stem.as_str());
    let common = sa
        .bytes()
        .zip(sb.bytes())
        .take_while(|(x, y)| x == y)
        .count();
    let shorter = sa.len().min(sb.len());
    if sa.is_ascii()
        && sb.is_ascii()
        && common >= 5
        && common * 4 >= shorter * 3
        && !agent_suffix(&sa[common..])
        && !agent_suffix(&sb[common..])
    {
        return 0.8;
    }
    // A negated form names the same thing: "untagged" / "tag".
    if w.un_stem.as_deref() == Some(term.stem.as_str()) {
        return 0.75;
    }
    0.0
}

/// Does this text word look like it could stand for initials of title words ("PA", "QBR")?
fn initialism_candidate(tok: &Token) -> bool {
    let n = char_len(&tok.norm);
    // (The word-list lookups come last: the other tests are cheaper.)
    (2..=4).contains(&n)
        && tok.norm.chars().next().is_some_and(char::is_alphabetic)
        && tok.norm.chars().all(|c| c.is_ascii_alphanumeric())
        // Written in lowercase, only a vowel-less cluster ("crm", "qbr") is taken as
        // initials: "far" is a word, not "fixed asset register".
        && (tok.acronym
            || tok.norm.chars().any(|c| c.is_ascii_digit())
            || (n >= 3 && !tok.norm.chars().any(is_vowel)))
        && !is_stopword(&tok.norm)
        && !is_generic(&tok.norm)
        && !COMMON_ACRONYMS.contains(tok.norm.as_str())
}

/// Marks title terms matched as initials ("AP" = "accounts payable", "T2" = "tier 2").
fn initials(profile: &Profile, w: &Word, best: &mut [f64]) -> bool {
    if !w.initialism {
        return false;
    }
    let target = w.tok.norm.as_str();
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
                return true;
            }
        }
    }
    false
}

/// Consecutive text words written as one ("post mortem", "sign in") or one text word
/// standing for two title words ("postmortem"); computed once per text.
pub(crate) struct Pair<'a> {
    first: &'a str,
    second: &'a str,
    groups: &'static [usize],
}

impl Pair<'_> {
    /// "post" + "mortem" written together is "postmortem".
    fn joins_to(&self, word: &str) -> bool {
        word.len() == self.first.len() + self.second.len()
            && word.starts_with(self.first)
            && word.ends_with(self.second)
    }
}

pub(crate) fn pairs(toks: &[Token]) -> Vec<Option<Pair<'_>>> {
    toks.windows(2)
        .map(|w| {
            // Only words that start a multi-word synonym need the joined lookup.
            let groups = if concepts::starts_phrase(&w[0].stem) {
                groups(&format!("{} {}", w[0].stem, w[1].stem))
            } else {
                &[]
            };
            Some(Pair {
                first: &w[0].norm,
                second: &w[1].norm,
                groups,
            })
        })
        .chain(std::iter::once(None))
        .collect()
}

fn is_verbish(tok: &Token) -> bool {
    let n = concepts::translate_cue(&tok.norm);
    if ING_NOUNS.contains(n) {
        return false;
    }
    n.ends_with("ed")
        || n.ends_with("ing")
        || matches!(
            n,
            "goes"
                | "went"
                | "came"
                | "comes"
                | "starts"
                | "moved"
                | "looks"
                | "due"
                | "done"
                | "sent"
                | "live"
                | "left"
                | "shipped"
                | "ready"
                | "stuck"
                | "blocked"
        )
        || crate::cues::is_cue_word(n)
}

/// Words that follow a noun without being a noun it modifies ("tiles never arrived",
/// "shelves finally restocked", "tenant wasn't home"): adverbs, negated auxiliaries.
fn not_a_noun(norm: &str) -> bool {
    let n = concepts::translate_cue(norm);
    (n.ends_with("ly") && char_len(n) >= 5)
        || n.ends_with("nt")
            && matches!(
                n,
                "wasnt"
                    | "isnt"
                    | "werent"
                    | "arent"
                    | "didnt"
                    | "doesnt"
                    | "dont"
                    | "cant"
                    | "couldnt"
                    | "wont"
                    | "hasnt"
                    | "havent"
                    | "hadnt"
                    | "wouldnt"
            )
        || matches!(
            n,
            "never"
                | "now"
                | "soon"
                | "later"
                | "tonight"
                | "yesterday"
                | "anymore"
                | "either"
                | "ok"
                | "okay"
                | "good"
                | "great"
                | "fine"
                | "ready"
                | "due"
                | "went"
                | "came"
                | "goes"
                | "looks"
                | "look"
                | "got"
                | "gets"
                | "has"
                | "had"
                | "was"
                | "were"
                | "will"
                | "can"
                | "must"
                | "should"
                | "might"
                | "may"
                | "tomorrow"
                | "today"
                | "tmrw"
                | "half"
                | "mostly"
                | "almost"
                | "nearly"
                | "finished"
                | "done"
                | "when"
                | "where"
                | "once"
                | "whenever"
                | "upstairs"
                | "downstairs"
                | "outside"
                | "inside"
                | "overnight"
                | "onsite"
                | "first"
                | "asap"
        )
}

/// How each text word refers to each term of one profile, computed once per text so that
/// sentences and clauses are scored by summing over ranges.
pub(crate) struct Table {
    /// quality[token * n_terms + term], after the modifier discount.
    quality: Vec<f64>,
    /// plain[token * n_terms + term]: a clear hit, not a modifier of another noun.
    plain: Vec<bool>,
    n_terms: usize,
    /// Tokens that stand for the initials of two or more title words ("AR", "QBR").
    initial_hits: Vec<usize>,
    spans: Vec<(usize, usize)>,
    /// Tokens with some quality above zero, in order: the only ones a range can score on.
    scoring: Vec<usize>,
}

pub(crate) fn table(
    profile: &Profile,
    toks: &[Token],
    text: &str,
    words: &[Word],
    pairs: &[Option<Pair>],
) -> Table {
    let n_terms = profile.terms.len();
    let mut initial_hits = Vec::new();
    // Words repeat a lot in a long note: score each distinct spelling once.
    let n_keys = words.iter().map(|w| w.key() + 1).max().unwrap_or(0);
    let mut seen: Vec<Option<(usize, bool)>> = vec![None; n_keys];
    let mut rows: Vec<f64> = Vec::with_capacity(words.len() * n_terms);
    let mut raw: Vec<f64> = Vec::with_capacity(words.len() * n_terms);
    for (j, w) in words.iter().enumerate() {
        let (at, init) = *seen[w.key()].get_or_insert_with(|| {
            let at = rows.len();
            rows.extend(profile.terms.iter().map(|t| quality(t, w)));
            let init = initials(profile, w, &mut rows[at..]);
            // Two title words written as one depend on the spelling alone, so they go in
            // the spelling's row (the maxima below commute with the pair's).
            let local = &mut rows[at..];
            for (joined, a, b) in &profile.joined {
                if w.tok.norm == *joined {
                    local[*a] = local[*a].max(0.9);
                    local[*b] = local[*b].max(0.9);
                }
            }
            (at, init)
        });
        if init {
            initial_hits.push(j);
        }
        raw.extend_from_slice(&rows[at..at + n_terms]);
        let local = &mut raw[j * n_terms..(j + 1) * n_terms];
        if let Some(Some(pair)) = pairs.get(j) {
            // A pair can only join to a term of its combined length.
            let len = pair.first.len() + pair.second.len();
            let may_join = len >= 64 || profile.norm_lengths & (1 << len) != 0;
            if may_join || !pair.groups.is_empty() {
                for (i, t) in profile.terms.iter().enumerate() {
                    if pair.joins_to(&t.norm) || share_group(pair.groups, t.groups) {
                        local[i] = local[i].max(0.9);
                    }
                }
            }
        }
    }
    let row = |j: usize| raw.get(j * n_terms..(j + 1) * n_terms).unwrap_or(&[]);
    let mut quality = Vec::with_capacity(toks.len() * n_terms);
    let mut plain = Vec::with_capacity(toks.len() * n_terms);
    // A bare short number names the ticket only beside another word of the same title
    // ("the 42 fix"), or after "ticket"/"#"-like words; "12 people" is not JIRA-12.
    let other_hit =
        |j: usize, i: usize| row(j).iter().enumerate().any(|(k, &q)| k != i && q >= 0.75);
    for (j, tok) in toks.iter().enumerate() {
        if row(j).iter().all(|&q| q == 0.0) {
            quality.extend(std::iter::repeat_n(0.0, n_terms));
            plain.extend(std::iter::repeat_n(false, n_terms));
            continue;
        }
        // An everyday noun after a name ("Fresno run", "Miller site") keeps it.
        let everyday_next = toks.get(j + 1).is_some_and(|n| {
            is_generic(&n.stem)
                || concepts::is_common(&n.stem)
                || crate::cues::is_cue_word(&n.norm)
                || matches!(n.norm.as_str(), "good" | "great" | "fine" | "happy" | "ok")
        });
        // A title word right before some other noun is a modifier of that noun
        // ("pricing meeting" for "Update pricing page").
        // A verb form ("bouncing people") is not a noun modifier.
        let discounted = !is_verbish(tok)
            && toks.get(j + 1).is_some_and(|next| {
                let gap = text.get(tok.end..next.start).unwrap_or("");
                gap.trim().is_empty()
                    && !words[j + 1].stop
                    && !next.is_number()
                    && char_len(&next.norm) >= 3
                    && next.norm.chars().all(char::is_alphabetic)
                    // After a name, an -ing word is a noun ("Midwest hiring").
                    && (!is_verbish(next) || (tok.capitalized && next.norm.ends_with("ing")))
                    && row(j + 1).iter().all(|&q| q == 0.0)
                    && !not_a_noun(&next.norm)
            });
        let mut q_row = vec![0.0; n_terms];
        let mut p_row = vec![false; n_terms];
        for (i, term) in profile.terms.iter().enumerate() {
            let mut q = row(j)[i];
            if q == 0.0 {
                continue;
            }
            if q == SHORT_ID {
                let before = j.checked_sub(1);
                let ticket_word = before.is_some_and(|b| {
                    matches!(
                        toks[b].norm.as_str(),
                        "ticket" | "issue" | "bug" | "case" | "pr" | "story" | "card" | "no"
                    )
                });
                let followed_by_word = toks.get(j + 1).is_some_and(|n| {
                    text.get(tok.end..n.start)
                        .is_some_and(|gap| gap.chars().all(char::is_whitespace))
                });
                q = if ticket_word
                    || !followed_by_word
                    || before.is_some_and(|b| other_hit(b, i))
                    || other_hit(j + 1, i)
                {
                    1.0
                } else {
                    0.0
                };
                if q == 0.0 {
                    continue;
                }
            }
            // The title's own head noun keeps its weight even as a modifier ("webinar topic").
            // A name in the title's qualifier ("plan for Midwest") modifying some other noun
            // ("Midwest hiring") is about something else; a core name ("CRM cleanup") is not.
            // An everyday noun after the name keeps it (see `everyday_next`).
            // Only the head noun keeps its weight as a modifier; a verb of the title used
            // before a noun ("audit team" for "Audit admin accounts") does not.
            let verb_key = term.key && !term.head && term.lead;
            // A name is a modifier only of an activity noun ("Midwest hiring"); "Dubois
            // overnight", "Fresno run" still name the person or place of the task.
            let activity_next = toks
                .get(j + 1)
                .is_some_and(|n| n.norm.ends_with("ing") && !everyday_next);
            let modifier = discounted
                && (!term.key || verb_key)
                && (term.kind == Kind::Word
                    || (term.kind == Kind::Name && !term.core && activity_next));
            q_row[i] = if modifier { q * MODIFIER_DISCOUNT } else { q };
            // A head noun is not referred to by a past/adjective form ("short staffed").
            // Nor is a noun that identifies the task on its own referred to by a verb in
            // -ing ("rain permitting" is not "Submit permit").
            let ing_of_noun = term.distinctive
                && term.pos > 0
                && !is_specific_verb(&term.norm)
                && tok.norm.ends_with("ing")
                && !term.norm.ends_with("ing");
            let verb_form_of_noun = (term.head && is_past_form(tok)) || ing_of_noun;
            // A title verb is referred to by its own word, not a synonym ("swapping it"
            // is not "Replace garbage disposal").
            let loose_verb = verb_key && q < 1.0;
            p_row[i] = !modifier && q >= 0.75 && !verb_form_of_noun && !loose_verb;
        }
        quality.extend(q_row);
        plain.extend(p_row);
    }
    let scoring = (0..toks.len())
        .filter(|&j| {
            quality[j * n_terms..(j + 1) * n_terms]
                .iter()
                .any(|&q| q > 0.0)
        })
        .collect();
    Table {
        quality,
        plain,
        n_terms,
        initial_hits,
        spans: toks.iter().map(|t| (t.start, t.end)).collect(),
        scoring,
    }
}

fn is_past_form(tok: &Token) -> bool {
    tok.norm.len() >= 5 && tok.norm.ends_with("ed") && tok.norm != tok.stem
}

/// Scores text words `a..b` (token indices) against the profile.
pub(crate) fn score_range(profile: &Profile, t: &Table, a: usize, b: usize) -> Match {
    let n_terms = profile.terms.len();
    let (mut best_buf, mut plain_buf) = ([0.0f64; 32], [false; 32]);
    let (mut best_vec, mut plain_vec) = (Vec::new(), Vec::new());
    let (best, plain): (&mut [f64], &mut [bool]) = if n_terms <= 32 {
        (&mut best_buf[..n_terms], &mut plain_buf[..n_terms])
    } else {
        best_vec.resize(n_terms, 0.0);
        plain_vec.resize(n_terms, false);
        (&mut best_vec, &mut plain_vec)
    };
    let mut lo = usize::MAX;
    let mut hi = 0usize;
    let b = b.min(t.spans.len());
    // Only tokens with a quality above zero change anything below.
    let from = t.scoring.partition_point(|&j| j < a.min(b));
    let to = t.scoring.partition_point(|&j| j < b);
    for &j in &t.scoring[from..to.max(from)] {
        for i in 0..n_terms {
            let q = t.quality[j * t.n_terms + i];
            if q > 0.0 {
                best[i] = best[i].max(q);
                plain[i] |= t.plain[j * t.n_terms + i];
                lo = lo.min(t.spans[j].0);
                hi = hi.max(t.spans[j].1);
            }
        }
    }
    let sum = |core_only: bool| -> (f64, f64) {
        profile
            .terms
            .iter()
            .zip(best.iter())
            .filter(|(term, _)| term.core || !core_only)
            .fold((0.0, 0.0), |(m, tot), (term, q)| {
                (m + term.weight * q, tot + term.weight)
            })
    };
    let ratio = |(m, tot): (f64, f64)| if tot > 0.0 { m / tot } else { 0.0 };
    let coverage = ratio(sum(false));
    // The key rule compares with the core only: a long qualifier ("for 2nd floor
    // restroom") should not drown the head noun.
    let core_coverage = ratio(sum(true));
    // One pass over the plainly hit terms for every "some plain hit is ..." test below.
    let (mut id_hit, mut number_hit, mut name_hit, mut distinctive_hit, mut key_hit) =
        (false, false, false, false, false);
    let (mut rare_hit, mut own_word, mut n_specific_hit) = (false, false, 0usize);
    for (t, _) in profile.terms.iter().zip(plain.iter()).filter(|(_, &p)| p) {
        id_hit |= t.kind == Kind::Id;
        // "truck 14", "release notes for 4.2": a multi-digit number or version names a
        // thing, but only together with another word of the title.
        number_hit |= t.flags.number;
        // A name anywhere in the title (a site, customer or person) identifies the task.
        name_hit |= t.kind == Kind::Name && !t.shared;
        distinctive_hit |= t.distinctive && !t.shared;
        key_hit |= t.key && !t.shared;
        rare_hit |= t.flags.rare;
        own_word |= t.flags.own;
        n_specific_hit += usize::from(t.flags.specific);
    }
    let other_hit = profile
        .terms
        .iter()
        .zip(best.iter())
        .any(|(t, &q)| t.kind != Kind::Number && q >= 0.75);
    // Two distinct specific words of the core, at least half of them, is a clear reference.
    let n_specific = profile.n_specific;
    // Two different words of the title, one of them rare ("webhook docs" for "Write API
    // docs for webhooks"), wherever they sit in the title: the number of distinct stems
    // among the plainly hit terms.
    let mut n_plain = 0;
    for (k, (t, &p)) in profile.terms.iter().zip(plain.iter()).enumerate() {
        if p && !profile.terms[..k]
            .iter()
            .zip(plain.iter())
            .any(|(u, &q)| q && u.stem == t.stem)
        {
            n_plain += 1;
        }
    }
    let rare_pair = n_plain >= 2 && rare_hit;
    // A line of one or two words that names a title word ("- bags" in a bullet list).
    let short_line = b - a.min(b) <= 2 && n_plain >= 1;
    let initials_hit = t.initial_hits.iter().any(|&j| j >= a && j < b);
    let pass = id_hit
        || initials_hit
        || rare_pair
        || short_line
        || name_hit
        || distinctive_hit
        || (number_hit && other_hit)
        || coverage >= PASS_COVERAGE
        || (key_hit && core_coverage >= PASS_WITH_KEY)
        || (n_specific_hit >= 2 && n_specific_hit * 2 >= n_specific);
    Match {
        coverage,
        pass,
        own_word,
        span: (lo < hi).then_some((lo, hi)),
    }
}

/// Scores a whole text against one task (for tests and one-off checks).
#[cfg(test)]
pub fn score(profile: &Profile, toks: &[Token], text: &str) -> Match {
    let t = table(profile, toks, text, &words(toks, text), &pairs(toks));
    score_range(profile, &t, 0, toks.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn passes(title: &str, text: &str) -> bool {
        let p = profiles(&[title.to_string()]);
        score(&p[0], &tokenize(text), text).pass
    }

    #[test]
    fn exact_title_and_paraphrase_pass() {
        assert!(passes(
            "Fix login redirect loop",
            "Fix login redirect loop first"
        ));
        assert!(passes(
            "Replace HVAC unit, Miller Rd",
            "swapping the compressor at the Miller site"
        ));
        assert!(passes(
            "Respond to escalated tickets",
            "working escalations after lunch"
        ));
        assert!(passes("Wound care for room 12", "dressing change rm 12"));
        assert!(passes(
            "Update immunization records",
            "updating the shot records"
        ));
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
    fn short_ticket_numbers_need_company() {
        assert!(passes("OPS-42 Fix login timeout", "the 42 fix is merged"));
        assert!(passes("OPS-42 Fix login timeout", "did 42, then lunch"));
        assert!(!passes(
            "OPS-42 Fix login timeout",
            "42 people at the all-hands"
        ));
    }

    #[test]
    fn contractions_compounds_and_initials() {
        assert!(passes(
            "Update asset inventory spreadsheet",
            "asset sheet updated"
        ));
        assert!(passes("Annual report layout", "AR: all pages roughed in"));
        assert!(!passes(
            "Website: careers page refresh",
            "PR for the launch"
        ));
    }

    #[test]
    fn typos_and_abbreviations() {
        assert!(passes(
            "Send proposal to Harlow Dental",
            "harlow propsal first"
        ));
        assert!(passes("Reconcile AmEx corporate card", "AmEx rec if time"));
        assert!(passes("Accounts payable run for Friday", "AP run"));
        assert!(passes("Clear Tier 2 ticket backlog", "T2 queue"));
        assert!(passes(
            "Quarterly business review deck for Orion",
            "Orion QBR deck"
        ));
    }

    #[test]
    fn shared_word_with_other_meaning_does_not_pass() {
        assert!(!passes(
            "Update pricing page",
            "pricing meeting moved to Thu"
        ));
        assert!(!passes(
            "Review refund policy draft",
            "working the refund queue"
        ));
        assert!(!passes(
            "Train temp staff on RF scanners",
            "Scanner #4 is broken again"
        ));
        assert!(!passes(
            "Build territory plan for Midwest",
            "talking about Midwest hiring"
        ));
    }

    #[test]
    fn head_noun_alone_is_enough() {
        assert!(passes("Q3 revenue dashboard", "dashboard all day"));
        assert!(passes(
            "Prepare Q4 pipeline forecast",
            "Forecast can wait till tomorrow"
        ));
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
