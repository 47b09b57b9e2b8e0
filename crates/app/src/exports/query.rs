//! The range of an export as given (`from`, `to`, `employee_id`), read in the company's
//! calendar.

use crate::reports::Calendar;
use domain::{EmployeeId, ValidationError};
use jiff::Timestamp;
use store::ShiftFilter;

/// `from` / `to` / `employee_id` of an export, as given in the query string.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `YYYY-MM-DD` (a day in the company's zone) or an RFC 3339 instant: shifts that started at or after it.
    /// (The schema documents the date form; an instant is accepted too.)
    #[param(format = Date)]
    pub from: Option<String>,
    /// `YYYY-MM-DD` (through the end of that day in the company's zone) or an RFC 3339 instant.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Only this employee's rows (their id).
    #[param(format = Uuid)]
    pub employee_id: Option<String>,
}

fn instant(
    field: &'static str,
    s: &str,
    cal: &Calendar,
    end_of_day: bool,
) -> Result<Timestamp, ValidationError> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let d: jiff::civil::Date = s.parse().map_err(|_| {
        ValidationError::new(
            field,
            "must be a date like 2026-05-01 or an RFC 3339 time like 2026-05-01T08:00:00Z",
        )
    })?;
    let (a, b) = cal.range(d, d);
    Ok(if end_of_day { b } else { a })
}

impl ExportQuery {
    pub fn filter(&self, cal: &Calendar) -> Result<ShiftFilter, ValidationError> {
        let nonempty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let from = nonempty(&self.from)
            .map(|s| instant("from", &s, cal, false))
            .transpose()?;
        let to = nonempty(&self.to)
            .map(|s| instant("to", &s, cal, true))
            .transpose()?;
        if let (Some(a), Some(b)) = (from, to) {
            if b <= a {
                return Err(ValidationError::new("to", "must be after from"));
            }
        }
        let employee = nonempty(&self.employee_id)
            .map(|s| {
                s.parse::<EmployeeId>().map_err(|_| {
                    ValidationError::new("employee_id", "must be an employee id (UUID)")
                })
            })
            .transpose()?;
        Ok(ShiftFilter { from, to, employee })
    }
}
