//! Status cues in one clause of an end-of-day report: done, progress, blocked, not worked on,
//! future-only. Cues are read per clause; the clause's task is decided elsewhere.

use crate::concepts::{translate_cue, WordSet};
use crate::text::char_len;
use crate::text::Token;

/// What one clause says about the work it is attributed to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cues {
    /// Waiting on someone, no access, system down, stuck.
    pub blocked: bool,
    /// Explicitly not worked on or postponed ("didn't touch", "moved to next week").
    pub not_worked: bool,
    /// A bare negation ("no", "nope", "nothing").
    pub negation: bool,
    /// Partial work ("half", "3 of 8", "still need", "drafted", "will finish").
    pub progress: bool,
    /// Finished ("merged", "sent", "✅", or the task's own verb in the past tense).
    pub done: bool,
    /// Some other verb in the past tense right about the task ("cards printed"): done unless
    /// anything says otherwise.
    pub weak_done: bool,
    /// Talks about later ("tomorrow", "will").
    pub future: bool,
    /// Names a later day ("tomorrow", "next week"): the rest of the work is planned.
    pub later_day: bool,
    /// Some sign that something happened today (a past-tense or -ing verb).
    pub activity: bool,
    /// Index of the token where a blocking cue starts, to quote the blocker.
    pub blocked_at: Option<usize>,
    /// The obstacle is something other than waiting for an answer (can't, down, stuck).
    pub hard_block: bool,
    /// Byte offset of the first waiting cue ("waiting for", "on hold").
    pub wait_at: Option<usize>,
    /// Byte offset of the first finished cue ("sent", "done").
    pub done_at: Option<usize>,
    /// Speaks of an earlier day ("finished yesterday").
    pub earlier_day: bool,
    /// Byte offset of an early-stage word ("drafted", "started").
    pub stage_at: Option<usize>,
    /// Progress from an amount or remaining work ("half", "3 of 8", "still need"), which a
    /// later done word does not cancel.
    pub partial: bool,
    /// A hands-on past action ("added it", "replaced the valve"), not a request to others
    /// ("ordered", "emailed"): after an obstacle in the same sentence, the obstacle is over.
    pub fixed: bool,
}

