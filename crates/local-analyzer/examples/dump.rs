//! Prints the analyzer's outputs, one line per input, so a change that must not change any
//! output can be checked with `cmp` against a baseline dump.
//!
//! `cargo run --release -p local-analyzer --example dump -- FILE...` runs `check_standup`
//! and `extract_report` on every item of the JSONL files (both, whatever the item's kind)
//! and prints the two serialized results tab-separated, one line per item, no labels.
//! `--cross` also runs each item's text against the next item's tasks.
//! `--speed` instead dumps the generated texts of the `speed` example (0.5 to 16 KB, 64
//! texts per size, the same 5 tasks).

use local_analyzer::eval::parse_jsonl;
use local_analyzer::{check_standup, extract_report};

#[path = "common/texts.rs"]
mod speed_texts;

fn line(tasks: &[String], text: &str) -> Result<String, String> {
    let s = serde_json::to_string(&check_standup(tasks, text)).map_err(|e| e.to_string())?;
    let r = serde_json::to_string(&extract_report(tasks, text)).map_err(|e| e.to_string())?;
    Ok(format!("{s}\t{r}"))
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cross = args.iter().any(|a| a == "--cross");
    if args.iter().any(|a| a == "--speed") {
        let tasks = speed_texts::tasks();
        for kb in [0.5, 1.0, 2.0, 4.0, 8.0, 16.0] {
            for seed in 0..64 {
                let t = speed_texts::text((kb * 1024.0) as usize, seed);
                println!("{}", line(&tasks, &t)?);
            }
        }
        return Ok(());
    }
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if files.is_empty() {
        return Err("usage: dump [--cross] FILE... | dump --speed".into());
    }
    for path in files {
        let raw = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let items = parse_jsonl(&raw)?;
        for (k, item) in items.iter().enumerate() {
            println!("{}", line(&item.tasks, &item.text)?);
            if cross {
                let other = &items[(k + 1) % items.len()];
                println!("{}", line(&other.tasks, &item.text)?);
            }
        }
    }
    Ok(())
}
