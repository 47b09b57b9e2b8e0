//! One employee over several weeks: weekly totals and each shift with its score.

use super::analyses::{mean, status_index, AnalysisIndex};
use super::calendar::{minutes, Calendar};
use crate::App;
use domain::{EmployeeId, ShiftId};
use jiff::civil::Date;
use jiff::ToSpan;
use std::collections::{BTreeMap, HashSet};
use store::{Employee, Shift, ShiftFilter, StoreError, Tenant};

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
    app: &App,
    t: &Tenant,
    cal: &Calendar,
    id: EmployeeId,
    last_week: Date,
    weeks: u32,
) -> Result<EmployeeHistory, StoreError> {
    let now = app.clock.now();
    let employee = app.store.employee(t, id).await?;
    let last = cal.week_of(last_week);
    let first = last
        .checked_sub((7 * i64::from(weeks.saturating_sub(1))).days())
        .unwrap_or(last);
    let end = last.checked_add(6.days()).unwrap_or(last);
    let (a, b) = cal.range(first, end);
    let shifts = app
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
    let analyses = app.store.analyses_for(t, &ids).await?;
    let index = AnalysisIndex::new(&analyses);
    let target = app.store.weekly_target_minutes(t).await?;
    let approved: HashSet<String> = app
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
    let tasks = app.store.tasks(t, Some(id), None).await?;
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
