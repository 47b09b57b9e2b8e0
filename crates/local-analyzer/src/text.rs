//! Tokenising, normalising, light stemming and segmentation. Everything keeps byte offsets
//! into the original text so evidence can quote the employee's own words.

/// One word of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Lowercase, accent-folded, possessive and apostrophes removed ("Dana's" -> "dana").
    pub norm: String,
    pub stem: String,
    /// First char uppercase in the original.
    pub capitalized: bool,
    /// Two or more letters, all uppercase in the original ("PPE", "PAs").
    pub acronym: bool,
    /// Char right before the token, if any ('#' marks ticket numbers).
    pub prev: Option<char>,
}

impl Token {
    pub fn is_number(&self) -> bool {
        !self.norm.is_empty() && self.norm.chars().all(|c| c.is_ascii_digit() || c == '.')
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Number of chars of `s`: its length when ASCII (most words), else a count.
#[inline]
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Splits text into word tokens. Apostrophes inside words, decimal points and thousands
/// separators inside numbers, and a hyphen in codes like "W-9" or "OPS-231" stay inside.
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start_idx = i;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_alphanumeric() {
                j += 1;
                continue;
            }
            let prev = chars[j - 1].1;
            let next = chars.get(j + 1).map(|p| p.1);
            let joins = match (c, next) {
                (c, Some(n)) if is_apostrophe(c) => prev.is_alphabetic() && n.is_alphabetic(),
                ('.', Some(n)) | (',', Some(n)) => {
                    prev.is_ascii_digit()
                        && n.is_ascii_digit()
                        && (c == '.' || digits_ahead(&chars, j + 1) == 3)
                }
                ('-', Some(n)) => {
                    n.is_ascii_digit()
                        && (start_idx..j).all(|k| chars[k].1.is_alphabetic())
                        && j - start_idx <= 6
                }
                _ => false,
            };
            if joins {
                j += 1;
            } else {
                break;
            }
        }
        let start = chars[start_idx].0;
        let end = chars.get(j).map_or(text.len(), |p| p.0);
        let raw = &text[start..end];
        let prev = if start_idx > 0 {
            Some(chars[start_idx - 1].1)
        } else {
            None
        };
        out.push(make_token(raw, start, end, prev));
        i = j;
    }
    // A note typed in capitals says nothing about acronyms or names.
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    if letters >= 12 && upper * 10 >= letters * 7 {
        for t in &mut out {
            t.acronym = false;
            t.capitalized = false;
        }
    }
    out
}

fn digits_ahead(chars: &[(usize, char)], from: usize) -> usize {
    chars[from..]
        .iter()
        .take_while(|p| p.1.is_ascii_digit())
        .count()
}

fn make_token(raw: &str, start: usize, end: usize, prev: Option<char>) -> Token {
    let capitalized = raw.chars().next().is_some_and(char::is_uppercase);
    // Counted rather than collected: the letters, the uppercase ones, the last one.
    let (mut n_letters, mut n_upper, mut last) = (0usize, 0usize, None);
    for c in raw.chars().filter(|c| c.is_alphabetic()) {
        n_letters += 1;
        n_upper += usize::from(c.is_uppercase());
        last = Some(c);
    }
    // "PAs", "PRs": an acronym with a plural s ('s' is not uppercase, so the letters before
    // it are all uppercase when all but one are).
    let plural_s = last == Some('s') && n_letters > 2 && n_upper == n_letters - 1;
    let (core_len, core_upper) = if plural_s {
        (n_letters - 1, true)
    } else {
        (n_letters, n_upper == n_letters)
    };
    let acronym =
        core_len >= 2 && core_upper && raw.chars().all(|c| c.is_alphanumeric() || c == '-');
    let mut norm = normalize(raw);
    if acronym && core_len < n_letters && norm.ends_with('s') {
        norm.pop();
    }
    let stem = cached_stem(&norm);
    Token {
        start,
        end,
        norm,
        stem,
        capitalized,
        acronym,
        prev,
    }
}

