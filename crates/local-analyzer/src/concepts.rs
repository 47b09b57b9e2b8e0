//! Small hand-made vocabularies: function words, generic work words, synonym groups and a few
//! non-English words people mix in. Kept general on purpose: no task titles from any data set.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::text::stem;

/// Function words: never evidence of a task on their own.
pub const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "for",
    "on",
    "in",
    "into",
    "at",
    "by",
    "with",
    "from",
    "about",
    "re",
    "per",
    "w",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "i",
    "im",
    "ill",
    "ive",
    "id",
    "me",
    "my",
    "we",
    "our",
    "us",
    "you",
    "your",
    "they",
    "their",
    "them",
    "he",
    "she",
    "his",
    "her",
    "him",
    "so",
    "then",
    "also",
    "just",
    "up",
    "out",
    "off",
    "as",
    "if",
    "but",
    "not",
    "no",
    "do",
    "did",
    "will",
    "can",
    "could",
    "would",
    "should",
    "need",
    "needs",
    "get",
    "got",
    "have",
    "has",
    "had",
    "some",
    "all",
    "any",
    "more",
    "most",
    "first",
    "next",
    "new",
    "today",
    "tomorrow",
    "morning",
    "afternoon",
    "day",
    "week",
    "after",
    "before",
    "again",
    "still",
    "one",
    "ones",
    "dr",
    "mr",
    "mrs",
    "ms",
    "corp",
    "inc",
    "llc",
    "ltd",
    "co",
    "too",
    "very",
    "what",
    "who",
    "which",
    "there",
    "here",
    "thing",
    "things",
    "stuff",
    "bit",
    "lot",
    "gonna",
    "going",
    "wanna",
    "via",
    "vs",
    "am",
    "pm",
    "ok",
    "okay",
    "hi",
    "hey",
    "yet",
    "till",
    "until",
    "while",
    "since",
    "because",
    "both",
    "either",
    "each",
    "every",
    "other",
    "rest",
    "than",
    "back",
    "over",
    "under",
    "through",
    "across",
    "during",
    "without",
    "within",
    "around",
    "near",
    "like",
    "down",
    "again",
    "already",
    "really",
    "maybe",
    "probably",
    "too",
];

/// Verbs and nouns that appear in many task titles and say little about which task is meant.
pub const GENERIC: &[&str] = &[
    "update",
    "write",
    "review",
    "prepare",
    "prep",
    "plan",
    "fix",
    "add",
    "make",
    "build",
    "create",
    "send",
    "call",
    "process",
    "schedule",
    "order",
    "set",
    "setup",
    "follow",
    "clear",
    "get",
    "run",
    "check",
    "finish",
    "complete",
    "start",
    "handle",
    "work",
    "help",
    "submit",
    "enter",
    "log",
    "collect",
    "resolve",
    "reply",
    "finalize",
    "draft",
    "organize",
    "coordinate",
    "manage",
    "improve",
    "implement",
    "support",
    "look",
    "take",
    "put",
    "clean",
    "fill",
    "return",
    "contact",
    "confirm",
    "book",
    "file",
    "post",
    "pull",
    "do",
    "team",
    "list",
    "service",
    "system",
    "notes",
    "note",
    "records",
    "record",
    "item",
    "items",
    "task",
    "tasks",
    "info",
    "details",
    "data",
    "ticket",
    "tickets",
    "request",
    "requests",
    "result",
    "results",
    "report",
    "reports",
    "doc",
    "docs",
    "issue",
    "issues",
    "job",
    "stuff",
];

/// Title words that commonly start a task as its main, specific verb ("Restock ...").
const SPECIFIC_VERBS: &[&str] = &[
    "grade",
    "translate",
    "migrate",
    "restock",
    "repack",
    "retouch",
    "calibrate",
    "transcribe",
    "proofread",
    "interview",
    "inspect",
    "triage",
    "tag",
    "escalate",
    "negotiate",
    "train",
    "onboard",
    "screen",
    "image",
    "reset",
    "replace",
    "rotate",
    "weed",
    "dispatch",
    "refactor",
    "upgrade",
    "audit",
    "count",
    "label",
    "ship",
    "repair",
    "paint",
    "install",
    "deploy",
    "test",
    "verify",
    "debug",
    "investigate",
    "hire",
    "recruit",
    "design",
    "redesign",
    "edit",
    "teach",
    "coach",
    "reconcile",
    "renew",
    "refresh",
    "reorder",
    "receive",
    "launch",
    "publish",
    "invoice",
    "digitize",
    "archive",
    "photograph",
    "film",
    "proof",
    "reassign",
    "assemble",
];

