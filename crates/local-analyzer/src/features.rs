//! Features of one (report, task) pair for the learned status model ([`crate::model`]):
//! what the rule pipeline already found (its decision, the cue flags, how the task was
//! matched, where); general status words as tags (an obstacle, partial work, finished,
//! deferred, a negation, a need, a condition, a reason, a contrast, an amount "N of M",
//! someone not there), read in the task's clauses (each, first, last, and the first–last
//! pair), in their sentences and in the sentence after, each tag its own slot, so a status
//! word the training set never paired with a status still counts; and the words of the
//! clauses about the task and of a following sentence about no task, with the inflection
//! the stem hides ("-ing", "-ed") and the clause's last word, hashed into a fixed space.
//! Every feature is binary, so a pair is the sorted list of its active slots.

use crate::text::char_len;
use std::hash::Hasher;

use domain::TaskStatus;

use crate::attribution::{tokens_in, Sentence};
use crate::cues::{read, Cues};
use crate::fast_hash::{FastHash, Fnv};
use crate::text::{is_emoji, Token};
use std::collections::HashMap;

/// Log2 of the number of hashed word slots.
pub const HASH_BITS: u32 = 12;
/// Slots for the pipeline's own findings, first of the fixed features.
const RULE_SLOTS: u32 = 96;
/// Status-word tags ([`TAGS`]) per place they are read in ([`Place`]), after those.
const TAG_SLOTS: u32 = PLACES * TAGS.len() as u32;
/// Pairs of the first and the last tag of the task's clauses, after those.
const PAIR_SLOTS: u32 = (TAGS.len() * TAGS.len()) as u32;
/// Slots for the fixed features, before the hashed ones.
pub(crate) const FIXED: u32 = RULE_SLOTS + TAG_SLOTS + 1 + PAIR_SLOTS;
/// Width of a feature vector.
pub const DIM: usize = FIXED as usize + (1 << HASH_BITS);

/// What the pipeline found about one task of a report.
pub struct Pair<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    pub sentences: &'a [Sentence],
    pub task: usize,
    pub n_tasks: usize,
    pub title: &'a [Token],
    /// The cues of the task's clauses, merged as the rules merge them.
    pub cues: &'a Cues,
    /// The rules' own decision.
    pub rule: TaskStatus,
    /// Byte ranges of the clauses attributed to the task, in text order (not empty).
    pub spans: &'a [(usize, usize)],
    /// Per token, what the model reads of it ([`read_words`]).
    pub words: &'a [Word<'a>],
}

/// What the status model reads of one token, the same for every task of a text, so it is
/// read once per text.
pub struct Word<'a> {
    /// The token as a hashed feature, when it is no title word: "#" for a number, a status
    /// word of another language its English cue, anything else its stem.
    key: &'a str,
    /// Its status tags ([`TAGS`] index), `NO_TAG` when none.
    tags: [u8; 2],
}

const NO_TAG: u8 = u8::MAX;

/// Reads every token of `text` once for the status model.
pub fn read_words<'a>(text: &str, toks: &'a [Token]) -> Vec<Word<'a>> {
    let mut out: Vec<Word<'a>> = toks
        .iter()
        .map(|t| {
            let cue = crate::concepts::translate_cue(&t.norm);
            Word {
                key: if t.is_number() {
                    "#"
                } else if cue != t.norm {
                    cue
                } else {
                    &t.stem
                },
                tags: [tag(cue).map_or(NO_TAG, |x| x as u8), NO_TAG],
            }
        })
        .collect();
    for (k, a) in amounts(text, toks) {
        out[k].tags[1] = a as u8;
    }
    // "didn't come", "no answer", "not here yet", "never sent the menu": someone or
    // something else did not do its part.
    for k in 0..toks.len() {
        let negated = out[k].tags[0] == NEGATION_TAG
            || matches!(
                toks[k].norm.as_str(),
                "wasnt" | "werent" | "isnt" | "arent" | "doesnt" | "couldnt" | "wouldnt" | "cant"
            );
        if !negated {
            continue;
        }
        for j in k + 1..(k + 3).min(toks.len()) {
            if NOT_THERE.contains(&toks[j].norm.as_str()) {
                out[j].tags[1] = NOT_THERE_TAG;
                break;
            }
        }
    }
    out
}

