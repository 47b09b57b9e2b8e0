use super::dto::{ChangeDto, ShiftDto};
use super::json::{ApiJson, ApiPath, ApiQuery};
use super::paging;
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::reports::AnalysisIndex;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::{EmployeeId, Reason, ReportText, Role, ShiftId, StandupText, ValidationError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use store::{ShiftCorrection, ShiftCursor, ShiftFilter};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShiftQuery {
    /// RFC 3339 instant or `YYYY-MM-DD` (a day in the company's zone): shifts that started at or after it.
    #[param(schema_with = super::input_schemas::day_or_instant)]
    pub from: Option<String>,
    /// RFC 3339 instant, or `YYYY-MM-DD` meaning the end of that day in the company's zone.
    #[param(schema_with = super::input_schemas::day_or_instant)]
    pub to: Option<String>,
    pub employee_id: Option<Uuid>,
    /// At most this many shifts (1–1,000; default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// Where to continue: the `next_cursor` of the previous page.
    #[param(
        pattern = r"^-?[0-9]{1,18}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ShiftList {
    /// Oldest first (by clock-in).
    pub shifts: Vec<ShiftDto>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ShiftPatch {
    /// Why the shift is corrected (required; kept with the change).
    #[schema(schema_with = super::input_schemas::reason)]
    pub reason: String,
    #[schema(schema_with = super::input_schemas::instant_opt)]
    pub clock_in_at: Option<String>,
    #[schema(schema_with = super::input_schemas::instant_opt)]
    pub clock_out_at: Option<String>,
    #[schema(schema_with = super::input_schemas::standup_opt)]
    pub standup: Option<String>,
    #[schema(schema_with = super::input_schemas::report_opt)]
    pub report: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct WeekApproval {
    pub employee_id: Uuid,
    /// Any day of the week to approve (`YYYY-MM-DD`, company zone).
    #[schema(schema_with = super::input_schemas::approval_week)]
    pub week: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApprovalResult {
    pub week_start: String,
    pub locked_shifts: u64,
}

#[derive(Deserialize, ToSchema)]
pub struct ScoreOverride {
    #[schema(maximum = 100)]
    pub score: u8,
    #[schema(schema_with = super::input_schemas::reason)]
    pub reason: String,
}

fn instant(
    field: &'static str,
    s: &str,
    tz: &jiff::tz::TimeZone,
    end_of_day: bool,
) -> Result<Timestamp, ValidationError> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let d: jiff::civil::Date = s.parse().map_err(|_| {
        ValidationError::new(
            field,
            "must be an RFC 3339 time like 2026-05-01T08:00:00Z or a date like 2026-05-01",
        )
    })?;
    let (start, end) = domain::calendar::day_range(d, d, tz)
        .ok_or_else(|| ValidationError::new(field, "is out of range"))?;
    Ok(if end_of_day { end } else { start })
}

async fn company_tz(state: &AppState, who: &ApiPrincipal) -> Result<jiff::tz::TimeZone, ApiError> {
    let c = state.store.company(who.tenant()).await?;
    Ok(domain::TimeZoneName::parse(&c.timezone)?.tz())
}

/// Shifts in a time range, with their standup check and score when analysed, a page at a
/// time (oldest first; follow `next_cursor` until it is null).
#[utoipa::path(get, path = "/api/v1/shifts", tag = "shifts", security(("bearer" = [])), params(ShiftQuery),
    responses((status = 200, body = ShiftList), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ApiQuery(q): ApiQuery<ShiftQuery>,
) -> Result<Json<ShiftList>, ApiError> {
    who.require(Role::Viewer)?;
    let tz = company_tz(&state, &who).await?;
    let filter = ShiftFilter {
        from: q
            .from
            .as_deref()
            .map(|s| instant("from", s, &tz, false))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|s| instant("to", s, &tz, true))
            .transpose()?,
        employee: q.employee_id.map(EmployeeId),
    };
    let limit = paging::limit(q.limit)?;
    let after = paging::cursor(q.cursor.as_deref())?.map(|(ms, id)| ShiftCursor {
        clock_in_ms: ms,
        id: ShiftId(id),
    });
    let now = state.clock.now();
    // One more than asked tells whether there is a next page.
    let mut shifts = state
        .store
        .shifts_page(who.tenant(), filter, after, limit + 1, now)
        .await?;
    let more = shifts.len() > limit as usize;
    shifts.truncate(limit as usize);
    let next_cursor = paging::next_cursor(
        shifts
            .last()
            .map(ShiftCursor::after)
            .map(|c| (c.clock_in_ms, c.id.0)),
        more,
    );
    let ids: Vec<ShiftId> = shifts.iter().map(|s| s.id).collect();
    let analyses = state.store.analyses_for(who.tenant(), &ids).await?;
    let index = AnalysisIndex::new(&analyses);
    Ok(Json(ShiftList {
        shifts: shifts
            .into_iter()
            .map(|s| ShiftDto::new(s, &index, now))
            .collect(),
        next_cursor,
    }))
}

/// One shift with its corrections.
#[utoipa::path(get, path = "/api/v1/shifts/{id}", tag = "shifts", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ShiftDto), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ShiftDto>, ApiError> {
    who.require(Role::Viewer)?;
    Ok(Json(shift_dto(&state, who.tenant(), ShiftId(id)).await?))
}

/// Corrects a shift's times or texts. Every change is kept with who, when, old and new
/// value and the reason. Shifts in an approved week are locked (422) until unlocked.
#[utoipa::path(patch, path = "/api/v1/shifts/{id}", tag = "shifts", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ShiftPatch,
    responses((status = 200, body = ShiftDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn correct(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ShiftPatch>,
) -> Result<Json<ShiftDto>, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let reason = Reason::parse(&req.reason)?;
    let parse_t =
        |field: &'static str, v: &Option<String>| -> Result<Option<Timestamp>, ValidationError> {
            v.as_deref()
                .map(|s| {
                    s.parse::<Timestamp>().map_err(|_| {
                        ValidationError::new(
                            field,
                            "must be an RFC 3339 time like 2026-05-01T08:00:00Z",
                        )
                    })
                })
                .transpose()
        };
    let c = ShiftCorrection {
        clock_in_at: parse_t("clock_in_at", &req.clock_in_at)?,
        clock_out_at: parse_t("clock_out_at", &req.clock_out_at)?,
        standup: req
            .standup
            .as_deref()
            .map(StandupText::parse)
            .transpose()?
            .map(|s| s.into_inner()),
        report: req
            .report
            .as_deref()
            .map(ReportText::parse)
            .transpose()?
            .map(|s| s.into_inner()),
    };
    state
        .correct_shift(who.tenant(), user, ShiftId(id), &c, &reason, &ip)
        .await?;
    Ok(Json(shift_dto(&state, who.tenant(), ShiftId(id)).await?))
}

/// Approves an employee's week, locking its shifts.
#[utoipa::path(post, path = "/api/v1/approvals", tag = "shifts", security(("bearer" = [])), request_body = WeekApproval,
    responses((status = 200, body = ApprovalResult), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<WeekApproval>,
) -> Result<Json<ApprovalResult>, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let (week, n) = state
        .approve_week(
            who.tenant(),
            user,
            EmployeeId(req.employee_id),
            &req.week,
            &ip,
        )
        .await?;
    Ok(Json(ApprovalResult {
        week_start: week.to_string(),
        locked_shifts: n,
    }))
}

