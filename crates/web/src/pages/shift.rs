//! One shift for supervisors: times, notes, the standup check, the score and why, every
//! correction; forms to correct (with a reason) and to override the score (with a reason).

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::forms::field_errors;
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::score::ScoreBreakdown;
use domain::{Reason, ReportExtraction, ReportText, Role, ShiftId, StandupCheck, StandupText};
use serde::Deserialize;
use store::{JobKind, ShiftCorrection};
use uuid::Uuid;

pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
    pub reason: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "shift.html")]
struct ShiftPage {
    nav: Nav,
    id: String,
    employee_id: String,
    employee: String,
    day: String,
    clock_in: String,
    clock_out: String,
    clock_in_local: String,
    clock_out_local: String,
    tz: String,
    worked: String,
    breaks: i64,
    standup: String,
    report: String,
    flags: Vec<&'static str>,
    check: Option<StandupCheck>,
    extraction: Option<ReportExtraction>,
    breakdown: Option<ScoreBreakdown>,
    score: Option<i64>,
    override_reason: Option<String>,
    analyzer: String,
    changes: Vec<Change>,
    can_edit: bool,
    locked: bool,
    errors: FieldErrors,
}

async fn page(
    state: &AppState,
    s: &PageSession,
    id: ShiftId,
    errors: FieldErrors,
) -> Result<ShiftPage, PageError> {
    let t = &s.principal.tenant;
    let now = state.clock.now();
    let sh = state.store.shift(t, id, now).await?;
    let employee = state.store.employee(t, sh.employee_id).await?;
    let company = state.store.company(t).await?;
    let tz = domain::TimeZoneName::parse(&company.timezone)
        .map(|z| z.tz())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let standup = state.store.analysis(t, id, JobKind::Standup).await?;
    let report = state.store.analysis(t, id, JobKind::Report).await?;
    let mut flags = Vec::new();
    if sh.auto_closed {
        flags.push(if sh.end_confirmed {
            "auto-closed, confirmed"
        } else {
            "auto-closed, awaiting confirmation"
        });
    }
    if sh.corrected {
        flags.push("corrected");
    }
    if sh.locked {
        flags.push("approved week");
    }
    if report.as_ref().is_some_and(|a| a.fallback) || standup.as_ref().is_some_and(|a| a.fallback) {
        flags.push("analysed by the built-in analyzer after the AI service failed");
    }
    if report.as_ref().is_some_and(|a| a.provisional)
        || standup.as_ref().is_some_and(|a| a.provisional)
    {
        flags.push("provisional: the built-in analyzer's result until the AI service answers");
    }
    let w = sh.worked(now);
    let changes = state
        .store
        .shift_changes(t, id)
        .await?
        .into_iter()
        .map(|c| Change {
            field: c.field,
            old: c.old_value.unwrap_or_default(),
            new: c.new_value.unwrap_or_default(),
            reason: c.reason,
            at: domain::calendar::local_time(c.created_at, &tz),
        })
        .collect();
    Ok(ShiftPage {
        nav: s.nav(state, "employees").await?,
        id: sh.id.to_string(),
        employee_id: employee.id.to_string(),
        employee: employee.name,
        day: sh.workday.clone(),
        clock_in: domain::calendar::input_value(sh.clock_in_at, &tz),
        clock_out: sh
            .clock_out_at
            .map(|t| domain::calendar::input_value(t, &tz))
            .unwrap_or_default(),
        clock_in_local: domain::calendar::local_time(sh.clock_in_at, &tz),
        clock_out_local: sh
            .clock_out_at
            .map(|t| domain::calendar::local_time(t, &tz))
            .unwrap_or_else(|| "still in".into()),
        tz: company.timezone,
        worked: format!("{}:{:02}", w.as_hours(), w.as_mins() % 60),
        breaks: sh.break_ms / 60_000,
        standup: sh.standup,
        report: sh.report.unwrap_or_default(),
        flags,
        check: standup
            .as_ref()
            .and_then(|a| serde_json::from_str(&a.result).ok()),
        extraction: report
            .as_ref()
            .and_then(|a| serde_json::from_str(&a.result).ok()),
        breakdown: report
            .as_ref()
            .and_then(|a| a.breakdown.as_deref())
            .and_then(|b| serde_json::from_str(b).ok()),
        score: report.as_ref().and_then(|a| a.effective_score()),
        override_reason: report.as_ref().and_then(|a| a.override_reason.clone()),
        analyzer: report
            .as_ref()
            .or(standup.as_ref())
            .map(|a| format!("{} ({})", a.analyzer, a.model))
            .unwrap_or_default(),
        changes,
        can_edit: s.user(Role::Supervisor).is_ok(),
        locked: sh.locked,
        errors,
    })
}