const NEGATION_TAG: u8 = 4;
const NOT_THERE_TAG: u8 = 12;
/// After a negation: the other side did not come, answer or deliver.
const NOT_THERE: &[&str] = &[
    "come",
    "came",
    "coming",
    "show",
    "showed",
    "shown",
    "answer",
    "answered",
    "answering",
    "reply",
    "replied",
    "respond",
    "responded",
    "responding",
    "arrive",
    "arrived",
    "here",
    "there",
    "ready",
    "work",
    "working",
    "works",
    "available",
    "open",
    "home",
    "back",
    "deliver",
    "delivered",
    "send",
    "sent",
    "received",
    "pick",
    "picked",
    "call",
    "called",
    "vino",
    "llego",
    "contesta",
    "contesto",
    "responde",
    "venu",
    "venue",
    "repond",
    "kam",
    "gekommen",
    "geliefert",
    "przyjechal",
    "przyszedl",
    "przyszla",
    "odpisala",
    "odpisal",
    "odebral",
    "risponde",
    "arrivato",
    "arrivata",
    "venuto",
    "chegou",
    "veio",
    "responde",
    "dumating",
    "sumagot",
];

/// Hash namespaces, so a word in the task's clauses and the same word after them differ.
#[derive(Clone, Copy)]
enum Ns {
    Word = 1,
    Bigram,
    FirstWord,
    Emoji,
    NextWord,
    NextEmoji,
    // (11–14 are the mention model's.)
    Suffix = 21,
    LastWord,
}

/// Where a status-word tag is read, each with its own slots.
#[derive(Clone, Copy)]
enum Place {
    /// Any word of the task's clauses.
    Clauses,
    /// The first and the last tagged word of the task's clauses.
    First,
    Last,
    /// The sentences of the task's clauses.
    Sentence,
    /// The sentence after, when it is about no task.
    NextFree,
    /// The sentence after, whatever it is about.
    Next,
}
const PLACES: u32 = 6;

fn tag_slot(place: Place, tag: usize) -> u32 {
    RULE_SLOTS + place as u32 * TAGS.len() as u32 + tag as u32
}

/// The tags a status word can have ([`tag`]); amounts are read by [`tags`].
const TAGS: [&str; 13] = [
    "obstacle",
    "part",
    "finished",
    "deferred",
    "negation",
    "need",
    "until",
    "reason",
    "contrast",
    "amount part",
    "amount all",
    "amount left",
    "not there",
];