const DONE_WORDS_LIST: &[&str] = &[
    "done",
    "finished",
    "complete",
    "completed",
    "shipped",
    "merged",
    "deployed",
    "sent",
    "submitted",
    "closed",
    "resolved",
    "fixed",
    "wrapped",
    "delivered",
    "published",
    "live",
    "launched",
    "released",
    "approved",
    "booked",
    "ordered",
    "placed",
    "filed",
    "efiled",
    "paid",
    "uploaded",
    "received",
    "passed",
    "cleared",
    "signed",
    "handed",
    "finalized",
    "scheduled",
    "emailed",
    "faxed",
    "mailed",
    "posted",
    "verified",
    "returned",
    "solved",
];
const PROGRESS_WORDS_LIST: &[&str] = &[
    "half",
    "halfway",
    "partway",
    "partially",
    "partial",
    "mostly",
    "almost",
    "nearly",
    "started",
    "starting",
    "began",
    "begun",
    "continuing",
    "continue",
    "continued",
    "wip",
    "drafted",
    "draft",
    "outline",
    "outlined",
    "roughed",
    "sketched",
    "remaining",
    "midway",
    "ongoing",
];
const BLOCK_WORDS_LIST: &[&str] = &[
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
    "cant",
    "cannot",
    "couldnt",
    "unable",
];
/// Progress words that name an early stage of the work, superseded by a later done word.
const STAGE_WORDS_LIST: &[&str] = &[
    "started", "starting", "began", "begun", "drafted", "draft", "outline", "outlined", "roughed",
    "sketched", "wip",
];
static STAGE_WORDS: WordSet = WordSet::new(STAGE_WORDS_LIST);
const NEGATIONS_LIST: &[&str] = &[
    "no", "not", "nothing", "nope", "zero", "none", "nah", "never",
];
const NOT_WORKED_VERBS_LIST: &[&str] = &[
    "touch", "touched", "start", "started", "get", "do", "happen", "work", "begin", "look", "have",
    "make",
];
const FUTURE_WORDS_LIST: &[&str] = &[
    "will", "ill", "gonna", "tomorrow", "later", "shall", "tonight",
];
const IRREGULAR_PAST_LIST: &[&str] = &[
    "did", "made", "got", "built", "sent", "wrote", "written", "done", "went", "spent", "ran",
    "met", "took", "gave", "found", "began", "begun", "kept", "brought", "bought", "caught",
    "taught", "sold", "held", "left", "put", "read", "set", "hung", "fed", "led", "swept", "dug",
    "drew", "drawn", "told", "spoke", "chose", "shot", "cut", "paid", "rewrote", "rebuilt",
];
static DONE_WORDS: WordSet = WordSet::new(DONE_WORDS_LIST);
static PROGRESS_WORDS: WordSet = WordSet::new(PROGRESS_WORDS_LIST);
static BLOCK_WORDS: WordSet = WordSet::new(BLOCK_WORDS_LIST);
static NEGATIONS: WordSet = WordSet::new(NEGATIONS_LIST);
static NOT_WORKED_VERBS: WordSet = WordSet::new(NOT_WORKED_VERBS_LIST);
static FUTURE_WORDS: WordSet = WordSet::new(FUTURE_WORDS_LIST);
static IRREGULAR_PAST: WordSet = WordSet::new(IRREGULAR_PAST_LIST);
/// Past actions that ask someone else to act: they do not end an obstacle.
const REQUESTS_LIST: &[&str] = &[
    "ordered",
    "requested",
    "emailed",
    "called",
    "asked",
    "sent",
    "messaged",
    "escalated",
    "reported",
    "flagged",
    "chased",
    "pinged",
    "followed",
    "told",
    "submitted",
    "raised",
    "logged",
    "notified",
    "texted",
    "rang",
    "phoned",
    "placed",
    "booked",
    "scheduled",
    "rescheduled",
    "capped",
    "tagged",
    "informed",
    "contacted",
    "warned",
    "explained",
    "replied",
    "answered",
    "updated",
];
static REQUESTS: WordSet = WordSet::new(REQUESTS_LIST);
/// Past forms that report an attempt or a state, not finished work.
const NOT_DONE_PAST_LIST: &[&str] = &[
    "tried",
    "wanted",
    "needed",
    "asked",
    "attempted",
    "hoped",
    "expected",
    "seemed",
    "looked",
    "used",
    "worked",
    "spent",
    "got",
    "went",
    "had",
    "did",
    "started",
    "moved",
    "pushed",
    "bumped",
    "postponed",
    "delayed",
    "waited",
    "blocked",
    "left",
    "missed",
    "failed",
    "said",
];
static NOT_DONE_PAST: WordSet = WordSet::new(NOT_DONE_PAST_LIST);
/// (None of the emoji lists holds an ASCII char: `read` skips ASCII when looking for them.)
const DONE_EMOJI: &[char] = &['✅', '✔', '☑', '🚀', '🎉', '🥳', '🏁'];
/// Work under way: construction sign, hourglass, arrows.
const PROGRESS_EMOJI: &[char] = &['🚧', '⏳', '⌛', '🔄', '🔁', '🏗'];
/// Stopped: stop sign, no entry.
const BLOCKED_EMOJI: &[char] = &['🛑', '⛔', '🚫', '🚨'];
/// A cross: not done today.
const NOT_DONE_EMOJI: &[char] = &['❌', '✖', '✗', '✘'];

/// Is this a word the status rules react to? (Used so a cue is never taken as a noun.)
pub fn is_cue_word(w: &str) -> bool {
    DONE_WORDS.contains(w) || PROGRESS_WORDS.contains(w) || BLOCK_WORDS.contains(w)
}

pub(crate) fn is_past(w: &str) -> bool {
    (w.len() >= 5 && w.ends_with("ed") && !matches!(w, "need" | "speed" | "feed" | "indeed"))
        || IRREGULAR_PAST.contains(w)
}

/// A day name: in an end-of-day report it mostly points at a later day.
fn is_weekday(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "mon"
            | "tue"
            | "tues"
            | "wed"
            | "thu"
            | "thur"
            | "thurs"
            | "fri"
    )
}

/// People whose work has to come first ("still need the electrician for the disconnect").
const ROLES_LIST: &[&str] = &[
    "electrician",
    "plumber",
    "technician",
    "tech",
    "inspector",
    "contractor",
    "carpenter",
    "mechanic",
    "engineer",
    "locksmith",
    "vendor",
    "supplier",
    "landlord",
    "someone",
    "somebody",
];
static ROLES: WordSet = WordSet::new(ROLES_LIST);

