//! One weekly summary: the text, the anonymised figures it was written from, and charts.

use crate::auth::PageSession;
use crate::charts::bars;
use crate::error::PageError;
use crate::pages::{render, Nav};
use crate::AppState;
use analysis::WeeklyFigures;
use app::reports::status_items;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use domain::{Role, SummaryId};

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage {
    nav: Nav,
    week_start: String,
    paragraphs: Vec<String>,
    analyzer: String,
    figures: Option<WeeklyFigures>,
    avg_score: String,
    buckets_chart: String,
    status_chart: String,
    blockers_chart: String,
}

pub async fn get(
    State(state): State<AppState>,
    session: PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    session.user(Role::Viewer)?;
    let id: SummaryId = id.parse().map_err(|_| PageError::NotFound)?;
    let s = state.store.summary(&session.principal.tenant, id).await?;
    let figures: Option<WeeklyFigures> = serde_json::from_str(&s.figures).ok();
    let (buckets_chart, status_chart, blockers_chart) = match &figures {
        Some(f) => {
            let buckets: Vec<(String, f64)> = ["0–19", "20–39", "40–59", "60–79", "80–100"]
                .iter()
                .zip(f.score_buckets)
                .map(|(l, n)| (l.to_string(), f64::from(n)))
                .collect();
            let mix = [
                f.tasks_done,
                f.tasks_progress,
                f.tasks_blocked,
                f.tasks_none,
            ];
            let themes: Vec<(String, f64)> = f
                .blocker_themes
                .iter()
                .map(|(t, n)| (t.describe().to_string(), f64::from(*n)))
                .collect();
            (
                bars(
                    "buckets",
                    "Scores",
                    "Scored shifts per score band this week.",
                    &buckets,
                    "",
                ),
                bars(
                    "status",
                    "Task status mix",
                    "Assigned tasks in end-of-day reports by status this week.",
                    &status_items(&mix),
                    "",
                ),
                bars(
                    "blockers",
                    "Blockers by theme",
                    "Reported blockers this week, grouped into themes.",
                    &themes,
                    "",
                ),
            )
        }
        None => Default::default(),
    };
    render(&SummaryPage {
        nav: session.nav(&state, "dashboard").await?,
        week_start: s.week_start,
        paragraphs: s.body.split("\n\n").map(str::to_string).collect(),
        analyzer: format!("{} ({})", s.analyzer, s.model),
        avg_score: figures
            .as_ref()
            .and_then(|f| f.avg_score)
            .map(|v| format!("{v:.0}"))
            .unwrap_or_else(|| "–".into()),
        figures,
        buckets_chart,
        status_chart,
        blockers_chart,
    })
}
