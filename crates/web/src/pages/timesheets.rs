//! Timesheets: the team for a day, week or month, and one employee over several weeks —
//! totals, breaks, overtime against the company's weekly target, approval state, and
//! server-rendered charts. Times are shown in the company's zone.

use crate::auth::PageSession;
use crate::charts::{bars, line_chart, stacked_bars, Line, Series};
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::render;
use crate::views::timesheet::TeamView;
use crate::views::Nav;
use crate::AppState;
use app::reports::{
    employee_history, hm, parse_date, period_bounds, status_items, timesheet, Calendar,
    EmployeeHistory, Period, STATUS_LABELS,
};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, Redirect};
use domain::{EmployeeId, Role};
use jiff::civil::Date;
use jiff::ToSpan;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize, Default)]
pub struct TimesheetQuery {
    pub period: Option<String>,
    pub date: Option<String>,
    pub weeks: Option<String>,
}

#[derive(Template)]
#[template(path = "timesheets.html")]
struct TeamPage {
    nav: Nav,
    period: &'static str,
    date: String,
    prev: String,
    next: String,
    zone: String,
    view: Arc<TeamView>,
    target_hours: String,
    can_edit: bool,
}

/// The team table's rows (see `TeamView::rows_html`); links keep the requested date.
#[derive(Template)]
#[template(path = "timesheet_rows.html")]
struct TeamRows<'a> {
    rows: &'a [app::reports::TimesheetRow],
    date: String,
}

impl TeamRows<'_> {
    fn hm(&self, m: &i64) -> String {
        hm(*m)
    }
    fn score(&self, s: &Option<f64>) -> String {
        s.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into())
    }
}

impl TeamPage {
    fn hm(&self, m: &i64) -> String {
        hm(*m)
    }
    /// Someone has shifts in the period not yet approved.
    fn any_open(&self) -> bool {
        self.view
            .sheet
            .rows
            .iter()
            .any(|r| matches!(r.approval.as_str(), "open" | "partly"))
    }
}

fn bad(e: domain::ValidationError) -> PageError {
    PageError::BadRequest(e.to_string())
}

pub async fn team(
    State(state): State<AppState>,
    session: PageSession,
    Query(q): Query<TimesheetQuery>,
) -> Result<Html<String>, PageError> {
    session.user(Role::Viewer)?;
    let t = &session.principal.tenant;
    let cal = Calendar::of(&state, t).await?;
    let now = state.clock.now();
    let period = Period::parse(q.period.as_deref()).map_err(bad)?;
    let date = parse_date("date", q.date.as_deref(), cal.today(now)).map_err(bad)?;
    let view = state
        .read_cache
        .cached(
            &state.timesheets,
            (t.company_id(), period, date),
            t.company_id(),
            now,
            || team_view(&state, t, &cal, period, date),
        )
        .await?;
    let from = view.sheet.from;
    let step = |forward: bool| {
        let span = match period {
            Period::Day => 1.day(),
            Period::Week => 7.days(),
            Period::Month => 1.month(),
        };
        let d = if forward {
            from.checked_add(span)
        } else {
            from.checked_sub(span)
        };
        d.unwrap_or(from).to_string()
    };
    render(&TeamPage {
        nav: session.nav(&state, "timesheets").await?,
        period: period.as_str(),
        date: date.to_string(),
        prev: step(false),
        next: step(true),
        zone: cal.zone.clone(),
        target_hours: format!("{}", view.sheet.weekly_target as f64 / 60.0),
        can_edit: session.user(Role::Supervisor).is_ok(),
        view,
    })
}

/// The team's figures for the period containing `date`, with the table rows and charts.
async fn team_view(
    state: &AppState,
    t: &store::Tenant,
    cal: &Calendar,
    period: Period,
    date: Date,
) -> Result<TeamView, PageError> {
    let (from, to) = period_bounds(period, date, cal);
    let sheet = timesheet(state, t, cal, from, to).await?;
    let rows_html = TeamRows {
        rows: &sheet.rows,
        date: date.to_string(),
    }
    .render()?;
    let label = match period {
        Period::Day => from.strftime("%A %-d %B %Y").to_string(),
        Period::Week => format!(
            "Week of {} – {}",
            from.strftime("%-d %b"),
            to.strftime("%-d %b %Y")
        ),
        Period::Month => from.strftime("%B %Y").to_string(),
    };
    let stacked = match sheet.hours_others {
        0 => "stacked by employee".to_string(),
        n => format!(
            "stacked by employee: the {} with the most hours, then everyone else ({n} people)",
            sheet.hours.len() - 1
        ),
    };
    let hours_chart = stacked_bars(
        "hours",
        "Hours per day by employee",
        &format!("Hours worked per day, {label}, {stacked}."),
        &sheet.day_labels,
        &sheet.hours,
        "h",
    );
    let score_chart = line_chart(
        "team-score",
        "Team score trend",
        &format!("Mean score of scored shifts per day, {label}."),
        &sheet.day_labels,
        &[Line {
            name: "Team".into(),
            points: sheet.team_score.clone(),
        }],
        100.0,
        "",
    );
    let status_chart = bars(
        "status-mix",
        "Task status mix",
        &format!(
            "Assigned tasks in end-of-day reports by status, {label}: {}.",
            mix_text(&sheet.status_mix)
        ),
        &status_items(&sheet.status_mix),
        "",
    );
    Ok(TeamView {
        sheet,
        label,
        rows_html,
        hours_chart,
        score_chart,
        status_chart,
    })
}