/// Something broke, is missing or kept people away: the everyday words of an obstacle
/// ("printer jammed", "pump truck broke down", "cook called out sick", "rained out",
/// "delivered wrong size", "tenant wasn't home", "out of label stock").
fn is_obstacle(x: &str, prev: &str, next: &str, next2: &str) -> bool {
    match x {
        "jammed" | "overheated" | "overheating" | "crashed" | "died" | "rained" | "snowed"
        | "flooded" | "unreachable" | "shortage" => true,
        // "the pump broke down on the way", not "broke down the boxes".
        "broke" => next.is_empty() || next == "down" && !matches!(next2, "the" | "a" | "all"),
        // A state, not an adjective before a noun ("wrong tags on the shampoo").
        // Not "lamb broken down into primals" (taken apart, on purpose).
        "broken" | "dead" | "missing" => {
            !matches!(prev, "the" | "a" | "an" | "no") && !is_plain_word(next) && next != "down"
        }
        // Something came wrong ("delivered wrong size", "sent the wrong part").
        "wrong" => prev.ends_with("ed") || matches!(prev, "sent" | "came" | "is" | "was"),
        "sick" => matches!(
            prev,
            "out" | "off" | "in" | "is" | "was" | "are" | "were" | "went" | "home" | "got"
        ),
        "rain" | "snow" | "storm" | "weather" => !matches!(prev, "the" | "a") || next.is_empty(),
        "home" | "answering" => {
            matches!(prev, "wasnt" | "werent" | "isnt" | "not" | "arent")
        }
        "show" | "showed" => matches!(prev, "didnt" | "no" | "never"),
        "need" | "needs" => {
            matches!(next, "the" | "a" | "an" | "our" | "their") && ROLES.contains(next2)
                // A part has to come first ("needs a new spring").
                || matches!(next, "a" | "new" | "parts" | "replacement")
                    && matches!(next2, "new" | "part" | "parts" | "replacement" | "")
        }
        "transit" | "shipping" => prev == "in",
        "voicemail" | "vm" => true,
        // "came in short", "short-staffed".
        "short" => {
            matches!(
                prev,
                "came" | "arrived" | "delivered" | "was" | "were" | "in" | "running" | "ran"
            ) || next == "staffed"
        }
        _ => false,
    }
}

/// Something that did not come ("the parts didn't arrive", "driver never came"); the
/// negation is the obstacle.
fn did_not_come(x: &str, prev: &str) -> bool {
    matches!(
        x,
        "arrive"
            | "arrived"
            | "come"
            | "came"
            | "deliver"
            | "delivered"
            | "answer"
            | "answered"
            | "reply"
            | "replied"
            | "respond"
            | "responded"
            | "turn"
    ) && matches!(
        prev,
        "didnt" | "hasnt" | "havent" | "not" | "never" | "wasnt"
    )
}

/// A content word that could be the noun an adjective describes.
fn is_plain_word(w: &str) -> bool {
    char_len(w) >= 3
        && w.chars().all(char::is_alphabetic)
        && !crate::concepts::is_stopword(w)
        && !matches!(w, "again" | "now" | "since" | "today" | "still")
}

/// A number, also written roughly ("40ish").
fn num(w: &str) -> Option<f64> {
    w.strip_suffix("ish").unwrap_or(w).parse::<f64>().ok()
}

/// Whether `title` can change what [`read`] finds in `toks`: it only ever looks at title
/// words with a clause word's stem (a norm match implies a stem match), so when there is
/// none, `read(.., toks, title)` equals `read(.., toks, &[])`.
pub fn title_matters(toks: &[Token], title: &[Token]) -> bool {
    toks.iter()
        .any(|t| title.iter().any(|tt| tt.stem == t.stem))
}

