//! Small hand-made vocabularies: function words, generic work words, synonym groups and a few
//! non-English words people mix in. Kept general on purpose: no task titles from any data set.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::fast_hash::FastHash;

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

/// Synonym / concept groups of general work vocabulary (no titles from any data set).
/// Multi-word entries match consecutive words. Matching is by stem, so inflections join.
const GROUPS: &[&[&str]] = &[
    // Software and IT.
    &["bug", "defect", "glitch", "error", "crash"],
    &[
        "login", "signin", "logon", "sign in", "log in", "sign on", "sso",
    ],
    &["password", "pw", "pwd", "passcode", "credentials", "creds"],
    &[
        "migrate",
        "migration",
        "move",
        "port",
        "cutover",
        "transfer",
    ],
    &["upgrade", "bump", "update"],
    &["deploy", "deployment", "release", "rollout", "ship"],
    &["pull request", "pr", "merge request", "mr"],
    &["review", "code review", "cr"],
    &["kubernetes", "k8s"],
    &["postgres", "postgresql", "pg"],
    &["database", "db"],
    &["javascript", "js"],
    &["typescript", "ts"],
    &["dashboard", "dash"],
    &["documentation", "docs", "document", "doc"],
    &["knowledge base", "kb", "help center", "help article"],
    &["test", "tests", "testing", "qa", "spec"],
    &["laptop", "computer", "notebook", "pc", "workstation"],
    &[
        "postmortem",
        "post mortem",
        "retro",
        "retrospective",
        "incident review",
    ],
    &["credential", "cert", "certificate"],
    &["environment", "env"],
    &["configuration", "config"],
    &["repository", "repo"],
    &["application", "app"],
    &["production", "prod"],
    // Office, sales and finance.
    &["email", "mail", "mailer", "emails", "newsletter"],
    &["outreach", "cold email", "cold call", "prospecting"],
    &["call", "callback", "ring", "dial", "call back", "phone"],
    &["backlog", "queue", "pile", "inbox"],
    &[
        "macro",
        "canned response",
        "snippet",
        "saved reply",
        "template",
    ],
    &["refund", "reimbursement"],
    &["invoice", "bill", "billing"],
    &["payment", "pmt", "remittance"],
    &["reconcile", "reconciliation", "rec", "recon"],
    &["receivable", "ar", "collection"],
    &["payable", "ap"],
    &["deck", "slides", "presentation"],
    &["forecast", "projection"],
    &[
        "summary",
        "readout",
        "recap",
        "writeup",
        "write up",
        "synthesis",
        "report",
    ],
    &["translate", "translation"],
    &["customer", "client"],
    &["onboard", "onboarding", "orientation", "induction"],
    &["contract", "agreement"],
    &["proposal", "quote", "bid", "estimate"],
    &["followup", "follow up", "chase", "nudge", "ping", "remind"],
    &["manual", "handbook", "guide", "runbook", "playbook"],
    &["meeting", "sync", "call", "standup"],
    &["interview", "screen", "phone screen"],
    &["candidate", "applicant"],
    &["schedule", "calendar", "rota", "roster"],
    &["budget", "spend"],
    &["expense", "expenses", "receipt"],
    &["tax", "filing", "return"],
    &["journal entry", "je"],
    &["purchase order", "po"],
    &["statement", "stmt"],
    // Field service, construction, facilities.
    &[
        "hvac",
        "air conditioning",
        "ac",
        "heat pump",
        "furnace",
        "compressor",
    ],
    &["replace", "swap", "swapping", "change out", "changeout"],
    &["fix", "repair", "patch", "hotfix", "mend"],
    &["install", "installation", "fit", "mount", "hang"],
    &[
        "inspect",
        "inspection",
        "walkthrough",
        "walk through",
        "check",
    ],
    &["site", "location", "job site", "jobsite"],
    &["paint", "coat", "repaint"],
    &["leak", "leaking", "drip"],
    &["faucet", "tap"],
    &["drywall", "sheetrock", "plasterboard"],
    &["scaffold", "scaffolding"],
    &["concrete", "pour"],
    // Warehouse, logistics, retail.
    &["inventory", "stock", "count", "stocktake"],
    &["restock", "replenish", "refill"],
    &["pallet", "skid"],
    &["shipment", "delivery", "consignment", "load"],
    &["deliver", "drop off", "drop"],
    &["truck", "lorry", "van", "trailer"],
    &["damaged", "crushed", "broken"],
    &["return", "returns", "rma"],
    &["display", "endcap", "end cap", "planogram"],
    &["register", "till", "cash drawer", "drawer"],
    &["cooler", "fridge", "refrigerator", "freezer"],
    // Healthcare.
    &["immunization", "vaccine", "vaccination", "shot", "jab"],
    &["patient", "pt", "resident"],
    &["medication", "med", "meds", "drug", "prescription", "rx"],
    &["discharge", "dc"],
    &["admission", "admit", "intake"],
    &["wound", "dressing"],
    &["chart", "charting", "record", "documentation"],
    &["appointment", "appt", "visit"],
    &["photo", "picture", "pic", "image", "shot"],
    // People and time.
    &["train", "training", "coach", "shadow", "teach", "mentor"],
    &["hire", "new hire", "starter", "new starter"],
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

/// Everyday words that appear in many contexts: a title word among these does not identify
/// its task on its own (it needs a second word of the title), like a low-IDF term.
const COMMON: &[&str] = &[
    "page",
    "meeting",
    "time",
    "people",
    "person",
    "room",
    "floor",
    "area",
    "zone",
    "list",
    "order",
    "file",
    "form",
    "site",
    "office",
    "account",
    "customer",
    "client",
    "project",
    "product",
    "price",
    "pricing",
    "store",
    "shop",
    "line",
    "staff",
    "user",
    "users",
    "week",
    "month",
    "year",
    "quarter",
    "quarterly",
    "monthly",
    "weekly",
    "daily",
    "annual",
    "end",
    "start",
    "first",
    "last",
    "new",
    "old",
    "open",
    "close",
    "closing",
    "main",
    "general",
    "final",
    "full",
    "part",
    "partial",
    "small",
    "large",
    "big",
    "local",
    "public",
    "internal",
    "external",
    "sales",
    "sale",
    "market",
    "marketing",
    "finance",
    "financial",
    "legal",
    "policy",
    "process",
    "program",
    "plan",
    "planning",
    "status",
    "update",
    "meeting",
    "board",
    "group",
    "member",
    "members",
    "manager",
    "lead",
    "owner",
    "vendor",
    "vendors",
    "supplier",
    "partner",
    "partners",
    "contact",
    "contacts",
    "company",
    "business",
    "team",
    "department",
    "dept",
    "unit",
    "level",
    "floor",
    "building",
    "call",
    "calls",
    "phone",
    "email",
    "emails",
    "message",
    "messages",
    "letter",
    "note",
    "copy",
    "version",
    "draft",
    "change",
    "changes",
    "case",
    "question",
    "questions",
    "answer",
    "problem",
    "problems",
    "project",
    "projects",
    "work",
    "shift",
    "hour",
    "hours",
    "minute",
    "morning",
    "evening",
    "night",
    "cost",
    "costs",
    "money",
    "amount",
    "number",
    "total",
    "value",
    "rate",
    "level",
    "point",
    "points",
    "set",
    "side",
    "back",
    "front",
    "top",
    "bottom",
    "left",
    "right",
    "north",
    "south",
    "east",
    "west",
    "center",
    "centre",
    "home",
    "house",
    "desk",
    "table",
    "door",
    "window",
    "wall",
    "walls",
    "water",
    "power",
    "light",
    "lights",
    "paper",
    "papers",
    "box",
    "boxes",
    "bag",
    "bags",
    "card",
    "cards",
    "sheet",
    "sheets",
    "tool",
    "tools",
    "equipment",
    "supplies",
    "supply",
    "material",
    "materials",
    "part",
    "parts",
    "piece",
    "pieces",
    "week",
    "weekend",
    "today",
    "event",
    "events",
    "session",
    "class",
    "course",
    "lesson",
    "training",
    "review",
    "check",
    "test",
    "tests",
    "quality",
    "safety",
    "security",
    "health",
    "care",
    "support",
    "help",
    "service",
    "services",
    "customer",
    "feedback",
    "survey",
    "content",
    "post",
    "posts",
    "media",
    "social",
    "online",
    "web",
    "website",
    "site",
    "app",
    "tool",
    "data",
    "info",
    "information",
    "access",
    "setup",
    "settings",
    "option",
    "options",
    "feature",
    "features",
    "flow",
    "design",
    "layout",
    "style",
    "look",
    "format",
    "template",
    "report",
    "summary",
    "story",
    "stories",
    "idea",
    "ideas",
    "goal",
    "goals",
    "target",
    "targets",
    "result",
    "results",
    "budget",
    "schedule",
    "calendar",
    "date",
    "dates",
    "deadline",
    "invoice",
    "invoices",
    "payment",
    "payments",
    "bill",
    "bills",
    "order",
    "orders",
    "stock",
    "item",
    "items",
    "batch",
    "round",
    "pass",
    "stage",
    "step",
    "steps",
    "phase",
    "task",
    // Everyday verbs: in a title they describe, they do not name.
    "keep",
    "keeps",
    "ask",
    "asks",
    "want",
    "wants",
    "try",
    "say",
    "says",
    "show",
    "shows",
    "come",
    "comes",
    "give",
    "gives",
    "find",
    "think",
    "know",
    "use",
    "uses",
    "drop",
    "drops",
    "break",
    "breaks",
    "stop",
    "stops",
    "miss",
    "missing",
    "wait",
    "go",
    "goes",
    "move",
    "moves",
    "turn",
    "bring",
    "hold",
    "leave",
    "let",
    "mean",
    "seem",
    "feel",
    "become",
    "allow",
    "add",
    "remove",
    "save",
    "saving",
    "load",
    "need",
    "needs",
    "fail",
    "fails",
    "failing",
    "works",
    "working",
    "print",
    "printing",
    "sync",
    "syncing",
];

/// Common status words of Spanish, French, German, Portuguese and Italian (and a few chat
/// spellings), mapped to the English cue word they stand for. General vocabulary only.
pub fn translate_cue(norm: &str) -> &str {
    match norm {
        "hoy" | "aujourdhui" | "aaj" | "heute" | "oggi" | "hoje" | "dzisiaj" | "dzis" => "today",
        "manana" | "demain" | "kal" | "morgen" | "domani" | "amanha" | "jutro" => "tomorrow",
        "brakuje" | "manque" | "manquent" | "falta" | "faltan" | "fehlt" | "fehlen" => "lacking",
        "czekamy" | "czekam" => "awaiting",
        "nie" => "not",
        "mozemy" | "moge" | "puedo" | "podemos" | "peux" | "pouvons" | "kann" | "konnen" => "can",
        "listo" | "lista" | "listos" | "hecho" | "hecha" | "terminado" | "terminada"
        | "completado" | "completada" | "acabado" | "fini" | "finie" | "finis" | "termine"
        | "terminee" | "fait" | "faite" | "acheve" | "fertig" | "erledigt" | "abgeschlossen"
        | "fatto" | "finito" | "completato" | "pronto" | "feito" | "feita" | "concluido"
        | "concluida" | "terminei" | "terminados" | "terminadas" | "hechos" | "hechas"
        | "listas" | "finies" | "faits" | "faites" | "terminees" | "termines" | "feitos"
        | "feitas" | "concluidos" | "concluidas" | "zrobione" | "zrobiony" | "zrobiona"
        | "gotowe" | "gotowy" | "skonczone" => "done",
        "envoye" | "envoyes" | "envoyee" | "enviado" | "enviada" | "enviados" | "gesendet"
        | "verschickt" | "inviato" => "sent",
        "bloqueado" | "bloqueada" | "bloque" | "bloquee" | "bloques" | "blockiert" | "bloccato" => {
            "blocked"
        }
        "esperando" | "aguardando" | "attente" | "attends" | "warte" | "warten" | "wartet"
        | "aspetto" => "awaiting",
        "mitad" | "moitie" | "halb" | "halbe" | "halfte" | "metade" | "meta" => "half",
        "empece" | "empezado" | "comence" | "commence" | "commencee" | "angefangen"
        | "begonnen" | "iniciado" | "iniciei" | "comecei" | "iniziato" => "started",
        "cours" | "curso" | "andamento" | "arbeit" | "progreso" | "progresso" => "progress",
        "pas" | "nicht" | "nahi" | "nahin" | "nao" | "non" => "not",
        "nada" | "rien" | "nichts" | "niente" | "kein" | "keine" => "nothing",
        "tmrw" | "tmr" | "tmrow" | "tomorow" | "tommorow" | "tomm" | "2moro" | "2morrow" => {
            "tomorrow"
        }
        "nxt" | "prochaine" | "prochain" | "nachste" | "nachsten" | "nachstes" | "proxima"
        | "proximo" | "siguiente" | "prossima" | "prossimo" => "next",
        "semaine" | "woche" | "semana" | "settimana" => "week",
        "mois" | "monat" | "mes" => "month",
        "toujours" | "todavia" | "aun" | "noch" | "ainda" | "ancora" => "still",
        "wk" | "wks" => "week",
        "todo" | "tbd" => "remaining",
        "wip" => "wip",
        _ => norm,
    }
}

/// A word list with hashed lookup, built on first use (lists are scanned in hot loops).
pub struct WordSet {
    words: &'static [&'static str],
    cell: OnceLock<Filtered<&'static str>>,
}

