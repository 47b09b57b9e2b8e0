//! Server-rendered HTML pages (askama templates, checked at compile time, escaped by
//! default). Every form carries the session's CSRF token.

pub mod account;
pub mod account_settings;
pub mod billing;
pub mod dashboard;
pub mod employees;
pub mod exports;
pub mod forms;
pub mod home;
#[cfg(test)]
mod import_props;
pub mod invite;
pub mod kiosk;
pub mod legal;
pub mod login;
pub mod password_reset;
pub mod settings;
pub mod shift;
pub mod signup;
pub mod summaries;
pub mod timesheets;

use crate::auth::{csrf, PageSession};
use crate::error::PageError;
use askama::Template;
use axum::response::Html;
use domain::{Role, UserId};
use store::PrincipalKind;

/// What the layout needs: who is signed in and the token their forms must carry.
pub struct Nav {
    pub signed_in: bool,
    pub email: String,
    pub company: String,
    pub csrf: String,
    pub active: &'static str,
    pub is_owner: bool,
    /// A notice for every signed-in page (a pending privacy-policy change).
    pub banner: Option<String>,
    /// Billing is on: owners get the Billing link.
    pub billing: bool,
}

impl Nav {
    pub fn anonymous() -> Self {
        Self {
            signed_in: false,
            email: String::new(),
            company: String::new(),
            csrf: String::new(),
            active: "",
            is_owner: false,
            banner: None,
            billing: false,
        }
    }
}

/// Errors next to the fields they concern.
#[derive(Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn one(field: &'static str, message: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.add(field, message);
        e
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub nav: Nav,
    pub title: &'a str,
    pub message: &'a str,
}

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
        })
    }
}
