//! The kiosk: a shared tablet where employees identify with their ID code (and PIN),
//! see their open tasks, and clock in with a standup or out with a report. Also the
//! personal clock link, the same flow on the employee's own phone without a code. (Kiosk
//! enrolment and revocation, the supervisor's side, are [`super::kiosks`].)
//! No employee list is ever shown; the screen resets for the next person.

use crate::auth::session::{cookie_token, set_cookie};
use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::bump_generation::ActingFor;
use crate::middleware::client_ip::ClientIp;
use crate::pages::{render, FieldErrors};
use crate::AppState;
use app::clocking::ClockSource;
use app::credentials::token;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::KioskId;
use jiff::SignedDuration;
use serde::Deserialize;
use store::{Employee, PrincipalKind, Tenant};

/// Said beside a result of the built-in analyzer that stands in for a slow or failing AI
/// service; the service's answer replaces it on the shift when it comes.
const PROVISIONAL: &str =
    "Provisional: the AI service is slow right now, so the built-in analyzer answered. The final result replaces it on your shift.";

/// Seconds before a kiosk screen returns to the code entry on its own.
const RESET_AFTER: u32 = 45;

#[derive(Template)]
#[template(path = "kiosk.html")]
struct KioskScreen {
    csrf: String,
    /// Where step-two forms post: `/kiosk` or `/c/{token}`.
    base: String,
    step: Step,
    errors: FieldErrors,
    reset_after: u32,
    /// The clock stops soon (an ended trial's grace week): said on the code entry.
    notice: Option<String>,
}

/// What the kiosk shows.
enum Step {
    EnterCode,
    /// Identified: tasks and the right form for their state.
    Identified {
        ticket: String,
        first_name: String,
        tasks: Vec<String>,
        clocked_in: bool,
        on_break: bool,
        since: String,
        unconfirmed: Option<String>,
    },
    Done {
        headline: String,
        lines: Vec<String>,
        warn: bool,
    },
}

pub(super) fn kiosk_of(s: &PageSession) -> Result<KioskId, PageError> {
    match s.principal.kind {
        PrincipalKind::Kiosk { kiosk_id } => Ok(kiosk_id),
        PrincipalKind::User { .. } => Err(PageError::Forbidden(
            "This browser is not a kiosk. A supervisor can enrol it under Kiosks.".into(),
        )),
    }
}

pub(super) fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_string()
}

// ---- the kiosk screen --------------------------------------------------------------------

/// A kiosk stays enrolled until revoked (its session never expires), but browsers keep a
/// cookie at most 400 days: the code screen, shown after every employee, renews it.
const KIOSK_COOKIE_MAX_AGE: SignedDuration = SignedDuration::from_hours(400 * 24);

pub(super) fn kiosk_cookie(state: &AppState, raw: &str) -> String {
    set_cookie(raw, state.config.https(), KIOSK_COOKIE_MAX_AGE.as_secs())
}

pub async fn screen(
    State(state): State<AppState>,
    s: PageSession,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    kiosk_of(&s)?;
    let page = render(&KioskScreen {
        csrf: s.csrf.clone(),
        base: "/kiosk".into(),
        step: Step::EnterCode,
        errors: FieldErrors::default(),
        reset_after: RESET_AFTER,
        notice: state.clock_notice(&s.principal.tenant).await?,
    })?;
    Ok(match cookie_token(&headers) {
        Some(raw) => ([(SET_COOKIE, kiosk_cookie(&state, raw))], page).into_response(),
        None => page.into_response(),
    })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id_code: String,
    #[serde(default)]
    pin: String,
}

pub async fn identify(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<CodeForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    let kiosk = kiosk_of(&s)?;
    let t = s.principal.tenant;
    let pin = Some(f.pin.as_str()).filter(|p| !p.trim().is_empty());
    match state
        .identify(&t, ClockSource::Kiosk(kiosk), &f.id_code, pin, &ip)
        .await
    {
        Ok(employee) => {
            identified(
                &state,
                &t,
                &employee,
                s.csrf.clone(),
                "/kiosk".into(),
                FieldErrors::default(),
            )
            .await
        }
        Err(e) => {
            let (status, message) = match &e {
                app::Error::Locked { .. } => (StatusCode::TOO_MANY_REQUESTS, e.to_string()),
                app::Error::WrongCode => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
                _ => return Err(clock_to_page(e)),
            };
            let page = KioskScreen {
                csrf: s.csrf.clone(),
                base: "/kiosk".into(),
                step: Step::EnterCode,
                errors: FieldErrors::one("id_code", message),
                reset_after: RESET_AFTER,
                notice: None,
            };
            Ok((status, render(&page)?).into_response())
        }
    }
}

