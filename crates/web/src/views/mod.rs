//! What pages share that is not a handler: the layout's navigation, field errors, the
//! error page, the cached team timesheet. Plain structs and templates, no request handling,
//! so the error mapping and the state can use them without depending on the pages.

pub mod timesheet;

use askama::Template;

/// The two-factor enrolment page: where a session held for enrolment is sent (the
/// extractor, the error mapping and the sign-in all name it, so it lives here, below them).
pub const ENROL_PATH: &str = "/settings/two-factor";

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
    /// The account is restricted or on trial: what to do, on every signed-in page.
    pub account_notice: Option<app::access::AccountNotice>,
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
            account_notice: None,
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