/// Obstacles: waiting, broken, sick, closed, cancelled, weather, no one there.
const OBSTACLE_WORDS: &[&str] = &[
    "blocked",
    "blocker",
    "blocking",
    "stuck",
    "backorder",
    "backordered",
    "outage",
    "offline",
    "expired",
    "awaiting",
    "waiting",
    "wait",
    "waits",
    "waited",
    "pending",
    "hold",
    "sick",
    "ill",
    "flu",
    "covid",
    "absent",
    "cancelled",
    "canceled",
    "cancel",
    "cancels",
    "broken",
    "broke",
    "cracked",
    "dead",
    "crashed",
    "crash",
    "crashing",
    "failed",
    "failing",
    "fails",
    "failure",
    "error",
    "errors",
    "timeout",
    "timing",
    "missing",
    "wrong",
    "shortage",
    "lacking",
    "lack",
    "nobody",
    "noone",
    "unavailable",
    "unreachable",
    "locked",
    "lockout",
    "denied",
    "rejected",
    "refused",
    "declined",
    "delayed",
    "delay",
    "late",
    "rain",
    "raining",
    "rained",
    "wind",
    "windy",
    "storm",
    "snow",
    "weather",
    "flooded",
    "noshow",
    "unable",
    "cant",
    "cannot",
    "couldnt",
    "wouldnt",
    "doesnt",
    "isnt",
    "wasnt",
    "closed",
    "shut",
    "issue",
    "issues",
    "problem",
    "problems",
    "enfermo",
    "enferma",
    "baja",
    "cerrado",
    "cerrada",
    "cerrados",
    "cerradas",
    "roto",
    "rota",
    "cancelado",
    "cancelada",
    "krank",
    "kaputt",
    "geschlossen",
    "abgesagt",
    "malade",
    "ferme",
    "fermee",
    "annule",
    "annulee",
    "casse",
    "chory",
    "chora",
    "zamkniete",
    "odwolane",
    "zepsute",
    "doente",
    "fechado",
    "fechada",
    "quebrado",
    "quebrada",
    "malato",
    "chiuso",
    "rotto",
    "annullato",
    "sarado",
    "sira",
    "walang",
    "kulang",
    "ziek",
    "gesloten",
    "kapot",
    "ocupada",
    "ocupado",
    "occupied",
    "busy",
    "unwell",
    "jammed",
    "caida",
    "caido",
    "wylaczony",
    "wylaczona",
    "nikogo",
    "nadie",
    "personne",
    "niemand",
    "nessuno",
    "jam",
    "stalled",
    "frozen",
    "froze",
    "understaffed",
];

const PART_WORDS: &[&str] = &[
    // "still" in the other languages of the notes
    "noch",
    "ancora",
    "todavia",
    "aun",
    "encore",
    "jeszcze",
    "ainda",
    "nog",
    "pa",
    "half",
    "halfway",
    "partway",
    "partly",
    "partially",
    "partial",
    "part",
    "most",
    "mostly",
    "some",
    "almost",
    "nearly",
    "started",
    "starting",
    "began",
    "begun",
    "remaining",
    "remainder",
    "rest",
    "left",
    "still",
    "continue",
    "continued",
    "continuing",
    "ongoing",
    "underway",
    "midway",
    "progress",
    "wip",
    "draft",
    "drafted",
    "far",
    "about",
    "roughly",
    "percent",
    "more",
    "another",
    "except",
    "other",
    "others",
    "through",
];

const FINISHED_WORDS: &[&str] = &[
    "done",
    "finished",
    "finish",
    "complete",
    "completed",
    "shipped",
    "merged",
    "deployed",
    "sent",
    "submitted",
    "resolved",
    "fixed",
    "wrapped",
    "delivered",
    "published",
    "live",
    "launched",
    "released",
    "approved",
    "filed",
    "paid",
    "uploaded",
    "passed",
    "cleared",
    "signed",
    "finalized",
    "posted",
    "verified",
    "solved",
    "all",
    "everything",
    "entire",
    "whole",
    "fully",
    "installed",
    "replaced",
    "repaired",
    "swapped",
    "tested",
    "handed",
    "ok",
    "good",
    "sorted",
];

const DEFERRED_WORDS: &[&str] = &[
    "tomorrow",
    "later",
    "next",
    "postponed",
    "pushed",
    "moved",
    "skipped",
    "skip",
    "deferred",
    "rescheduled",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "weekend",
    "week",
    "tonight",
    "will",
    "gonna",
    "plan",
    "planned",
    "time",
];

const NEGATION_WORDS: &[&str] = &[
    "not", "no", "never", "didnt", "dont", "nothing", "none", "nope", "zero", "havent", "hasnt",
    "hadnt", "wont", "neither", "nor",
];

const NEED_WORDS: &[&str] = &["need", "needs", "needed", "require", "requires", "must"];

const CONDITION_WORDS: &[&str] = &["until", "till", "til", "once", "unless", "before", "when"];