impl WordSet {
    pub const fn new(words: &'static [&'static str]) -> Self {
        Self {
            words,
            cell: OnceLock::new(),
        }
    }

    #[inline]
    pub fn contains(&self, w: &str) -> bool {
        self.cell
            .get_or_init(|| self.words.iter().copied().collect())
            .contains(w)
    }
}

/// A bit per [`sketch`] value of the members: a word whose bit is clear is no member, so
/// most words of a text are turned away without hashing them.
pub struct Sketch([u64; 64]);

impl Default for Sketch {
    fn default() -> Self {
        Sketch([0; 64])
    }
}

/// Length, first, middle and last byte, mixed into 12 bits.
#[inline]
fn sketch(w: &str) -> usize {
    let b = w.as_bytes();
    let n = b.len();
    if n == 0 {
        return 0;
    }
    let (f, m, l) = (
        usize::from(b[0]),
        usize::from(b[n / 2]),
        usize::from(b[n - 1]),
    );
    (n.wrapping_mul(0x9e5) ^ f.wrapping_mul(0x3b) ^ (m << 5) ^ l.wrapping_mul(0x1f7)) & 4095
}

impl Sketch {
    fn insert(&mut self, w: &str) {
        let k = sketch(w);
        self.0[k >> 6] |= 1 << (k & 63);
    }

