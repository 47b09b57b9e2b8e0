//! OmniTrack's built-in analyzer: deterministic rules, no network, well under a millisecond
//! per text. It is the default analyzer and the fallback when an LLM is unavailable.
//!
//! Pipeline: split the text into sentences and clauses ([`text`]), find which task each
//! clause is about ([`attribution`], scoring with [`matching`] and [`concepts`] for
//! synonyms), then read the status cues of the clauses attributed to each task ([`cues`],
//! [`report`]).

mod attribution;
mod concepts;
mod cues;
pub mod eval;
mod fast_hash;
mod matching;
mod report;
mod standup;
mod text;

pub use report::extract_report;
pub use standup::check_standup;

/// Identifies this rule set in stored analyses; bump the suffix when rules change meaningfully.
pub const MODEL: &str = "local-rules-v3";
