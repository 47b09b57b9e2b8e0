//! The one interface the web app and workers use, whichever analyzer is configured.

use std::sync::Arc;

use domain::{ReportExtraction, StandupCheck};

use crate::claude::ClaudeClient;
use crate::openai::OpenAiClient;
use crate::prompts::{self, Prompt, PROMPT_VERSION};
use crate::{schema, summary, AnalysisError, AnalyzerConfig, WeeklyFigures};

/// Identifies the template behind [`local_summary`], like `local_analyzer::MODEL` does rules.
pub const LOCAL_SUMMARY_MODEL: &str = "local-summary-v1";

/// A result together with what produced it, stored so every analysis can be explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Analyzed<T> {
    pub value: T,
    /// `"local"`, `"claude"` or `"openai"`.
    pub analyzer: &'static str,
    /// The model that answered (as reported by the API), or the local rule-set version.
    pub model: String,
    /// [`PROMPT_VERSION`] for external analyzers; 0 for local ones, which use no prompt.
    pub prompt_version: u32,
}

enum Backend {
    Local,
    Claude(ClaudeClient),
    OpenAi(OpenAiClient),
}

/// An analyzer; cheap to clone (one `Arc`), safe to share between tasks.
#[derive(Clone)]
pub struct Analyzer {
    backend: Arc<Backend>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("name", &self.name())
            .field("model", &self.model())
            .finish()
    }
}

impl Analyzer {
    /// Claude when an Anthropic key is set, else the OpenAI-compatible server when its base
    /// URL is set, else the local analyzer.
    pub fn new(cfg: AnalyzerConfig) -> Result<Self, AnalysisError> {
        let backend = if let Some(key) = &cfg.anthropic_api_key {
            Backend::Claude(ClaudeClient::new(
                key,
                &cfg.anthropic_base_url,
                &cfg.anthropic_model,
                cfg.timeout,
                cfg.retry,
            )?)
        } else if let Some(url) = &cfg.openai_base_url {
            let model = cfg.openai_model.as_deref().ok_or_else(|| {
                AnalysisError::Config("OPENAI_BASE_URL is set but OPENAI_MODEL is not".into())
            })?;
            Backend::OpenAi(OpenAiClient::new(
                url,
                model,
                cfg.openai_api_key.as_ref(),
                cfg.timeout,
                cfg.retry,
            )?)
        } else {
            Backend::Local
        };
        Ok(Self {
            backend: Arc::new(backend),
        })
    }

    pub fn local() -> Self {
        Self {
            backend: Arc::new(Backend::Local),
        }
    }

    pub fn name(&self) -> &'static str {
        match &*self.backend {
            Backend::Local => "local",
            Backend::Claude(_) => crate::claude::PROVIDER,
            Backend::OpenAi(_) => crate::openai::PROVIDER,
        }
    }

    /// The configured model name (the local rule-set version for the local analyzer).
    pub fn model(&self) -> &str {
        match &*self.backend {
            Backend::Local => local_analyzer::MODEL,
            Backend::Claude(c) => c.model(),
            Backend::OpenAi(c) => c.model(),
        }
    }

    /// True when text leaves the process (so the employee's objection to AI processing and
    /// the privacy policy apply).
    pub fn is_external(&self) -> bool {
        !matches!(&*self.backend, Backend::Local)
    }

    /// Which assigned tasks the clock-in note mentions; one entry per task, in order.
    pub async fn check_standup(
        &self,
        tasks: &[String],
        text: &str,
    ) -> Result<Analyzed<StandupCheck>, AnalysisError> {
        // Nothing to check: no reason to send the note anywhere.
        if tasks.is_empty() || !self.is_external() {
            return Ok(local_standup(tasks, text));
        }
        let prompt = Prompt {
            system: prompts::standup_system(),
            user: prompts::task_input(tasks, text),
            schema: schema::standup_schema(),
            schema_name: "standup_check",
            max_tokens: token_budget(256, 128, tasks.len()),
        };
        self.ask(&prompt, |p, raw| schema::parse_standup(p, tasks, raw))
            .await
    }

    /// Per-task statuses, blockers and unplanned work from the clock-out report.
    pub async fn extract_report(
        &self,
        tasks: &[String],
        text: &str,
    ) -> Result<Analyzed<ReportExtraction>, AnalysisError> {
        if !self.is_external() {
            return Ok(local_report(tasks, text));
        }
        let prompt = Prompt {
            system: prompts::report_system(),
            user: prompts::task_input(tasks, text),
            schema: schema::report_schema(),
            schema_name: "report_extraction",
            max_tokens: token_budget(512, 160, tasks.len()),
        };
        self.ask(&prompt, |p, raw| schema::parse_report(p, tasks, raw))
            .await
    }

    /// A plain-English weekly summary. External analyzers receive the serialized figures
    /// and nothing else.
    pub async fn summarize_week(
        &self,
        figures: &WeeklyFigures,
    ) -> Result<Analyzed<String>, AnalysisError> {
        figures.validate()?;
        if !self.is_external() {
            return Ok(local_summary(figures));
        }
        let user = serde_json::to_string(figures)
            .map_err(|e| AnalysisError::InvalidInput(format!("weekly figures: {e}")))?;
        let prompt = Prompt {
            system: prompts::summary_system(),
            user,
            schema: schema::summary_schema(),
            schema_name: "weekly_summary",
            max_tokens: 1024,
        };
        self.ask(&prompt, schema::parse_summary).await
    }

    async fn ask<T>(
        &self,
        prompt: &Prompt,
        parse: impl Fn(&'static str, &str) -> Result<T, AnalysisError>,
    ) -> Result<Analyzed<T>, AnalysisError> {
        let (analyzer, (value, model)) = match &*self.backend {
            Backend::Claude(c) => {
                let p = crate::claude::PROVIDER;
                (p, c.complete(prompt, |raw| parse(p, raw)).await?)
            }
            Backend::OpenAi(c) => {
                let p = crate::openai::PROVIDER;
                (p, c.complete(prompt, |raw| parse(p, raw)).await?)
            }
            Backend::Local => {
                return Err(AnalysisError::Config(
                    "the local analyzer has no model to ask".into(),
                ))
            }
        };
        tracing::debug!(analyzer, %model, "analysis done");
        Ok(Analyzed {
            value,
            analyzer,
            model,
            prompt_version: PROMPT_VERSION,
        })
    }
}