/// Unlocks an approved week so its shifts can be corrected (audited).
#[utoipa::path(post, path = "/api/v1/approvals/unlock", tag = "shifts", security(("bearer" = [])), request_body = WeekApproval,
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<WeekApproval>,
) -> Result<StatusCode, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    state
        .unlock_week(
            who.tenant(),
            user,
            EmployeeId(req.employee_id),
            &req.week,
            &ip,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Overrides a shift's score with a reason; the computed score is kept (audited).
#[utoipa::path(post, path = "/api/v1/shifts/{id}/score", tag = "shifts", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ScoreOverride,
    responses((status = 200, body = ShiftDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn override_score(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ScoreOverride>,
) -> Result<Json<ShiftDto>, ApiError> {
    let user = state.api_writer(&who, Role::Supervisor).await?;
    let reason = Reason::parse(&req.reason)?;
    state
        .override_score(who.tenant(), user, ShiftId(id), req.score, &reason, &ip)
        .await?;
    Ok(Json(shift_dto(&state, who.tenant(), ShiftId(id)).await?))
}

/// A shift with its analyses and corrections, as the API shows it.
async fn shift_dto(state: &AppState, t: &store::Tenant, id: ShiftId) -> Result<ShiftDto, ApiError> {
    let d = state.shift_detail(t, id).await?;
    let mut dto = ShiftDto::new(d.shift, &AnalysisIndex::new(&d.analyses), d.now);
    dto.changes = d.changes.into_iter().map(ChangeDto::from).collect();
    Ok(dto)
}