fn mix_text(mix: &[u32; 4]) -> String {
    STATUS_LABELS
        .iter()
        .zip(mix)
        .map(|(l, n)| format!("{n} {l}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Deserialize)]
pub struct TargetForm {
    csrf: String,
    hours: String,
}

/// Sets the company's weekly-hours target.
pub async fn set_target(
    State(state): State<AppState>,
    session: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<TargetForm>,
) -> Result<Redirect, PageError> {
    let user = state
        .form_writer(&session, &f.csrf, Role::Supervisor)
        .await?;
    state
        .set_weekly_target(&session.principal.tenant, user, &f.hours, &ip)
        .await?;
    Ok(Redirect::to("/timesheets"))
}

#[derive(Template)]
#[template(path = "timesheet_employee.html")]
struct EmployeePage {
    nav: Nav,
    h: EmployeeHistory,
    zone: String,
    target: String,
    weeks: u32,
    score_chart: String,
    hours_chart: String,
    status_chart: String,
    can_edit: bool,
    /// Where the approval forms return: this page as requested.
    back: String,
}

impl EmployeePage {
    fn hm(&self, m: &i64) -> String {
        hm(*m)
    }
    fn score(&self, s: &Option<f64>) -> String {
        s.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into())
    }
    fn opt(&self, s: &Option<i64>) -> String {
        s.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
    }
}

pub async fn employee(
    State(state): State<AppState>,
    session: PageSession,
    Path(id): Path<String>,
    Query(q): Query<TimesheetQuery>,
) -> Result<Html<String>, PageError> {
    session.user(Role::Viewer)?;
    let id: EmployeeId = id.parse().map_err(|_| PageError::NotFound)?;
    let t = &session.principal.tenant;
    let cal = Calendar::of(&state, t).await?;
    let date = parse_date("date", q.date.as_deref(), cal.today(state.clock.now())).map_err(bad)?;
    let weeks = match q.weeks.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => 8,
        Some(w) => w
            .parse::<u32>()
            .ok()
            .filter(|w| (1..=52).contains(w))
            .ok_or_else(|| {
                PageError::BadRequest("weeks must be a whole number from 1 to 52".into())
            })?,
    };
    let h = employee_history(&state, t, &cal, id, date, weeks).await?;
    let week_labels: Vec<String> = h
        .weeks
        .iter()
        .map(|w| w.week_start.get(5..).unwrap_or(&w.week_start).to_string())
        .collect();
    let score_chart = line_chart(
        "emp-score",
        &format!("Score trend: {}", h.employee.name),
        &format!("Mean score per workday over the last {weeks} weeks."),
        &h.score_days,
        &[Line {
            name: h.employee.name.clone(),
            points: h.scores.clone(),
        }],
        100.0,
        "",
    );
    let hours_chart = stacked_bars(
        "emp-hours",
        "Hours per week",
        &format!("Hours worked per week over the last {weeks} weeks."),
        &week_labels,
        &[Series {
            name: h.employee.name.clone(),
            values: h
                .weeks
                .iter()
                .map(|w| w.worked_minutes as f64 / 60.0)
                .collect(),
        }],
        "h",
    );
    let status_series: Vec<Series> = STATUS_LABELS
        .iter()
        .enumerate()
        .map(|(i, l)| Series {
            name: l.to_string(),
            values: h.weeks.iter().map(|w| f64::from(w.statuses[i])).collect(),
        })
        .collect();
    let status_chart = stacked_bars(
        "emp-status",
        "Task statuses over time",
        "Assigned tasks in end-of-day reports per week, stacked: done, in progress, blocked, not worked on.",
        &week_labels,
        &status_series,
        "",
    );
    let target = state.store.weekly_target_minutes(t).await?;
    render(&EmployeePage {
        can_edit: session.user(Role::Supervisor).is_ok(),
        back: format!("/employees/{id}/timesheet?date={date}&weeks={weeks}"),
        nav: session.nav(&state, "timesheets").await?,
        zone: cal.zone.clone(),
        target: hm(target),
        weeks,
        h,
        score_chart,
        hours_chart,
        status_chart,
    })
}
