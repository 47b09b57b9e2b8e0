//! The clock endpoints: a kiosk token or a supervisor's token, plus the employee's ID code
//! (and PIN). Retries with the same `Idempotency-Key` get the first answer again — from the
//! same kiosk or user only, after the employee is identified, and only for the same body.

use super::json::{ApiJson, HashedJson};
use crate::auth::ApiPrincipal;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::clocking::{ClockSource, Identified};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::{EmployeeId, Role, StandupCheck};
use serde::{Deserialize, Serialize};
use store::{IdempotencyKey, PrincipalKind};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
pub struct ClockInRequest {
    #[schema(schema_with = super::input_schemas::id_code)]
    pub id_code: String,
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::pin_opt)]
    pub pin: Option<String>,
    /// What the employee plans today (1–4,000 characters).
    #[schema(schema_with = super::input_schemas::standup)]
    pub standup: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ClockOutRequest {
    #[schema(schema_with = super::input_schemas::id_code)]
    pub id_code: String,
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::pin_opt)]
    pub pin: Option<String>,
    /// What the employee did today (1–8,000 characters).
    #[schema(schema_with = super::input_schemas::report)]
    pub report: String,
}

#[derive(Deserialize, ToSchema)]
pub struct BreakRequest {
    #[schema(schema_with = super::input_schemas::id_code)]
    pub id_code: String,
    #[serde(default)]
    #[schema(schema_with = super::input_schemas::pin_opt)]
    pub pin: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ClockInResponse {
    pub shift_id: Uuid,
    pub employee_id: Uuid,
    pub clock_in_at: String,
    /// Null when the check has not finished yet; it appears on the shift later.
    pub standup_check: Option<StandupCheck>,
    /// The check is the built-in analyzer's, standing in until the external model answers.
    pub check_provisional: bool,
    /// An earlier shift that was closed automatically and awaits confirmation.
    pub unconfirmed_shift_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct ClockOutResponse {
    pub shift_id: Uuid,
    pub clock_out_at: Option<String>,
    /// Null until the analysis lands.
    pub score: Option<i64>,
    /// The score is the built-in analyzer's, standing in until the external model answers.
    pub score_provisional: bool,
}

#[derive(Serialize, ToSchema)]
pub struct BreakResponse {
    pub shift_id: Uuid,
    pub on_break: bool,
    pub break_minutes: i64,
}

fn source(who: &ApiPrincipal) -> Result<ClockSource, ApiError> {
    match &who.0.kind {
        PrincipalKind::Kiosk { kiosk_id } => Ok(ClockSource::Kiosk(*kiosk_id)),
        PrincipalKind::User { .. } => Ok(ClockSource::Supervisor(who.require(Role::Supervisor)?)),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let k = v
                .to_str()
                .map_err(|_| ApiError::bad_request("Idempotency-Key must be printable text"))?
                .trim();
            if k.is_empty() || k.len() > 200 {
                return Err(ApiError::bad_request(
                    "Idempotency-Key must be 1 to 200 characters",
                ));
            }
            Ok(Some(k.to_string()))
        }
    }
}

/// What [`once`] needs to know about a clock request.
struct Retryable<'a> {
    /// The client's `Idempotency-Key`, if it sent one.
    key: Option<String>,
    route: &'static str,
    body_sha256: &'a [u8; 32],
    employee: EmployeeId,
}

/// The employee fields of a punch.
trait Punch {
    fn id_code(&self) -> &str;
    fn pin(&self) -> Option<&str>;
}

impl Punch for ClockInRequest {
    fn id_code(&self) -> &str {
        &self.id_code
    }
    fn pin(&self) -> Option<&str> {
        self.pin.as_deref()
    }
}

impl Punch for ClockOutRequest {
    fn id_code(&self) -> &str {
        &self.id_code
    }
    fn pin(&self) -> Option<&str> {
        self.pin.as_deref()
    }
}

/// What every punch checks first — the caller may clock, the company may write, the key is
/// well-formed — and the employee, identified before any stored answer is looked at.
async fn identified<'a, R: Punch>(
    state: &AppState,
    who: &ApiPrincipal,
    ip: &str,
    headers: &HeaderMap,
    route: &'static str,
    body: &'a HashedJson<R>,
) -> Result<(Identified, Retryable<'a>), ApiError> {
    let src = source(who)?;
    state.clock_writable(who.tenant()).await?;
    let key = idempotency_key(headers)?;
    let req = &body.value;
    // The kiosk's burst hit is left to the punch's own write.
    let employee = state
        .identify_for_punch(who.tenant(), src, req.id_code(), req.pin(), ip)
        .await?;
    let retry = Retryable {
        key,
        route,
        body_sha256: &body.sha256,
        employee: employee.employee.id,
    };
    Ok((employee, retry))
}

/// Who an idempotency record belongs to: the kiosk or the user that sent the request.
fn scope(who: &ApiPrincipal) -> String {
    match &who.0.kind {
        PrincipalKind::Kiosk { kiosk_id } => format!("kiosk:{kiosk_id}"),
        PrincipalKind::User { user_id, .. } => format!("user:{user_id}"),
    }
}

