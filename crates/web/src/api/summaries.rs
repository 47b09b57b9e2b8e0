use super::json::ApiPath;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use domain::{Role, SummaryId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct SummaryDto {
    pub id: Uuid,
    /// First day of the week (company zone), `YYYY-MM-DD`.
    pub week_start: String,
    /// The plain-English summary.
    pub summary: String,
    /// The anonymised figures it was written from.
    #[schema(value_type = Object)]
    pub figures: serde_json::Value,
    pub analyzer: String,
    pub model: String,
    /// The configured analyzer failed and the local template stood in.
    pub fallback: bool,
    pub created_at: String,
}

impl From<store::Summary> for SummaryDto {
    fn from(s: store::Summary) -> Self {
        Self {
            id: s.id.0,
            week_start: s.week_start,
            summary: s.body,
            figures: serde_json::from_str(&s.figures).unwrap_or(serde_json::Value::Null),
            analyzer: s.analyzer,
            model: s.model,
            fallback: s.fallback,
            created_at: s.created_at.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SummaryList {
    pub summaries: Vec<SummaryDto>,
}

/// Weekly summaries, newest week first (at most 520).
#[utoipa::path(get, path = "/api/v1/summaries", tag = "reports", security(("bearer" = [])),
    responses((status = 200, body = SummaryList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
) -> Result<Json<SummaryList>, ApiError> {
    who.require(Role::Viewer)?;
    let all = state.store.summaries(who.tenant(), 520).await?;
    Ok(Json(SummaryList {
        summaries: all.into_iter().map(SummaryDto::from).collect(),
    }))
}

/// One weekly summary with its figures.
#[utoipa::path(get, path = "/api/v1/summaries/{id}", tag = "reports", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = SummaryDto), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SummaryDto>, ApiError> {
    who.require(Role::Viewer)?;
    Ok(Json(
        state
            .store
            .summary(who.tenant(), SummaryId(id))
            .await?
            .into(),
    ))
}