/// Reads the cues of one clause. `title` is the task's tokenised title, so the task's own
/// verb in the past tense ("Repack ..." -> "repacked") reads as done.
/// `toks` carry offsets into `text`; `range` is the clause's byte range in `text`.
pub fn read(text: &str, range: (usize, usize), toks: &[Token], title: &[Token]) -> Cues {
    let w: Vec<&str> = toks.iter().map(|t| translate_cue(&t.norm)).collect();
    let at = |i: usize| w.get(i).copied().unwrap_or("");
    let mut c = Cues::default();
    // A cue word that is part of the task's own title names the task, it is not a status
    // ("Draft Q4 newsletter", "Escalate SSO outage tickets").
    let title_word = |i: usize| {
        !matches!(
            w[i],
            "cant" | "cannot" | "couldnt" | "wont" | "not" | "no" | "unable"
        ) && title
            .iter()
            .any(|t| t.stem == toks[i].stem && char_len(&t.norm) >= 3)
    };
    let block = |c: &mut Cues, i: usize| {
        c.blocked = true;
        c.hard_block = true;
        c.blocked_at.get_or_insert(i);
    };
    // Waiting for someone's answer: an obstacle unless the work was handed over finished.
    let wait = |c: &mut Cues, i: usize| {
        c.blocked = true;
        c.blocked_at.get_or_insert(i);
        if let Some(t) = toks.get(i) {
            c.wait_at.get_or_insert(t.start);
        }
    };
    let mut stage_at: Option<usize> = None;
    // Past participles of the other languages people mix in ("nettoyée", "terminado",
    // "eingelagert", "rozładowany"): something got done.
    let foreign_participle = |i: usize| {
        let raw = toks
            .get(i)
            .and_then(|t| text.get(t.start..t.end))
            .unwrap_or("");
        // An ASCII word under seven letters fits none of the patterns below (French and
        // Polish need accented letters, the others seven letters).
        if raw.is_ascii() && raw.len() < 7 {
            return false;
        }
        let raw = raw.to_lowercase();
        let n = char_len(&raw);
        let ends = |list: &[&str]| list.iter().any(|e| raw.ends_with(e));
        let french = n >= 5 && ends(&["é", "ée", "és", "ées"]);
        let iberian = n >= 7 && ends(&["ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas"]);
        let german_prefixes = ["ein", "aus", "auf", "ab", "an", "zu", "mit", "vor", "um"];
        let german = n >= 7
            && raw.ends_with('t')
            && (raw.starts_with("ge")
                || german_prefixes
                    .iter()
                    .any(|p| raw.strip_prefix(p).is_some_and(|r| r.starts_with("ge"))));
        let german_iert = n >= 7 && raw.ends_with("iert");
        let polish = raw.chars().any(|c| "ąęłśźżćń".contains(c))
            && ends(&["any", "ana", "ane", "ony", "ona", "one", "łem", "łam"]);
        french || iberian || german || german_iert || polish
    };
    // A quantity cue ("half", "mostly") keeps progress even before a done word.
    let mut partial_seen = false;
    let mut done_after_stage = false;
    for i in 0..w.len() {
        let x = w[i];
        let prev = if i > 0 { at(i - 1) } else { "" };
        let next = at(i + 1);
        let negated = (i.saturating_sub(2)..i).any(|k| {
            NEGATIONS.contains(at(k)) || matches!(at(k), "didnt" | "havent" | "hasnt" | "wasnt")
        });

        // Blocked.
        if matches!(x, "waiting" | "wait" | "waited" | "awaiting")
            && matches!(next, "on" | "for" | "to" | "till" | "until" | "")
            // "did the schedule while waiting for the tech": waiting on something else.
            && prev != "while"
            || (x == "awaiting" && !matches!(next, "review"))
            || (x == "on" && next == "hold")
            || (x == "depends" && next == "on")
            || (x == "pending" && !matches!(next, "review"))
            || (x == "parked" && matches!(next, "on" | "until" | "till" | "waiting"))
        {
            wait(&mut c, i);
        }
        // "need the plumber to cut them": someone else has to act first.
        if matches!(x, "need" | "needs")
            && matches!(
                next,
                "the" | "a" | "an" | "someone" | "somebody" | "our" | "their" | "his" | "her"
            )
            && (i + 2..(i + 6).min(w.len())).any(|k| at(k) == "to")
        {
            block(&mut c, i);
        }
        // "need the manager's approval before I can issue it".
        if x == "before"
            && matches!(next, "i" | "we" | "they")
            && matches!(at(i + 2), "can" | "could")
        {
            wait(&mut c, i);
        }
        // "out of stock", "no more 4ft tubes in stock".
        if (x == "stock"
            && (prev == "of" && i >= 2 && at(i - 2) == "out"
                || i >= 3 && at(i - 2) == "of" && at(i - 3) == "out"))
            || (x == "in"
                && next == "stock"
                && (i.saturating_sub(4)..i).any(|k| matches!(at(k), "no" | "not")))
        {
            block(&mut c, i);
        }
        if matches!(x, "nobody" | "noone") && matches!(next, "could" | "can" | "was" | "would")
            || (x == "no" && next == "one" && matches!(at(i + 2), "could" | "can"))
            || x == "impossible"
            || x == "unavailable"
            || (x == "ran" && next == "out" && at(i + 2) == "of" && at(i + 3) != "time")
        {
            block(&mut c, i);
        }
        if (x == "still" && matches!(next, "no" | "blocked" | "stuck"))
            || (x == "no"
                && matches!(
                    next,
                    "access"
                        | "permission"
                        | "permissions"
                        | "response"
                        | "reply"
                        | "answer"
                        | "word"
                ))
            || (x == "without" && next == "access")
        {
            block(&mut c, i);
        }
        // "cleared the stuck jobs": an adjective before a noun describes the thing.
        let before_noun = matches!(
            x,
            "stuck" | "blocked" | "expired" | "offline" | "broken" | "jammed" | "wrong" | "dead"
        ) && !next.is_empty()
            && next.chars().all(char::is_alphabetic)
            && !crate::concepts::is_stopword(next)
            && !matches!(
                next,
                "on" | "by" | "until" | "till" | "waiting" | "again" | "because"
            );
        if x == "awaiting" {
            // Handled with the waiting cues above.
        } else if BLOCK_WORDS.contains(x) && !negated && !title_word(i) && !before_noun {
            // "couldn't get to it" is just not worked on, not an obstacle.
            if matches!(x, "cant" | "couldnt" | "cannot") && next == "get" && at(i + 2) == "to" {
                c.not_worked = true;
            } else {
                block(&mut c, i);
            }
        }
        if x == "dont"
            && (i + 1..(i + 5).min(w.len())).any(|k| {
                matches!(
                    at(k),
                    "access" | "permission" | "permissions" | "rights" | "edit" | "login"
                )
            })
        {
            block(&mut c, i);
        }
        if x == "down"
            && matches!(
                prev,
                "is" | "was" | "are" | "were" | "went" | "been" | "still" | "goes"
            )
            && !matches!(next, "from" | "to")
        {
            // Quote the whole clause: the thing that is down comes before the cue.
            block(&mut c, 0);
        }
        if x == "locked"
            && (matches!(prev, "is" | "was" | "got" | "been" | "are")
                || matches!(next, "out" | "by"))
        {
            block(&mut c, 0);
        }
        if x == "never"
            && matches!(
                next,
                "showed" | "arrived" | "came" | "called" | "replied" | "responded" | "sent" | "got"
            )
        {
            block(&mut c, i);
        }
        if matches!(x, "hasnt" | "havent" | "hadnt" | "wont") {
            let self_subject = matches!(prev, "i" | "we");
            let started = matches!(next, "started" | "touched" | "begun");
            if x == "wont" {
                if w[i..].contains(&"until") {
                    block(&mut c, i);
                } else if next == "get" {
                    c.not_worked = true;
                }
            } else if self_subject || started {
                c.not_worked = true;
            } else {
                block(&mut c, 0);
            }
        }
        if x == "nothing" && w[i..(i + 4).min(w.len())].contains(&"can") {
            block(&mut c, i);
        }

        // "didn't have the part on the truck", "a coupler we didn't have on the van":
        // something missing, not time.
        if matches!(x, "didnt" | "dont" | "doesnt")
            && next == "have"
            && matches!(
                at(i + 2),
                "the" | "a" | "an" | "one" | "it" | "any" | "enough" | "parts" | "on" | "in"
            )
            && !matches!(at(i + 3), "time" | "chance")
        {
            block(&mut c, i);
        }
        // "room booked all day so no carpet shampoo": the reason comes first.
        if x == "so" && matches!(next, "no" | "couldnt" | "cant" | "cannot" | "wasnt") {
            block(&mut c, 0);
        }
        // "printing tomorrow when the new roll comes": waiting for a delivery.
        if matches!(x, "comes" | "arrives" | "lands")
            && (i.saturating_sub(5)..i).any(|k| matches!(at(k), "when" | "once" | "till" | "until"))
        {
            wait(&mut c, i);
        }
        // Not worked on / postponed.
        if matches!(x, "didnt" | "not" | "never") && NOT_WORKED_VERBS.contains(next) {
            c.not_worked = true;
        }
        // "didn't finish", "not finished yet": worked on, not finished.
        if matches!(
            x,
            "didnt" | "not" | "havent" | "hasnt" | "isnt" | "wasnt" | "arent"
        ) && matches!(
            next,
            "finish" | "finished" | "complete" | "completed" | "quite"
        ) {
            c.progress = true;
            c.partial = true;
        }
        // "did the schedule", "did all the rooms": a past action on the thing itself.
        if x == "did" && matches!(next, "the" | "my" | "our" | "all" | "both" | "every") {
            c.weak_done = true;
        }
        if x == "did" && next == "not" {
            c.not_worked = true;
        }
        if matches!(
            x,
            "untouched" | "postponed" | "deferred" | "cancelled" | "canceled" | "skipped" | "nope"
        ) || (x == "not" && matches!(next, "today" | "yet" | "done"))
            || (matches!(x, "no" | "zero")
                && matches!(next, "progress" | "time" | "work" | "movement"))
            || (x == "nothing" && matches!(next, "today" | "on" | "yet"))
            || (matches!(x, "moved" | "pushed" | "push" | "bumped")
                && matches!(next, "to" | "back" | "out"))
            || (x == "next"
                && !title_word(i)
                && matches!(
                    next,
                    "week"
                        | "month"
                        | "monday"
                        | "tuesday"
                        | "wednesday"
                        | "thursday"
                        | "friday"
                        | "mon"
                        | "tue"
                        | "tues"
                        | "wed"
                        | "thu"
                        | "fri"
                ))
        {
            c.not_worked = true;
        }
        if NEGATIONS.contains(x) {
            c.negation = true;
        }

        // Progress.
        if PROGRESS_WORDS.contains(x) && !negated && !title_word(i) {
            c.progress = true;
            if STAGE_WORDS.contains(x) {
                stage_at.get_or_insert(i);
                if let Some(t) = toks.get(i) {
                    c.stage_at.get_or_insert(t.start);
                }
            } else {
                stage_at = None;
                partial_seen = true;
                c.partial = true;
            }
        }
        if (matches!(x, "still" | "need" | "needs")
            && matches!(
                next,
                "need"
                    | "needs"
                    | "to"
                    | "have"
                    | "has"
                    | "working"
                    | "more"
                    | "another"
                    | "gotta"
                    | "got"
                    | "must"
                    | "left"
                    | "remaining"
                    | "open"
                    | "pending"
                    | "outstanding"
            ))
            || (matches!(x, "remaining" | "outstanding") && i > 0)
            // "done except 215", "chipped away at the exceptions".
            || (x == "except" && c.done)
            // "maybe a third done", "two thirds through".
            || (matches!(x, "third" | "thirds" | "quarter" | "quarters")
                && matches!(prev, "a" | "one" | "two" | "three" | "about" | "maybe"))
            || (matches!(x, "chipped" | "chipping" | "plugging" | "plugged") && next == "away")
            || (matches!(x, "need" | "needs")
                && w[i..(i + 4).min(w.len())]
                    .iter()
                    .any(|y| matches!(*y, "more" | "another")))
            || (x == "still"
                && (next.starts_with("un") || (next.ends_with("ing") && next != "waiting")))
            || (matches!(x, "working" | "worked") && next == "on")
            || (matches!(x, "in" | "en" | "em") && next == "progress")
            || (matches!(x, "in" | "under") && next == "review")
            || (x == "to" && next == "do" && !matches!(prev, "nothing" | "much"))
            || (x == "more" && matches!(next, "tomorrow" | "to" | "left"))
            || (x == "first" && matches!(next, "pass" | "draft" | "round"))
            || (x == "rest" && !matches!(prev, "to"))
            || (x == "other" && num(next).is_some())
            || (x == "to" && next == "go" && num(prev).is_some())
            || (x == "left" && (i.saturating_sub(3)..i).any(|k| num(at(k)).is_some()))
            || (x == "finish" && (i.saturating_sub(3)..i).any(|k| FUTURE_WORDS.contains(at(k))))
            || (x == "through" && matches!(prev, "got" | "get") && next != "all")
            || (x == "about" && next == "half")
            // "most of the walls", not "most of the day".
            || (x == "most"
                && next == "of"
                && !(i + 2..i + 4).any(|k| {
                    matches!(
                        at(k),
                        "day" | "morning" | "afternoon" | "evening" | "time" | "shift" | "week"
                    )
                }))
            // "ops dept left", "two rooms left": what remains, at the end of the clause.
            || (x == "left"
                && i + 1 == w.len()
                && i > 0
                && !matches!(prev, "i" | "we" | "he" | "she" | "they" | "everyone" | "driver"))
        {
            c.progress = true;
            c.partial = true;
        }

        // Done.
        if DONE_WORDS.contains(x) && !negated && !title_word(i) {
            c.done = true;
            if let Some(t) = toks.get(i) {
                c.done_at.get_or_insert(t.start);
            }
            // "drafted and sent", "started and finished": the later stage wins.
            if stage_at.is_some_and(|s| s < i) && !partial_seen {
                done_after_stage = true;
            }
        }
        if (x == "went"
            && matches!(
                next,
                "out" | "well" | "great" | "fine" | "smoothly" | "live"
            ))
            || (x == "through" && next == "all")
            || (x == "through" && prev == "went")
            || (x == "good" && next == "to" && at(i + 2) == "go")
            || (x == "up" && next == "and" && at(i + 2) == "running")
            || (matches!(x, "working" | "running" | "printing" | "flowing") && next == "again")
            || (x == "all" && next == "good")
            || (matches!(x, "sorted" | "squared") && !matches!(next, "out" | "by")) && !negated
            || (x == "all" && matches!(next, "done" | "finished" | "set"))
        {
            c.done = true;
        }
        // Handed over for someone's yes: finished on this side.
        if x == "for" && matches!(next, "review" | "approval" | "signoff" | "sign") && i > 0 {
            c.done = true;
            if let Some(t) = toks.get(i) {
                c.done_at.get_or_insert(t.start);
            }
        }
        // The task's own verb in the past ("Repack ..." -> "repacked"), unless the title
        // itself says it that way ("denied claims").
        let in_title = |t: &Token| title.iter().any(|tt| tt.stem == t.stem);
        let title_has_form = title.iter().any(|tt| tt.norm == toks[i].norm);
        if is_past(x) && x != toks[i].stem && in_title(&toks[i]) && !title_has_form && !negated {
            c.done = true;
            c.fixed |= !REQUESTS.contains(x);
        } else if is_past(x) && !negated && !NOT_DONE_PAST.contains(x) && !title_has_form {
            c.weak_done = true;
            c.fixed |= !REQUESTS.contains(x) && !DONE_WORDS.contains(x);
        } else if !negated && !title_word(i) && foreign_participle(i) {
            c.weak_done = true;
            c.activity = true;
        }
        if (is_obstacle(x, prev, next, at(i + 2)) && !negated || did_not_come(x, prev))
            && !title_word(i)
        {
            block(&mut c, i);
        }
        if x == "lacking" && !negated && !title_word(i) {
            block(&mut c, i);
        }
        // "nie możemy", "kann ich da nichts machen": cannot.
        if (x == "not" && next == "can")
            || (x == "can" && w[i..(i + 4).min(w.len())].contains(&"nothing"))
        {
            block(&mut c, i);
        }

        // "Schedule for next week" names the task: its own time words are not a plan.
        // "tomorrow's routes", "next week's rota" name a thing, not a plan.
        let possessive = toks.get(i).is_some_and(|t| {
            text.get(t.start..t.end)
                .is_some_and(|r| r.ends_with("'s") || r.ends_with("’s"))
        });
        let time_of_title = title_word(i) || possessive;
        if !time_of_title
            && (x == "tomorrow"
                || (x == "next"
                    && matches!(
                        next,
                        "week"
                            | "shift"
                            | "monday"
                            | "tuesday"
                            | "wednesday"
                            | "thursday"
                            | "friday"
                    ))
                || (x == "this" && next == "weekend")
                // "3rd coat tonight": the rest comes later.
                || matches!(x, "tonight" | "later"))
        {
            c.later_day = true;
        }
        if !time_of_title
            && (x == "yesterday" || (x == "last" && matches!(next, "week" | "night" | "friday")))
        {
            c.earlier_day = true;
        }
        if time_of_title {
            // Not a time cue.
        } else if FUTURE_WORDS.contains(x)
            || (is_weekday(x) && !matches!(prev, "last" | "since" | "from"))
            || (x == "going" && next == "to")
            || (x == "this" && next == "weekend")
        {
            c.future = true;
        }
        if (is_past(x) && !negated)
            || (x.ends_with("ing") && x.len() >= 6 && !title.iter().any(|t| t.stem == toks[i].stem))
        {
            c.activity = true;
        }
    }
    read_numbers(text, toks, &w, &mut c);
    // "postponed to Thursday because of wind": not worked on, for a reason outside.
    if c.not_worked
        && w.windows(2)
            .any(|p| matches!(p, ["because", "of"] | ["due", "to"]))
    {
        c.blocked = true;
        c.hard_block = true;
    }
    if done_after_stage {
        c.progress = false;
    }
    let clause = text.get(range.0..range.1).unwrap_or("");
    // One pass over the clause's non-ASCII chars (no emoji is ASCII).
    if !clause.is_ascii() {
        for ch in clause.chars().filter(|ch| !ch.is_ascii()) {
            if DONE_EMOJI.contains(&ch) {
                c.done = true;
            }
            if PROGRESS_EMOJI.contains(&ch) {
                c.progress = true;
            }
            if BLOCKED_EMOJI.contains(&ch) {
                c.blocked = true;
            }
            if NOT_DONE_EMOJI.contains(&ch) {
                c.not_worked = true;
            }
        }
    }
    if c.done && c.future && !c.progress {
        // "I'll get that done tomorrow": a done word about the future is not done today.
        c.progress = c.activity && w.iter().any(|x| is_past(x) && !DONE_WORDS.contains(x));
        if !c.progress {
            let done_after_future = w
                .iter()
                .position(|x| FUTURE_WORDS.contains(x))
                .is_some_and(|f| w[f..].iter().any(|x| DONE_WORDS.contains(x)));
            if done_after_future {
                c.done = false;
            }
        }
    }
    if c.progress || c.done || c.weak_done {
        c.activity = true;
    }
    c
}