const REASON_WORDS: &[&str] = &["because", "since", "due", "so", "as"];

const CONTRAST_WORDS: &[&str] = &[
    "but", "though", "although", "however", "yet", "pero", "mais", "aber", "ale",
];

/// The word lists of the tags, in [`TAGS`] order.
const TAG_WORDS: [&[&str]; 9] = [
    OBSTACLE_WORDS,
    PART_WORDS,
    FINISHED_WORDS,
    DEFERRED_WORDS,
    NEGATION_WORDS,
    NEED_WORDS,
    CONDITION_WORDS,
    REASON_WORDS,
    CONTRAST_WORDS,
];

/// What a general status word says, as a tag the model learns once for all its words
/// (so a word the training set never paired with a status still counts): an obstacle,
/// partial work, something finished, deferral, a negation, a need, a condition ("until",
/// "once"), a reason, a contrast ("but").
/// `cue` is the word's norm, or the English cue of a status word of another language.
fn tag(cue: &str) -> Option<usize> {
    static MAP: std::sync::OnceLock<HashMap<&'static str, usize, FastHash>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::default();
        for (k, words) in TAG_WORDS.iter().enumerate() {
            for &w in *words {
                m.entry(w).or_insert(k);
            }
        }
        m
    })
    .get(cue)
    .copied()
}

/// Amounts read as tags, by token: "N of M" or "N/M" with N under M and a percentage
/// under 100 are partial work, N equal to M all of it, "N left" work remaining.
fn amounts(text: &str, toks: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        if !t.is_number() {
            continue;
        }
        if text
            .get(t.end..)
            .is_some_and(|r| r.starts_with('%') || r.starts_with(" %"))
        {
            let v: f32 = t.norm.parse().unwrap_or(0.0);
            out.push((k, if v < 100.0 { 9 } else { 10 }));
            continue;
        }
        let Some(next) = toks.get(k + 1) else {
            continue;
        };
        let slash = text.get(t.end..next.start).is_some_and(|g| g.trim() == "/");
        let whole = if slash && next.is_number() {
            Some(next)
        } else {
            toks.get(k + 2).filter(|after| {
                after.is_number()
                    && matches!(
                        next.norm.as_str(),
                        "of" | "de" | "von" | "z" | "ng" | "sur" | "di" | "van" | "out" | "from"
                    )
            })
        };
        if let Some(m_tok) = whole {
            let n: f32 = t.norm.parse().unwrap_or(0.0);
            let m: f32 = m_tok.norm.parse().unwrap_or(0.0);
            if m > 0.0 && n < m {
                out.push((k, 9));
            } else if m > 0.0 && n == m {
                out.push((k, 10));
            }
        } else if matches!(next.norm.as_str(), "left" | "remaining" | "more" | "to") {
            out.push((k, 11));
        }
    }
    out
}

/// Some word of the clauses `spans` says that work happened or met an obstacle (a tag of
/// obstacle, partial work, finished, an amount, or someone not there), whatever the rules'
/// cues found. `words` is [`read_words`] of `toks` (empty: nothing is said).
pub fn says_work(toks: &[Token], words: &[Word], spans: &[(usize, usize)]) -> bool {
    const WORK: [u8; 7] = [0, 1, 2, 9, 10, 11, 12];
    spans.iter().any(|&(a, b)| {
        let (ja, jb) = crate::attribution::range(toks, a, b);
        words
            .get(ja..jb)
            .unwrap_or(&[])
            .iter()
            .any(|w| w.tags.iter().any(|t| WORK.contains(t)))
    })
}

/// The tags of the tokens `a..b`, in order.
fn tags(words: &[Word], (a, b): (usize, usize), out: &mut Vec<usize>) {
    for w in &words[a..b] {
        out.extend(
            w.tags
                .iter()
                .filter(|&&x| x != NO_TAG)
                .map(|&x| usize::from(x)),
        );
    }
}