    #[inline]
    fn may_contain(&self, w: &str) -> bool {
        let k = sketch(w);
        self.0[k >> 6] & (1 << (k & 63)) != 0
    }
}

/// A hashed word set behind a [`Sketch`].
pub struct Filtered<S> {
    set: HashSet<S, FastHash>,
    sketch: Sketch,
}

impl<S: std::borrow::Borrow<str> + std::hash::Hash + Eq> FromIterator<S> for Filtered<S> {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let set: HashSet<S, FastHash> = iter.into_iter().collect();
        let mut sketch = Sketch::default();
        for w in &set {
            sketch.insert(w.borrow());
        }
        Filtered { set, sketch }
    }
}

impl<S: std::borrow::Borrow<str> + std::hash::Hash + Eq> Filtered<S> {
    #[inline]
    pub fn contains(&self, w: &str) -> bool {
        self.sketch.may_contain(w) && self.set.contains(w)
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
fn generic_stems() -> &'static Filtered<String> {
    static CELL: OnceLock<Filtered<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        GENERIC
            .iter()
            .flat_map(|w| [w.to_string(), stem(w)])
            .collect()
    })
}

/// Everyday words and their stems.
fn common_stems() -> &'static Filtered<String> {
    static CELL: OnceLock<Filtered<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        COMMON
            .iter()
            .chain(GENERIC)
            .flat_map(|w| [w.to_string(), stem(w)])
            .collect()
    })
}

