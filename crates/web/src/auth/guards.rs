//! Guards every changing route shares: the caller's role, and whether the company may
//! change data at all (a canceled or long-unpaid account is read-only; the rule is
//! [`app::App::ensure_writable`]).

use crate::auth::{ApiPrincipal, PageSession};
use crate::error::{ApiError, PageError};
use crate::AppState;
use domain::{Role, UserId};
use store::Tenant;

impl AppState {
    /// The API caller, if they hold `role` and the company is writable.
    pub async fn api_writer(&self, who: &ApiPrincipal, role: Role) -> Result<UserId, ApiError> {
        let user = who.require(role)?;
        self.ensure_writable(who.tenant()).await?;
        Ok(user)
    }

    /// The signed-in page user, if they hold `role` and the company is writable.
    pub async fn page_writer(&self, s: &PageSession, role: Role) -> Result<UserId, PageError> {
        let user = s.user(role)?;
        self.ensure_writable(&s.principal.tenant).await?;
        Ok(user)
    }

    /// A form post that changes data: its CSRF token matches the session, the user holds
    /// `role`, and the company is writable. Returns the acting user.
    pub async fn form_writer(
        &self,
        s: &PageSession,
        csrf: &str,
        role: Role,
    ) -> Result<UserId, PageError> {
        s.check_csrf(csrf)?;
        self.page_writer(s, role).await
    }

    /// Clocking needs a writable company too, whoever is at the clock (an ended trial
    /// still clocks during its grace week: [`app::App::ensure_clock_writable`]).
    pub async fn clock_writable(&self, t: &Tenant) -> Result<(), ApiError> {
        Ok(self.ensure_clock_writable(t).await?)
    }
}
