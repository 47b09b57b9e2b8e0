//! "My data" at the kiosk (`POST /kiosk/me`) and on the personal link (`POST /c/{token}/me`):
//! an employee's own shifts, scores with reasons, their data as a download, a correction
//! request and an objection to AI processing (use cases in [`app::self_service`]).
//!
//! Who it is: at the kiosk, the ticket of the code + PIN step (a PIN is required here, since
//! an ID code alone is often printed on a badge); on a personal link, the link plus the ID
//! code and PIN again (the link may sit in a browser history). Every step carries a ticket
//! that lives two minutes and is used up by the step (a download leaves it, so it can be
//! repeated), so the view ends by itself and the kiosk needs no second cookie. The kiosk's
//! forms also carry its CSRF token; on a link the unguessable ticket plays that part.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::bump_generation::ActingFor;
use crate::middleware::client_ip::ClientIp;
use crate::pages::kiosk::{first_name, kiosk_of, link_owner};
use crate::pages::{render, FieldErrors};
use crate::AppState;
use app::clocking::ClockSource;
use app::self_service::{OwnData, SELF_SERVICE_TTL};
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::EmployeeId;
use serde::Deserialize;
use store::{Employee, Tenant};

#[derive(Template)]
#[template(path = "kiosk_self_service.html")]
struct SelfServiceScreen {
    csrf: String,
    base: String,
    kiosk: bool,
    step: Step,
    errors: FieldErrors,
    reset_after: i64,
}

enum Step {
    /// Personal link: the ID code and PIN again.
    Verify,
    View {
        ticket: String,
        first_name: String,
        data: OwnData,
        notice: Option<&'static str>,
    },
    Ended(&'static str),
}

/// Where the forms post and what guards them.
struct Screen {
    csrf: String,
    base: String,
    kiosk: bool,
}

impl Screen {
    fn show(self, status: StatusCode, step: Step, errors: FieldErrors) -> Response {
        let page = SelfServiceScreen {
            csrf: self.csrf,
            base: self.base,
            kiosk: self.kiosk,
            step,
            errors,
            reset_after: SELF_SERVICE_TTL.as_secs(),
        };
        match render(&page) {
            Ok(html) => (status, html).into_response(),
            Err(e) => e.into_response(),
        }
    }

    fn ended(self, why: &'static str) -> Response {
        self.show(
            StatusCode::UNPROCESSABLE_ENTITY,
            Step::Ended(why),
            FieldErrors::default(),
        )
    }
}

const EXPIRED: &str = "That took too long, or the view was closed; please enter your code again.";
const NEEDS_PIN: &str =
    "Your data is shown here only after a PIN. Ask your supervisor to set one for you.";

#[derive(Deserialize)]
pub struct MeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    shift: String,
    #[serde(default)]
    id_code: String,
    #[serde(default)]
    pin: String,
}

/// `POST /kiosk/me`.
pub async fn kiosk(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<MeForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    kiosk_of(&s)?;
    let screen = Screen {
        csrf: s.csrf.clone(),
        base: "/kiosk".into(),
        kiosk: true,
    };
    step(&state, &s.principal.tenant, None, screen, &f, &ip).await
}

/// `POST /c/{token}/me`.
pub async fn link(
    State(state): State<AppState>,
    acting: ActingFor,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(f): Form<MeForm>,
) -> Result<Response, PageError> {
    let (t, e) = link_owner(&state, &raw).await?;
    acting.set(t.company_id());
    let screen = Screen {
        csrf: String::new(),
        base: format!("/c/{raw}"),
        kiosk: false,
    };
    match f.action.as_str() {
        "open" => Ok(screen.show(StatusCode::OK, Step::Verify, FieldErrors::default())),
        "verify" => {
            let pin = Some(f.pin.as_str()).filter(|p| !p.trim().is_empty());
            // The same lockouts as a punch: failures count against the ID code.
            match state
                .identify(&t, ClockSource::PersonalLink, &f.id_code, pin, &ip)
                .await
            {
                Ok(who) if who.id == e.id => {
                    view(&state, &t, &e, screen, None, FieldErrors::default()).await
                }
                Ok(_) | Err(app::Error::WrongCode) => Ok(screen.show(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Step::Verify,
                    FieldErrors::one("id_code", app::Error::WrongCode.to_string()),
                )),
                Err(err @ app::Error::Locked { .. }) => Ok(screen.show(
                    StatusCode::TOO_MANY_REQUESTS,
                    Step::Verify,
                    FieldErrors::one("id_code", err.to_string()),
                )),
                Err(err) => Err(err.into()),
            }
        }
        _ => step(&state, &t, Some(e.id), screen, &f, &ip).await,
    }
}

/// A ticketed step: the view, a download, a correction request, an objection, or leaving.
async fn step(
    state: &AppState,
    t: &Tenant,
    link_owner: Option<EmployeeId>,
    screen: Screen,
    f: &MeForm,
    ip: &str,
) -> Result<Response, PageError> {
    let holder = if f.action == "export" {
        state.ticket_holder(t, &f.ticket).await?
    } else {
        state.take_ticket(t, &f.ticket).await?
    };
    let Some(id) = holder.filter(|id| link_owner.is_none_or(|o| o == *id)) else {
        return Ok(screen.ended(EXPIRED));
    };
    let e = state.store.employee(t, id).await?;
    if screen.kiosk && !e.has_pin {
        return Ok(screen.ended(NEEDS_PIN));
    }
    match f.action.as_str() {
        "open" => view(state, t, &e, screen, None, FieldErrors::default()).await,
        "export" => Ok(crate::download::response(
            state.export_own_data(t, id, ip).await?,
        )),
        "correction" => {
            let shift = Some(f.shift.as_str());
            match state.request_correction(t, id, shift, &f.text, ip).await {
                Ok(_) => {
                    let sent = "Your request was sent to your supervisor.";
                    view(state, t, &e, screen, Some(sent), FieldErrors::default()).await
                }
                Err(app::Error::Invalid(v)) => {
                    let errors = FieldErrors::one("text", v.message);
                    view(state, t, &e, screen, None, errors).await
                }
                Err(app::Error::Store(store::StoreError::NotFound)) => {
                    let errors = FieldErrors::one("shift", "Pick one of your shifts, or none.");
                    view(state, t, &e, screen, None, errors).await
                }
                Err(err) => Err(err.into()),
            }
        }
        "object" => {
            state.object_to_ai(t, &e, ip).await?;
            let e = state.store.employee(t, id).await?;
            let noted = "Your objection is recorded: from now on no AI analyzes your notes, and your supervisor has been told.";
            view(state, t, &e, screen, Some(noted), FieldErrors::default()).await
        }
        "leave" => Ok(Redirect::to(&screen.base).into_response()),
        _ => Err(PageError::BadRequest("unknown action".into())),
    }
}

async fn view(
    state: &AppState,
    t: &Tenant,
    e: &Employee,
    screen: Screen,
    notice: Option<&'static str>,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let step = Step::View {
        ticket: state.self_service_ticket(t, e.id).await?,
        first_name: first_name(&e.name),
        data: state.own_data(t, e).await?,
        notice,
    };
    Ok(screen.show(status, step, errors))
}