/// "12 of the 20", "2/3", "60% there": partial amounts mean progress, full ones done.
fn read_numbers(text: &str, toks: &[Token], w: &[&str], c: &mut Cues) {
    for i in 0..toks.len() {
        let Some(a) = num(w[i]) else { continue };
        let mut j = i + 1;
        let slash = toks.get(j).is_some_and(|t| gap(text, &toks[i], t) == "/");
        if !slash {
            if w.get(j) == Some(&"out") && w.get(j + 1) == Some(&"of") {
                j += 1;
            }
            if w.get(j) != Some(&"of") {
                // "60% there"
                let pct = text.get(toks[i].end..).is_some_and(|r| r.starts_with('%'));
                if pct
                    && a < 100.0
                    && w.get(j).is_some_and(|x| {
                        matches!(
                            *x,
                            "there" | "done" | "through" | "complete" | "finished" | "now"
                        )
                    })
                {
                    c.progress = true;
                    c.partial = true;
                }
                continue;
            }
            j += 1;
            if w.get(j) == Some(&"the") {
                j += 1;
            }
        }
        if let Some(b) = w.get(j).and_then(|x| num(x)) {
            if a < b {
                c.progress = true;
                c.partial = true;
            } else if a == b && b > 0.0 {
                c.done = true;
            }
        }
    }
}