/// The tag of a status emoji, as [`tag`] for words.
fn emoji_tag(c: char) -> Option<usize> {
    match c {
        '✅' | '✔' | '☑' | '🚀' | '🎉' | '🥳' | '🏁' | '👍' => Some(2),
        '🚧' | '⏳' | '⌛' | '🔄' | '🔁' | '🏗' => Some(1),
        '🛑' | '⛔' | '🚫' | '🚨' | '⚠' => Some(0),
        '❌' | '✖' | '✗' | '✘' => Some(4),
        _ => None,
    }
}

/// The inflection a stem hides: "-ing" (work going on), "-ed" (finished), plural "-s".
fn suffix(norm: &str) -> Option<&'static str> {
    if norm.len() > 4 && norm.ends_with("ing") {
        Some("ing")
    } else if norm.len() > 3 && (norm.ends_with("ed") || norm.ends_with("en")) {
        Some("ed")
    } else if norm.len() > 3 && norm.ends_with('s') && !norm.ends_with("ss") {
        Some("s")
    } else {
        None
    }
}

/// Writes the active slots of `p` into `out` (cleared first), sorted and unique.
pub fn report_features(p: &Pair, out: &mut Vec<u32>) {
    out.clear();
    fixed(p, out);
    words(p, out);
    out.sort_unstable();
    out.dedup();
}

/// Pushes the active fixed slots; returns how many slots there are (a test keeps that
/// within [`FIXED`]).
fn fixed(p: &Pair, out: &mut Vec<u32>) -> u32 {
    let mut slot = 0u32;
    let mut put = |on: bool| {
        if on && slot < RULE_SLOTS {
            out.push(slot);
        }
        slot += 1;
    };
    let c = p.cues;
    put(true);
    for s in TaskStatus::ALL {
        put(p.rule == s);
    }
    for on in [
        c.blocked,
        c.not_worked,
        c.negation,
        c.progress,
        c.done,
        c.weak_done,
        c.future,
        c.later_day,
        c.activity,
        c.hard_block,
        c.earlier_day,
        c.partial,
        c.fixed,
        c.wait_at.is_some(),
        c.done_at.is_some(),
        c.stage_at.is_some(),
        c.done_at.is_some() && c.done_at < c.wait_at,
        c.done_at.is_some() && c.done_at > c.stage_at,
        // Only a plan: nothing says work happened today.
        c.future && !c.activity && !c.done && !c.weak_done && !c.progress,
        // Something finished, the rest on a later day.
        (c.done || c.weak_done) && c.later_day,
    ] {
        put(on);
    }
    // The latest clause about the task, read alone.
    let last = p
        .spans
        .last()
        .map(|&(a, b)| read(p.text, (a, b), tokens_in(p.toks, a, b), p.title));
    let l = last.unwrap_or_default();
    for on in [
        l.blocked,
        l.not_worked,
        l.negation,
        l.progress,
        l.done,
        l.weak_done,
        l.future,
        l.later_day,
        l.hard_block,
        l.partial,
    ] {
        put(on);
    }

    // A following sentence about no task often gives the reason ("… Waiting on parts.").
    let next = next_free_sentence(p);
    let n = next
        .map(|(a, b)| read(p.text, (a, b), tokens_in(p.toks, a, b), &[]))
        .unwrap_or_default();
    for on in [
        next.is_some(),
        n.blocked,
        n.not_worked,
        n.progress,
        n.done,
        n.weak_done,
        n.future,
        n.hard_block,
    ] {
        put(on);
    }

    // How the task was matched.
    let i = p.task;
    let mut named = false;
    let mut by_fallback = false;
    let mut inherited = false;
    let mut direct = false;
    let mut shared = false;
    let mut n_sentences = 0usize;
    let mut cover = 0f32;
    for s in p.sentences {
        let has = s.clauses.iter().any(|c| c.tasks.contains(&i));
        if !has {
            continue;
        }
        n_sentences += 1;
        if s.fallback.contains(&i) {
            by_fallback = true;
        } else if s.mentions.contains(&i) {
            named = true;
        }
        inherited |= s.inherited.contains(&i);
        cover = cover.max(s.cover.get(i).copied().unwrap_or(0.0));
        for c in &s.clauses {
            if c.tasks.contains(&i) {
                direct |= c.direct.get(i).copied().unwrap_or(false);
                shared |= c.tasks.len() > 1;
            }
        }
    }
    for on in [named, by_fallback, inherited, direct, shared] {
        put(on);
    }
    bins(&mut put, p.spans.len() as f32, &[1.5, 2.5]);
    bins(&mut put, n_sentences as f32, &[1.5]);
    bins(&mut put, cover, &[0.2, 0.4, 0.6, 0.8, 0.99]);
    let (overlap, id_hit) = title_overlap(p);
    bins(&mut put, overlap, &[0.01, 0.34, 0.67, 0.99]);
    put(id_hit);

    // Where, and how much text.
    put(i == 0);
    put(i + 1 == p.n_tasks);
    bins(&mut put, p.n_tasks as f32, &[1.5, 2.5, 3.5, 4.5]);
    let first = p.spans.first().map_or(0, |s| s.0) as f32;
    bins(&mut put, first / p.text.len().max(1) as f32, &[0.33, 0.67]);
    bins(&mut put, p.toks.len() as f32, &[8.0, 20.0, 50.0, 100.0]);
    bins(&mut put, p.sentences.len() as f32, &[1.5, 3.5]);
    let span_words: usize = p
        .spans
        .iter()
        .map(|&(a, b)| tokens_in(p.toks, a, b).len())
        .sum();
    bins(&mut put, span_words as f32, &[4.0, 8.0, 16.0]);
    slot
}

