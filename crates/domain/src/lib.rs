//! OmniTrack's domain: typed ids, validated inputs ("parse, don't validate"), roles and the
//! score formula. Nothing here performs I/O, so every rule is testable in isolation.

pub mod analysis;
pub mod calendar;
pub mod ids;
pub mod inputs;
pub mod role;
pub mod score;

pub use analysis::{ReportExtraction, StandupCheck, TaskMention, TaskOutcome, TaskStatus};
pub use ids::*;
pub use inputs::*;
pub use role::Role;

/// A rejected input, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
