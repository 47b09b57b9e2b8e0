//! Server-rendered HTML pages (askama templates, checked at compile time, escaped by
//! default). Every form carries the session's CSRF token.

pub mod account;
pub mod account_settings;
pub mod approvals;
pub mod audit;
pub mod billing;
pub mod company_settings;
pub mod dashboard;
pub mod employees;
pub mod exports;
pub mod forms;
pub mod home;
#[cfg(test)]
mod import_props;
pub mod invite;
pub mod kiosk;
pub mod kiosks;
pub mod legal;
pub mod login;
pub mod login_two_factor;
pub mod password_reset;
pub mod security;
pub mod self_service;
pub mod settings;
pub mod shift;
pub mod signup;
pub mod summaries;
pub mod summaries_list;
pub mod tasks;
pub mod timesheets;
pub mod two_factor;

use crate::auth::{csrf, PageSession};
use crate::error::PageError;
pub use crate::views::{ErrorPage, FieldErrors, Nav};
use askama::Template;
use axum::response::Html;
use domain::{Role, UserId};
use store::PrincipalKind;

pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    Ok(Html(t.render()?))
}

impl PageSession {
    /// The signed-in person with at least `role` (kiosk sessions are not people).
    pub fn user(&self, role: Role) -> Result<UserId, PageError> {
        match &self.principal.kind {
            PrincipalKind::User {
                user_id,
                role: have,
                ..
            } if have.allows(role) => Ok(*user_id),
            PrincipalKind::User { .. } => Err(PageError::Forbidden(format!(
                "This needs the {} role.",
                role.as_str()
            ))),
            PrincipalKind::Kiosk { .. } => {
                Err(PageError::Forbidden("This device is a kiosk.".into()))
            }
        }
    }

    pub fn check_csrf(&self, given: &str) -> Result<(), PageError> {
        if csrf::matches(&self.csrf, given) {
            Ok(())
        } else {
            Err(PageError::Forbidden(
                "The form expired or came from another site. Reload the page and try again.".into(),
            ))
        }
    }

    pub async fn nav(
        &self,
        state: &crate::AppState,
        active: &'static str,
    ) -> Result<Nav, PageError> {
        let company = state.store.company(&self.principal.tenant).await?;
        let (email, is_owner) = match &self.principal.kind {
            PrincipalKind::User { email, role, .. } => (email.clone(), *role == Role::Owner),
            PrincipalKind::Kiosk { .. } => ("kiosk".into(), false),
        };
        Ok(Nav {
            signed_in: true,
            email,
            company: company.name,
            csrf: self.csrf.clone(),
            active,
            is_owner,
            banner: state.policy_banner().await,
            billing: state.billing_enabled(),
            account_notice: state.account_notice(&self.principal.tenant).await?,
        })
    }
}