/// One slot per interval of `v` cut at `cuts` (ascending).
pub(crate) fn bins(put: &mut impl FnMut(bool), v: f32, cuts: &[f32]) {
    let k = cuts.iter().take_while(|&&c| v >= c).count();
    for j in 0..=cuts.len() {
        put(j == k);
    }
}

/// Share of the title's content words found in the task's clauses, and whether a number
/// of the title (a ticket, a unit) is among them.
fn title_overlap(p: &Pair) -> (f32, bool) {
    let content = |t: &&Token| char_len(&t.norm) >= 3 || t.is_number();
    let total = p.title.iter().filter(content).count();
    let mut found = 0usize;
    let mut id_hit = false;
    for t in p.title.iter().filter(content) {
        let hit = p
            .spans
            .iter()
            .any(|&(a, b)| tokens_in(p.toks, a, b).iter().any(|w| same_word(w, t)));
        if hit {
            found += 1;
            id_hit |= t.norm.chars().any(|c| c.is_ascii_digit());
        }
    }
    (found as f32 / total.max(1) as f32, id_hit)
}

/// A text word stands for a title word: the same stem, a compound that holds it ("endcap"
/// for "End-cap"), or an abbreviation of it ("recon" for "reconcile").
pub(crate) fn same_word(w: &Token, t: &Token) -> bool {
    if w.stem == t.stem {
        return true;
    }
    let (wn, tn) = (w.norm.as_str(), t.norm.as_str());
    let long = |s: &str| char_len(s) >= 3;
    // `wn.contains(tn)` on bytes (the same answer for valid UTF-8) without the searcher's
    // set-up, which costs more than these short words.
    let holds = |hay: &str, needle: &str| {
        hay.as_bytes()
            .windows(needle.len().max(1))
            .any(|w| w == needle.as_bytes())
    };
    (wn.len() > tn.len() && long(tn) && holds(wn, tn)) || (long(wn) && tn.starts_with(wn))
}