/// Everyday vocabulary (see `COMMON`), by word or stem.
pub fn is_common(stem_or_norm: &str) -> bool {
    common_stems().contains(stem_or_norm)
}

/// Specific verbs and their stems.
fn specific_verb_stems() -> &'static Filtered<String> {
    static CELL: OnceLock<Filtered<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        SPECIFIC_VERBS
            .iter()
            .flat_map(|w| [w.to_string(), stem(w)])
            .collect()
    })
}

/// Stemmed key (words joined by a space) -> group ids.
/// The synonym index with a sketch of its keys.
type Index = (HashMap<String, Vec<usize>, FastHash>, Sketch);

fn index() -> &'static Index {
    static CELL: OnceLock<Index> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut m: HashMap<String, Vec<usize>, FastHash> = HashMap::default();
        for (g, words) in GROUPS.iter().enumerate() {
            for w in *words {
                let key = w.split(' ').map(stem).collect::<Vec<_>>().join(" ");
                m.entry(key).or_default().push(g);
            }
        }
        let mut sketch = Sketch::default();
        for k in m.keys() {
            sketch.insert(k);
        }
        (m, sketch)
    })
}

/// Stems that begin a multi-word entry of a synonym group ("sign" of "sign in").
pub fn starts_phrase(stem: &str) -> bool {
    static CELL: OnceLock<Filtered<String>> = OnceLock::new();
    CELL.get_or_init(|| {
        index()
            .0
            .keys()
            .filter_map(|k| k.split_once(' ').map(|(first, _)| first.to_string()))
            .collect()
    })
    .contains(stem)
}

/// Synonym groups of a stemmed word or phrase (words joined by one space).
pub fn groups(stemmed: &str) -> &'static [usize] {
    let (m, sketch) = index();
    if !sketch.may_contain(stemmed) {
        return &[];
    }
    m.get(stemmed).map_or(&[], Vec::as_slice)
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
