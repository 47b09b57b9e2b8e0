//! The company's analysis settings: score weights and what an objection means.

use super::json::ApiJson;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use domain::score::ScoreWeights;
use domain::{Role, ValidationError};
use serde::{Deserialize, Serialize};
use store::{AnalysisSettings, Tenant};
use utoipa::ToSchema;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AnalysisSettingsDto {
    /// The score formula's weights (version 1).
    #[schema(schema_with = super::input_schemas::score_weights)]
    pub score_weights: ScoreWeights,
    /// `local`: an employee who objected is analysed by the built-in analyzer only (never an
    /// external model); `none`: not analysed at all.
    #[schema(schema_with = super::input_schemas::objection_mode)]
    pub objection_mode: String,
}

impl AppState {
    pub async fn analysis_settings(&self, t: &Tenant) -> Result<AnalysisSettingsDto, ApiError> {
        let s = self.store.analysis_settings(t).await?;
        Ok(AnalysisSettingsDto {
            score_weights: s
                .score_weights
                .as_deref()
                .and_then(|w| serde_json::from_str(w).ok())
                .unwrap_or_default(),
            objection_mode: s.objection_mode,
        })
    }

    /// Validates and stores new settings (weights must make sense; the mode is one of two).
    pub async fn set_analysis_settings(
        &self,
        t: &Tenant,
        dto: &AnalysisSettingsDto,
    ) -> Result<(), ApiError> {
        let w = &dto.score_weights;
        let weights = ScoreWeights::parse(w.tasks, w.unplanned, w.blocked_credit)?;
        if !matches!(dto.objection_mode.as_str(), "local" | "none") {
            return Err(ValidationError::new("objection_mode", "must be 'local' or 'none'").into());
        }
        let json = serde_json::to_string(&weights).map_err(|_| ApiError::internal())?;
        self.store
            .set_analysis_settings(
                t,
                &AnalysisSettings {
                    score_weights: Some(json),
                    objection_mode: dto.objection_mode.clone(),
                },
            )
            .await?;
        Ok(())
    }
}

/// The company's analysis settings.
#[utoipa::path(get, path = "/api/v1/settings/analysis", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = AnalysisSettingsDto), (status = 401, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<AnalysisSettingsDto>, ApiError> {
    who.require(Role::Viewer)?;
    Ok(Json(state.analysis_settings(who.tenant()).await?))
}

/// Changes the score weights and the objection mode (owner only; applies to new analyses).
#[utoipa::path(put, path = "/api/v1/settings/analysis", tag = "settings", security(("bearer" = [])), request_body = AnalysisSettingsDto,
    responses((status = 200, body = AnalysisSettingsDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<AnalysisSettingsDto>,
) -> Result<Json<AnalysisSettingsDto>, ApiError> {
    let user = state.api_writer(&who, Role::Owner).await?;
    state.set_analysis_settings(who.tenant(), &req).await?;
    state
        .audit(
            who.tenant(),
            Some(user),
            "analysis_settings_changed",
            &req.objection_mode,
            &ip,
        )
        .await;
    Ok(Json(state.analysis_settings(who.tenant()).await?))
}
