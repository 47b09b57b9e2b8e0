//! The live board as it is kept and shown: [`Board`] is the read model the cache holds and
//! also what `GET /api/v1/dashboard` serialises as it is (hence `Serialize` and the OpenAPI
//! schema here): a separate DTO would copy the whole board on every request of a read that
//! exists to be cheap.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Board {
    /// The company's IANA zone; `*_local` fields are wall-clock times in it.
    pub timezone: String,
    pub generated_at: String,
    pub present: Vec<PresentRow>,
    pub missed_tasks: Vec<MissedRow>,
    pub unconfirmed: Vec<UnconfirmedRow>,
    pub failed_analyses: Vec<FailedRow>,
    /// Checks and scores from the built-in analyzer, standing in until the external model
    /// answers (it was down or slow); each is replaced in place when it does.
    pub provisional: Vec<ProvisionalRow>,
    pub kiosk_alerts: Vec<AlertRow>,
    pub summaries: Vec<SummaryRow>,
}

#[derive(Serialize, ToSchema)]
pub struct PresentRow {
    pub employee_id: uuid::Uuid,
    pub name: String,
    pub shift_id: uuid::Uuid,
    pub since: String,
    pub since_local: String,
    pub on_break: bool,
    pub worked_minutes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MissedRow {
    pub shift_id: uuid::Uuid,
    pub employee_id: uuid::Uuid,
    pub name: String,
    pub clock_in_local: String,
    /// Titles of assigned tasks the standup did not mention.
    pub missed: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UnconfirmedRow {
    pub shift_id: uuid::Uuid,
    pub employee_id: uuid::Uuid,
    pub name: String,
    pub workday: String,
    pub clock_in_local: String,
    pub clock_out_local: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FailedRow {
    pub job_id: uuid::Uuid,
    pub shift_id: uuid::Uuid,
    /// `standup` or `report`.
    pub kind: String,
    pub attempts: u32,
    pub last_error: String,
    pub failed_at_local: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProvisionalRow {
    pub shift_id: uuid::Uuid,
    pub employee_id: uuid::Uuid,
    pub name: String,
    /// `standup` or `report`.
    pub kind: String,
    /// The provisional score (reports only).
    pub score: Option<i64>,
    pub since_local: String,
}

#[derive(Serialize, ToSchema)]
pub struct AlertRow {
    pub kind: String,
    pub detail: String,
    pub at: String,
    pub at_local: String,
}

#[derive(Serialize, ToSchema)]
pub struct SummaryRow {
    pub id: uuid::Uuid,
    pub week_start: String,
    pub created_at: String,
}