async fn identified(
    state: &AppState,
    t: &Tenant,
    e: &Employee,
    csrf: String,
    base: String,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let ticket = state.issue_ticket(t, e.id).await?;
    let tasks = state
        .open_tasks(t, e.id)
        .await
        .map_err(clock_to_page)?
        .into_iter()
        .map(|t| t.title)
        .collect();
    let open = state.store.open_shift(t, e.id, now).await?;
    let tz = company_tz(state, t).await?;
    let unconfirmed = state
        .store
        .unconfirmed_shift(t, e.id, now)
        .await?
        .and_then(|s| s.clock_out_at)
        .map(|end| domain::calendar::local_time(end, &tz));
    let step = Step::Identified {
        ticket,
        first_name: first_name(&e.name),
        tasks,
        clocked_in: open.is_some(),
        on_break: open.as_ref().is_some_and(|s| s.on_break),
        since: open
            .map(|s| domain::calendar::local_time(s.clock_in_at, &tz))
            .unwrap_or_default(),
        unconfirmed,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        render(&KioskScreen {
            csrf,
            base,
            step,
            errors,
            reset_after: RESET_AFTER,
            notice: state.clock_notice(t).await?,
        })?,
    )
        .into_response())
}

pub(super) async fn company_tz(
    state: &AppState,
    t: &Tenant,
) -> Result<jiff::tz::TimeZone, PageError> {
    let c = state.store.company(t).await?;
    Ok(domain::TimeZoneName::parse(&c.timezone)
        .map(|z| z.tz())
        .unwrap_or(jiff::tz::TimeZone::UTC))
}

fn clock_to_page(e: app::Error) -> PageError {
    crate::pages::forms::page_error(e.into())
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
}

