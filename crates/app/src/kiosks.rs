//! Kiosks: a browser enrolled as a clock-only session, or an API token for a kiosk device;
//! revoking one ends its sessions and tokens at once.

use crate::credentials::token;
use crate::{App, Error, Result};
use domain::{EmployeeId, KioskId, Label, UserId};
use jiff::SignedDuration;
use store::{PrincipalKind, Tenant, TokenHash};

/// How long a kiosk ticket (the step between the code and the punch) stays valid.
pub const TICKET_TTL: SignedDuration = SignedDuration::from_mins(5);

impl App {
    /// A one-use ticket for the identified employee: the kiosk's next form carries it
    /// instead of the ID code. Returns the raw ticket.
    pub async fn issue_ticket(&self, t: &Tenant, employee: EmployeeId) -> Result<String> {
        self.issue_ticket_for(t, employee, TICKET_TTL).await
    }

    /// A ticket valid for `ttl`.
    pub(crate) async fn issue_ticket_for(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        ttl: SignedDuration,
    ) -> Result<String> {
        let raw = token::generate("");
        self.store
            .create_ticket(t, employee, &token::hash(&raw), self.clock.now() + ttl)
            .await?;
        Ok(raw)
    }

    /// The employee a valid ticket names, leaving it valid (a download may be repeated).
    pub async fn ticket_holder(&self, t: &Tenant, raw: &str) -> Result<Option<EmployeeId>> {
        Ok(self
            .store
            .ticket_holder(t, &token::hash(raw), self.clock.now())
            .await?)
    }

    /// Uses up a ticket: the employee it names, or `None` when it is unknown or expired.
    pub async fn take_ticket(&self, t: &Tenant, raw: &str) -> Result<Option<EmployeeId>> {
        Ok(self
            .store
            .take_ticket(t, &token::hash(raw), self.clock.now())
            .await?)
    }

    /// Creates a kiosk and an API token for it; returns the kiosk's id and the raw token
    /// (shown once). Audited.
    pub async fn create_kiosk_token(
        &self,
        t: &Tenant,
        actor: UserId,
        name: &str,
        ip: &str,
    ) -> Result<(KioskId, String)> {
        let name = Label::parse(name)?;
        let now = self.clock.now();
        let kiosk = self.store.create_kiosk(t, name.as_str(), now).await?;
        let raw = token::generate("otk_");
        self.store
            .create_api_token(&kiosk, name.as_str(), &token::hash(&raw), now)
            .await?;
        let PrincipalKind::Kiosk { kiosk_id } = kiosk.kind else {
            return Err(Error::Internal);
        };
        self.audit(t, Some(actor), "kiosk_created", &kiosk_id.to_string(), ip)
            .await;
        Ok((kiosk_id, raw))
    }

    /// Turns the calling browser into a kiosk: its session (`current`) ends and a kiosk
    /// session starts; returns the new session's raw token. Audited.
    pub async fn enrol_kiosk(
        &self,
        t: &Tenant,
        actor: UserId,
        name: &str,
        current: &TokenHash,
        ip: &str,
    ) -> Result<String> {
        let name = Label::parse(name)?;
        let kiosk = self
            .store
            .create_kiosk(t, name.as_str(), self.clock.now())
            .await?;
        self.store.delete_session(current).await?;
        let client = crate::accounts::Client {
            ip,
            user_agent: None,
        };
        let raw = self.start_session(&kiosk, client).await?;
        self.audit(t, Some(actor), "kiosk_enrolled", name.as_str(), ip)
            .await;
        Ok(raw)
    }

    /// Revokes a kiosk: its sessions and tokens stop working at once. Audited.
    pub async fn revoke_kiosk(
        &self,
        t: &Tenant,
        actor: UserId,
        id: KioskId,
        ip: &str,
    ) -> Result<()> {
        self.store.delete_kiosk(t, id).await?;
        self.audit(t, Some(actor), "kiosk_revoked", &id.to_string(), ip)
            .await;
        Ok(())
    }
}
