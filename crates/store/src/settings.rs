//! Company-level analysis settings.

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::{AnalysisSettings, Result, Store, StoreError, Tenant};

impl Store {
    pub async fn analysis_settings(&self, t: &Tenant) -> Result<AnalysisSettings> {
        if let Some(hit) = self.cache.settings.get(&t.company_id()) {
            return Ok(hit);
        }
        let s: AnalysisSettings = on_pool!(self, p => {
            let r = sqlx::query("SELECT score_weights, objection_mode FROM companies WHERE id = $1")
                .bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)?;
            AnalysisSettings { score_weights: r.opt_string("score_weights")?, objection_mode: r.string("objection_mode")? }
        });
        self.cache.settings.put(t.company_id(), s.clone());
        Ok(s)
    }

    pub async fn set_analysis_settings(&self, t: &Tenant, s: &AnalysisSettings) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("UPDATE companies SET score_weights = $1, objection_mode = $2 WHERE id = $3")
                .bind(s.score_weights.as_deref()).bind(&s.objection_mode).bind(t.company_id().0).execute(p).await?;
        });
        self.cache.forget_all();
        Ok(())
    }
}