/// Lowercase, fold common accents, drop a possessive "'s" and remaining apostrophes/hyphens.
pub fn normalize(raw: &str) -> String {
    if raw.is_ascii() {
        // The same steps on bytes: ASCII lowercases alone, folds to itself and has no "’s".
        let b = raw.as_bytes();
        let mut end = b.len();
        if end > 3 && b[end - 2] == b'\'' && b[end - 1].eq_ignore_ascii_case(&b's') {
            end -= 2;
        }
        let mut s = String::with_capacity(end);
        for &c in &b[..end] {
            if !matches!(c, b'\'' | b'-' | b',') {
                s.push(char::from(c.to_ascii_lowercase()));
            }
        }
        return s;
    }
    let mut s: String = raw.chars().flat_map(char::to_lowercase).map(fold).collect();
    for suffix in ["'s", "’s"] {
        if s.len() > suffix.len() + 1 && s.ends_with(suffix) {
            s.truncate(s.len() - suffix.len());
        }
    }
    s.retain(|c| !is_apostrophe(c) && c != '-' && c != ',');
    s
}

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' | 'ń' => 'n',
        'ç' | 'ć' => 'c',
        'ą' => 'a',
        'ę' => 'e',
        'ł' => 'l',
        'ś' => 's',
        'ź' | 'ż' => 'z',
        _ => c,
    }
}

/// Irregular verb forms, mapped to their base form before stemming.
fn irregular(w: &str) -> Option<&'static str> {
    Some(match w {
        "written" | "wrote" => "write",
        "sent" => "send",
        "built" => "build",
        "made" => "make",
        "got" | "gotten" => "get",
        "ran" => "run",
        "met" => "meet",
        "spent" => "spend",
        "paid" => "pay",
        "bought" => "buy",
        "taught" => "teach",
        "began" | "begun" => "begin",
        "went" | "gone" => "go",
        "did" | "done" => "do",
        "sold" => "sell",
        "held" => "hold",
        "brought" => "bring",
        "caught" => "catch",
        "found" => "find",
        "gave" | "given" => "give",
        "took" | "taken" => "take",
        "kept" => "keep",
        "drove" | "driven" => "drive",
        "chose" | "chosen" => "choose",
        "spoke" | "spoken" => "speak",
        "told" => "tell",
        "thought" => "think",
        "fed" => "feed",
        "led" => "lead",
        "hung" => "hang",
        "dug" => "dig",
        "swept" => "sweep",
        "fought" => "fight",
        "drew" | "drawn" => "draw",
        "rewrote" | "rewritten" => "rewrite",
        "rebuilt" => "rebuild",
        "resent" => "resend",
        "redid" | "redone" => "redo",
        "undid" | "undone" => "undo",
        _ => return None,
    })
}

fn english() -> &'static rust_stemmers::Stemmer {
    static CELL: std::sync::OnceLock<rust_stemmers::Stemmer> = std::sync::OnceLock::new();
    CELL.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

/// Spellings whose stems the stem cache keeps per thread before it starts over.
const STEM_CACHE: usize = 4096;

/// [`stem`], remembered per thread: words repeat within a text and across texts, and the
/// stemmer costs a few thousand instructions a word. A pure function, so the cache changes
/// no result; it is emptied when full, which bounds its memory.
pub fn cached_stem(norm: &str) -> String {
    type Cache = std::collections::HashMap<String, String, crate::fast_hash::FastHash>;
    thread_local! {
        static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::new(Cache::default());
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(s) = c.get(norm) {
            return s.clone();
        }
        let s = stem(norm);
        if c.len() >= STEM_CACHE {
            c.clear();
        }
        c.insert(norm.to_string(), s.clone());
        s
    })
}

/// The Snowball (Porter2) English stem, after mapping irregular verb forms to their base.
/// Codes with digits only lose a plural "s" ("W-9s" -> "w9").
pub fn stem(w: &str) -> String {
    if w.chars().any(|c| c.is_ascii_digit()) {
        // Ordinals name the same number: "14th" -> "14".
        for suffix in ["st", "nd", "rd", "th"] {
            if let Some(n) = w.strip_suffix(suffix) {
                if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
                    return n.to_string();
                }
            }
        }
        let mut s = w.to_string();
        if s.len() > 1
            && s.ends_with('s')
            && s[..s.len() - 1].ends_with(|c: char| c.is_ascii_digit())
        {
            s.pop();
        }
        return s;
    }
    let base = irregular(w).unwrap_or(w);
    if char_len(base) <= 2 {
        return base.to_string();
    }
    english().stem(base).into_owned()
}

