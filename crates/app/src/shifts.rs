//! Supervising shifts: corrections (every change kept with who, when, old and new value
//! and the reason), score overrides, and week approvals that lock a week's shifts.

use crate::{App, Result};
use domain::{EmployeeId, Reason, ShiftId, UserId, ValidationError};
use jiff::civil::Date;
use jiff::Timestamp;
use store::{Analysis, Shift, ShiftChange, ShiftCorrection, Tenant};

/// A shift with its analyses and its change history.
#[derive(Debug, Clone)]
pub struct ShiftDetail {
    pub shift: Shift,
    pub analyses: Vec<Analysis>,
    pub changes: Vec<ShiftChange>,
    /// The instant the shift's open durations were computed at.
    pub now: Timestamp,
}

impl App {
    pub async fn shift_detail(&self, t: &Tenant, id: ShiftId) -> Result<ShiftDetail> {
        let now = self.clock.now();
        let shift = self.store.shift(t, id, now).await?;
        let analyses = self.store.analyses_for(t, &[id]).await?;
        let changes = self.store.shift_changes(t, id).await?;
        Ok(ShiftDetail {
            shift,
            analyses,
            changes,
            now,
        })
    }

    /// Corrects a shift's times or texts (refused while its week is approved); audited.
    pub async fn correct_shift(
        &self,
        t: &Tenant,
        actor: UserId,
        id: ShiftId,
        c: &ShiftCorrection,
        reason: &Reason,
        ip: &str,
    ) -> Result<()> {
        self.store
            .correct_shift(t, id, c, reason.as_str(), actor, self.clock.now())
            .await?;
        self.audit(t, Some(actor), "shift_corrected", &id.to_string(), ip)
            .await;
        Ok(())
    }

    /// Overrides a shift's score with a reason; the computed score is kept. Audited.
    pub async fn override_score(
        &self,
        t: &Tenant,
        actor: UserId,
        id: ShiftId,
        score: u8,
        reason: &Reason,
        ip: &str,
    ) -> Result<()> {
        if score > 100 {
            return Err(ValidationError::new("score", "must be between 0 and 100").into());
        }
        self.store
            .override_score(t, id, score, reason.as_str(), actor)
            .await?;
        self.audit(t, Some(actor), "score_overridden", &id.to_string(), ip)
            .await;
        Ok(())
    }

    /// The first day of the company's week that holds `day` (`YYYY-MM-DD`).
    pub async fn week_of(&self, t: &Tenant, day: &str) -> Result<Date> {
        let c = self.store.company(t).await?;
        let d: Date = day
            .parse()
            .map_err(|_| ValidationError::new("week", "must be a date like 2026-05-04"))?;
        Ok(domain::calendar::week_start(
            d,
            domain::calendar::weekday_from_iso(c.week_start),
        ))
    }

    /// Approves an employee's week (the one holding `day`), locking its shifts. Returns the
    /// week's first day and how many shifts were locked. Audited.
    pub async fn approve_week(
        &self,
        t: &Tenant,
        actor: UserId,
        employee: EmployeeId,
        day: &str,
        ip: &str,
    ) -> Result<(Date, u64)> {
        let week = self.week_of(t, day).await?;
        let n = self
            .store
            .approve_week(t, employee, week, actor, self.clock.now())
            .await?;
        self.audit(
            t,
            Some(actor),
            "week_approved",
            &format!("{employee} {week}"),
            ip,
        )
        .await;
        Ok((week, n))
    }

    /// Unlocks an approved week so its shifts can be corrected. Audited.
    pub async fn unlock_week(
        &self,
        t: &Tenant,
        actor: UserId,
        employee: EmployeeId,
        day: &str,
        ip: &str,
    ) -> Result<()> {
        let week = self.week_of(t, day).await?;
        self.store.unlock_week(t, employee, week).await?;
        self.audit(
            t,
            Some(actor),
            "week_unlocked",
            &format!("{employee} {week}"),
            ip,
        )
        .await;
        Ok(())
    }
}
