//! Owners edit who the company is: its name, its time zone (which decides every shift's
//! workday and week from then on), and members' login emails. Each change is audited; a
//! changed login email is announced to the old address, so a hijack does not go unseen.

use crate::{App, Error, Mail, Result};
use domain::{CompanyName, Email, TimeZoneName, UserId, ValidationError};
use store::{StoreError, Tenant};

/// A time zone typed on the settings page: unlike at sign-up, empty is not UTC.
pub fn parse_zone(raw: &str) -> Result<TimeZoneName, ValidationError> {
    if raw.trim().is_empty() {
        return Err(ValidationError::new(
            "timezone",
            "must not be empty: an IANA time zone such as Europe/Berlin",
        ));
    }
    TimeZoneName::parse(raw)
}

impl App {
    pub async fn rename_company(
        &self,
        t: &Tenant,
        actor: UserId,
        name: &CompanyName,
        ip: &str,
    ) -> Result<()> {
        self.store.set_company_name(t, name).await?;
        self.audit(t, Some(actor), "company_renamed", "", ip).await;
        Ok(())
    }

    pub async fn set_company_timezone(
        &self,
        t: &Tenant,
        actor: UserId,
        zone: &TimeZoneName,
        ip: &str,
    ) -> Result<()> {
        self.store.set_company_timezone(t, zone).await?;
        self.audit(t, Some(actor), "timezone_changed", zone.as_str(), ip)
            .await;
        Ok(())
    }

    /// Changes a member's login email (the owner's own too). The old address is told, and
    /// the member's sessions end when it is someone else's.
    pub async fn change_member_email(
        &self,
        t: &Tenant,
        actor: UserId,
        user: UserId,
        email: &Email,
        ip: &str,
    ) -> Result<()> {
        let old = match self.store.set_user_email(t, user, email).await {
            Err(StoreError::Conflict(_)) => {
                return Err(Error::Invalid(ValidationError::new(
                    "email",
                    "is already used by another OmniTrack account",
                )))
            }
            other => other?,
        };
        if old == email.as_str() {
            return Ok(());
        }
        // The address is what a password reset goes to: whoever changed it may be taking
        // the account over, so the person's browser sessions end (not the actor's own).
        if user != actor {
            self.store.delete_user_sessions(t, user).await?;
        }
        self.audit(t, Some(actor), "email_changed", &user.to_string(), ip)
            .await;
        let company = self.store.company(t).await?.name;
        self.send_mail(
            Some(t),
            Mail::new(
                old.as_str(),
                "Your OmniTrack login email was changed",
                format!(
                    "The login email of your OmniTrack account at {company} was changed by an owner of the company. \
                     From now on you sign in with the new address; this one no longer works.\n\n\
                     If you did not expect this, contact your company's owner."
                ),
            ),
        )
        .await;
        Ok(())
    }
}
