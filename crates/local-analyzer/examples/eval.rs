//! Scores the local analyzer on a JSONL eval file and times it.
//! `cargo run -p local-analyzer --release --example eval -- FILE [--table] [--time] [--errors]`

use std::time::Instant;

use local_analyzer::eval::{parse_jsonl, run_local, Kind};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: eval FILE [--table] [--time] [--errors]")?;
    let raw = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let items = parse_jsonl(&raw)?;
    let report = run_local(&items);
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );

    if args.iter().any(|a| a == "--table") {
        print!("{}", report.report_table());
    }
    if args.iter().any(|a| a == "--time") {
        let rounds = 200;
        let start = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(run_local(&items));
        }
        let per_text = start.elapsed().as_secs_f64() * 1e6 / (rounds * items.len()) as f64;
        println!("{per_text:.1} µs per text");
    }

    if args.iter().any(|a| a == "--errors") {
        for item in &items {
            match item.kind {
                Kind::Standup => {
                    let c = local_analyzer::check_standup(&item.tasks, &item.text);
                    for (k, m) in c.tasks.iter().enumerate() {
                        let label = item.mentioned.as_ref().and_then(|l| l.get(k)).copied();
                        if label != Some(m.mentioned) {
                            println!(
                                "{} [{}] label={label:?} got={} ev={:?}\n    {}",
                                item.id, m.task, m.mentioned, m.evidence, item.text
                            );
                        }
                    }
                }
                Kind::Report => {
                    let r = local_analyzer::extract_report(&item.tasks, &item.text);
                    for (k, o) in r.tasks.iter().enumerate() {
                        let label = item.status.as_ref().and_then(|l| l.get(k)).copied();
                        if label != Some(o.status) {
                            println!(
                                "{} [{}] label={label:?} got={:?} ev={:?}\n    {}",
                                item.id, o.task, o.status, o.evidence, item.text
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
