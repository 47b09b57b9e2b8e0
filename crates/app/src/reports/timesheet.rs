//! Team timesheets for a day, week or month: hours, breaks, overtime against the weekly
//! target, scores and task statuses, and the series behind the charts.

use super::calendar::{minutes, Calendar};
use crate::App;
use domain::EmployeeId;
use jiff::civil::Date;
use jiff::ToSpan;
use std::collections::{HashMap, HashSet};
use store::{StoreError, Tenant};

/// One stacked series (e.g. one employee's hours per day).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    pub fn parse(s: Option<&str>) -> Result<Self, domain::ValidationError> {
        match s.unwrap_or("week") {
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            _ => Err(domain::ValidationError::new(
                "period",
                "must be day, week or month",
            )),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// Parses `YYYY-MM-DD`, or today in the company zone when absent.
pub fn parse_date(
    field: &'static str,
    s: Option<&str>,
    today: Date,
) -> Result<Date, domain::ValidationError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => s
            .parse()
            .map_err(|_| domain::ValidationError::new(field, "must be a date like 2026-05-04")),
    }
}

/// Inclusive first and last day of the period containing `d`.
pub fn period_bounds(p: Period, d: Date, cal: &Calendar) -> (Date, Date) {
    match p {
        Period::Day => (d, d),
        Period::Week => {
            let s = cal.week_of(d);
            (s, s.checked_add(6.days()).unwrap_or(s))
        }
        Period::Month => (d.first_of_month(), d.last_of_month()),
    }
}

/// Expected minutes: the weekly target spread over Monday to Friday.
pub fn expected_minutes(from: Date, to: Date, weekly_target: i64) -> i64 {
    let weekdays = days(from, to)
        .iter()
        .filter(|d| d.weekday().to_monday_one_offset() <= 5)
        .count() as i64;
    weekly_target * weekdays / 5
}