/// Optimal-string-alignment distance (edits + adjacent swaps), giving up above `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        // Bytes are chars here: no collecting.
        return osa(a.as_bytes(), b.as_bytes(), max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa(&a, &b, max)
}

fn osa<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if a.len() < 64 && b.len() < 64 {
        return osa_rows(a, b, max);
    }
    osa_table(a, b, max)
}

/// [`osa`] over the full table: long words, and the tests' reference for [`osa_rows`].
fn osa_table<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

/// [`osa`] for words under 64 letters, keeping only the last three rows of the table (on
/// the stack, one byte a cell: no value exceeds 64).
fn osa_rows<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    let mut rows = [[0u8; 64]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i as u8;
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = v;
            row_min = row_min.min(usize::from(v));
        }
        if row_min > max {
            return None;
        }
    }
    let v = usize::from(rows[a.len() % 3][b.len()]);
    (v <= max).then_some(v)
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "st", "vs", "etc", "approx", "e", "g", "i", "jr", "sr", "no",
];

/// Byte ranges of sentences: split on line breaks, bullets, and . ! ? at a word end.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|p| p.1);
        let boundary = match c {
            '\n' | '\r' | '!' | '?' | '•' | '…' => true,
            '.' => {
                let after_ok = next.is_none_or(char::is_whitespace);
                let word = last_word(&text[start..i]);
                after_ok && !is_abbreviation(word)
            }
            _ => false,
        };
        if boundary {
            push_trimmed(text, start, i, &mut out);
            start = i + c.len_utf8();
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

/// `word`, lowercased, is one of [`ABBREVIATIONS`] (ASCII compared in place).
fn is_abbreviation(word: &str) -> bool {
    if word.is_ascii() {
        return ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
    }
    ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

fn last_word(s: &str) -> &str {
    s.rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
}

/// Pictographs and dingbats (✅, ✔, ❌, 🚧, 🎉 ...).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x2300..=0x23FF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x1F000..=0x1FAFF)
}

/// Words that start a new clause inside a sentence.
const CLAUSE_WORDS: &[&str] = &[
    "but", "then", "so", "while", "although", "though", "because", "and", "plus", "however",
];

/// Byte ranges of clauses inside `text[start..end]`: split on , ; : ( ) = dashes and a few
/// conjunctions, because each clause usually talks about one task.
pub fn clauses(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let seg = &text[start..end];
    let chars: Vec<(usize, char)> = seg.char_indices().collect();
    let mut cur = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let prev = if k > 0 { Some(chars[k - 1].1) } else { None };
        let next = chars.get(k + 1).map(|p| p.1);
        let split = match c {
            ',' | ';' | '(' | ')' | '=' | '—' | '–' | '|' => {
                !(c == ','
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit()))
            }
            ':' => {
                !(prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit()))
            }
            '-' | '+' | '&' => {
                prev.is_some_and(char::is_whitespace) && next.is_none_or(char::is_whitespace)
            }
            _ => false,
        };
        if split {
            push_trimmed(text, start + cur, start + i, &mut out);
            cur = i + c.len_utf8();
            continue;
        }
        // An emoji closes the clause it ends ("toner ✔ reset ✔ boardroom: ...") and stays
        // in it, so its status goes with the words before it.
        if is_emoji(c)
            && next.is_none_or(|n| !is_emoji(n) && n != '\u{fe0f}')
            && seg[cur..i].chars().any(char::is_alphanumeric)
        {
            push_trimmed(text, start + cur, start + i + c.len_utf8(), &mut out);
            cur = i + c.len_utf8();
            continue;
        }
        // A conjunction starts a new clause (the word stays in the new clause).
        let at_word_start = c.is_alphabetic() && prev.is_none_or(|p| !p.is_alphanumeric());
        if at_word_start && i > cur && is_clause_word(&seg[i..]) {
            push_trimmed(text, start + cur, start + i, &mut out);
            cur = i;
        }
    }
    push_trimmed(text, start + cur, end, &mut out);
    out
}

