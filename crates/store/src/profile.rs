//! Editing who a company and its members are: the company's name and time zone, a
//! member's login email. Each drops the hot cache, which holds companies and principals.

use crate::backend::on_pool;
use crate::{Result, Store, StoreError, Tenant};
use domain::{CompanyName, Email, TimeZoneName, UserId};

impl Store {
    pub async fn set_company_name(&self, t: &Tenant, name: &CompanyName) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("UPDATE companies SET name = $1 WHERE id = $2")
                .bind(name.as_str()).bind(t.company_id().0).execute(p).await?;
        });
        self.cache.forget_all();
        Ok(())
    }

    pub async fn set_company_timezone(&self, t: &Tenant, zone: &TimeZoneName) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("UPDATE companies SET timezone = $1 WHERE id = $2")
                .bind(zone.as_str()).bind(t.company_id().0).execute(p).await?;
        });
        self.cache.forget_all();
        Ok(())
    }

    /// Changes a member's login email; returns the old one. `Conflict("email")` when any
    /// account (of any company) already signs in with it.
    pub async fn set_user_email(&self, t: &Tenant, user: UserId, email: &Email) -> Result<String> {
        let old = self.user(t, user).await?.email;
        on_pool!(self, p => {
            let n = sqlx::query("UPDATE users SET email = $1 WHERE id = $2 AND company_id = $3")
                .bind(email.as_str()).bind(user.0).bind(t.company_id().0).execute(p).await
                .map_err(StoreError::unique("email"))?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        self.cache.forget_all();
        Ok(old)
    }
}