fn gap<'a>(text: &'a str, a: &Token, b: &Token) -> &'a str {
    text.get(a.end..b.start.max(a.end)).unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{stem, tokenize};

    fn cues_for(text: &str, title: &str) -> Cues {
        read(text, (0, text.len()), &tokenize(text), &tokenize(title))
    }

    #[test]
    fn emoji_lists_hold_no_ascii() {
        for list in [DONE_EMOJI, PROGRESS_EMOJI, BLOCKED_EMOJI, NOT_DONE_EMOJI] {
            assert!(list.iter().all(|c| !c.is_ascii()), "{list:?}");
        }
    }

    #[test]
    fn a_title_without_the_clauses_stems_reads_like_no_title() {
        for (text, title) in [
            (
                "repacked the shelves, waiting on the truck",
                "Repack aisle 4",
            ),
            (
                "couldnt finish the draft tomorrow maybe",
                "Draft Q4 newsletter",
            ),
            (
                "terminado el informe, bloqueado por IT",
                "Cycle count aisle 14",
            ),
            ("schedule for next week is done", "Schedule interviews"),
        ] {
            let (toks, t) = (tokenize(text), tokenize(title));
            let plain = read(text, (0, text.len()), &toks, &[]);
            let with = read(text, (0, text.len()), &toks, &t);
            if !title_matters(&toks, &t) {
                assert_eq!(plain, with, "{text} / {title}");
            }
        }
    }

    #[test]
    fn blocked_cues() {
        for t in [
            "still waiting on their procurement team",
            "the portal was down all afternoon",
            "I don't have editor permissions",
            "can't start until PM sends the list",
            "stuck until their inspection is done",
            "PO never showed",
            "museum hasn't confirmed a date",
            "on hold until the envelopes come in",
            "the hinges didn't arrive",
            "3rd laptop still in transit",
            "tried twice, left a voicemail",
            "order came in short",
            "tech says it needs a new spring",
            "label printer jammed",
            "need a coupler we didn't have on the van",
        ] {
            assert!(cues_for(t, "X").blocked, "{t}");
        }
        for t in [
            "spent most of the day on it",
            "fixed the broken mount",
            "replaced the dead batteries",
        ] {
            assert!(!cues_for(t, "X").blocked, "{t}");
        }
        assert!(!cues_for("backlog down from 35 to 9", "X").blocked);
        assert!(!cues_for("I haven't started", "X").blocked);
    }

    #[test]
    fn negation_and_postponement_cues() {
        for t in [
            "Didn't touch the billing migration",
            "react upgrade not started",
            "crm untouched",
            "got moved to next Monday",
            "pas aujourd'hui",
            "no time",
        ] {
            let c = cues_for(t, "X");
            assert!(c.not_worked || c.negation, "{t}");
            assert!(!c.done && !c.blocked, "{t}");
        }
    }

    #[test]
    fn unfinished_work_is_progress() {
        for t in [
            "didn't finish the door gaskets",
            "PBC list maybe 80% now",
            "got most of the walls primed",
            "2 coats down, 3rd coat tonight",
        ] {
            let c = cues_for(t, "X");
            assert!(c.progress || c.later_day, "{t}");
            assert!(!c.blocked && !c.not_worked, "{t}");
        }
        assert!(!cues_for("spent most of the morning there", "X").progress);
        assert!(cues_for("did the microwave", "X").weak_done);
    }

    #[test]
    fn partial_and_complete_amounts() {
        assert!(cues_for("did 12 of the 20 cold emails", "X").progress);
        assert!(cues_for("got about 2/3 of the grades in", "X").progress);
        assert!(cues_for("forecast is about 60% there", "X").progress);
        assert!(!cues_for("41% open rate so far", "X").progress);
        assert!(cues_for("10/10 written and scheduled", "X").done);
    }

    #[test]
    fn task_verb_in_past_tense_is_done_and_future_done_is_not() {
        assert!(cues_for("Dock 3 pallets repacked", "Repack damaged pallets").done);
        assert!(!cues_for("Will repack them tomorrow", "Repack damaged pallets").done);
        let c = cues_for(
            "truck 7 needs a cert first, I'll get that done tomorrow",
            "Renew permits",
        );
        assert!(!c.done);
        assert_eq!(stem("repacked"), stem("repack"));
    }
}