/// Output allowance: JSON overhead plus room for each task's entry and evidence quote.
fn token_budget(base: u32, per_task: u32, tasks: usize) -> u32 {
    let n = u32::try_from(tasks).unwrap_or(u32::MAX);
    base.saturating_add(per_task.saturating_mul(n)).min(8192)
}

/// The standup check by the built-in rules (also the fallback when an LLM fails).
pub fn local_standup(tasks: &[String], text: &str) -> Analyzed<StandupCheck> {
    // The check has one entry per assigned task: with none there is nothing to look for,
    // and reading the note (most of a clock-in's CPU) would only confirm it.
    let check = if tasks.is_empty() {
        StandupCheck { tasks: Vec::new() }
    } else {
        local_analyzer::check_standup(tasks, text)
    };
    local(check, local_analyzer::MODEL)
}

/// The report extraction by the built-in rules (also the fallback when an LLM fails).
pub fn local_report(tasks: &[String], text: &str) -> Analyzed<ReportExtraction> {
    local(
        local_analyzer::extract_report(tasks, text),
        local_analyzer::MODEL,
    )
}

/// The weekly summary from a fixed template (also the fallback when an LLM fails).
pub fn local_summary(figures: &WeeklyFigures) -> Analyzed<String> {
    local(summary::write_summary(figures), LOCAL_SUMMARY_MODEL)
}

fn local<T>(value: T, model: &str) -> Analyzed<T> {
    Analyzed {
        value,
        analyzer: "local",
        model: model.to_owned(),
        prompt_version: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standup_without_tasks_gets_the_check_the_rules_would_give() {
        for note in [
            "",
            "Inventory, then the Miller site",
            "won't get to OPS-42 🙂",
        ] {
            assert_eq!(
                local_standup(&[], note).value,
                local_analyzer::check_standup(&[], note),
                "{note}"
            );
        }
    }

    #[test]
    fn budget_grows_with_tasks_and_is_capped() {
        assert_eq!(token_budget(256, 128, 0), 256);
        assert_eq!(token_budget(256, 128, 5), 896);
        assert_eq!(token_budget(512, 160, 10_000), 8192);
    }

    #[tokio::test]
    async fn local_analyzer_needs_no_network() {
        let a = Analyzer::local();
        assert_eq!((a.name(), a.is_external()), ("local", false));
        let tasks = vec!["Fix login redirect loop".to_owned()];
        let s = a
            .check_standup(&tasks, "Fix login redirect loop first")
            .await
            .unwrap();
        assert_eq!((s.analyzer, s.prompt_version), ("local", 0));
        assert_eq!(s.model, local_analyzer::MODEL);
        assert_eq!(s.value.tasks.len(), 1);
        let r = a
            .extract_report(&tasks, "Fixed the login redirect loop, merged.")
            .await
            .unwrap();
        assert_eq!(r.value.tasks.len(), 1);
    }
}
