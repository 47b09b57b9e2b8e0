//! Two-factor sign-in (TOTP) for owners and supervisors: enrolment, recovery codes, the
//! login's second step, turning it off, and the company's requirement.
//!
//! The second step is not a session: after the right password, a user with two-factor
//! gets a pending-login token (only its hash stored) that may try a code a few times for
//! a few minutes and can do nothing else. The secret is stored as the app got it (there
//! is no server key to encrypt it with); it is shown only until enrolment is confirmed,
//! never logged (`TwoFactor` has no `Debug`), and deleted when two-factor is turned off.

use crate::credentials::totp::{self, SecondFactor};
use crate::credentials::{password, token};
use crate::{App, Error};
use domain::{Role, UserId, ValidationError};
use jiff::SignedDuration;
use store::{Principal, Tenant};

const ISSUER: &str = "OmniTrack";
const RECOVERY_CODES: usize = 10;
/// How long the second step may take after the password.
pub const PENDING_LOGIN: SignedDuration = SignedDuration::from_secs(300);
/// Code attempts one pending login allows; then the password is asked again.
const PENDING_ATTEMPTS: i64 = 5;
/// Wrong codes per user and window, whichever pending login they come through: six
/// digits are a million guesses, so this is what keeps guessing hopeless.
const CODE_FAILURES: u32 = 10;
const CODE_WINDOW: SignedDuration = SignedDuration::from_secs(900);

/// The enrolment page's state.
pub enum Enrolment {
    /// Not on yet: the secret to put into an app, until a first code confirms it.
    Pending {
        secret: String,
        uri: String,
    },
    On {
        recovery_codes_left: i64,
    },
}

/// What a correct password leads to.
pub enum LoginStep {
    Done(Principal),
    /// Ask for a code; `pending` is the raw pending-login token for the browser.
    SecondFactor {
        pending: String,
    },
}

/// Two-factor sign-in is offered to (and may be required of) owners and supervisors.
fn applies(role: Option<Role>) -> bool {
    role.is_some_and(|r| r.allows(Role::Supervisor))
}

fn person(p: &Principal) -> Result<UserId, Error> {
    match p.user_id() {
        Some(u) if applies(p.role()) => Ok(u),
        _ => Err(Error::Rejected(
            "two-factor sign-in is for owners and supervisors".into(),
        )),
    }
}

fn wrong_code(message: &str) -> Error {
    Error::Invalid(ValidationError::new("code", message))
}

fn expired_login() -> Error {
    Error::Rejected(
        "this sign-in has expired or had too many wrong codes; enter your password again".into(),
    )
}

impl App {
    /// The enrolment page: starts an enrolment with a new secret unless one is pending
    /// (a reload shows the same secret) or two-factor is on.
    pub async fn two_factor_enrolment(&self, p: &Principal) -> Result<Enrolment, Error> {
        let user = person(p)?;
        let secret = match self.store.two_factor(&p.tenant, user).await? {
            Some(f) if f.enabled => {
                let left = self.store.recovery_codes_left(&p.tenant, user).await?;
                return Ok(Enrolment::On {
                    recovery_codes_left: left,
                });
            }
            Some(f) => f.secret,
            None => {
                let s = totp::generate_secret();
                self.store.begin_two_factor(&p.tenant, user, &s).await?;
                s
            }
        };
        let account = match &p.kind {
            store::PrincipalKind::User { email, .. } => email.as_str(),
            store::PrincipalKind::Kiosk { .. } => "",
        };
        Ok(Enrolment::Pending {
            uri: totp::otpauth_uri(ISSUER, account, &secret),
            secret,
        })
    }

