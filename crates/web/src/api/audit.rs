//! The audit log for owners, as the audit page shows it: filtered by member, action and
//! days, newest first, a page at a time; and the filtered log as CSV (audited itself).

use super::json::ApiQuery;
use super::paging;
use crate::auth::ApiPrincipal;
use crate::download;
use crate::error::{ApiError, ErrorBody};
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use app::audit_log::{actor_name, actor_names, AuditQuery};
use app::reports::Calendar;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use domain::{AuditId, Role};
use serde::{Deserialize, Serialize};
use store::AuditCursor;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this member's actions (a user id).
    pub actor: Option<Uuid>,
    /// Only this action, e.g. `export_csv` or `login`.
    #[param(pattern = r"^[a-z_]{1,64}$")]
    pub action: Option<String>,
    /// From the start of this day in the company's zone (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Through the end of this day in the company's zone (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// At most this many entries (1–1,000; default 200). Not used by the CSV.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// Where to continue: the `next_cursor` of the previous page. Not used by the CSV.
    #[param(
        pattern = r"^-?[0-9]{1,18}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

impl AuditParams {
    fn query(&self) -> AuditQuery {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        AuditQuery {
            actor: self.actor.map(|a| a.to_string()).unwrap_or_default(),
            action: text(&self.action),
            from: text(&self.from),
            to: text(&self.to),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub id: Uuid,
    /// When (UTC).
    pub at: String,
    /// The member who acted; `null` for the system (workers, webhooks, employees at a kiosk).
    pub actor_id: Option<Uuid>,
    /// Their login email, `system`, or the id of a member since removed.
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub ip: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    /// Newest first.
    pub entries: Vec<AuditEntryDto>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The company's audit log, newest first, a page at a time (owners).
#[utoipa::path(get, path = "/api/v1/audit", tag = "account", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, body = AuditList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> Result<Json<AuditList>, ApiError> {
    who.require(Role::Owner)?;
    let t = who.tenant();
    let cal = Calendar::of(&state, t).await?;
    let filter = q.query().filter(&cal)?;
    let limit = paging::limit(q.limit)?;
    // A cursor's instant outside what a timestamp can hold lies beyond every entry: clamped,
    // not refused, as /api/v1/shifts compares its cursor as a plain number.
    let before = paging::cursor(q.cursor.as_deref())?.map(|(ms, id)| {
        let (lo, hi) = (
            jiff::Timestamp::MIN.as_millisecond(),
            jiff::Timestamp::MAX.as_millisecond(),
        );
        AuditCursor {
            created_at: jiff::Timestamp::from_millisecond(ms.clamp(lo, hi)).unwrap_or(if ms < 0 {
                jiff::Timestamp::MIN
            } else {
                jiff::Timestamp::MAX
            }),
            id: AuditId(id),
        }
    });
    // One more than asked tells whether there is a next page.
    let mut entries = state.audit_entries(t, &filter, before, limit + 1).await?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    let last = entries
        .last()
        .map(|e| (e.created_at.as_millisecond(), e.id.0));
    let names = actor_names(&state, t).await?;
    Ok(Json(AuditList {
        entries: entries
            .into_iter()
            .map(|e| AuditEntryDto {
                id: e.id.0,
                at: e.created_at.to_string(),
                actor_id: e.actor.map(|a| a.0),
                actor: actor_name(&names, e.actor),
                action: e.action,
                detail: e.detail,
                ip: e.ip,
            })
            .collect(),
        next_cursor: paging::next_cursor(last, more),
    }))
}

/// The filtered audit log as CSV (streamed; owners). The export is itself audited.
#[utoipa::path(get, path = "/api/v1/audit.csv", tag = "account", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn csv(
    State(state): State<AppState>,
    who: ApiPrincipal,
    ClientIp(ip): ClientIp,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> Result<Response, ApiError> {
    let user = who.require(Role::Owner)?;
    let t = *who.tenant();
    let cal = Calendar::of(&state, &t).await?;
    let filter = q.query().filter(&cal)?;
    let d = state.export_audit_csv(t, user, filter, &ip).await?;
    Ok(download::response(d))
}
