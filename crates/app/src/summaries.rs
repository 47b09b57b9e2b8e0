//! Weekly summaries: for each company and finished week (company zone, configured week
//! start), aggregate anonymised [`WeeklyFigures`] — counts and hours only, blockers as
//! fixed themes, never names, ID codes or note text — ask the analyzer for a plain-English
//! summary (the local template when it fails), store it once per (company, week), and mail
//! it to owners and supervisors.
//!
//! Employees who objected to AI processing are left out of the figures altogether (not
//! only out of what an external model sees). A week with fewer than [`MIN_GROUP`] people
//! gets team totals only, written by the local template: nothing goes to a model then.

use crate::mail::Mail;
use crate::reports::{AnalysisIndex, Calendar};
use crate::App;
use analysis::{WeeklyFigures, MIN_GROUP};
use domain::{ReportExtraction, Role, ShiftId, SummaryId, TaskStatus};
use jiff::civil::Date;
use jiff::ToSpan;
use std::collections::HashSet;
use store::{NewSummary, ReportCompany, ShiftFilter, StoreError, Tenant};

/// The anonymised figures of one week. Names and texts are read only to be counted.
pub async fn weekly_figures(
    app: &App,
    t: &Tenant,
    cal: &Calendar,
    week: Date,
) -> Result<WeeklyFigures, StoreError> {
    let now = app.clock.now();
    let end = week.checked_add(6.days()).unwrap_or(week);
    let (a, b) = cal.range(week, end);
    let objectors: HashSet<_> = app
        .store
        .employees(t, true)
        .await?
        .into_iter()
        .filter(|e| e.objected)
        .map(|e| e.id)
        .collect();
    let shifts: Vec<_> = app
        .store
        .shifts(
            t,
            ShiftFilter {
                from: Some(a),
                to: Some(b),
                employee: None,
            },
            now,
        )
        .await?
        .into_iter()
        .filter(|s| !objectors.contains(&s.employee_id))
        .collect();
    let ids: Vec<ShiftId> = shifts.iter().map(|s| s.id).collect();
    let analyses = app.store.analyses_for(t, &ids).await?;
    let index = AnalysisIndex::new(&analyses);
    let people: HashSet<_> = shifts.iter().map(|s| s.employee_id).collect();
    let total_hours: f64 = shifts
        .iter()
        .map(|s| s.worked(now).as_secs_f64() / 3600.0)
        .sum();
    let scores: Vec<i64> = shifts.iter().filter_map(|s| index.score(s.id)).collect();
    let mut buckets = [0u32; 5];
    for s in &scores {
        buckets[(s.clamp(&0, &100) / 20).min(4) as usize] += 1;
    }
    let mut counts = [0u32; 4];
    let mut blockers: Vec<String> = Vec::new();
    for s in &shifts {
        for st in index.statuses(s.id) {
            counts[match st {
                TaskStatus::Done => 0,
                TaskStatus::Progress => 1,
                TaskStatus::Blocked => 2,
                TaskStatus::None => 3,
            }] += 1;
        }
        if let Some(r) = index
            .report(s.id)
            .and_then(|a| serde_json::from_str::<ReportExtraction>(&a.result).ok())
        {
            blockers.extend(r.blockers);
        }
    }
    let employees_active = people.len() as u32;
    let figures = WeeklyFigures {
        week_start: week.to_string(),
        employees_active,
        shifts: shifts.len() as u32,
        total_hours: round1(total_hours),
        avg_hours_per_employee: if employees_active > 0 {
            round1(total_hours / f64::from(employees_active))
        } else {
            0.0
        },
        avg_score: crate::reports::mean(&scores).map(round1),
        score_buckets: buckets,
        tasks_done: counts[0],
        tasks_progress: counts[1],
        tasks_blocked: counts[2],
        tasks_none: counts[3],
        auto_closed_shifts: shifts.iter().filter(|s| s.auto_closed).count() as u32,
        // Only the theme counts leave this function; the phrases are dropped here.
        blocker_themes: analysis::tally_themes(blockers.iter().map(String::as_str)),
        previous_week_avg_score: None,
        previous_week_hours: None,
        small_group: false,
    };
    Ok(if employees_active > 0 && employees_active < MIN_GROUP {
        figures.team_totals_only()
    } else {
        figures
    })
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// What [`summarize_week`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created(SummaryId),
    /// The week already had a summary.
    Exists,
    /// The company did not exist yet that week.
    Skipped,
    /// The week has not ended yet in the company's zone.
    NotFinished,
}