pub async fn get(
    State(state): State<AppState>,
    s: PageSession,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    s.user(Role::Viewer)?;
    Ok(render(&page(&state, &s, ShiftId(id), FieldErrors::default()).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct CorrectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    clock_in_at: String,
    #[serde(default)]
    clock_out_at: String,
    #[serde(default)]
    standup: String,
    #[serde(default)]
    report: String,
}

pub async fn correct(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CorrectForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let t = &s.principal.tenant;
    let id = ShiftId(id);
    let old = state.store.shift(t, id, state.clock.now()).await?;
    let tz = app::reports::Calendar::of(&state, t).await?.tz;
    let parsed = (|| -> Result<_, crate::error::ApiError> {
        // Local time in the company's zone, to the minute, as the form showed it: a field
        // left as shown is no change (the stored instant keeps its seconds).
        let time = |field: &'static str,
                    v: &str,
                    shown: Option<jiff::Timestamp>|
         -> Result<Option<jiff::Timestamp>, domain::ValidationError> {
            let v = v.trim();
            if v.is_empty() || shown.is_some_and(|at| domain::calendar::input_value(at, &tz) == v) {
                return Ok(None);
            }
            domain::calendar::parse_local_input(field, v, &tz).map(Some)
        };
        let c = ShiftCorrection {
            clock_in_at: time("clock_in_at", &f.clock_in_at, Some(old.clock_in_at))?,
            clock_out_at: time("clock_out_at", &f.clock_out_at, old.clock_out_at)?,
            standup: Some(StandupText::parse(&f.standup)?.into_inner()),
            report: if f.report.trim().is_empty() {
                None
            } else {
                Some(ReportText::parse(&f.report)?.into_inner())
            },
        };
        Ok((Reason::parse(&f.reason)?, c))
    })();
    let result = match parsed {
        Ok((reason, c)) => state
            .correct_shift(t, user, id, &c, &reason, &ip)
            .await
            .map_err(Into::into),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/shifts/{id}")).into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(&state, &s, id, errors).await?)?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    override_reason: String,
}

pub async fn override_score(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<OverrideForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Supervisor).await?;
    let t = &s.principal.tenant;
    let id = ShiftId(id);
    let score = f.score.trim().parse::<u8>().ok().filter(|s| *s <= 100);
    let reason = Reason::parse(&f.override_reason);
    match (score, reason) {
        (Some(score), Ok(reason)) => {
            state
                .override_score(t, user, id, score, &reason, &ip)
                .await?;
            Ok(Redirect::to(&format!("/shifts/{id}")).into_response())
        }
        (None, _) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(
                &page(
                    &state,
                    &s,
                    id,
                    FieldErrors::one("score", "must be a whole number from 0 to 100"),
                )
                .await?,
            )?,
        )
            .into_response()),
        (_, Err(e)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(
                &page(
                    &state,
                    &s,
                    id,
                    FieldErrors::one("override_reason", e.message),
                )
                .await?,
            )?,
        )
            .into_response()),
    }
}
