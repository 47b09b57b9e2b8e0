//! Account flows shared by the HTML pages and the JSON API, so both enforce the same rules:
//! sign-up, login with rate limits, sessions, password change and reset, invites.

use crate::credentials::{password, token};
use crate::mail::Mail;
use crate::{App, Error};
use domain::{CompanyName, Email, NewPassword, Role, TimeZoneName, UserId, ValidationError};
use jiff::SignedDuration;
use store::{AuditEvent, NewCompany, NewSession, Principal, StoreError, Tenant, TokenHash};

/// Where a request came from, as a new session records it.
#[derive(Clone, Copy)]
pub struct Client<'a> {
    pub ip: &'a str,
    pub user_agent: Option<&'a str>,
}

/// Raw sign-up fields, parsed here.
pub struct SignupInput<'a> {
    pub company_name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub timezone: &'a str,
}

const LOGIN_IP_WINDOW: SignedDuration = SignedDuration::from_secs(300);
const LOGIN_ACCOUNT_WINDOW: SignedDuration = SignedDuration::from_secs(900);
const SIGNUP_WINDOW: SignedDuration = SignedDuration::from_secs(3600);
const SIGNUPS_PER_IP: u32 = 20;
/// While an account is locked, tries per address before that address is refused too.
const LOCKED_TRIES_PER_IP: u32 = 3;
/// Wrong current passwords in a password change per user and window.
const PASSWORD_CHECKS: u32 = 5;
const INVITE_WINDOW: SignedDuration = SignedDuration::from_hours(24);
/// Invitations a company may send per day.
pub const INVITES_PER_DAY: u32 = 30;

/// The login throttling key of an address (a purge deletes it and the keys under it).
fn login_account_key(email: &Email) -> String {
    format!("login:acct:{}", email.as_str())
}

fn invalid_invite() -> Error {
    Error::Invalid(ValidationError::new(
        "token",
        "this invitation is invalid, used or expired",
    ))
}

/// Text a customer chose, made safe to quote in mail: no line breaks (one line, so it
/// cannot pose as our own paragraph or link line), no quotes that would end the quotation.
fn quoted(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            '“' | '”' | '"' => '\'',
            c => c,
        })
        .collect()
}

impl App {
    pub(crate) fn secs_until(&self, t: jiff::Timestamp) -> u64 {
        t.duration_since(self.clock.now()).as_secs().max(1) as u64
    }