/// The alphabetic word at the start of `rest`, lowercased, is one of [`CLAUSE_WORDS`].
fn is_clause_word(rest: &str) -> bool {
    let end = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphabetic())
        .map_or(rest.len(), |(k, _)| k);
    let word = &rest[..end];
    if word.is_ascii() {
        return CLAUSE_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word));
    }
    let lower: String = word.chars().flat_map(char::to_lowercase).collect();
    CLAUSE_WORDS.contains(&lower.as_str())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let s = &text[start..end];
    let trim_chars = |c: char| c.is_whitespace() || matches!(c, '-' | '*' | '•' | '·' | '>' | '.');
    let lead = s.len() - s.trim_start_matches(trim_chars).len();
    let trail = s.len() - s.trim_end_matches(trim_chars).len();
    if lead + trail < s.len() && s.chars().any(char::is_alphanumeric) {
        out.push((start + lead, end - trail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_join_inflections() {
        for (a, b) in [
            ("updating", "update"),
            ("updated", "updates"),
            ("inspection", "inspect"),
            ("scheduling", "schedule"),
            ("deliveries", "delivery"),
            ("planned", "plan"),
            ("repacking", "repack"),
            ("renewal", "renew"),
            ("written", "write"),
            ("escalations", "escalated"),
            ("reconciled", "reconciling"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} vs {b}");
        }
        assert_ne!(stem("inspector"), stem("inspection"));
        assert_ne!(stem("need"), stem("ne"));
    }

    #[test]
    fn tokens_keep_codes_numbers_and_possessives() {
        let t = tokenize("Dana's PR, #412 and OPS-231; W-9s for $1,240 v18.3. PAs");
        let norms: Vec<&str> = t.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(
            norms,
            ["dana", "pr", "412", "and", "ops231", "w9s", "for", "1240", "v18.3", "pa"]
        );
        assert_eq!(t[2].prev, Some('#'));
        assert!(t[9].acronym && t[1].acronym && !t[0].acronym);
        assert_eq!(t[5].stem, "w9");
    }

    #[test]
    fn accents_fold() {
        assert_eq!(normalize("Mañana"), "manana");
        assert_eq!(normalize("traducción"), "traduccion");
        assert_eq!(normalize("aujourd'hui"), "aujourdhui");
    }

    /// The full-table algorithm `edit_distance` had before it kept only three rows.
    fn osa_reference(a: &str, b: &str, max: usize) -> Option<usize> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        super::osa_table(&a, &b, max)
    }

    #[test]
    fn three_row_edit_distance_matches_the_full_table() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "recieve",
            "receive",
            "propsal",
            "proposal",
            "inspector",
            "inspection",
            "finace",
            "finance",
            "mañana",
            "manana",
            "naïve",
            "reconciliation",
            "reconcile",
            "übergabe",
            "ubergabe",
            "x",
            "xx",
        ];
        for a in words {
            for b in words {
                for max in 0..4 {
                    assert_eq!(
                        edit_distance(a, b, max),
                        osa_reference(a, b, max),
                        "{a} / {b} / {max}"
                    );
                }
            }
        }
        let long = "a".repeat(70);
        assert_eq!(
            edit_distance(&long, &long[1..], 2),
            osa_reference(&long, &long[1..], 2)
        );
    }

    #[test]
    fn edit_distance_counts_swaps_and_gives_up() {
        assert_eq!(edit_distance("propsal", "proposal", 1), Some(1));
        assert_eq!(edit_distance("recieve", "receive", 1), Some(1));
        assert_eq!(edit_distance("inspector", "inspection", 1), None);
    }

    #[test]
    fn sentences_split_lines_bullets_and_stops_but_not_titles_or_decimals() {
        let text = "Called Dr. Osei. Upgrade to 18.3 done!\n- next item • third";
        let parts: Vec<&str> = sentences(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(
            parts,
            [
                "Called Dr. Osei",
                "Upgrade to 18.3 done",
                "next item",
                "third"
            ]
        );
    }

    #[test]
    fn clauses_split_on_punctuation_and_conjunctions() {
        let text = "Oct close: accruals booked, but waiting on ADP — at 10:04 then done";
        let parts: Vec<&str> = clauses(text, 0, text.len())
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect();
        assert_eq!(
            parts,
            [
                "Oct close",
                "accruals booked",
                "but waiting on ADP",
                "at 10:04",
                "then done"
            ]
        );
    }
}
