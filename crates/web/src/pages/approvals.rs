//! Week approval and unlock from the timesheets (team and employee) and the shift page:
//! the same use cases as `POST /api/v1/approvals` and `/approvals/unlock`.

use crate::auth::PageSession;
use crate::error::PageError;
use crate::middleware::client_ip::ClientIp;
use crate::AppState;
use axum::extract::{Form, State};
use axum::response::Redirect;
use domain::{EmployeeId, Role};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ApprovalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    employee: String,
    /// Any day of the week (`YYYY-MM-DD`).
    #[serde(default)]
    week: String,
    /// The page to return to: a path on this site.
    #[serde(default)]
    back: String,
}

impl ApprovalForm {
    fn employee(&self) -> Result<EmployeeId, PageError> {
        self.employee
            .parse()
            .map_err(|_| PageError::BadRequest("Choose an employee.".into()))
    }

    /// Only a path on this site: never `//host` or a scheme (an open redirect).
    fn back(&self) -> &str {
        let b = self.back.as_str();
        let local = b.starts_with('/') && !b.starts_with("//") && !b.contains('\\');
        if local {
            b
        } else {
            "/timesheets"
        }
    }
}

/// Approves the employee's week, locking its shifts against corrections.
pub async fn approve(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<ApprovalForm>,
) -> Result<Redirect, PageError> {
    decide(&state, &s, &ip, &f, true).await
}

/// Unlocks an approved week so its shifts can be corrected.
pub async fn unlock(
    State(state): State<AppState>,
    s: PageSession,
    ClientIp(ip): ClientIp,
    Form(f): Form<ApprovalForm>,
) -> Result<Redirect, PageError> {
    decide(&state, &s, &ip, &f, false).await
}

async fn decide(
    state: &AppState,
    s: &PageSession,
    ip: &str,
    f: &ApprovalForm,
    approve: bool,
) -> Result<Redirect, PageError> {
    let user = state.form_writer(s, &f.csrf, Role::Supervisor).await?;
    let (t, employee) = (&s.principal.tenant, f.employee()?);
    if approve {
        state.approve_week(t, user, employee, &f.week, ip).await?;
    } else {
        state.unlock_week(t, user, employee, &f.week, ip).await?;
    }
    Ok(Redirect::to(f.back()))
}