/// The sentence right after the task's last one, when it is about no task at all.
fn next_free_sentence(p: &Pair) -> Option<(usize, usize)> {
    let &(_, last_end) = p.spans.last()?;
    let k = p.sentences.iter().position(|s| s.end >= last_end)?;
    let s = p.sentences.get(k + 1)?;
    let free = s.mentions.is_empty()
        && s.inherited.is_empty()
        && s.clauses.iter().all(|c| c.tasks.is_empty());
    free.then_some((s.start, s.end))
}

fn words(p: &Pair, out: &mut Vec<u32>) {
    let slot = |ns: Ns, a: &str, b: &str| slot(ns as u8, a, b);
    // A word of the task's own title is "T".
    let key_at = |j: usize| -> &str {
        let t = &p.toks[j];
        if p.title.iter().any(|x| x.stem == t.stem) {
            "T"
        } else {
            p.words[j].key
        }
    };
    let range = |a: usize, b: usize| crate::attribution::range(p.toks, a, b);
    let mut tg: Vec<usize> = Vec::new();
    for &(a, b) in p.spans {
        let (ja, jb) = range(a, b);
        let mut prev: Option<&str> = None;
        for j in ja..jb {
            let w = key_at(j);
            out.push(slot(Ns::Word, w, ""));
            if j == ja {
                out.push(slot(Ns::FirstWord, w, ""));
            }
            out.push(slot(Ns::Bigram, prev.unwrap_or("^"), w));
            // The stem hides the tense: "painting" and "painted" are both "paint".
            if let Some(x) = suffix(&p.toks[j].norm) {
                out.push(slot(Ns::Suffix, if w == "T" { "T" } else { "" }, x));
                if w != "T" && w != "#" {
                    out.push(slot(Ns::Suffix, w, x));
                }
            }
            prev = Some(w);
        }
        // The clause's last word ("… stuck", "… done").
        if let Some(w) = prev {
            out.push(slot(Ns::LastWord, w, ""));
        }
        emoji(p.text, a, b, Ns::Emoji as u8, out);
        tags(p.words, (ja, jb), &mut tg);
        tg.extend(
            p.text
                .get(a..b)
                .unwrap_or("")
                .chars()
                .filter(|&c| is_emoji(c))
                .filter_map(emoji_tag),
        );
    }
    // The status words of the task's clauses as tags: each, the first, the last.
    for &t in &tg {
        out.push(tag_slot(Place::Clauses, t));
    }
    match (tg.first(), tg.last()) {
        (Some(&f), Some(&l)) => {
            out.push(tag_slot(Place::First, f));
            out.push(tag_slot(Place::Last, l));
            out.push(RULE_SLOTS + TAG_SLOTS + 1 + (f * TAGS.len() + l) as u32);
        }
        _ => out.push(RULE_SLOTS + TAG_SLOTS),
    }
    // The sentences of the task's clauses: their tags.
    tg.clear();
    for s in p.sentences {
        if p.spans.iter().any(|&(a, b)| a >= s.start && b <= s.end) {
            tags(p.words, range(s.start, s.end), &mut tg);
        }
    }
    for &t in &tg {
        out.push(tag_slot(Place::Sentence, t));
    }
    if let Some((a, b)) = next_free_sentence(p) {
        tg.clear();
        let (na, nb) = range(a, b);
        for w in &p.words[na..nb] {
            out.push(slot(Ns::NextWord, w.key, ""));
        }
        emoji(p.text, a, b, Ns::NextEmoji as u8, out);
        tags(p.words, (na, nb), &mut tg);
        for &t in &tg {
            out.push(tag_slot(Place::NextFree, t));
        }
    }
    // The sentence after the task's last one, whatever it is about: its tags.
    if let Some(&(_, e)) = p.spans.last() {
        if let Some(s) = p
            .sentences
            .iter()
            .position(|s| s.end >= e)
            .and_then(|k| p.sentences.get(k + 1))
        {
            tg.clear();
            tags(p.words, range(s.start, s.end), &mut tg);
            for &t in &tg {
                out.push(tag_slot(Place::Next, t));
            }
        }
    }
}

