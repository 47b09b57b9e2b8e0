//! What supervisors read: the live board, timesheets, and the figures behind charts. Pure
//! assembly over store reads; pages and the JSON API render the same structs.

use crate::App;
use domain::calendar::{day_range, local_time, week_start, weekday_from_iso};
use domain::{EmployeeId, ReportExtraction, ShiftId, StandupCheck, TaskStatus};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use store::{Analysis, Employee, Shift, ShiftFilter, StoreError, Tenant};
use utoipa::ToSchema;

/// A company's calendar: its zone and the day its weeks start.
#[derive(Clone)]
pub struct Calendar {
    pub tz: TimeZone,
    pub zone: String,
    pub week_start: Weekday,
    pub created_at: Timestamp,
}

impl Calendar {
    pub async fn of(state: &App, t: &Tenant) -> Result<Self, StoreError> {
        let c = state.store.company(t).await?;
        // The zone was validated at sign-up; an unknown one (tz database change) falls back to UTC.
        let tz = TimeZone::get(&c.timezone).unwrap_or(TimeZone::UTC);
        Ok(Self {
            tz,
            zone: c.timezone,
            week_start: weekday_from_iso(c.week_start),
            created_at: c.created_at,
        })
    }

    pub fn today(&self, now: Timestamp) -> Date {
        domain::calendar::workday(now, &self.tz)
    }

    pub fn week_of(&self, d: Date) -> Date {
        week_start(d, self.week_start)
    }

    /// UTC bounds of local days `[from, to]`.
    pub fn range(&self, from: Date, to: Date) -> (Timestamp, Timestamp) {
        day_range(from, to, &self.tz).unwrap_or((Timestamp::MIN, Timestamp::MAX))
    }

    pub fn local(&self, t: Timestamp) -> String {
        local_time(t, &self.tz)
    }

    pub fn clock(&self, t: Timestamp) -> String {
        t.to_zoned(self.tz.clone()).strftime("%H:%M").to_string()
    }
}

/// One stacked series (e.g. one employee's hours per day).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// Whole minutes from milliseconds, rounded to the nearest minute (sums are rounded once,
/// at the end, so they match the parts).
pub fn minutes(ms: i64) -> i64 {
    (ms + 30_000).div_euclid(60_000)
}

/// `7:05` from minutes.
pub fn hm(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.abs();
    format!("{sign}{}:{:02}", m / 60, m % 60)
}

// ---------------------------------------------------------------------------------------
// The live board

#[derive(Serialize, ToSchema)]
pub struct Board {
    /// The company's IANA zone; `*_local` fields are wall-clock times in it.
    pub timezone: String,
    pub generated_at: String,
    pub present: Vec<PresentRow>,
    pub missed_tasks: Vec<MissedRow>,
    pub unconfirmed: Vec<UnconfirmedRow>,
    pub failed_analyses: Vec<FailedRow>,
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

pub async fn board(state: &App, t: &Tenant) -> Result<Board, StoreError> {
    let cal = Calendar::of(state, t).await?;
    board_for(state, t, &cal).await
}

/// [`board`] with the company's calendar already read. Every list is one query with the
/// employee's name joined in; only today's standups that missed a task are read and parsed.
pub async fn board_for(state: &App, t: &Tenant, cal: &Calendar) -> Result<Board, StoreError> {
    let now = state.clock.now();
    let store = &state.store;
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
        kiosk_alerts,
        summaries,
    })
}

// ---------------------------------------------------------------------------------------
// Timesheets

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

#[derive(Debug, Clone, Serialize, ToSchema)]
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

/// The analyses of listed shifts by shift and kind: one hash lookup per shift instead of a
/// scan of every analysis (the listings used to be quadratic in the number of shifts).
pub struct AnalysisIndex<'a> {
    standup: HashMap<ShiftId, &'a Analysis>,
    report: HashMap<ShiftId, &'a Analysis>,
}

