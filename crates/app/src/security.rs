//! The security page's actions: end one of your sessions, sign out everywhere (optionally
//! with your API tokens), revoke a token (an owner any person's of the company). Audited.

use crate::{App, Error};
use domain::{Role, TokenId, UserId};
use store::{Principal, StoreError, Tenant, TokenHash};

impl App {
    /// Ends one of the user's own sessions, named by its id on the security page.
    pub async fn revoke_session(
        &self,
        t: &Tenant,
        user: UserId,
        id: &str,
        ip: &str,
    ) -> Result<(), Error> {
        let hash: TokenHash = hex::decode(id)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(StoreError::NotFound)?;
        self.store.delete_user_session(t, user, &hash).await?;
        self.audit(t, Some(user), "session_revoked", "", ip).await;
        Ok(())
    }

    /// Ends every session of the user, the current one included, and with `tokens` also
    /// every API token of theirs. Returns (sessions, tokens) ended.
    pub async fn sign_out_everywhere(
        &self,
        t: &Tenant,
        user: UserId,
        tokens: bool,
        ip: &str,
    ) -> Result<(u64, u64), Error> {
        let sessions = self.store.delete_user_sessions(t, user).await?;
        let revoked = if tokens {
            self.store.revoke_user_api_tokens(t, user).await?
        } else {
            0
        };
        self.audit(
            t,
            Some(user),
            "signed_out_everywhere",
            &format!("{sessions} sessions, {revoked} API tokens"),
            ip,
        )
        .await;
        Ok((sessions, revoked))
    }

    /// Revokes a token from the security page: an owner any person's token of the
    /// company, anyone else only their own.
    pub async fn revoke_token_as(&self, p: &Principal, id: TokenId, ip: &str) -> Result<(), Error> {
        let user = p.user_id().ok_or(Error::Internal)?;
        if p.role() == Some(Role::Owner) {
            self.store.revoke_company_api_token(&p.tenant, id).await?;
            self.audit(&p.tenant, Some(user), "token_revoked", &id.to_string(), ip)
                .await;
            Ok(())
        } else {
            self.revoke_api_token(&p.tenant, user, id, ip).await
        }
    }
}
