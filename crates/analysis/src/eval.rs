//! Scores any analyzer against a labelled set (see `shared/eval/README.md`), with the same
//! metrics as `local_analyzer::eval`, so local and LLM results are directly comparable.

use local_analyzer::eval::{EvalItem, EvalReport, Kind, Tally};

use crate::{AnalysisError, Analyzer};

/// Runs every item through `analyzer`, one at a time (gentle on rate limits). The first
/// error stops the run: a partial score would be misleading.
pub async fn run(items: &[EvalItem], analyzer: &Analyzer) -> Result<EvalReport, AnalysisError> {
    let mut tally = Tally::default();
    for item in items {
        match item.kind {
            Kind::Standup => {
                let Some(labels) = &item.mentioned else {
                    continue;
                };
                let check = analyzer.check_standup(&item.tasks, &item.text).await?;
                let predicted: Vec<bool> = check.value.tasks.iter().map(|t| t.mentioned).collect();
                tally.add_standup(labels, &predicted);
            }
            Kind::Report => {
                let Some(labels) = &item.status else { continue };
                let report = analyzer.extract_report(&item.tasks, &item.text).await?;
                let predicted: Vec<_> = report.value.tasks.iter().map(|t| t.status).collect();
                tally.add_report(labels, &predicted);
            }
        }
    }
    Ok(tally.report())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_run_matches_the_local_runner() {
        let items = local_analyzer::eval::parse_jsonl(concat!(
            r#"{"id":"s","kind":"standup","tasks":["Fix login redirect loop","Reply to vendor RFP"],"text":"Fix login redirect loop today","mentioned":[true,false]}"#,
            "\n",
            r#"{"id":"r","kind":"report","tasks":["Fix login redirect loop"],"text":"Fixed and merged the login redirect loop.","status":["done"]}"#,
        ))
        .unwrap();
        let got = run(&items, &Analyzer::local()).await.unwrap();
        assert_eq!(got, local_analyzer::eval::run_local(&items));
        assert_eq!((got.standup.n, got.report.n), (2, 1));
    }
}