impl<'a> AnalysisIndex<'a> {
    pub fn new(analyses: &'a [Analysis]) -> Self {
        let mut standup = HashMap::with_capacity(analyses.len() / 2 + 1);
        let mut report = HashMap::with_capacity(analyses.len() / 2 + 1);
        for a in analyses {
            // The first match wins, as a linear `find` would have it.
            match a.kind.as_str() {
                "standup" => {
                    standup.entry(a.shift).or_insert(a);
                }
                "report" => {
                    report.entry(a.shift).or_insert(a);
                }
                _ => {}
            }
        }
        Self { standup, report }
    }

    pub fn standup(&self, s: ShiftId) -> Option<&'a Analysis> {
        self.standup.get(&s).copied()
    }

    pub fn report(&self, s: ShiftId) -> Option<&'a Analysis> {
        self.report.get(&s).copied()
    }

    /// The effective report score of a shift.
    pub fn score(&self, s: ShiftId) -> Option<i64> {
        self.report(s).and_then(Analysis::effective_score)
    }

    /// The task statuses of a shift's report (empty when unanalysed or unreadable).
    pub fn statuses(&self, s: ShiftId) -> Vec<TaskStatus> {
        self.report(s).map(report_statuses).unwrap_or_default()
    }
}

fn report_statuses(a: &Analysis) -> Vec<TaskStatus> {
    serde_json::from_str::<ReportExtraction>(&a.result)
        .map(|r| r.tasks.into_iter().map(|t| t.status).collect())
        .unwrap_or_default()
}

/// The effective report score of a shift.
pub fn score_of(analyses: &[Analysis], s: ShiftId) -> Option<i64> {
    analyses
        .iter()
        .find(|a| a.shift == s && a.kind == "report")
        .and_then(Analysis::effective_score)
}

pub fn statuses_of(analyses: &[Analysis], s: ShiftId) -> Vec<TaskStatus> {
    analyses
        .iter()
        .find(|a| a.shift == s && a.kind == "report")
        .map(report_statuses)
        .unwrap_or_default()
}

fn status_index(s: TaskStatus) -> usize {
    match s {
        TaskStatus::Done => 0,
        TaskStatus::Progress => 1,
        TaskStatus::Blocked => 2,
        TaskStatus::None => 3,
    }
}

pub fn mean(v: &[i64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<i64>() as f64 / v.len() as f64)
}

/// Employees drawn as their own stack in the team's hours chart; everyone else shares one
/// stack (a thousand slivers of a bar say nothing, and cost half a megabyte of SVG).
pub const CHART_EMPLOYEES: usize = 7;

/// `sum / n`, or `None` for nothing to average.
fn ratio(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| sum as f64 / n as f64)
}

fn hours(ms: i64) -> f64 {
    ms as f64 / 3_600_000.0
}