/// Step two at the kiosk: clock in, clock out, or a break, for the employee the ticket names.
pub async fn act(
    State(state): State<AppState>,
    s: PageSession,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    kiosk_of(&s)?;
    let t = s.principal.tenant;
    let Some(employee_id) = state.take_ticket(&t, &f.ticket).await? else {
        let page = KioskScreen {
            csrf: s.csrf.clone(),
            base: "/kiosk".into(),
            step: Step::EnterCode,
            errors: FieldErrors::one(
                "id_code",
                "That took too long; please enter your code again.",
            ),
            reset_after: RESET_AFTER,
            notice: None,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let employee = state.store.employee(&t, employee_id).await?;
    state
        .clock_writable(&t)
        .await
        .map_err(crate::pages::forms::page_error)?;
    perform(
        &state,
        &t,
        &employee,
        &f.action,
        &f.text,
        s.csrf.clone(),
        "/kiosk".into(),
    )
    .await
}

async fn perform(
    state: &AppState,
    t: &Tenant,
    e: &Employee,
    action: &str,
    text: &str,
    csrf: String,
    base: String,
) -> Result<Response, PageError> {
    if action == "confirm-end" {
        return confirm_end(state, t, e, text, csrf, base).await;
    }
    let name = first_name(&e.name);
    let result = match action {
        "clock-in" => state
            .clock_in(t, e, text)
            .await
            .map(|r| match r.standup_check {
                Some(check) => {
                    let missed: Vec<String> = check.missed().map(str::to_string).collect();
                    let (headline, mut lines, warn) = if missed.is_empty() {
                        (
                            format!("Good to go, {name}. You are clocked in."),
                            vec!["Your note mentions all your tasks.".to_string()],
                            false,
                        )
                    } else {
                        let mut lines = vec!["You did not mention:".to_string()];
                        lines.extend(missed);
                        (format!("You are clocked in, {name}."), lines, true)
                    };
                    if r.check_provisional {
                        lines.push(PROVISIONAL.to_string());
                    }
                    (headline, lines, warn)
                }
                None => (
                    format!("You are clocked in, {name}."),
                    vec!["The check of your note will appear later.".to_string()],
                    false,
                ),
            }),
        "clock-out" => state.clock_out(t, e, text).await.map(|r| {
            let lines = match r.score {
                Some(score) if r.score_provisional => vec![
                    format!("Today's score: {score} of 100 (provisional)."),
                    PROVISIONAL.to_string(),
                ],
                Some(score) => vec![format!("Today's score: {score} of 100.")],
                None => vec!["Your score will appear once your report is analysed.".to_string()],
            };
            (
                format!("See you, {name}. You are clocked out."),
                lines,
                false,
            )
        }),
        "break-start" => state
            .start_break(t, e)
            .await
            .map(|_| (format!("Enjoy your break, {name}."), vec![], false)),
        "break-end" => state
            .end_break(t, e)
            .await
            .map(|_| (format!("Welcome back, {name}."), vec![], false)),
        _ => return Err(PageError::BadRequest("unknown action".into())),
    };
    match result {
        Ok((headline, mut lines, warn)) => {
            if action == "clock-out" {
                if let Ok(Some(a)) = state
                    .store
                    .analysis(t, last_shift(state, t, e).await?, store::JobKind::Report)
                    .await
                {
                    if let Some(b) = a
                        .breakdown
                        .as_deref()
                        .and_then(|b| serde_json::from_str::<domain::score::ScoreBreakdown>(b).ok())
                    {
                        lines.extend(b.reasons);
                    }
                }
            }
            let page = KioskScreen {
                csrf,
                base,
                step: Step::Done {
                    headline,
                    lines,
                    warn,
                },
                errors: FieldErrors::default(),
                reset_after: 10,
                notice: None,
            };
            Ok(render(&page)?.into_response())
        }
        Err(app::Error::Invalid(v)) => {
            identified(state, t, e, csrf, base, FieldErrors::one("text", v.message)).await
        }
        Err(
            err @ (app::Error::AlreadyIn { .. }
            | app::Error::NotIn
            | app::Error::AlreadyOnBreak
            | app::Error::NotOnBreak),
        ) => {
            identified(
                state,
                t,
                e,
                csrf,
                base,
                FieldErrors::one("form", err.to_string()),
            )
            .await
        }
        Err(err) => Err(clock_to_page(err)),
    }
}

async fn last_shift(
    state: &AppState,
    t: &Tenant,
    e: &Employee,
) -> Result<domain::ShiftId, PageError> {
    let shifts = state
        .store
        .recent_shifts(t, e.id, 1, state.clock.now())
        .await?;
    shifts.first().map(|s| s.id).ok_or(PageError::NotFound)
}

// ---- personal clock link -------------------------------------------------------------------

pub(super) async fn link_owner(
    state: &AppState,
    raw: &str,
) -> Result<(Tenant, Employee), PageError> {
    let (t, id) = state
        .store
        .clock_link(&token::hash(raw), state.clock.now())
        .await?
        .ok_or(PageError::NotFound)?;
    Ok((t, state.store.employee(&t, id).await?))
}

pub async fn link_screen(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let (t, e) = link_owner(&state, &raw).await?;
    identified(
        &state,
        &t,
        &e,
        String::new(),
        format!("/c/{raw}"),
        FieldErrors::default(),
    )
    .await
}

/// The personal link is itself the credential (valid until it expires, is revoked or is
/// replaced by a new one); the ticket
/// is not needed there, and the Origin check guards against cross-site posts.
pub async fn link_act(
    State(state): State<AppState>,
    acting: ActingFor,
    Path(raw): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, PageError> {
    let (t, e) = link_owner(&state, &raw).await?;
    acting.set(t.company_id());
    state
        .clock_writable(&t)
        .await
        .map_err(crate::pages::forms::page_error)?;
    perform(
        &state,
        &t,
        &e,
        &f.action,
        &f.text,
        String::new(),
        format!("/c/{raw}"),
    )
    .await
}

/// The employee confirms the end of a shift that was closed automatically, or gives the
/// time they really left (local `HH:MM` on the day it was closed).
async fn confirm_end(
    state: &AppState,
    t: &Tenant,
    e: &Employee,
    text: &str,
    csrf: String,
    base: String,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let Some(shift) = state.store.unconfirmed_shift(t, e.id, now).await? else {
        return identified(state, t, e, csrf, base, FieldErrors::default()).await;
    };
    let tz = company_tz(state, t).await?;
    let end = match text.trim() {
        "" => None,
        hhmm => {
            let day = shift
                .clock_out_at
                .unwrap_or(now)
                .to_zoned(tz.clone())
                .date();
            let parsed = hhmm
                .parse::<jiff::civil::Time>()
                .ok()
                .and_then(|time| day.to_datetime(time).to_zoned(tz.clone()).ok())
                .map(|z| z.timestamp());
            match parsed {
                Some(ts) => Some(ts),
                None => {
                    return identified(
                        state,
                        t,
                        e,
                        csrf,
                        base,
                        FieldErrors::one("end_time", "Use the 24-hour time, like 17:30."),
                    )
                    .await
                }
            }
        }
    };
    match state.confirm_shift_end(t, e.id, shift.id, end).await {
        Ok(done) if done.needs_approval => {
            let note = "That is much later than the automatic clock-out. The shift keeps the \
                        automatic end for now; your supervisor has been told and will correct it \
                        if it is right.";
            identified(state, t, e, csrf, base, FieldErrors::one("form", note)).await
        }
        Ok(_) => identified(state, t, e, csrf, base, FieldErrors::default()).await,
        Err(app::Error::Rejected(m)) => {
            identified(state, t, e, csrf, base, FieldErrors::one("end_time", m)).await
        }
        Err(err) => Err(err.into()),
    }
}
