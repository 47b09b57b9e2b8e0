use super::json::ApiPath;
use super::json::ApiQuery;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::exports::{company_zip, employee_zip, stream_shifts, tasks_csv, ExportQuery, Kind};
use crate::middleware::client_ip::ClientIp;
use crate::reports::Calendar;
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use domain::{EmployeeId, Role};
use uuid::Uuid;

async fn csv(
    state: AppState,
    who: ApiPrincipal,
    ip: String,
    q: ExportQuery,
    what: &'static str,
) -> Result<Response, ApiError> {
    let user = who.require(Role::Supervisor)?;
    let t = *who.tenant();
    let cal = Calendar::of(&state, &t).await?;
    let filter = q.filter(&cal)?;
    if let Some(e) = filter.employee {
        // Another company's (or an unknown) employee is a 404, not an empty file.
        state.store.employee(&t, e).await?;
    }
    state.audit(&t, Some(user), "export_csv", what, &ip).await;
    Ok(match what {
        "shifts.csv" => stream_shifts(state, t, cal, filter, Kind::Shifts),
        "scores.csv" => stream_shifts(state, t, cal, filter, Kind::Scores),
        _ => tasks_csv(&state, &t, filter).await?,
    })
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
    csv(state, who, ip, q, "shifts.csv").await
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
    csv(state, who, ip, q, "scores.csv").await
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
    csv(state, who, ip, q, "tasks.csv").await
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
    state
        .audit(
            who.tenant(),
            Some(user),
            "export_company",
            "export.zip",
            &ip,
        )
        .await;
    Ok(company_zip(&state, who.tenant()).await?)
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
    let res = employee_zip(&state, who.tenant(), EmployeeId(id)).await?;
    state
        .audit(
            who.tenant(),
            Some(user),
            "export_employee",
            &id.to_string(),
            &ip,
        )
        .await;
    Ok(res)
}