pub async fn timesheet(
    state: &App,
    t: &Tenant,
    cal: &Calendar,
    from: Date,
    to: Date,
) -> Result<Timesheet, StoreError> {
    let now = state.clock.now();
    let (a, b) = cal.range(from, to);
    // Aggregated by the database: per employee, per day, and per day for the chart's top
    // employees (one more than drawn, to know whether anyone is left over).
    let fig = state
        .store
        .team_figures(t, a, b, now, CHART_EMPLOYEES as u32 + 1)
        .await?;
    let weekly_target = state.store.weekly_target_minutes(t).await?;
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

pub const STATUS_LABELS: [&str; 4] = ["done", "in progress", "blocked", "not worked on"];

pub fn status_items(mix: &[u32; 4]) -> Vec<(String, f64)> {
    STATUS_LABELS
        .iter()
        .zip(mix)
        .map(|(l, n)| (l.to_string(), f64::from(*n)))
        .collect()
}

// ---------------------------------------------------------------------------------------
// One employee over several weeks

pub struct WeekRow {
    pub week_start: String,
    pub shifts: u32,
    pub worked_minutes: i64,
    pub break_minutes: i64,
    pub overtime_minutes: i64,
    pub approved: bool,
    pub avg_score: Option<f64>,
    pub statuses: [u32; 4],
}

pub struct ShiftRow {
    pub id: String,
    pub workday: String,
    pub clock_in: String,
    pub clock_out: String,
    pub break_minutes: i64,
    pub worked_minutes: i64,
    pub score: Option<i64>,
    pub auto_closed: bool,
    pub corrected: bool,
    pub locked: bool,
}

pub struct EmployeeHistory {
    pub employee: Employee,
    pub weeks: Vec<WeekRow>,
    pub shifts: Vec<ShiftRow>,
    /// Chart series: per shift day, the score.
    pub score_days: Vec<String>,
    pub scores: Vec<Option<f64>>,
    pub tasks: Vec<store::Task>,
}

pub async fn employee_history(
    state: &App,
    t: &Tenant,
    cal: &Calendar,
    id: EmployeeId,
    last_week: Date,
    weeks: u32,
) -> Result<EmployeeHistory, StoreError> {
    let now = state.clock.now();
    let employee = state.store.employee(t, id).await?;
    let last = cal.week_of(last_week);
    let first = last
        .checked_sub((7 * i64::from(weeks.saturating_sub(1))).days())
        .unwrap_or(last);
    let end = last.checked_add(6.days()).unwrap_or(last);
    let (a, b) = cal.range(first, end);
    let shifts = state
        .store
        .shifts(
            t,
            ShiftFilter {
                from: Some(a),
                to: Some(b),
                employee: Some(id),
            },
            now,
        )
        .await?;
    let ids: Vec<ShiftId> = shifts.iter().map(|s| s.id).collect();
    let analyses = state.store.analyses_for(t, &ids).await?;
    let index = AnalysisIndex::new(&analyses);
    let target = state.store.weekly_target_minutes(t).await?;
    let approved: HashSet<String> = state
        .store
        .approvals_between(t, &first.to_string(), &last.to_string())
        .await?
        .into_iter()
        .filter(|(e, _)| *e == id)
        .map(|(_, w)| w)
        .collect();
    let mut weeks_out = Vec::new();
    let mut w = first;
    while w <= last {
        let key = w.to_string();
        let mine: Vec<&Shift> = shifts
            .iter()
            .filter(|s| {
                s.workday
                    .parse::<Date>()
                    .map(|d| cal.week_of(d) == w)
                    .unwrap_or(false)
            })
            .collect();
        let worked: i64 = minutes(mine.iter().map(|s| s.worked(now).as_millis() as i64).sum());
        let scores: Vec<i64> = mine.iter().filter_map(|s| index.score(s.id)).collect();
        let mut statuses = [0u32; 4];
        for s in &mine {
            for st in index.statuses(s.id) {
                statuses[status_index(st)] += 1;
            }
        }
        weeks_out.push(WeekRow {
            approved: approved.contains(&key),
            week_start: key,
            shifts: mine.len() as u32,
            worked_minutes: worked,
            break_minutes: minutes(mine.iter().map(|s| s.break_ms).sum()),
            overtime_minutes: (worked - target).max(0),
            avg_score: mean(&scores),
            statuses,
        });
        match w.checked_add(7.days()) {
            Ok(n) => w = n,
            Err(_) => break,
        }
    }
    let mut by_day: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for s in &shifts {
        let e = by_day.entry(s.workday.clone()).or_default();
        if let Some(sc) = index.score(s.id) {
            e.push(sc);
        }
    }
    let shift_rows = shifts
        .iter()
        .rev()
        .map(|s| ShiftRow {
            id: s.id.to_string(),
            workday: s.workday.clone(),
            clock_in: cal.clock(s.clock_in_at),
            clock_out: s
                .clock_out_at
                .map(|o| cal.clock(o))
                .unwrap_or_else(|| "open".into()),
            break_minutes: minutes(s.break_ms),
            worked_minutes: minutes(s.worked(now).as_millis() as i64),
            score: index.score(s.id),
            auto_closed: s.auto_closed,
            corrected: s.corrected,
            locked: s.locked,
        })
        .collect();
    let tasks = state.store.tasks(t, Some(id), None).await?;
    Ok(EmployeeHistory {
        employee,
        weeks: weeks_out,
        shifts: shift_rows,
        score_days: by_day
            .keys()
            .map(|d| d.get(5..).unwrap_or(d).to_string())
            .collect(),
        scores: by_day.values().map(|v| mean(v)).collect(),
        tasks,
    })
}

#[cfg(test)]
mod tests {
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
