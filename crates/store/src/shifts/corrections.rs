//! Supervisors' corrections (every old value kept with who, when and why) and the weekly
//! approval locks.

use super::{ms_text, Shift, ShiftChange, ShiftCorrection};
use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, StoreError, Tenant};
use domain::{EmployeeId, ShiftId, UserId};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

impl Store {
    /// Applies a supervisor's correction, keeping every old value with who, when and why.
    /// Locked (approved) shifts refuse with `Rule`.
    pub async fn correct_shift(
        &self,
        t: &Tenant,
        id: ShiftId,
        c: &ShiftCorrection,
        reason: &str,
        by: UserId,
        now: Timestamp,
    ) -> Result<Shift> {
        let old = self.shift(t, id, now).await?;
        if old.locked {
            return Err(StoreError::Rule(
                "this shift is in an approved week; unlock the week first".into(),
            ));
        }
        let new_in = c.clock_in_at.unwrap_or(old.clock_in_at);
        let new_out = c.clock_out_at.or(old.clock_out_at);
        if new_out.is_some_and(|o| o <= new_in) {
            return Err(StoreError::Rule("clock-out must be after clock-in".into()));
        }
        let mut changes: Vec<(&str, Option<String>, Option<String>)> = Vec::new();
        if c.clock_in_at.is_some_and(|x| x != old.clock_in_at) {
            changes.push((
                "clock_in_at",
                ms_text(Some(old.clock_in_at)),
                ms_text(c.clock_in_at),
            ));
        }
        if c.clock_out_at.is_some_and(|x| Some(x) != old.clock_out_at) {
            changes.push((
                "clock_out_at",
                ms_text(old.clock_out_at),
                ms_text(c.clock_out_at),
            ));
        }
        if c.standup.as_ref().is_some_and(|x| *x != old.standup) {
            changes.push(("standup", Some(old.standup.clone()), c.standup.clone()));
        }
        if c.report
            .as_ref()
            .is_some_and(|x| Some(x) != old.report.as_ref())
        {
            changes.push(("report", old.report.clone(), c.report.clone()));
        }
        if changes.is_empty() {
            return Ok(old);
        }
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE shifts SET clock_in_at = $1, clock_out_at = $2, standup = COALESCE($3, standup), report = COALESCE($4, report),
                           corrected = TRUE, end_confirmed = TRUE WHERE id = $5 AND company_id = $6 AND NOT locked")
                .bind(to_ms(new_in)).bind(new_out.map(to_ms)).bind(c.standup.as_deref()).bind(c.report.as_deref())
                .bind(id.0).bind(t.company_id().0).execute(&mut *tx).await?;
            for (field, old_v, new_v) in &changes {
                sqlx::query("INSERT INTO shift_changes (id, company_id, shift_id, changed_by, field, old_value, new_value, reason, created_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(uuid::Uuid::now_v7()).bind(t.company_id().0).bind(id.0).bind(by.0).bind(*field)
                    .bind(old_v.as_deref()).bind(new_v.as_deref()).bind(reason).bind(to_ms(now)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        self.shift(t, id, now).await
    }

    pub async fn shift_changes(&self, t: &Tenant, id: ShiftId) -> Result<Vec<ShiftChange>> {
        on_pool!(self, p => {
            sqlx::query("SELECT field, old_value, new_value, reason, changed_by, created_at FROM shift_changes
                         WHERE shift_id = $1 AND company_id = $2 ORDER BY created_at, id")
                .bind(id.0).bind(t.company_id().0).fetch_all(p).await?.iter().map(|r| Ok(ShiftChange {
                    field: r.string("field")?,
                    old_value: r.opt_string("old_value")?,
                    new_value: r.opt_string("new_value")?,
                    reason: r.string("reason")?,
                    changed_by: r.opt_uuid("changed_by")?.map(UserId),
                    created_at: from_ms(r.int("created_at")?),
                })).collect()
        })
    }

    /// Approves one employee's week (workdays `[week_start, week_start + 7)`), locking its
    /// shifts. Returns how many shifts were locked.
    pub async fn approve_week(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        week_start: Date,
        by: UserId,
        now: Timestamp,
    ) -> Result<u64> {
        self.employee(t, employee).await?;
        let end = week_start
            .checked_add(SignedDuration::from_hours(24 * 7))
            .map_err(|e| StoreError::Rule(e.to_string()))?;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO week_approvals (company_id, employee_id, week_start, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (company_id, employee_id, week_start) DO NOTHING")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).bind(by.0).bind(to_ms(now)).execute(&mut *tx).await?;
            let n = sqlx::query("UPDATE shifts SET locked = TRUE WHERE company_id = $1 AND employee_id = $2 AND workday >= $3 AND workday < $4")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).bind(end.to_string()).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok(n)
        })
    }

    /// Removes an approval so the week's shifts can be corrected again.
    pub async fn unlock_week(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        week_start: Date,
    ) -> Result<()> {
        let end = week_start
            .checked_add(SignedDuration::from_hours(24 * 7))
            .map_err(|e| StoreError::Rule(e.to_string()))?;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("DELETE FROM week_approvals WHERE company_id = $1 AND employee_id = $2 AND week_start = $3")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).execute(&mut *tx).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
            sqlx::query("UPDATE shifts SET locked = FALSE WHERE company_id = $1 AND employee_id = $2 AND workday >= $3 AND workday < $4")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).bind(end.to_string()).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn week_approved(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        week_start: Date,
    ) -> Result<bool> {
        on_pool!(self, p => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM week_approvals WHERE company_id = $1 AND employee_id = $2 AND week_start = $3")
                .bind(t.company_id().0).bind(employee.0).bind(week_start.to_string()).fetch_one(p).await?;
            Ok(n > 0)
        })
    }
}
