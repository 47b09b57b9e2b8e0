//! The company's analysis settings: the score weights and what an objection to AI
//! processing means (`local`: the built-in analyzer only; `none`: no analysis at all).

use crate::{App, Error, Result};
use domain::score::ScoreWeights;
use domain::{UserId, ValidationError};
use store::{AnalysisSettings, Tenant};

/// The settings as people see and change them.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisPolicy {
    pub score_weights: ScoreWeights,
    /// `local` or `none`.
    pub objection_mode: String,
}

impl App {
    pub async fn analysis_policy(&self, t: &Tenant) -> Result<AnalysisPolicy> {
        let s = self.store.analysis_settings(t).await?;
        Ok(AnalysisPolicy {
            score_weights: s
                .score_weights
                .as_deref()
                .and_then(|w| serde_json::from_str(w).ok())
                .unwrap_or_default(),
            objection_mode: s.objection_mode,
        })
    }

    /// Validates and stores new settings (weights must make sense; the mode is one of two);
    /// audited. They apply to analyses from now on.
    pub async fn set_analysis_policy(
        &self,
        t: &Tenant,
        actor: UserId,
        p: &AnalysisPolicy,
        ip: &str,
    ) -> Result<()> {
        let w = &p.score_weights;
        let weights = ScoreWeights::parse(w.tasks, w.unplanned, w.blocked_credit)?;
        if !matches!(p.objection_mode.as_str(), "local" | "none") {
            return Err(ValidationError::new("objection_mode", "must be 'local' or 'none'").into());
        }
        let json = serde_json::to_string(&weights).map_err(|_| Error::Internal)?;
        self.store
            .set_analysis_settings(
                t,
                &AnalysisSettings {
                    score_weights: Some(json),
                    objection_mode: p.objection_mode.clone(),
                },
            )
            .await?;
        self.audit(
            t,
            Some(actor),
            "analysis_settings_changed",
            &p.objection_mode,
            ip,
        )
        .await;
        Ok(())
    }
}