/// Runs `op` once per idempotency key of the calling principal: a retry (same key, same
/// body) returns the stored first answer; the same key with another body is a 422. Called
/// after the employee is identified, so a stored answer is only ever given to a request
/// that could have made it.
async fn once<T: Serialize>(
    state: &AppState,
    who: &ApiPrincipal,
    req: Retryable<'_>,
    status: StatusCode,
    op: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<Response, ApiError> {
    // Only a request with a key has a record to look for (most punches have none).
    let principal = req.key.as_ref().map(|_| scope(who)).unwrap_or_default();
    let request_hash = req.body_sha256;
    let key = req.key.map(|k| format!("{}:{k}", req.route));
    let id = key.as_deref().map(|key| IdempotencyKey {
        principal: &principal,
        key,
        request_hash,
    });
    if let Some(id) = id {
        if let Some(stored) = state.store.idempotent_response(who.tenant(), id).await? {
            if !stored.same_request {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different request; use a new key",
                ));
            }
            let code = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
            return Ok(json_response(code, stored.body));
        }
    }
    let value = op.await?;
    let body = serde_json::to_string(&value).map_err(|_| ApiError::internal())?;
    if let Some(id) = id {
        state
            .store
            .store_idempotent_response(
                who.tenant(),
                id,
                Some(req.employee),
                status.as_u16(),
                &body,
                state.clock.now(),
            )
            .await?;
    }
    Ok(json_response(status, body))
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Clocks an employee in with their standup note.
#[utoipa::path(post, path = "/api/v1/clock-in", tag = "clock", security(("bearer" = [])), request_body = ClockInRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key (from the same device or user, with the same body) return the first answer; the same key with another body is a 422", min_length = 1, max_length = 200, pattern = "^[!-~](?:[ -~]{0,198}[!-~])?$")),
    responses((status = 201, body = ClockInResponse), (status = 409, body = ErrorBody, description = "already clocked in"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn clock_in(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: HashedJson<ClockInRequest>,
) -> Result<Response, ApiError> {
    let (employee, retry) = identified(&state, &who, &ip, &headers, "clock-in", &body).await?;
    let (t, req) = (*who.tenant(), &body.value);
    once(&state, &who, retry, StatusCode::CREATED, async {
        let r = state
            .clock_in_identified(&t, employee, &req.standup)
            .await?;
        Ok::<_, ApiError>(ClockInResponse {
            shift_id: r.shift.id.0,
            employee_id: r.shift.employee_id.0,
            clock_in_at: r.shift.clock_in_at.to_string(),
            standup_check: r.standup_check,
            check_provisional: r.check_provisional,
            unconfirmed_shift_id: r.unconfirmed.map(|s| s.id.0),
        })
    })
    .await
}

/// Clocks an employee out with their end-of-day report.
#[utoipa::path(post, path = "/api/v1/clock-out", tag = "clock", security(("bearer" = [])), request_body = ClockOutRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key (from the same device or user, with the same body) return the first answer; the same key with another body is a 422", min_length = 1, max_length = 200, pattern = "^[!-~](?:[ -~]{0,198}[!-~])?$")),
    responses((status = 200, body = ClockOutResponse), (status = 409, body = ErrorBody, description = "no open shift"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn clock_out(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: HashedJson<ClockOutRequest>,
) -> Result<Response, ApiError> {
    let (employee, retry) = identified(&state, &who, &ip, &headers, "clock-out", &body).await?;
    let (t, req) = (*who.tenant(), &body.value);
    once(&state, &who, retry, StatusCode::OK, async {
        let r = state
            .clock_out_identified(&t, employee, &req.report)
            .await?;
        Ok::<_, ApiError>(ClockOutResponse {
            shift_id: r.shift.id.0,
            clock_out_at: r.shift.clock_out_at.map(|t| t.to_string()),
            score: r.score,
            score_provisional: r.score_provisional,
        })
    })
    .await
}

async fn break_op(
    state: AppState,
    who: ApiPrincipal,
    ip: String,
    req: BreakRequest,
    start: bool,
) -> Result<Json<BreakResponse>, ApiError> {
    let src = source(&who)?;
    state.clock_writable(who.tenant()).await?;
    let t = *who.tenant();
    let employee = state
        .identify(&t, src, &req.id_code, req.pin.as_deref(), &ip)
        .await?;
    let shift = if start {
        state.start_break(&t, &employee).await
    } else {
        state.end_break(&t, &employee).await
    }
    .map_err(ApiError::from)?;
    Ok(Json(BreakResponse {
        shift_id: shift.id.0,
        on_break: shift.on_break,
        break_minutes: shift.break_ms / 60_000,
    }))
}

/// Starts a break in the open shift.
#[utoipa::path(post, path = "/api/v1/breaks/start", tag = "clock", security(("bearer" = [])), request_body = BreakRequest,
    responses((status = 200, body = BreakResponse), (status = 409, body = ErrorBody)))]
pub async fn break_start(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<BreakRequest>,
) -> Result<Json<BreakResponse>, ApiError> {
    break_op(state, who, ip, req, true).await
}

/// Ends the current break.
#[utoipa::path(post, path = "/api/v1/breaks/end", tag = "clock", security(("bearer" = [])), request_body = BreakRequest,
    responses((status = 200, body = BreakResponse), (status = 409, body = ErrorBody)))]
pub async fn break_end(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<BreakRequest>,
) -> Result<Json<BreakResponse>, ApiError> {
    break_op(state, who, ip, req, false).await
}
