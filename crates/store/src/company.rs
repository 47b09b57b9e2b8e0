//! The company row and its analysis settings: plain data, kept apart from the queries
//! (`accounts.rs`, `settings.rs`) because the store's hot cache holds them too.

use domain::CompanyId;
use jiff::Timestamp;

#[derive(Debug, Clone)]
pub struct Company {
    pub id: CompanyId,
    pub name: String,
    pub timezone: String,
    pub week_start: i16,
    pub status: String,
    pub created_at: Timestamp,
    pub canceled_at: Option<Timestamp>,
    pub purge_at: Option<Timestamp>,
    /// Set for companies that existed before trials; `None`: the trial runs from `created_at`.
    pub trial_ends_at: Option<Timestamp>,
}

/// Company-level analysis settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisSettings {
    /// JSON of the score weights; `None` means the formula's defaults.
    pub score_weights: Option<String>,
    /// `local`: objecting employees are analysed by the built-in analyzer only;
    /// `none`: they are not analysed at all.
    pub objection_mode: String,
}
