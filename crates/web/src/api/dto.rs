//! JSON shapes of the API's resources. Times are RFC 3339 in UTC.

use domain::score::ScoreBreakdown;
use domain::{ReportExtraction, StandupCheck};
use serde::Serialize;
use store::{Analysis, Employee, Shift, ShiftChange, Task};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct EmployeeDto {
    pub id: Uuid,
    pub name: String,
    pub id_code: String,
    pub active: bool,
    pub has_pin: bool,
    /// The employee objected to AI processing: only the local analyzer runs for them.
    pub objected: bool,
    pub created_at: String,
}

impl From<Employee> for EmployeeDto {
    fn from(e: Employee) -> Self {
        Self {
            id: e.id.0,
            name: e.name,
            id_code: e.id_code,
            active: e.active,
            has_pin: e.has_pin,
            objected: e.objected,
            created_at: e.created_at.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub title: String,
    pub details: String,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// `open`, `done` or `archived`.
    pub status: String,
    pub created_at: String,
}

impl From<Task> for TaskDto {
    fn from(t: Task) -> Self {
        Self {
            id: t.id.0,
            employee_id: t.employee_id.0,
            title: t.title,
            details: t.details,
            due_date: t.due_date,
            status: t.state.as_str().into(),
            created_at: t.created_at.to_string(),
        }
    }
}

/// A score with its explanation.
#[derive(Serialize, ToSchema)]
pub struct ScoreDto {
    /// The score people see (a supervisor's override when there is one).
    pub score: i64,
    /// What the formula computed.
    pub computed: Option<i64>,
    pub override_reason: Option<String>,
    pub breakdown: Option<ScoreBreakdown>,
    pub extraction: Option<ReportExtraction>,
    pub analyzer: String,
    pub model: String,
    /// The external analyzer failed and the local one stood in.
    pub fallback: bool,
    /// The local analyzer's result, standing in until the external one answers (it was
    /// down or slow); replaced in place when it does.
    pub provisional: bool,
}

impl ScoreDto {
    pub fn from_analysis(a: &Analysis) -> Option<Self> {
        Some(Self {
            score: a.effective_score()?,
            computed: a.score,
            override_reason: a.override_reason.clone(),
            breakdown: a
                .breakdown
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok()),
            extraction: serde_json::from_str(&a.result).ok(),
            analyzer: a.analyzer.clone(),
            model: a.model.clone(),
            fallback: a.fallback,
            provisional: a.provisional,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChangeDto {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
    pub changed_by: Option<Uuid>,
    pub created_at: String,
}

impl From<ShiftChange> for ChangeDto {
    fn from(c: ShiftChange) -> Self {
        Self {
            field: c.field,
            old_value: c.old_value,
            new_value: c.new_value,
            reason: c.reason,
            changed_by: c.changed_by.map(|u| u.0),
            created_at: c.created_at.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ShiftDto {
    pub id: Uuid,
    pub employee_id: Uuid,
    /// The company-zone day the shift belongs to (by clock-in), `YYYY-MM-DD`.
    pub workday: String,
    pub clock_in_at: String,
    pub clock_out_at: Option<String>,
    pub standup: String,
    pub report: Option<String>,
    pub auto_closed: bool,
    pub end_confirmed: bool,
    pub corrected: bool,
    pub locked: bool,
    pub on_break: bool,
    pub break_minutes: i64,
    pub worked_minutes: i64,
    /// Null until the analysis lands.
    pub standup_check: Option<StandupCheck>,
    /// The check is the local analyzer's, standing in until the external one answers.
    pub standup_check_provisional: bool,
    /// Null until the analysis lands (or while the shift is open).
    pub score: Option<ScoreDto>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ChangeDto>,
}

impl ShiftDto {
    pub fn new(s: Shift, analyses: &app::reports::AnalysisIndex<'_>, now: jiff::Timestamp) -> Self {
        let standup = analyses.standup(s.id);
        let standup_check = standup.and_then(|a| serde_json::from_str(&a.result).ok());
        let standup_check_provisional = standup.is_some_and(|a| a.provisional);
        let score = analyses.report(s.id).and_then(ScoreDto::from_analysis);
        Self {
            id: s.id.0,
            employee_id: s.employee_id.0,
            worked_minutes: s.worked(now).as_mins(),
            break_minutes: s.break_ms / 60_000,
            workday: s.workday,
            clock_in_at: s.clock_in_at.to_string(),
            clock_out_at: s.clock_out_at.map(|t| t.to_string()),
            standup: s.standup,
            report: s.report,
            auto_closed: s.auto_closed,
            end_confirmed: s.end_confirmed,
            corrected: s.corrected,
            locked: s.locked,
            on_break: s.on_break,
            standup_check,
            standup_check_provisional,
            score,
            changes: Vec::new(),
        }
    }
}
