//! Settings: password, API tokens, and (owners) the company's members and invitations.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::pages::account::field_errors;
use crate::pages::forms::CsrfForm;
use crate::pages::{render, FieldErrors, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{InviteId, Role, TokenId, UserId};
use serde::Deserialize;
use uuid::Uuid;

pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub role: &'static str,
    pub is_me: bool,
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

pub struct InviteRow {
    pub id: String,
    pub email: String,
    pub role: &'static str,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub(super) struct Settings {
    nav: Nav,
    members: Vec<MemberRow>,
    invites: Vec<InviteRow>,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    notice: Option<String>,
    errors: FieldErrors,
    analysis: app::settings::AnalysisPolicy,
    /// The company's name and zone, for the owners' Company form.
    company: store::Company,
}

fn day(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

pub(super) async fn page(
    state: &AppState,
    s: &PageSession,
    new_token: Option<String>,
    notice: Option<String>,
    errors: FieldErrors,
) -> Result<Settings, PageError> {
    let me = s.user(Role::Viewer)?;
    let t = &s.principal.tenant;
    let members = state
        .store
        .users(t)
        .await?
        .into_iter()
        .map(|u| MemberRow {
            id: u.id.to_string(),
            email: u.email,
            role: u.role.as_str(),
            is_me: u.id == me,
        })
        .collect();
    let invites = state
        .store
        .pending_invites(t, state.clock.now())
        .await?
        .into_iter()
        .map(|i| InviteRow {
            id: i.id.to_string(),
            email: i.email,
            role: i.role.as_str(),
            expires: day(i.expires_at),
        })
        .collect();
    let tokens = state
        .store
        .api_tokens(t, me)
        .await?
        .into_iter()
        .map(|k| TokenRow {
            id: k.id.to_string(),
            name: k.name,
            created: day(k.created_at),
            last_used: k.last_used_at.map(day).unwrap_or_else(|| "never".into()),
        })
        .collect();
    Ok(Settings {
        nav: s.nav(state, "settings").await?,
        members,
        invites,
        tokens,
        new_token,
        notice,
        errors,
        analysis: state.analysis_policy(&s.principal.tenant).await?,
        company: state.store.company(t).await?,
    })
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn get(
    State(state): State<AppState>,
    s: PageSession,
    q: axum::extract::Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some("password") => Some(
            "Password changed. Your other sessions and API tokens were signed out.".to_string(),
        ),
        Some("invited") => Some("Invitation sent.".to_string()),
        Some("revoked") => Some("Token revoked.".to_string()),
        Some("members") => Some("Members updated.".to_string()),
        Some("company") => Some("Company details saved.".to_string()),
        Some("email") => Some("Login email changed. The old address was told by mail.".to_string()),
        Some("analysis") => {
            Some("Analysis settings saved. They apply to new analyses.".to_string())
        }
        _ => None,
    };
    Ok(render(&page(&state, &s, None, notice, FieldErrors::default()).await?)?.into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    let me = s.user(Role::Viewer)?;
    match state
        .change_password(
            &s.principal.tenant,
            me,
            &f.current_password,
            &f.new_password,
            Some(&s.token_hash),
            &ip,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/settings?done=password").into_response()),
        Err(e) => {
            let mut errors = field_errors(e)?;
            if errors.get("password").is_some() {
                errors = FieldErrors::one(
                    "new_password",
                    errors.get("password").unwrap_or_default().to_string(),
                );
            }
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(&state, &s, None, None, errors).await?)?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Viewer)?;
    match state.create_api_token(&s.principal, &f.name, &ip).await {
        Ok(raw) => Ok(
            render(&page(&state, &s, Some(raw), None, FieldErrors::default()).await?)?
                .into_response(),
        ),
        Err(e) => {
            let errors = FieldErrors::one(
                "token_name",
                field_errors(e)?
                    .get("name")
                    .unwrap_or("is not valid")
                    .to_string(),
            );
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(&state, &s, None, None, errors).await?)?,
            )
                .into_response())
        }
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    let me = s.user(Role::Viewer)?;
    state
        .revoke_api_token(&s.principal.tenant, me, TokenId(id), &ip)
        .await?;
    Ok(Redirect::to("/settings?done=revoked").into_response())
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub async fn invite(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<InviteForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    let result = match Role::parse(&f.role) {
        Ok(role) => state.invite(&s.principal, &f.email, role, &ip).await,
        Err(v) => Err(v.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings?done=invited").into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let errors = FieldErrors::one(
                if errors.get("role").is_some() {
                    "invite_role"
                } else {
                    "invite_email"
                },
                errors
                    .get("email")
                    .or(errors.get("role"))
                    .unwrap_or("is not valid")
                    .to_string(),
            );
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(&state, &s, None, None, errors).await?)?,
            )
                .into_response())
        }
    }
}

pub async fn revoke_invite(
    State(state): State<AppState>,
    s: PageSession,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    state
        .store
        .revoke_invite(&s.principal.tenant, InviteId(id))
        .await?;
    Ok(Redirect::to("/settings?done=members").into_response())
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<RoleForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    let role = Role::parse(&f.role).map_err(|e| PageError::BadRequest(e.to_string()))?;
    state
        .change_role(&s.principal, UserId(id), role, &ip)
        .await
        .map_err(PageError::from)?;
    Ok(Redirect::to("/settings?done=members").into_response())
}

pub async fn remove_member(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Path(id): Path<Uuid>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    s.check_csrf(&f.csrf)?;
    s.user(Role::Owner)?;
    state
        .remove_member(&s.principal, UserId(id), &ip)
        .await
        .map_err(PageError::from)?;
    Ok(Redirect::to("/settings?done=members").into_response())
}

#[derive(Deserialize)]
pub struct AnalysisForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    w_tasks: String,
    #[serde(default)]
    w_unplanned: String,
    #[serde(default)]
    blocked_credit: String,
    #[serde(default)]
    objection_mode: String,
}

pub async fn analysis(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<AnalysisForm>,
) -> Result<Response, PageError> {
    let user = state.form_writer(&s, &f.csrf, Role::Owner).await?;
    let num = |v: &str| v.trim().parse::<f64>().unwrap_or(f64::NAN);
    let policy = app::settings::AnalysisPolicy {
        score_weights: domain::score::ScoreWeights {
            tasks: num(&f.w_tasks),
            unplanned: num(&f.w_unplanned),
            blocked_credit: num(&f.blocked_credit),
        },
        objection_mode: f.objection_mode,
    };
    match state
        .set_analysis_policy(&s.principal.tenant, user, &policy, &ip)
        .await
    {
        Ok(()) => Ok(Redirect::to("/settings?done=analysis").into_response()),
        Err(e) => {
            let errors = FieldErrors::one("analysis", crate::error::ApiError::from(e).message);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(&state, &s, None, None, errors).await?)?,
            )
                .into_response())
        }
    }
}
