//! The generated notes of the `speed` example, shared with `dump`.

#![allow(dead_code)]

pub const TASKS: [&str; 5] = [
    "OPS-42 Fix login timeout",
    "Replace HVAC unit, Miller Rd",
    "Reconcile Q3 vendor payments",
    "Brand refresh: typography",
    "Cycle count aisle 14 (frozen)",
];

/// Sentences in the styles people write: task references, cues, noise, other languages.
pub const SENTENCES: [&str; 16] = [
    "the 42 fix is merged ✅ and deployed to staging.",
    "Swapping the compressor at the Miller site took most of the morning, unit running fine now.",
    "Q3 vendor rec: 12 of 20 payments matched, rest tomorrow.",
    "typography still waiting on the brand team to pick between the two pairings 🚧",
    "aisle 14 count half done, variance on 3 SKUs I'll recheck in the morning.",
    "Phones were nuts today, 60+ calls by noon, covered the front desk while Mo was out.",
    "- won't get to the frozen count today, moved to next Monday",
    "Heute: Besprechung mit dem Lieferanten, dann Inventur fertig.",
    "couldn't log in to the vendor portal because the VPN was down all afternoon.",
    "if that goes fast I'll start on the payments, otherwise Thursday.",
    "Login timeout: found the race in the session refresh, fix is WIP, PR open.",
    "pas aujourd'hui pour la typo, demain matin.",
    "Helped Dana debug a flaky e2e test, then lunch, then the weekly sync.",
    "HVAC: Miller Rd needs a new contactor, ordered it, can't finish till it arrives.",
    "* reconciled Mon–Wed, Thu/Fri tomorrow; AmEx tied out to the penny",
    "Nothing on the brand refresh, the fonts license hasn't come through yet.",
];

/// A deterministic text of about `bytes` bytes, different for each `seed`.
pub fn text(bytes: usize, seed: usize) -> String {
    let mut out = String::new();
    let mut k = seed;
    while out.len() < bytes {
        out.push_str(SENTENCES[k % SENTENCES.len()]);
        out.push(if k.is_multiple_of(3) { '\n' } else { ' ' });
        k = k.wrapping_mul(7).wrapping_add(3);
    }
    let mut end = bytes.min(out.len());
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

/// The 5 task titles as owned strings.
pub fn tasks() -> Vec<String> {
    TASKS.iter().map(|s| s.to_string()).collect()
}
