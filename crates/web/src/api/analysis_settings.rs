//! The company's analysis settings: score weights and what an objection means.

use super::json::ApiJson;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::settings::AnalysisPolicy;
use axum::extract::State;
use axum::Json;
use domain::score::ScoreWeights;
use domain::Role;
use serde::{Deserialize, Serialize};
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

impl From<AnalysisPolicy> for AnalysisSettingsDto {
    fn from(p: AnalysisPolicy) -> Self {
        Self {
            score_weights: p.score_weights,
            objection_mode: p.objection_mode,
        }
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
    Ok(Json(state.analysis_policy(who.tenant()).await?.into()))
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
    let policy = AnalysisPolicy {
        score_weights: req.score_weights,
        objection_mode: req.objection_mode,
    };
    state
        .set_analysis_policy(who.tenant(), user, &policy, &ip)
        .await?;
    Ok(Json(state.analysis_policy(who.tenant()).await?.into()))
}