    /// Confirms the enrolment with a code from the app; returns the recovery codes, which
    /// are shown this once. Audited.
    pub async fn enable_two_factor(
        &self,
        p: &Principal,
        code: &str,
        ip: &str,
    ) -> Result<Vec<String>, Error> {
        let user = person(p)?;
        let Some(f) = self.store.two_factor(&p.tenant, user).await? else {
            return Err(Error::Rejected("start the enrolment first".into()));
        };
        if f.enabled {
            return Err(Error::Rejected("two-factor sign-in is already on".into()));
        }
        self.code_allowance(user).await?;
        let step = match SecondFactor::parse(code)? {
            SecondFactor::Totp(c) => totp::matching_step(&f.secret, c, self.clock.now()),
            SecondFactor::Recovery(_) => None,
        };
        let Some(step) = step else {
            self.code_failed(user).await?;
            return Err(wrong_code(
                "is not the code your app shows now; check the app's clock and try again",
            ));
        };
        // SHA-256, not Argon2id: each code has 80 random bits, so a leaked hash cannot be
        // brute-forced either way, and a slow hash would cost ten 19 MiB runs per try.
        let (shown, hashes): (Vec<String>, Vec<store::TokenHash>) = (0..RECOVERY_CODES)
            .map(|_| {
                let (shown, plain) = totp::generate_recovery_code();
                (shown, token::hash(&plain))
            })
            .unzip();
        if !self
            .store
            .enable_two_factor(&p.tenant, user, step, &hashes, self.clock.now())
            .await?
        {
            return Err(Error::Rejected("two-factor sign-in is already on".into()));
        }
        self.audit(&p.tenant, Some(user), "two_factor_enabled", "", ip)
            .await;
        Ok(shown)
    }

    /// Turns two-factor off after the password and a current code (or recovery code).
    /// Refused while the company requires it. Audited.
    pub async fn disable_two_factor(
        &self,
        p: &Principal,
        pw: &str,
        code: &str,
        ip: &str,
    ) -> Result<(), Error> {
        let user = person(p)?;
        if self.store.two_factor_required(&p.tenant).await? {
            return Err(Error::Rejected(
                "your company requires two-factor sign-in for owners and supervisors".into(),
            ));
        }
        // The code first: without it the password is never checked, so a borrowed
        // session cannot use this form to guess the password.
        self.check_second_factor(&p.tenant, user, code).await?;
        self.confirm_password(&p.tenant, user, pw).await?;
        self.store.disable_two_factor(&p.tenant, user).await?;
        self.audit(&p.tenant, Some(user), "two_factor_disabled", "", ip)
            .await;
        Ok(())
    }

    /// The owner's switch: require two-factor of every owner and supervisor. Audited.
    pub async fn require_two_factor(
        &self,
        owner: &Principal,
        on: bool,
        ip: &str,
    ) -> Result<(), Error> {
        self.store
            .set_two_factor_required(&owner.tenant, on)
            .await?;
        let action = if on {
            "two_factor_required"
        } else {
            "two_factor_not_required"
        };
        self.audit(&owner.tenant, owner.user_id(), action, "", ip)
            .await;
        Ok(())
    }

    /// After a correct password: the principal, or a second step for users with
    /// two-factor on.
    pub async fn begin_login(&self, principal: Principal) -> Result<LoginStep, Error> {
        let Some(user) = principal.user_id() else {
            return Ok(LoginStep::Done(principal));
        };
        match self.store.two_factor(&principal.tenant, user).await? {
            Some(f) if f.enabled => {
                let raw = token::generate("otp_");
                let expires = self.clock.now() + PENDING_LOGIN;
                self.store
                    .create_pending_login(&principal, &token::hash(&raw), expires)
                    .await?;
                Ok(LoginStep::SecondFactor { pending: raw })
            }
            _ => Ok(LoginStep::Done(principal)),
        }
    }

    /// The second step: a code for a pending login. The pending login ends when it
    /// succeeds or runs out of attempts. Audited either way.
    pub async fn finish_login(
        &self,
        pending: &str,
        code: &str,
        ip: &str,
    ) -> Result<Principal, Error> {
        let hash = token::hash(pending);
        let Some((principal, attempts)) = self
            .store
            .pending_login_attempt(&hash, self.clock.now())
            .await?
        else {
            return Err(expired_login());
        };
        if attempts > PENDING_ATTEMPTS {
            self.store.delete_pending_login(&hash).await?;
            return Err(expired_login());
        }
        let user = principal.user_id().ok_or(Error::Internal)?;
        if let Err(e) = self
            .check_second_factor(&principal.tenant, user, code)
            .await
        {
            self.audit(
                &principal.tenant,
                Some(user),
                "login_failed",
                "wrong second factor",
                ip,
            )
            .await;
            return Err(e);
        }
        self.store.delete_pending_login(&hash).await?;
        self.audit(
            &principal.tenant,
            Some(user),
            "login",
            "with a second factor",
            ip,
        )
        .await;
        Ok(principal)
    }

