//! Latency of the local analyzer per text, by input size (a benchmark, not a timed test).
//! `cargo run --release -p local-analyzer --example speed`
//!
//! For 0.5, 1, 2, 4 and 8 KB notes against 5 tasks it times `check_standup` and
//! `extract_report` on many different texts of that size and prints p50 / p99 / max per
//! text and the time per KB, so a super-linear step shows up as a rising µs/KB.
//!
//! Environment: `SIZES=0.5,2` (KB, comma-separated), `RUNS=400` (timed texts per size),
//! `ONLY=standup` or `ONLY=report` (run only one of the two, e.g. under callgrind).

use std::time::Instant;

use local_analyzer::{check_standup, extract_report};

#[path = "common/texts.rs"]
mod texts;
use texts::{tasks as task_list, text};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let tasks = task_list();
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    println!("5 tasks, {runs} texts per size; times per text (check_standup + extract_report each timed alone)");
    println!(
        "{:>6}  {:>9} {:>9} {:>9} {:>9}  {:>9} {:>9} {:>9}",
        "size", "su p50", "su p99", "rep p50", "rep p99", "rep max", "µs/KB p50", ""
    );
    let only = std::env::var("ONLY").unwrap_or_default();
    let do_su = only != "report";
    let do_rep = only != "standup";
    let sizes: Vec<f64> = std::env::var("SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![0.5, 1.0, 2.0, 4.0, 8.0]);
    for kb in sizes {
        let bytes = (kb * 1024.0) as usize;
        let texts: Vec<String> = (0..64).map(|s| text(bytes, s)).collect();
        // Warm-up (lazy word tables, caches).
        for t in &texts {
            if do_su {
                std::hint::black_box(check_standup(&tasks, t));
            }
            if do_rep {
                std::hint::black_box(extract_report(&tasks, t));
            }
        }
        let mut su = Vec::with_capacity(runs);
        let mut rep = Vec::with_capacity(runs);
        for i in 0..runs {
            let t = &texts[i % texts.len()];
            if do_su {
                let start = Instant::now();
                std::hint::black_box(check_standup(&tasks, t));
                su.push(start.elapsed().as_secs_f64() * 1e6);
            }
            if do_rep {
                let start = Instant::now();
                std::hint::black_box(extract_report(&tasks, t));
                rep.push(start.elapsed().as_secs_f64() * 1e6);
            }
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