/// Synonym groups of common work vocabulary. Multi-word entries match consecutive words.
const GROUPS: &[&[&str]] = &[
    &["bug", "defect", "glitch", "error"],
    &["login", "signin", "logon", "sign in", "log in", "sign on"],
    &["redirect", "bounce", "bounced"],
    &["migrate", "migration", "move", "port", "cutover"],
    &["invoice", "bill"],
    &["upgrade", "bump"],
    &["email", "mail", "mailer", "outreach", "emails"],
    &["call", "callback", "ring", "dial", "call back"],
    &["backlog", "queue", "pile", "inbox"],
    &["macro", "canned response", "snippet", "saved reply"],
    &["refund", "reimbursement"],
    &["immunization", "vaccine", "vaccination", "shot", "jab"],
    &["photo", "picture", "pic", "image", "shot"],
    &["deck", "slides", "presentation"],
    &["forecast", "projection"],
    &[
        "synthesis",
        "summary",
        "readout",
        "recap",
        "writeup",
        "write up",
    ],
    &["damaged", "crushed", "broken"],
    &[
        "translate",
        "translation",
        "traduccion",
        "traduction",
        "ubersetzung",
    ],
    &["fix", "repair", "patch", "hotfix"],
    &["documentation", "docs", "document"],
    &["customer", "client"],
    &["onboard", "onboarding", "orientation"],
    &["kubernetes", "k8s"],
    &["postgres", "postgresql", "pg"],
    &["database", "db"],
    &["javascript", "js"],
    &["typescript", "ts"],
    &["dashboard", "dash"],
    &["contract", "agreement"],
    &["proposal", "quote", "bid"],
    &["laptop", "computer", "notebook"],
    &["followup", "follow up", "chase", "nudge"],
    &["postmortem", "post mortem", "retro", "retrospective"],
    &["pull request", "pr", "merge request", "mr"],
    &["manual", "handbook", "handbuch", "guide"],
    &["monday", "mon"],
    &["tuesday", "tue", "tues"],
    &["wednesday", "wed"],
    &["thursday", "thu", "thur", "thurs"],
    &["friday", "fri"],
    &["january", "jan"],
    &["february", "feb"],
    &["march", "mar"],
    &["april", "apr"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sep", "sept"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

/// Non-English words mapped to the English cue word they stand for.
pub fn translate_cue(norm: &str) -> &str {
    match norm {
        "hoy" | "aujourdhui" | "aaj" | "heute" | "oggi" => "today",
        "manana" | "demain" | "kal" | "morgen" | "domani" => "tomorrow",
        "listo" | "lista" | "hecho" | "terminado" | "terminada" | "fini" | "finie" | "termine"
        | "fertig" | "erledigt" | "fatto" | "pronto" => "done",
        "envoye" | "envoyes" | "envoyee" | "enviado" | "enviada" | "enviados" | "gesendet"
        | "inviato" => "sent",
        "pas" | "nicht" | "nahi" | "nahin" => "not",
        "nada" | "rien" | "nichts" | "niente" => "nothing",
        "tmrw" | "tmr" | "tmrow" | "tomorow" | "tommorow" | "tomm" => "tomorrow",
        "nxt" => "next",
        "wk" | "wks" => "week",
        _ => norm,
    }
}

/// A word list with hashed lookup, built on first use (lists are scanned in hot loops).
pub struct WordSet {
    words: &'static [&'static str],
    cell: OnceLock<HashSet<&'static str>>,
}

impl WordSet {
    pub const fn new(words: &'static [&'static str]) -> Self {
        Self {
            words,
            cell: OnceLock::new(),
        }
    }

    pub fn contains(&self, w: &str) -> bool {
        self.cell
            .get_or_init(|| self.words.iter().copied().collect())
            .contains(w)
    }
}

static STOP_SET: WordSet = WordSet::new(STOPWORDS);

pub fn is_stopword(norm: &str) -> bool {
    STOP_SET.contains(norm)
}

pub fn is_generic(stem_or_norm: &str) -> bool {
    generic_stems().contains(stem_or_norm)
}

/// True for the verb itself ("restock") and its stem; callers wanting the bare verb check
/// both the word and its stem.
pub fn is_specific_verb(word_or_stem: &str) -> bool {
    specific_verb_stems().contains(word_or_stem)
}

/// Generic words and their stems.
fn generic_stems() -> &'static HashSet<String> {
    static CELL: OnceLock<HashSet<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        GENERIC
            .iter()
            .flat_map(|w| [w.to_string(), stem(w)])
            .collect()
    })
}

/// Specific verbs and their stems.
fn specific_verb_stems() -> &'static HashSet<String> {
    static CELL: OnceLock<HashSet<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        SPECIFIC_VERBS
            .iter()
            .flat_map(|w| [w.to_string(), stem(w)])
            .collect()
    })
}

/// Stemmed key (words joined by a space) -> group ids.
fn index() -> &'static HashMap<String, Vec<usize>> {
    static CELL: OnceLock<HashMap<String, Vec<usize>>> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut m: HashMap<String, Vec<usize>> = HashMap::new();
        for (g, words) in GROUPS.iter().enumerate() {
            for w in *words {
                let key = w.split(' ').map(stem).collect::<Vec<_>>().join(" ");
                m.entry(key).or_default().push(g);
            }
        }
        m
    })
}

/// Synonym groups of a stemmed word or phrase (words joined by one space).
pub fn groups(stemmed: &str) -> &'static [usize] {
    index().get(stemmed).map_or(&[], Vec::as_slice)
}

pub fn share_group(a: &[usize], b: &[usize]) -> bool {
    a.iter().any(|g| b.contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_share_a_group_by_stem() {
        assert!(share_group(groups(&stem("bug")), groups(&stem("defects"))));
        assert!(share_group(groups("sign in"), groups("login")));
        assert!(share_group(
            groups(&stem("shots")),
            groups(&stem("immunization"))
        ));
        assert!(!share_group(groups(&stem("bug")), groups(&stem("invoice"))));
        assert!(groups("zzz").is_empty());
    }

    #[test]
    fn foreign_cues_map_to_english() {
        assert_eq!(translate_cue("manana"), "tomorrow");
        assert_eq!(translate_cue("listo"), "done");
        assert_eq!(translate_cue("pas"), "not");
        assert_eq!(translate_cue("report"), "report");
    }

    #[test]
    fn generic_words_are_recognised_by_stem() {
        assert!(is_generic(&stem("updating")));
        assert!(!is_generic(&stem("restock")));
        assert!(is_specific_verb(&stem("restock")));
    }
}