    /// For a password exchanged for an API token: users with two-factor must send a code
    /// too, and people whose company requires two-factor must enrol first (in a browser).
    pub async fn second_factor_for_token(
        &self,
        p: &Principal,
        code: Option<&str>,
    ) -> Result<(), Error> {
        let Some(user) = p.user_id() else {
            return Ok(());
        };
        match self.store.two_factor(&p.tenant, user).await? {
            Some(f) if f.enabled => {
                let code = code.ok_or_else(|| {
                    wrong_code("is needed: two-factor sign-in is on for this account")
                })?;
                self.check_second_factor(&p.tenant, user, code).await
            }
            _ if self.must_enrol(p).await? => Err(Error::Rejected(
                "your company requires two-factor sign-in: turn it on in the browser first".into(),
            )),
            _ => Ok(()),
        }
    }

    /// True when `p` must enrol before doing anything: the company requires two-factor,
    /// `p` is an owner or supervisor, and has not turned it on.
    pub async fn must_enrol(&self, p: &Principal) -> Result<bool, Error> {
        let Some(user) = p.user_id().filter(|_| applies(p.role())) else {
            return Ok(false);
        };
        if !self.store.two_factor_required(&p.tenant).await? {
            return Ok(false);
        }
        Ok(!self
            .store
            .two_factor(&p.tenant, user)
            .await?
            .is_some_and(|f| f.enabled))
    }

    async fn code_allowance(&self, user: UserId) -> Result<(), Error> {
        let seen = self
            .store
            .rate_peek(&format!("2fa:user:{user}"), CODE_WINDOW, self.clock.now())
            .await?;
        if seen.count >= CODE_FAILURES {
            return Err(Error::RateLimited {
                retry_after: self.secs_until(seen.resets_at),
            });
        }
        Ok(())
    }

    async fn code_failed(&self, user: UserId) -> Result<(), Error> {
        self.store
            .rate_hit(&format!("2fa:user:{user}"), CODE_WINDOW, self.clock.now())
            .await?;
        Ok(())
    }

    /// Checks a TOTP code (each step once) or uses up a recovery code.
    async fn check_second_factor(&self, t: &Tenant, user: UserId, code: &str) -> Result<(), Error> {
        self.code_allowance(user).await?;
        let Some(f) = self.store.two_factor(t, user).await?.filter(|f| f.enabled) else {
            return Err(Error::Rejected("two-factor sign-in is not on".into()));
        };
        let ok = match SecondFactor::parse(code)? {
            SecondFactor::Totp(c) => match totp::matching_step(&f.secret, c, self.clock.now()) {
                Some(step) => {
                    if !self.store.claim_totp_step(t, user, step).await? {
                        self.code_failed(user).await?;
                        return Err(wrong_code(
                            "was used already; wait for the next one in your app",
                        ));
                    }
                    true
                }
                None => false,
            },
            SecondFactor::Recovery(plain) => {
                self.store
                    .use_recovery_code(t, user, &token::hash(&plain), self.clock.now())
                    .await?
            }
        };
        if !ok {
            self.code_failed(user).await?;
            return Err(wrong_code("is not right"));
        }
        Ok(())
    }

    /// Checks the user's password for a confirmation, limited like a password change.
    async fn confirm_password(&self, t: &Tenant, user: UserId, pw: &str) -> Result<(), Error> {
        let stored = self.store.password_hash(t, user).await?;
        if password::verify(pw.to_string(), stored).await {
            Ok(())
        } else {
            self.code_failed(user).await?;
            Err(Error::Invalid(ValidationError::new(
                "password",
                "is not your password",
            )))
        }
    }
}
