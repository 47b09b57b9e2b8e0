use super::json::ApiPath;
use super::json::ApiQuery;
use crate::auth::ApiPrincipal;
use crate::download;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::exports::{CsvFile, ExportQuery};
use axum::extract::State;
use axum::response::Response;
use domain::{EmployeeId, Role};
use uuid::Uuid;

async fn csv(
    state: AppState,
    who: ApiPrincipal,
    ip: String,
    q: ExportQuery,
    file: CsvFile,
) -> Result<Response, ApiError> {
    // Viewers read everything, so they may export it; each export is audited.
    let user = who.require(Role::Viewer)?;
    let d = state.export_csv(*who.tenant(), user, file, &q, &ip).await?;
    Ok(download::response(d))
}

/// Shifts as CSV (streamed): ids, employee name and ID code, clock-in/out in UTC and in the
/// company zone, the zone, duration, breaks, standup, report, score and its components,
/// auto-closed and corrected flags. Cells that a spreadsheet would run as formulas get a
/// leading `'`.
#[utoipa::path(get, path = "/api/v1/exports/shifts.csv", tag = "exports", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn shifts(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    csv(state, who, ip, q, CsvFile::Shifts).await
}

/// Scores with their components and reasons, one row per scored shift (streamed CSV).
#[utoipa::path(get, path = "/api/v1/exports/scores.csv", tag = "exports", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = ErrorBody)))]
pub async fn scores(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    csv(state, who, ip, q, CsvFile::Scores).await
}

/// Tasks as CSV; `from` / `to` filter by creation time.
#[utoipa::path(get, path = "/api/v1/exports/tasks.csv", tag = "exports", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = ErrorBody)))]
pub async fn tasks(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    csv(state, who, ip, q, CsvFile::Tasks).await
}

/// Everything the company holds, as CSV and JSON in one zip (owners only; audited).
#[utoipa::path(get, path = "/api/v1/export.zip", tag = "exports", security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 403, body = ErrorBody)))]
pub async fn company(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
) -> Result<Response, ApiError> {
    let user = who.require(Role::Owner)?;
    let d = state.export_company(who.tenant(), user, &ip).await?;
    Ok(download::response(d))
}

/// Everything about one employee (an access request), as JSON and CSV in one zip (audited).
#[utoipa::path(get, path = "/api/v1/employees/{id}/export", tag = "exports", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn employee(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    let user = who.require(Role::Supervisor)?;
    let d = state
        .export_employee(who.tenant(), user, EmployeeId(id), &ip)
        .await?;
    Ok(download::response(d))
}
