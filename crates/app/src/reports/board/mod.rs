//! The live board: who is in, who missed a standup or a task, shifts to confirm, failed
//! analyses, kiosk alerts, the latest summary.
//!
//! The board's rows are in [`view`], apart from the computation, because the read cache
//! holds them too.

pub mod view;

pub use view::{
    AlertRow, Board, FailedRow, MissedRow, PresentRow, ProvisionalRow, SummaryRow, UnconfirmedRow,
};

use super::calendar::{minutes, Calendar};
use crate::App;
use domain::StandupCheck;
use store::{StoreError, Tenant};

pub async fn board(app: &App, t: &Tenant) -> Result<Board, StoreError> {
    let cal = Calendar::of(app, t).await?;
    board_for(app, t, &cal).await
}

/// [`board`] with the company's calendar already read. Every list is one query with the
/// employee's name joined in; only today's standups that missed a task are read and parsed.
pub async fn board_for(app: &App, t: &Tenant, cal: &Calendar) -> Result<Board, StoreError> {
    let now = app.clock.now();
    let store = &app.store;
    let present = store
        .present_shifts(t, now)
        .await?
        .into_iter()
        .map(|n| PresentRow {
            employee_id: n.shift.employee_id.0,
            name: n.employee_name,
            shift_id: n.shift.id.0,
            since: n.shift.clock_in_at.to_string(),
            since_local: cal.local(n.shift.clock_in_at),
            on_break: n.shift.on_break,
            worked_minutes: minutes(n.shift.worked(now).as_millis() as i64),
        })
        .collect();
    let today = cal.today(now);
    let (from, to) = cal.range(today, today);
    let mut missed_tasks = Vec::new();
    for m in store.missed_standups(t, from, to).await? {
        let Ok(check) = serde_json::from_str::<StandupCheck>(&m.result) else {
            continue;
        };
        let missed: Vec<String> = check.missed().map(str::to_string).collect();
        if !missed.is_empty() {
            missed_tasks.push(MissedRow {
                shift_id: m.shift_id.0,
                employee_id: m.employee_id.0,
                name: m.employee_name,
                clock_in_local: cal.local(m.clock_in_at),
                missed,
            });
        }
    }
    let unconfirmed = store
        .unconfirmed_named(t, now)
        .await?
        .into_iter()
        .map(|n| UnconfirmedRow {
            shift_id: n.shift.id.0,
            employee_id: n.shift.employee_id.0,
            name: n.employee_name,
            workday: n.shift.workday.clone(),
            clock_in_local: cal.local(n.shift.clock_in_at),
            clock_out_local: n.shift.clock_out_at.map(|o| cal.local(o)),
        })
        .collect();
    let failed_analyses = store
        .dead_jobs(t)
        .await?
        .into_iter()
        .map(|j| FailedRow {
            job_id: j.id.0,
            shift_id: j.shift_id.0,
            kind: j.kind.as_str().into(),
            attempts: j.attempts,
            last_error: j.last_error,
            failed_at_local: cal.local(j.created_at),
        })
        .collect();
    let provisional = store
        .provisional_results(t)
        .await?
        .into_iter()
        .map(|p| ProvisionalRow {
            shift_id: p.shift_id.0,
            employee_id: p.employee_id.0,
            name: p.employee_name,
            kind: p.kind,
            score: p.score,
            since_local: cal.local(p.since),
        })
        .collect();
    let kiosk_alerts = store
        .kiosk_alerts(t, now, jiff::SignedDuration::from_hours(24))
        .await?
        .into_iter()
        .map(|a| AlertRow {
            kind: a.kind,
            detail: a.detail,
            at: a.created_at.to_string(),
            at_local: cal.local(a.created_at),
        })
        .collect();
    let summaries = store
        .summaries(t, 5)
        .await?
        .into_iter()
        .map(|s| SummaryRow {
            id: s.id.0,
            week_start: s.week_start,
            created_at: s.created_at.to_string(),
        })
        .collect();
    Ok(Board {
        timezone: cal.zone.clone(),
        // Whole seconds: people read it on the board, and sub-second digits are noise.
        generated_at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
        present,
        missed_tasks,
        unconfirmed,
        failed_analyses,
        provisional,
        kiosk_alerts,
        summaries,
    })
}

impl App {
    /// The live board of `t`, from the read cache (shared by the page, the JSON API and
    /// every viewer of the company) or computed.
    pub async fn live_board(&self, t: &Tenant) -> Result<std::sync::Arc<Board>, StoreError> {
        self.read_cache
            .board(t.company_id(), self.clock.now(), || board(self, t))
            .await
    }
}
