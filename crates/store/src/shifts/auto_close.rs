//! Shifts someone forgot to end: closed automatically at the employee's usual length, then
//! confirmed (or corrected) by the employee at the next clock-in.

use super::{ms_text, shift, Shift, SELECT};
use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::to_ms;
use crate::{Result, Store, StoreError, Tenant};
use domain::{EmployeeId, ShiftId};
use jiff::{SignedDuration, Timestamp};

/// The employee's latest auto-closed shift still to be confirmed; formatted once, as every
/// clock-in runs it (index `shifts_employee_unconfirmed`, migration 0014).
pub(super) static UNCONFIRMED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{SELECT} WHERE s.company_id = $2 AND s.employee_id = $3 AND s.auto_closed AND NOT s.end_confirmed
        ORDER BY s.clock_in_at DESC LIMIT 1"
    )
});

impl Store {
    /// Closes every shift open longer than `max_open` at a plausible end: clock-in plus the
    /// employee's usual shift length (median of their last ten), capped at `max_open`.
    /// Returns the closed shifts' ids with their tenants. Safe on several instances: the
    /// UPDATE only touches still-open shifts.
    pub async fn auto_close_overdue(
        &self,
        now: Timestamp,
        max_open: SignedDuration,
        default_len: SignedDuration,
    ) -> Result<Vec<(Tenant, ShiftId)>> {
        let cutoff = to_ms(now) - max_open.as_millis() as i64;
        let overdue: Vec<(uuid::Uuid, uuid::Uuid, uuid::Uuid, i64)> = on_pool!(self, p => {
            sqlx::query("SELECT id, company_id, employee_id, clock_in_at FROM shifts WHERE clock_out_at IS NULL AND clock_in_at < $1 LIMIT 500")
                .bind(cutoff).fetch_all(p).await?.iter()
                .map(|r| Ok((r.uuid("id")?, r.uuid("company_id")?, r.uuid("employee_id")?, r.int("clock_in_at")?)))
                .collect::<Result<Vec<_>>>()?
        });
        let mut closed = Vec::new();
        for (id, company, employee, clock_in) in overdue {
            let lengths: Vec<i64> = on_pool!(self, p => {
                sqlx::query_scalar("SELECT clock_out_at - clock_in_at FROM shifts WHERE company_id = $1 AND employee_id = $2
                                    AND clock_out_at IS NOT NULL AND NOT auto_closed ORDER BY clock_in_at DESC LIMIT 10")
                    .bind(company).bind(employee).fetch_all(p).await?
            });
            let len = usual_length(&lengths)
                .unwrap_or(default_len.as_millis() as i64)
                .min(max_open.as_millis() as i64);
            let n = on_pool!(self, p => {
                sqlx::query("UPDATE shifts SET clock_out_at = $1, auto_closed = TRUE, end_confirmed = FALSE WHERE id = $2 AND clock_out_at IS NULL")
                    .bind(clock_in + len).bind(id).execute(p).await?.rows_affected()
            });
            if n == 1 {
                on_pool!(self, p => {
                    sqlx::query("UPDATE breaks SET end_at = $1 WHERE shift_id = $2 AND end_at IS NULL").bind(clock_in + len).bind(id).execute(p).await?;
                });
                closed.push((Tenant::new(domain::CompanyId(company)), ShiftId(id)));
            }
        }
        Ok(closed)
    }

    /// The employee's latest auto-closed shift still waiting for them to confirm its end.
    pub async fn unconfirmed_shift(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        now: Timestamp,
    ) -> Result<Option<Shift>> {
        let sql = UNCONFIRMED.as_str();
        if let Some(inline) = self.inline() {
            return inline.read(|c| {
                crate::sqlite::inline_read::first(
                    c,
                    sql,
                    rusqlite::params![
                        to_ms(now),
                        t.company_id().0.as_bytes(),
                        employee.0.as_bytes()
                    ],
                    |r| shift(r),
                )
            });
        }
        on_pool!(self, p => {
            let row = sqlx::query(sql)
                .bind(to_ms(now)).bind(t.company_id().0).bind(employee.0).fetch_optional(p).await?;
            row.as_ref().map(shift).transpose()
        })
    }

    /// The employee confirms (or corrects) the end of an auto-closed shift. An earlier end,
    /// or one at most [`SELF_CORRECTION_MARGIN`] after the automatic one, is applied. A
    /// later one is not: the automatic end stays, the request is recorded in the shift's
    /// changes and raised as an alert on the board, and a supervisor corrects the shift if
    /// it is right — an employee cannot add hours to their own timesheet unchecked.
    pub async fn confirm_shift_end(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        id: ShiftId,
        end: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<ConfirmedEnd> {
        let s = self.shift(t, id, now).await?;
        if s.employee_id != employee || !s.auto_closed {
            return Err(StoreError::NotFound);
        }
        if s.locked {
            return Err(StoreError::Rule(
                "this shift is in an approved week; ask a supervisor".into(),
            ));
        }
        let new_end = end.or(s.clock_out_at).unwrap_or(now);
        if new_end <= s.clock_in_at || new_end > now {
            return Err(StoreError::Rule(
                "the end must be after the start and not in the future".into(),
            ));
        }
        let cap = s
            .clock_out_at
            .map(|auto| auto + SELF_CORRECTION_MARGIN)
            .unwrap_or(now);
        let needs_approval = new_end > cap;
        let (applied, field, reason) = if needs_approval {
            (
                s.clock_out_at.unwrap_or(new_end),
                "clock_out_at_requested",
                "employee asked for a later end than the automatic clock-out allows; a supervisor decides",
            )
        } else {
            (
                new_end,
                "clock_out_at",
                "employee corrected an automatic clock-out",
            )
        };
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE shifts SET clock_out_at = $1, end_confirmed = TRUE WHERE id = $2 AND company_id = $3")
                .bind(to_ms(applied)).bind(id.0).bind(t.company_id().0).execute(&mut *tx).await?;
            if Some(new_end) != s.clock_out_at {
                sqlx::query("INSERT INTO shift_changes (id, company_id, shift_id, changed_by, field, old_value, new_value, reason, created_at)
                             VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, $8)")
                    .bind(uuid::Uuid::now_v7()).bind(t.company_id().0).bind(id.0).bind(field)
                    .bind(ms_text(s.clock_out_at)).bind(ms_text(Some(new_end))).bind(reason).bind(to_ms(now)).execute(&mut *tx).await?;
            }
            if needs_approval {
                sqlx::query("INSERT INTO kiosk_alerts (id, company_id, kiosk_id, kind, detail, created_at) VALUES ($1, $2, NULL, 'end_correction', $3, $4)")
                    .bind(uuid::Uuid::now_v7()).bind(t.company_id().0)
                    .bind(format!("A later end was asked for an automatically closed shift; correct /shifts/{id} if it is right"))
                    .bind(to_ms(now)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(ConfirmedEnd {
            shift: self.shift(t, id, now).await?,
            needs_approval,
        })
    }
}

/// How much later than its automatic clock-out an employee may set a shift's end on their
/// own (the automatic end is the usual length, so this is "usual length plus a margin").
pub const SELF_CORRECTION_MARGIN: SignedDuration = SignedDuration::from_hours(2);

/// What confirming an automatic clock-out did.
#[derive(Debug, Clone)]
pub struct ConfirmedEnd {
    pub shift: Shift,
    /// The asked-for end was too late to apply unchecked: a supervisor decides.
    pub needs_approval: bool,
}

/// The median of recent shift lengths, ignoring nonsense values.
fn usual_length(lengths: &[i64]) -> Option<i64> {
    let mut v: Vec<i64> = lengths.iter().copied().filter(|l| *l > 0).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2])
}

#[cfg(test)]
mod tests {
    #[test]
    fn usual_length_is_the_median() {
        assert_eq!(super::usual_length(&[]), None);
        assert_eq!(super::usual_length(&[5, 1, 3]), Some(3));
        assert_eq!(super::usual_length(&[-1, 0, 4]), Some(4));
    }
}