pub fn days(from: Date, to: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to && out.len() < 400 {
        out.push(d);
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

#[derive(Debug, Clone)]
pub struct TimesheetRow {
    pub employee_id: uuid::Uuid,
    pub name: String,
    pub shifts: u32,
    pub worked_minutes: i64,
    pub break_minutes: i64,
    pub expected_minutes: i64,
    pub overtime_minutes: i64,
    /// `approved` (every shift locked), `partly`, `open`, or `none` without shifts.
    pub approval: String,
    pub avg_score: Option<f64>,
}

pub struct Timesheet {
    pub from: Date,
    pub to: Date,
    pub rows: Vec<TimesheetRow>,
    pub total_worked: i64,
    pub total_breaks: i64,
    pub total_overtime: i64,
    pub weekly_target: i64,
    /// Charts: one label per day, hours per employee per day, the team's mean score per day.
    pub day_labels: Vec<String>,
    pub hours: Vec<Series>,
    /// How many people the hours chart's last stack ("everyone else") stands for; 0: none.
    pub hours_others: usize,
    pub team_score: Vec<Option<f64>>,
    pub status_mix: [u32; 4],
}

/// Employees drawn as their own stack in the team's hours chart; everyone else shares one
/// stack (a thousand slivers of a bar say nothing, and cost half a megabyte of SVG).
pub const CHART_EMPLOYEES: usize = 7;

/// `sum / n`, or `None` for nothing to average.
pub(super) fn ratio(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| sum as f64 / n as f64)
}

pub(super) fn hours(ms: i64) -> f64 {
    ms as f64 / 3_600_000.0
}

pub async fn timesheet(
    app: &App,
    t: &Tenant,
    cal: &Calendar,
    from: Date,
    to: Date,
) -> Result<Timesheet, StoreError> {
    let now = app.clock.now();
    let (a, b) = cal.range(from, to);
    // Aggregated by the database: per employee, per day, and per day for the chart's top
    // employees (one more than drawn, to know whether anyone is left over).
    let fig = app
        .store
        .team_figures(t, a, b, now, CHART_EMPLOYEES as u32 + 1)
        .await?;
    let weekly_target = app.store.weekly_target_minutes(t).await?;
    let expected = expected_minutes(from, to, weekly_target);
    let day_list = days(from, to);
    let day_index: HashMap<String, usize> = day_list
        .iter()
        .enumerate()
        .map(|(i, d)| (d.to_string(), i))
        .collect();
    let rows: Vec<TimesheetRow> = fig
        .employees
        .iter()
        .map(|e| {
            let worked = minutes(e.worked_ms);
            let approval = match (e.shifts, e.locked) {
                (0, _) => "none",
                (n, l) if l == n => "approved",
                (_, 0) => "open",
                _ => "partly",
            };
            TimesheetRow {
                employee_id: e.employee_id.0,
                name: e.name.clone(),
                shifts: u32::try_from(e.shifts).unwrap_or(u32::MAX),
                worked_minutes: worked,
                break_minutes: minutes(e.break_ms),
                expected_minutes: expected,
                overtime_minutes: (worked - expected).max(0),
                approval: approval.into(),
                avg_score: ratio(e.score_sum, e.scored),
            }
        })
        .collect();
    let mut team_score = vec![None; day_list.len()];
    let mut day_worked = vec![0i64; day_list.len()];
    let mut status_mix = [0u32; 4];
    for d in &fig.days {
        if let Some(&i) = day_index.get(&d.workday) {
            team_score[i] = ratio(d.score_sum, d.scored);
            day_worked[i] = d.worked_ms;
        }
        for (m, n) in status_mix.iter_mut().zip(d.tasks) {
            *m = m.saturating_add(u32::try_from(n).unwrap_or(0));
        }
    }
    let (hours, hours_others) = hours_series(&fig, &day_index, &day_worked);
    let total_worked = rows.iter().map(|r| r.worked_minutes).sum();
    let total_breaks = rows.iter().map(|r| r.break_minutes).sum();
    let total_overtime = rows.iter().map(|r| r.overtime_minutes).sum();
    Ok(Timesheet {
        from,
        to,
        rows,
        total_worked,
        total_breaks,
        total_overtime,
        weekly_target,
        day_labels: day_list
            .iter()
            .map(|d| d.strftime("%a %d").to_string())
            .collect(),
        hours,
        hours_others,
        team_score,
        status_mix,
    })
}

/// The hours chart's stacks: with up to `CHART_EMPLOYEES + 1` people who worked, one per
/// person (in list order); with more, the `CHART_EMPLOYEES` with the most hours and one
/// "everyone else" stack, so each day's bar still adds up to the team's hours. Also returns
/// how many people the last stack stands for (0 when there is none).
fn hours_series(
    fig: &store::TeamFigures,
    day_index: &HashMap<String, usize>,
    day_worked: &[i64],
) -> (Vec<Series>, usize) {
    let mut working: Vec<&store::EmployeeTotals> =
        fig.employees.iter().filter(|e| e.shifts > 0).collect();
    let lumped = working.len() > CHART_EMPLOYEES + 1;
    if lumped {
        working.sort_by(|a, b| {
            b.worked_ms
                .cmp(&a.worked_ms)
                .then(a.employee_id.cmp(&b.employee_id))
        });
    }
    let own: HashSet<EmployeeId> = working
        .iter()
        .take(if lumped {
            CHART_EMPLOYEES
        } else {
            working.len()
        })
        .map(|e| e.employee_id)
        .collect();
    let mut own_ms = vec![0i64; day_worked.len()];
    let mut series = Vec::new();
    for e in fig
        .employees
        .iter()
        .filter(|e| own.contains(&e.employee_id))
    {
        let mut values = vec![0.0; day_worked.len()];
        for d in fig.top.iter().filter(|d| d.employee_id == e.employee_id) {
            if let Some(&i) = day_index.get(&d.workday) {
                values[i] += hours(d.worked_ms);
                own_ms[i] += d.worked_ms;
            }
        }
        series.push(Series {
            name: e.name.clone(),
            values,
        });
    }
    let others = working.len() - own.len();
    if others > 0 {
        series.push(Series {
            name: format!("Everyone else ({others} people)"),
            values: day_worked
                .iter()
                .zip(&own_ms)
                .map(|(all, own)| hours((all - own).max(0)))
                .collect(),
        });
    }
    (series, others)
}

impl App {
    /// Sets the company's weekly target from hours as typed (`38.5` or `38,5`, 0 to 168).
    /// Audited.
    pub async fn set_weekly_target(
        &self,
        t: &Tenant,
        actor: domain::UserId,
        hours: &str,
        ip: &str,
    ) -> crate::Result<()> {
        let hours: f64 = hours
            .trim()
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|h: &f64| h.is_finite() && (0.0..=168.0).contains(h))
            .ok_or_else(|| {
                crate::Error::Rejected(
                    "The weekly target must be a number of hours from 0 to 168.".into(),
                )
            })?;
        self.store
            .set_weekly_target_minutes(t, (hours * 60.0).round() as i64)
            .await?;
        self.audit(
            t,
            Some(actor),
            "weekly_target_changed",
            &format!("{hours}h"),
            ip,
        )
        .await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use jiff::civil::date;

    #[test]
    fn expected_hours_follow_weekdays() {
        // A Monday-to-Sunday week: the full target.
        assert_eq!(
            expected_minutes(date(2026, 3, 23), date(2026, 3, 29), 2400),
            2400
        );
        // One weekday: a fifth; a Saturday: nothing.
        assert_eq!(
            expected_minutes(date(2026, 3, 23), date(2026, 3, 23), 2400),
            480
        );
        assert_eq!(
            expected_minutes(date(2026, 3, 28), date(2026, 3, 28), 2400),
            0
        );
        // March 2026 has 22 weekdays.
        assert_eq!(
            expected_minutes(date(2026, 3, 1), date(2026, 3, 31), 2400),
            22 * 480
        );
    }

    #[test]
    fn hm_formats() {
        assert_eq!(hm(0), "0:00");
        assert_eq!(hm(485), "8:05");
        assert_eq!(hm(-61), "-1:01");
    }

    #[test]
    fn periods_parse() {
        assert_eq!(Period::parse(None).unwrap(), Period::Week);
        assert_eq!(Period::parse(Some("month")).unwrap(), Period::Month);
        assert!(Period::parse(Some("year")).is_err());
        assert!(parse_date("date", Some("2026-02-30"), date(2026, 1, 1)).is_err());
        assert_eq!(
            parse_date("date", Some(""), date(2026, 1, 1)).unwrap(),
            date(2026, 1, 1)
        );
    }
}