fn emoji(text: &str, a: usize, b: usize, ns: u8, out: &mut Vec<u32>) {
    let mut buf = [0u8; 4];
    for ch in text
        .get(a..b)
        .unwrap_or("")
        .chars()
        .filter(|&c| is_emoji(c))
    {
        out.push(slot(ns, ch.encode_utf8(&mut buf), ""));
    }
}

/// The word as the model sees it: a word of the task's own title is "T" (so "T merged"
/// learns across tasks), a number is "#", a status word of another language is its English
/// cue, anything else its stem.
pub(crate) fn key<'a>(t: &'a Token, title: &[Token]) -> &'a str {
    if title.iter().any(|x| x.stem == t.stem) {
        return "T";
    }
    if t.is_number() {
        return "#";
    }
    let cue = crate::concepts::translate_cue(&t.norm);
    if cue != t.norm {
        cue
    } else {
        &t.stem
    }
}

pub(crate) fn slot(ns: u8, a: &str, b: &str) -> u32 {
    let mut h = Fnv::default();
    h.write(&[ns]);
    h.write(a.as_bytes());
    h.write(&[0]);
    h.write(b.as_bytes());
    FIXED + (h.finish() & ((1 << HASH_BITS) - 1)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn features_fit_the_vector_sorted_and_unique() {
        let text = "Login loop fixed ✅ and merged. Waiting on QA now.";
        let titles = ["Login loop bug".to_string()];
        let toks = tokenize(text);
        let sentences =
            crate::attribution::attribute_tokens(text, &toks, &crate::matching::profiles(&titles));
        let title = tokenize(&titles[0]);
        let cues = Cues::default();
        let p = Pair {
            text,
            toks: &toks,
            sentences: &sentences,
            task: 0,
            n_tasks: 1,
            title: &title,
            cues: &cues,
            rule: TaskStatus::Done,
            spans: &[(0, 20)],
            words: &read_words(text, &toks),
        };
        let mut out = Vec::new();
        assert!(fixed(&p, &mut out) <= RULE_SLOTS);
        report_features(&p, &mut out);
        assert!(out.iter().all(|&f| (f as usize) < DIM));
        assert!(out.windows(2).all(|w| w[0] < w[1]));
        // The title's own words are one key, so "T fixed" reads the same for any task.
        assert!(out.contains(&slot(Ns::Bigram as u8, "T", "fix")));
        assert!(out.contains(&slot(Ns::Emoji as u8, "✅", "")));
        assert!(out.contains(&slot(Ns::NextWord as u8, "qa", "")));
    }

    #[test]
    fn status_words_are_tagged_across_languages_and_amounts() {
        let tag_names = |text: &str| -> Vec<&str> {
            let toks = tokenize(text);
            let words = read_words(text, &toks);
            let mut t = Vec::new();
            tags(&words, (0, words.len()), &mut t);
            t.into_iter().map(|k| TAGS[k]).collect()
        };
        assert_eq!(tag_names("71 de 120 buzones"), ["amount part"]);
        assert_eq!(tag_names("all 12 of 12"), ["finished", "amount all"]);
        assert_eq!(tag_names("the returns weren't ready"), ["not there"]);
        assert_eq!(tag_names("Backup-Test läuft noch"), ["part"]);
        assert_eq!(tag_names("truck stuck at the border"), ["obstacle"]);
        // A plan alone says no work; an amount does.
        let text = "will post it tomorrow";
        let toks = tokenize(text);
        assert!(!says_work(
            &toks,
            &read_words(text, &toks),
            &[(0, text.len())]
        ));
        let text = "71 de 120, mañana sigo";
        let toks = tokenize(text);
        assert!(says_work(
            &toks,
            &read_words(text, &toks),
            &[(0, text.len())]
        ));
    }
}