    pub async fn signup(&self, input: SignupInput<'_>, ip: &str) -> Result<Principal, Error> {
        // Validate everything first so the person sees every problem at once… the first
        // one is enough for the API; pages collect them field by field.
        let name = CompanyName::parse(input.company_name)?;
        let email = Email::parse(input.email)?;
        let pw = NewPassword::parse(input.password)?;
        let tz = TimeZoneName::parse(input.timezone)?;
        let hit = self
            .store
            .rate_hit(&format!("signup:ip:{ip}"), SIGNUP_WINDOW, self.clock.now())
            .await?;
        if hit.count > SIGNUPS_PER_IP {
            return Err(Error::RateLimited {
                retry_after: self.secs_until(hit.resets_at),
            });
        }
        let hash = password::hash(pw.expose().to_string())
            .await
            .map_err(|_| Error::Internal)?;
        let now = self.clock.now();
        let principal = self
            .store
            .create_company(
                NewCompany {
                    name: name.as_str(),
                    timezone: tz.as_str(),
                    owner_email: &email,
                    owner_password_hash: &hash,
                },
                now,
            )
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => Error::Invalid(ValidationError::new(
                    "email",
                    "already has an account; log in instead",
                )),
                other => other.into(),
            })?;
        self.audit(&principal.tenant, principal.user_id(), "signup", "", ip)
            .await;
        Ok(principal)
    }

    /// Checks a password with per-IP and per-account limits; audit-logs the outcome.
    pub async fn authenticate(&self, email: &str, pw: &str, ip: &str) -> Result<Principal, Error> {
        let now = self.clock.now();
        let ip_hit = self
            .store
            .rate_hit(&format!("login:ip:{ip}"), LOGIN_IP_WINDOW, now)
            .await?;
        if ip_hit.count > self.config.login_ip_limit {
            return Err(Error::RateLimited {
                retry_after: self.secs_until(ip_hit.resets_at),
            });
        }
        let Ok(email) = Email::parse(email) else {
            return Err(Error::BadCredentials);
        };
        // The per-account counter holds failures only (a check does not count), so requests
        // alone cannot lock the owner out; and a locked account still lets the right
        // password through from an address that has not used up its own few tries against
        // it — the owner gets in, a guesser spread over many addresses gets a handful each.
        let account_key = login_account_key(&email);
        let failures = self
            .store
            .rate_peek(&account_key, LOGIN_ACCOUNT_WINDOW, now)
            .await?;
        if failures.count >= self.config.login_account_limit {
            let tries = self
                .store
                .rate_hit(&format!("{account_key}:ip:{ip}"), LOGIN_ACCOUNT_WINDOW, now)
                .await?;
            if tries.count > LOCKED_TRIES_PER_IP {
                return Err(Error::RateLimited {
                    retry_after: self.secs_until(failures.resets_at),
                });
            }
        }
        let failed = || async {
            self.store
                .rate_hit(&account_key, LOGIN_ACCOUNT_WINDOW, now)
                .await
        };
        let Some(user) = self.store.login_user(&email).await? else {
            password::verify_nothing(pw.to_string()).await;
            failed().await?;
            self.store
                .audit(
                    None,
                    AuditEvent {
                        action: "login_failed",
                        detail: "unknown account",
                        actor: None,
                        ip: Some(ip),
                    },
                    now,
                )
                .await?;
            return Err(Error::BadCredentials);
        };
        if !password::verify(pw.to_string(), user.password_hash.clone()).await {
            failed().await?;
            let p = user.into_principal();
            self.audit(&p.tenant, p.user_id(), "login_failed", "wrong password", ip)
                .await;
            return Err(Error::BadCredentials);
        }
        self.store.rate_reset(&account_key).await?;
        self.store
            .rate_reset(&format!("{account_key}:ip:{ip}"))
            .await?;
        let p = user.into_principal();
        // With two-factor on, the password alone is not a login: that is written when the
        // code is accepted (`finish_login`).
        let action = match p.user_id() {
            Some(u)
                if self
                    .store
                    .two_factor(&p.tenant, u)
                    .await?
                    .is_some_and(|f| f.enabled) =>
            {
                "login_password_ok"
            }
            _ => "login",
        };
        self.audit(&p.tenant, p.user_id(), action, "", ip).await;
        Ok(p)
    }

    /// A new session for `principal` after a login: whatever session the browser had
    /// (`previous`, its raw cookie token) is ended, never upgraded. Returns the raw token.
    pub async fn rotate_session(
        &self,
        principal: &Principal,
        previous: Option<&str>,
        client: Client<'_>,
    ) -> Result<String, Error> {
        if let Some(old) = previous {
            self.store.delete_session(&token::hash(old)).await?;
        }
        self.start_session(principal, client).await
    }

    /// A new session for `principal`; returns the raw cookie token. Always a fresh token,
    /// so a session id planted before login is worthless after it. An owner or supervisor
    /// who must enrol in two-factor first gets a session held at the enrolment page.
    pub async fn start_session(
        &self,
        principal: &Principal,
        client: Client<'_>,
    ) -> Result<String, Error> {
        let raw = token::generate("ots_");
        let csrf = token::generate("");
        let meta = NewSession {
            needs_two_factor: self.must_enrol(principal).await?,
            user_agent: client.user_agent.map(|ua| {
                // Enough to recognise a browser; a header is no place for a novel.
                let end = ua.char_indices().nth(200).map_or(ua.len(), |(i, _)| i);
                &ua[..end]
            }),
            ip: Some(client.ip),
        };
        self.store
            .create_session(principal, &token::hash(&raw), &csrf, meta, self.clock.now())
            .await?;
        Ok(raw)
    }

    pub async fn create_api_token(
        &self,
        principal: &Principal,
        name: &str,
        ip: &str,
    ) -> Result<String, Error> {
        let label = domain::Label::parse(name)?;
        let raw = token::generate("otk_");
        self.store
            .create_api_token(
                principal,
                label.as_str(),
                &token::hash(&raw),
                self.clock.now(),
            )
            .await?;
        self.audit(
            &principal.tenant,
            principal.user_id(),
            "token_created",
            label.as_str(),
            ip,
        )
        .await;
        Ok(raw)
    }

    /// Changes a password after checking the current one; ends every other session and
    /// every API token of the user.
    pub async fn change_password(
        &self,
        tenant: &Tenant,
        user: UserId,
        current: &str,
        new: &str,
        keep: Option<&TokenHash>,
        ip: &str,
    ) -> Result<(), Error> {
        let new = NewPassword::parse(new)?;
        // A stolen session must not become a password oracle: wrong current passwords
        // count against the user, as failed logins count against the account.
        let key = format!("pwcheck:user:{user}");
        let now = self.clock.now();
        let failures = self
            .store
            .rate_peek(&key, LOGIN_ACCOUNT_WINDOW, now)
            .await?;
        if failures.count >= PASSWORD_CHECKS {
            return Err(Error::RateLimited {
                retry_after: self.secs_until(failures.resets_at),
            });
        }
        let stored = self.store.password_hash(tenant, user).await?;
        if !password::verify(current.to_string(), stored).await {
            self.store.rate_hit(&key, LOGIN_ACCOUNT_WINDOW, now).await?;
            return Err(Error::Invalid(ValidationError::new(
                "current_password",
                "is not your current password",
            )));
        }
        self.store.rate_reset(&key).await?;
        let hash = password::hash(new.expose().to_string())
            .await
            .map_err(|_| Error::Internal)?;
        self.store.set_password(tenant, user, &hash, keep).await?;
        self.audit(tenant, Some(user), "password_changed", "", ip)
            .await;
        Ok(())
    }

    /// Mails a reset link if the email has an account. Says nothing either way, so the form
    /// cannot be used to find out who has an account.
    pub async fn request_password_reset(&self, email: &str, ip: &str) -> Result<(), Error> {
        let now = self.clock.now();
        let hit = self
            .store
            .rate_hit(&format!("reset:ip:{ip}"), LOGIN_IP_WINDOW, now)
            .await?;
        if hit.count > self.config.login_ip_limit {
            return Err(Error::RateLimited {
                retry_after: self.secs_until(hit.resets_at),
            });
        }
        let Ok(email) = Email::parse(email) else {
            return Ok(());
        };
        let Some(user) = self.store.login_user(&email).await? else {
            return Ok(());
        };
        let raw = token::generate("otl_");
        let expires = now + SignedDuration::from_hours(1);
        self.store
            .create_password_reset(&user, &token::hash(&raw), now, expires)
            .await?;
        let link = self.link(&format!("/password-reset/{raw}"));
        let p = user.into_principal();
        self.send_mail(
            Some(&p.tenant),
            Mail::new(
                email.as_str(),
                "Reset your OmniTrack password",
                format!(
                    "Someone (hopefully you) asked to reset the password of your OmniTrack account.\n\n\
                     Choose a new password here within the next hour:\n{link}\n\n\
                     If it was not you, ignore this message; your password stays as it is."
                ),
            )
            .with_secret_until(expires),
        )
        .await;
        self.audit(&p.tenant, p.user_id(), "password_reset_requested", "", ip)
            .await;
        Ok(())
    }

    /// Sets a new password from a reset link (once). Every session and token of the user ends.
    pub async fn reset_password(&self, raw_token: &str, new: &str, ip: &str) -> Result<(), Error> {
        let new = NewPassword::parse(new)?;
        let Some((tenant, user)) = self
            .store
            .consume_password_reset(&token::hash(raw_token), self.clock.now())
            .await?
        else {
            return Err(Error::Invalid(ValidationError::new(
                "token",
                "this reset link is invalid, used or expired; ask for a new one",
            )));
        };
        let hash = password::hash(new.expose().to_string())
            .await
            .map_err(|_| Error::Internal)?;
        self.store.set_password(&tenant, user, &hash, None).await?;
        self.audit(&tenant, Some(user), "password_reset", "", ip)
            .await;
        Ok(())
    }

    /// Invites someone by email to join as `role`.
    pub async fn invite(
        &self,
        inviter: &Principal,
        email: &str,
        role: Role,
        ip: &str,
    ) -> Result<(), Error> {
        let email = Email::parse(email)?;
        if role == Role::Owner && inviter.role() != Some(Role::Owner) {
            return Err(Error::Invalid(ValidationError::new(
                "role",
                "only an owner can invite an owner",
            )));
        }
        let inviter_id = inviter.user_id().ok_or(Error::Internal)?;
        self.ensure_writable(&inviter.tenant).await?;
        let now = self.clock.now();
        // Invitations carry text the company chose (its name) to addresses it chose: capped
        // per company and day, so an account cannot be made into a mailing machine.
        let sent = self
            .store
            .rate_hit(
                &format!("invite:company:{}", inviter.tenant.company_id()),
                INVITE_WINDOW,
                now,
            )
            .await?;
        if sent.count > INVITES_PER_DAY {
            return Err(Error::RateLimited {
                retry_after: self.secs_until(sent.resets_at),
            });
        }
        let raw = token::generate("otl_");
        let expires = now + SignedDuration::from_hours(72);
        self.store
            .create_invite(
                &inviter.tenant,
                store::NewInvite {
                    email: &email,
                    role,
                    token_hash: &token::hash(&raw),
                    invited_by: inviter_id,
                    expires_at: expires,
                },
                now,
            )
            .await?;
        let company = self.store.company(&inviter.tenant).await?;
        let link = self.link(&format!("/invite/{raw}"));
        self.send_mail(
            Some(&inviter.tenant),
            Mail::new(
                email.as_str(),
                format!("Invitation to join the company “{}” on OmniTrack", quoted(&company.name)),
                format!(
                    "You have been invited as {} to the OmniTrack account of the company named “{}” (a name its owner chose; OmniTrack has not checked it).\n\nAccept within 72 hours and choose your password here:\n{link}\n\nIf you do not know this company, ignore this message.",
                    role.as_str(),
                    quoted(&company.name),
                ),
            )
            .with_secret_until(expires),
        )
        .await;
        self.audit(
            &inviter.tenant,
            Some(inviter_id),
            "invite",
            role.as_str(),
            ip,
        )
        .await;
        Ok(())
    }

    pub async fn accept_invite(
        &self,
        raw_token: &str,
        pw: &str,
        ip: &str,
    ) -> Result<Principal, Error> {
        // Cheap checks before the expensive one: the address's allowance, the password's
        // rules, and whether the link is a live invitation at all. Only then is the
        // password hashed (19 MiB and a core for a while), so nobody without an invitation
        // can make the server hash.
        let now = self.clock.now();
        let hit = self
            .store
            .rate_hit(&format!("invite:ip:{ip}"), LOGIN_IP_WINDOW, now)
            .await?;
        if hit.count > self.config.login_ip_limit {
            return Err(Error::RateLimited {
                retry_after: self.secs_until(hit.resets_at),
            });
        }
        let pw = NewPassword::parse(pw)?;
        let token_hash = token::hash(raw_token);
        if self
            .store
            .invite_by_token(&token_hash, now)
            .await?
            .is_none()
        {
            return Err(invalid_invite());
        }
        let hash = password::hash(pw.expose().to_string())
            .await
            .map_err(|_| Error::Internal)?;
        let p = self
            .store
            .accept_invite(&token_hash, &hash, self.clock.now())
            .await
            .map_err(|e| match e {
                StoreError::NotFound => invalid_invite(),
                StoreError::Conflict(_) => Error::Invalid(ValidationError::new(
                    "email",
                    "this email already has an account",
                )),
                other => other.into(),
            })?;
        self.audit(&p.tenant, p.user_id(), "invite_accepted", "", ip)
            .await;
        Ok(p)
    }

    pub async fn change_role(
        &self,
        owner: &Principal,
        user: UserId,
        role: Role,
        ip: &str,
    ) -> Result<(), Error> {
        self.store.set_role(&owner.tenant, user, role).await?;
        // Two-factor, when the company requires it, follows the role at once.
        self.store.refresh_two_factor_holds(&owner.tenant).await?;
        self.audit(
            &owner.tenant,
            owner.user_id(),
            "role_changed",
            &format!("{user} -> {}", role.as_str()),
            ip,
        )
        .await;
        Ok(())
    }

    pub async fn remove_member(
        &self,
        owner: &Principal,
        user: UserId,
        ip: &str,
    ) -> Result<(), Error> {
        self.store.remove_user(&owner.tenant, user).await?;
        self.audit(
            &owner.tenant,
            owner.user_id(),
            "member_removed",
            &user.to_string(),
            ip,
        )
        .await;
        Ok(())
    }

    /// Revokes one of the user's own API tokens; it stops working at once. Audited.
    pub async fn revoke_api_token(
        &self,
        tenant: &Tenant,
        user: UserId,
        id: domain::TokenId,
        ip: &str,
    ) -> Result<(), Error> {
        self.store.revoke_api_token(tenant, user, id).await?;
        self.audit(tenant, Some(user), "token_revoked", &id.to_string(), ip)
            .await;
        Ok(())
    }

    /// Logs out: the session ends (its token is worthless from now on). Audited.
    pub async fn end_session(
        &self,
        principal: &Principal,
        session: &TokenHash,
        ip: &str,
    ) -> Result<(), Error> {
        self.store.delete_session(session).await?;
        self.audit(&principal.tenant, principal.user_id(), "logout", "", ip)
            .await;
        Ok(())
    }

    pub fn link(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.config.base_url.as_str().trim_end_matches('/'),
            path
        )
    }

    /// Audit logging must not fail the action it records; a failure is logged loudly.
    pub async fn audit(
        &self,
        tenant: &Tenant,
        actor: Option<UserId>,
        action: &'static str,
        detail: &str,
        ip: &str,
    ) {
        let ev = AuditEvent {
            action,
            detail,
            actor,
            ip: Some(ip),
        };
        if let Err(e) = self.store.audit(Some(tenant), ev, self.clock.now()).await {
            tracing::error!(error = %e, action, "audit log write failed");
        }
    }
}
