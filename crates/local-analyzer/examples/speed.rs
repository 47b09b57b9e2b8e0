//! Latency of the local analyzer per text, by input size (a benchmark, not a timed test).
//! `cargo run --release -p local-analyzer --example speed`
//!
//! For 0.5, 1, 2, 4 and 8 KB notes against 5 tasks it times `check_standup` and
//! `extract_report` on many different texts of that size and prints p50 / p99 / max per
//! text and the time per KB, so a super-linear step shows up as a rising µs/KB.

use std::time::Instant;

use local_analyzer::{check_standup, extract_report};

const TASKS: [&str; 5] = [
    "OPS-42 Fix login timeout",
    "Replace HVAC unit, Miller Rd",
    "Reconcile Q3 vendor payments",
    "Brand refresh: typography",
    "Cycle count aisle 14 (frozen)",
];

/// Sentences in the styles people write: task references, cues, noise, other languages.
const SENTENCES: [&str; 16] = [
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
fn text(bytes: usize, seed: usize) -> String {
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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let tasks: Vec<String> = TASKS.iter().map(|s| s.to_string()).collect();
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    println!("5 tasks, {runs} texts per size; times per text (check_standup + extract_report each timed alone)");
    println!(
        "{:>6}  {:>9} {:>9} {:>9} {:>9}  {:>9} {:>9} {:>9}",
        "size", "su p50", "su p99", "rep p50", "rep p99", "rep max", "µs/KB p50", ""
    );
    let sizes: Vec<f64> = std::env::var("SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![0.5, 1.0, 2.0, 4.0, 8.0]);
    for kb in sizes {
        let bytes = (kb * 1024.0) as usize;
        let texts: Vec<String> = (0..64).map(|s| text(bytes, s)).collect();
        // Warm-up (lazy word tables, caches).
        for t in &texts {
            std::hint::black_box(check_standup(&tasks, t));
            std::hint::black_box(extract_report(&tasks, t));
        }
        let mut su = Vec::with_capacity(runs);
        let mut rep = Vec::with_capacity(runs);
        for i in 0..runs {
            let t = &texts[i % texts.len()];
            let start = Instant::now();
            std::hint::black_box(check_standup(&tasks, t));
            su.push(start.elapsed().as_secs_f64() * 1e6);
            let start = Instant::now();
            std::hint::black_box(extract_report(&tasks, t));
            rep.push(start.elapsed().as_secs_f64() * 1e6);
        }
        su.sort_by(f64::total_cmp);
        rep.sort_by(f64::total_cmp);
        println!(
            "{:>4} KB  {:>7.0}µs {:>7.0}µs {:>7.0}µs {:>7.0}µs  {:>7.0}µs {:>9.0}",
            kb,
            percentile(&su, 0.5),
            percentile(&su, 0.99),
            percentile(&rep, 0.5),
            percentile(&rep, 0.99),
            rep.last().copied().unwrap_or(0.0),
            percentile(&rep, 0.5) / kb,
        );
    }
}
