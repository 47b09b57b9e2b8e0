//! OmniTrack's built-in analyzer: deterministic rules and a small embedded model, no
//! network, well under a millisecond per text. It is the default analyzer and the fallback
//! when an LLM is unavailable.
//!
//! Pipeline: split the text into sentences and clauses ([`text`]), find which task each
//! clause is about ([`attribution`], scoring with [`matching`] and [`concepts`] for
//! synonyms), then read the status cues of the clauses attributed to each task ([`cues`],
//! [`report`]). For a task with attributed clauses, a logistic-regression model
//! ([`model`], trained by [`learn`] on the labelled eval data) decides the status from the
//! rules' decision, the cues, how the task was matched and the clauses' words
//! ([`features`]). A second model ([`mention`]) decides whether the text is about a task at
//! all: it answers the standup check, and gives a report task the matcher connected to no
//! clause its best candidate clause.

mod attribution;
mod concepts;
mod cues;
pub mod eval;
mod fast_hash;
mod features;
pub mod learn;
mod matching;
mod mention;
pub mod model;
mod report;
mod standup;
mod text;

pub use report::extract_report;
pub use standup::check_standup;

/// Identifies this analyzer in stored analyses; bump the suffix when rules or the embedded
/// model change meaningfully.
pub const MODEL: &str = "local-learned-v3";
