//! Employees exercising their own rights at a kiosk or on their personal link: their recent
//! shifts with scores and reasons (access), their data as a download (the same zip as a
//! supervisor's access request, see [`App::export_own_data`]), a correction request, and
//! an objection to AI processing. Requests wait on the supervisors' board until resolved.
//!
//! No session is left behind on a shared kiosk: what the screen shows is carried by
//! tickets ([`crate::kiosks`]) that live [`SELF_SERVICE_TTL`] and are renewed by each step,
//! so the view ends after two idle minutes, and the kiosk's own cookie stays the only one.

use crate::reports::{hm, AnalysisIndex, Calendar};
use crate::{App, Error, Result};
use domain::score::ScoreBreakdown;
use domain::{EmployeeId, RequestId, RequestText, ShiftId, UserId};
use jiff::SignedDuration;
use store::{Employee, EmployeeChanges, EmployeeRequest, RequestKind, StoreError, Tenant};

/// How long a self-service step stays usable without a new one.
pub const SELF_SERVICE_TTL: SignedDuration = SignedDuration::from_mins(2);

/// How many recent shifts the employee sees (the download has all of them).
const RECENT_SHIFTS: u32 = 14;

/// One of the employee's shifts as they see it.
pub struct OwnShift {
    pub id: ShiftId,
    pub workday: String,
    /// Local `HH:MM`.
    pub clock_in: String,
    pub clock_out: Option<String>,
    pub worked: String,
    pub score: Option<i64>,
    pub provisional: bool,
    /// Why the score is what it is: the formula's reasons, or a supervisor's override.
    pub reasons: Vec<String>,
}

/// What the self-service view shows.
pub struct OwnData {
    pub shifts: Vec<OwnShift>,
    pub requests: Vec<EmployeeRequest>,
    pub objected: bool,
}

fn clock_time(at: jiff::Timestamp, cal: &Calendar) -> String {
    at.to_zoned(cal.tz.clone()).strftime("%H:%M").to_string()
}

impl App {
    /// A ticket for the next self-service step of this employee (see the module doc).
    pub async fn self_service_ticket(&self, t: &Tenant, employee: EmployeeId) -> Result<String> {
        self.issue_ticket_for(t, employee, SELF_SERVICE_TTL).await
    }

    /// The employee's recent shifts, scores with their reasons, requests and objection.
    pub async fn own_data(&self, t: &Tenant, e: &Employee) -> Result<OwnData> {
        let now = self.clock.now();
        let cal = Calendar::of(self, t).await?;
        let shifts = self
            .store
            .recent_shifts(t, e.id, RECENT_SHIFTS, now)
            .await?;
        let ids: Vec<ShiftId> = shifts.iter().map(|s| s.id).collect();
        let analyses = self.store.analyses_for(t, &ids).await?;
        let index = AnalysisIndex::new(&analyses);
        let shifts = shifts
            .into_iter()
            .map(|s| {
                let report = index.report(s.id);
                let reasons = match report {
                    Some(a) if a.override_score.is_some() => vec![format!(
                        "Set by your supervisor: {}",
                        a.override_reason.clone().unwrap_or_default()
                    )],
                    Some(a) => a
                        .breakdown
                        .as_deref()
                        .and_then(|b| serde_json::from_str::<ScoreBreakdown>(b).ok())
                        .map(|b| b.reasons)
                        .unwrap_or_default(),
                    None => Vec::new(),
                };
                OwnShift {
                    id: s.id,
                    workday: s.workday.clone(),
                    clock_in: clock_time(s.clock_in_at, &cal),
                    clock_out: s.clock_out_at.map(|o| clock_time(o, &cal)),
                    worked: hm(s.worked(now).as_mins()),
                    score: index.score(s.id),
                    provisional: report.is_some_and(|a| a.provisional),
                    reasons,
                }
            })
            .collect();
        Ok(OwnData {
            shifts,
            requests: self.store.requests_of(t, e.id, 20).await?,
            objected: e.objected,
        })
    }

    /// The employee asks for a correction of their data, optionally of one of their
    /// shifts (given as its id; one that is not theirs is the store's `NotFound`). Audited.
    pub async fn request_correction(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        shift: Option<&str>,
        text: &str,
        ip: &str,
    ) -> Result<RequestId> {
        let text = RequestText::parse(text)?;
        let shift = match shift.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                s.parse::<ShiftId>()
                    .map_err(|_| Error::Store(StoreError::NotFound))?,
            ),
        };
        let id = self
            .store
            .create_request(
                t,
                employee,
                shift,
                RequestKind::Correction,
                text.as_str(),
                self.clock.now(),
            )
            .await?;
        self.audit(t, None, "correction_requested", &id.to_string(), ip)
            .await;
        Ok(id)
    }

    /// The employee objects to AI processing. It takes effect at once — from the next
    /// punch no analyzer sees their notes, as the company's objection mode says — and the
    /// supervisors see it on the board. Objecting again changes nothing. Audited.
    pub async fn object_to_ai(&self, t: &Tenant, e: &Employee, ip: &str) -> Result<bool> {
        if e.objected {
            return Ok(false);
        }
        let changes = EmployeeChanges {
            objected: Some(true),
            ..EmployeeChanges::default()
        };
        let now = self.clock.now();
        self.store.update_employee(t, e.id, changes, now).await?;
        self.store
            .create_request(
                t,
                e.id,
                None,
                RequestKind::Objection,
                "Objected to AI processing; in effect from now on.",
                now,
            )
            .await?;
        self.audit(t, None, "ai_objection_recorded", &e.id.to_string(), ip)
            .await;
        Ok(true)
    }

    /// A supervisor marks an employee's request as dealt with. Audited.
    pub async fn resolve_request(
        &self,
        t: &Tenant,
        actor: UserId,
        id: RequestId,
        ip: &str,
    ) -> Result<()> {
        self.store
            .resolve_request(t, id, actor, self.clock.now())
            .await?;
        self.audit(t, Some(actor), "request_resolved", &id.to_string(), ip)
            .await;
        Ok(())
    }
}
