//! `omnitrack eval FILE`: scores an analyzer against a labelled JSONL set (see
//! `shared/eval/README.md` for the format). With `--json` it prints exactly one object:
//! `{"standup":{"precision","recall","f1","n"},"report":{"accuracy","macro_f1","n",
//! "per_class":{"done":{"precision","recall","f1","n","predicted"},"progress",…},
//! "classes":["done","progress","blocked","none"],"confusion":[[…4]…4]}}`;
//! `confusion[label][predicted]` follows the `classes` order. The text output shows the same
//! per-class table and confusion matrix.

use analysis::{Analyzer, AnalyzerConfig};
use clap::ValueEnum;
use std::path::Path;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Which {
    Local,
    Claude,
    Openai,
}

fn analyzer(which: Which) -> anyhow::Result<Analyzer> {
    let env = AnalyzerConfig::from_env_values(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))?;
    let cfg = match which {
        Which::Local => return Ok(Analyzer::local()),
        Which::Claude => {
            anyhow::ensure!(
                env.anthropic_api_key.is_some(),
                "--analyzer claude needs ANTHROPIC_API_KEY"
            );
            AnalyzerConfig {
                openai_base_url: None,
                ..env
            }
        }
        Which::Openai => {
            anyhow::ensure!(
                env.openai_base_url.is_some(),
                "--analyzer openai needs OPENAI_BASE_URL and OPENAI_MODEL"
            );
            AnalyzerConfig {
                anthropic_api_key: None,
                ..env
            }
        }
    };
    Ok(Analyzer::new(cfg)?)
}

pub async fn run(file: &Path, which: Which, json: bool) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let items = local_analyzer::eval::parse_jsonl(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let analyzer = analyzer(which)?;
    let started = std::time::Instant::now();
    let report = analysis::eval::run(&items, &analyzer).await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        let s = &report.standup;
        let r = &report.report;
        println!(
            "analyzer: {} ({})  items: {}  time: {:.1} ms",
            analyzer.name(),
            analyzer.model(),
            items.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
        println!(
            "standup  precision {:.3}  recall {:.3}  F1 {:.3}  (n = {})",
            s.precision, s.recall, s.f1, s.n
        );
        println!(
            "report   accuracy  {:.3}  macro-F1 {:.3}  (n = {})",
            r.accuracy, r.macro_f1, r.n
        );
        print!("{}", report.report_table());
    }
    Ok(())
}
