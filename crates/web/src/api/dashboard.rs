use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use app::reports::Board;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::Role;

/// The live board: who is in, standups that missed tasks today, auto-closed shifts awaiting
/// confirmation, failed analyses, kiosk alerts of the last 24 hours, recent summaries.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports", security(("bearer" = [])),
    responses((status = 200, body = Board), (status = 401, body = ErrorBody)))]
pub async fn get(State(state): State<AppState>, who: ApiPrincipal) -> Result<Response, ApiError> {
    who.require(Role::Viewer)?;
    let b = state.live_board(who.tenant()).await?;
    Ok(Json(&*b).into_response())
}