/// Summarises one company's week (the week containing `day`) unless already done.
pub async fn summarize_week(app: &App, t: &Tenant, day: Date) -> Result<Outcome, StoreError> {
    let cal = Calendar::of(app, t).await?;
    let week = cal.week_of(day);
    let next = week.checked_add(7.days()).unwrap_or(week);
    let (_, week_end) = cal.range(week, next.checked_sub(1.day()).unwrap_or(week));
    if app.clock.now() < week_end {
        return Ok(Outcome::NotFinished);
    }
    if cal.created_at >= week_end {
        return Ok(Outcome::Skipped);
    }
    if app
        .store
        .summary_for_week(t, &week.to_string())
        .await?
        .is_some()
    {
        return Ok(Outcome::Exists);
    }
    let mut figures = weekly_figures(app, t, &cal, week).await?;
    let prev_week = week.checked_sub(7.days()).unwrap_or(week);
    let prev = weekly_figures(app, t, &cal, prev_week).await?;
    if prev.shifts > 0 {
        figures.previous_week_hours = Some(prev.total_hours);
        figures.previous_week_avg_score = prev.avg_score;
    }
    let asked = if figures.small_group {
        // Totals only: the template says them, and no model sees the week.
        Ok(analysis::local_summary(&figures))
    } else {
        app.analyzer.summarize_week(&figures).await
    };
    let (text, analyzer, model, fallback) = match asked {
        Ok(a) => (a.value, a.analyzer, a.model, false),
        Err(e) => {
            tracing::warn!(error = %e, "weekly summary by the analyzer failed; the local template stands in");
            let a = analysis::local_summary(&figures);
            (a.value, a.analyzer, a.model, app.analyzer.is_external())
        }
    };
    let figures_json = serde_json::to_string(&figures)
        .map_err(|e| StoreError::Rule(format!("weekly figures: {e}")))?;
    let saved = app
        .store
        .save_summary(
            t,
            NewSummary {
                week_start: &week.to_string(),
                figures: &figures_json,
                body: &text,
                analyzer,
                model: &model,
                fallback,
            },
            app.clock.now(),
        )
        .await?;
    let Some(id) = saved else {
        return Ok(Outcome::Exists);
    };
    mail_summary(app, t, id, &week.to_string(), &text).await?;
    Ok(Outcome::Created(id))
}

async fn mail_summary(
    app: &App,
    t: &Tenant,
    id: SummaryId,
    week: &str,
    text: &str,
) -> Result<(), StoreError> {
    let link = app
        .config
        .base_url
        .join(&format!("summaries/{id}"))
        .map(|u| u.to_string())
        .unwrap_or_default();
    for u in app.store.users(t).await? {
        if matches!(u.role, Role::Owner | Role::Supervisor) {
            let body = format!(
                "Your team's week starting {week}:\n\n{text}\n\nCharts and figures: {link}\n"
            );
            app.send_mail(
                Some(t),
                Mail::new(u.email, format!("Weekly summary: week of {week}"), body),
            )
            .await;
        }
    }
    Ok(())
}

/// One round of the job: the last finished week of every active company.
pub async fn run_due(app: &App) -> Result<usize, StoreError> {
    run_for(app, None).await
}

/// Summarises, for every active company, the week containing `day` (`None`: the last
/// finished week in each company's zone). Returns how many summaries were created.
pub async fn run_for(app: &App, day: Option<Date>) -> Result<usize, StoreError> {
    let mut created = 0;
    for ReportCompany { tenant, .. } in app.store.report_companies().await? {
        let target = match day {
            Some(d) => d,
            None => {
                let cal = Calendar::of(app, &tenant).await?;
                let this_week = cal.week_of(cal.today(app.clock.now()));
                this_week.checked_sub(7.days()).unwrap_or(this_week)
            }
        };
        // One company's failure must not stop the others.
        match summarize_week(app, &tenant, target).await {
            Ok(Outcome::Created(_)) => {
                created += 1;
                app.read_cache.bump(tenant.company_id());
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, company = %tenant.company_id(), "weekly summary failed")
            }
        }
    }
    Ok(created)
}
