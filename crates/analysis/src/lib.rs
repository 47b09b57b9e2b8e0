//! Analyzers for standup notes and end-of-day reports behind one interface: the built-in
//! local rules (default, no network), Anthropic's Claude Messages API, and any
//! OpenAI-compatible `/v1/chat/completions` server (Ollama, vLLM, llama.cpp). Also the
//! weekly summary and the eval runner.
//!
//! Analyzers only extract variables; the score is computed from them by `domain::score`.
//! What leaves the process is the minimum: task titles and the text (or anonymised weekly
//! figures) plus fixed instructions — never names, ID codes, emails, company names or ids.

mod analyzer;
mod claude;
mod config;
mod error;
pub mod eval;
mod http;
mod openai;
pub mod prompts;
mod retry;
mod schema;
mod summary;
mod themes;

pub use analyzer::{
    local_report, local_standup, local_summary, Analyzed, Analyzer, LOCAL_SUMMARY_MODEL,
};
pub use config::{
    AnalyzerConfig, DEFAULT_ANTHROPIC_BASE_URL, DEFAULT_ANTHROPIC_MODEL, DEFAULT_TIMEOUT,
};
pub use error::AnalysisError;
pub use prompts::PROMPT_VERSION;
pub use retry::RetryPolicy;
pub use summary::{WeeklyFigures, MIN_GROUP};
pub use themes::{blocker_theme, tally_themes, BlockerTheme};
