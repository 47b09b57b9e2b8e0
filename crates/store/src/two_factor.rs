//! Two-factor sign-in rows: each user's TOTP secret and last accepted step, recovery code
//! hashes, the company's requirement, and pending logins (password checked, code not yet).
//! The secret leaves the store only through [`Store::two_factor`], for the code check and
//! for the enrolment page while enrolment is unconfirmed.

use crate::backend::on_pool;
use crate::time::to_ms;
use crate::{Principal, PrincipalKind, Result, Store, StoreError, Tenant, TokenHash};
use domain::{CompanyId, Role, UserId};
use jiff::Timestamp;
use sqlx::Row;

/// Recomputes every user session's hold for company `$1`: held when the company requires
/// two-factor and the user is an owner or supervisor without it.
const HOLDS: &str = "UPDATE sessions SET needs_two_factor = (
      EXISTS (SELECT 1 FROM companies c WHERE c.id = sessions.company_id AND c.require_two_factor)
      AND EXISTS (SELECT 1 FROM users u WHERE u.id = sessions.user_id AND u.role IN ('owner', 'supervisor'))
      AND NOT EXISTS (SELECT 1 FROM two_factor f WHERE f.user_id = sessions.user_id AND f.enabled_at IS NOT NULL))
    WHERE company_id = $1 AND user_id IS NOT NULL";

/// A user's two-factor state. No `Debug`: the secret must not reach a log line.
#[derive(Clone)]
pub struct TwoFactor {
    /// Base32, as the authenticator app got it.
    pub secret: String,
    /// False while the user has not confirmed a first code.
    pub enabled: bool,
}

impl Store {
    pub async fn two_factor(&self, t: &Tenant, user: UserId) -> Result<Option<TwoFactor>> {
        on_pool!(self, p => {
            let r = sqlx::query("SELECT secret, enabled_at FROM two_factor WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).fetch_optional(p).await?;
            r.map(|r| Ok(TwoFactor {
                secret: r.try_get("secret")?,
                enabled: r.try_get::<Option<i64>, _>("enabled_at")?.is_some(),
            })).transpose()
        })
    }

    /// Starts (or restarts) an enrolment with a new secret; refused once enabled.
    pub async fn begin_two_factor(&self, t: &Tenant, user: UserId, secret: &str) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("INSERT INTO two_factor (user_id, company_id, secret) VALUES ($1, $2, $3)
                                 ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = 0
                                 WHERE two_factor.enabled_at IS NULL")
                .bind(user.0).bind(t.company_id().0).bind(secret).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::Rule("two-factor sign-in is already on".into())); }
        });
        Ok(())
    }

    /// Confirms an enrolment: enabled from now, `step` used, the recovery codes replaced,
    /// and the user's sessions no longer held at the enrolment page. `false` when there
    /// was no unconfirmed enrolment.
    pub async fn enable_two_factor(
        &self,
        t: &Tenant,
        user: UserId,
        step: u64,
        recovery_hashes: &[TokenHash],
        now: Timestamp,
    ) -> Result<bool> {
        let company = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("UPDATE two_factor SET enabled_at = $1, last_step = $2
                                 WHERE user_id = $3 AND company_id = $4 AND enabled_at IS NULL")
                .bind(to_ms(now)).bind(step as i64).bind(user.0).bind(company).execute(&mut *tx).await?.rows_affected();
            if n == 0 { return Ok(false); }
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(company).execute(&mut *tx).await?;
            for h in recovery_hashes {
                sqlx::query("INSERT INTO recovery_codes (user_id, company_id, code_hash) VALUES ($1, $2, $3)")
                    .bind(user.0).bind(company).bind(&h[..]).execute(&mut *tx).await?;
            }
            sqlx::query("UPDATE sessions SET needs_two_factor = FALSE WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(company).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Turns two-factor sign-in off for the user: secret and recovery codes are deleted.
    pub async fn disable_two_factor(&self, t: &Tenant, user: UserId) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM two_factor WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records `step` as used if it is later than every step used before: one atomic
    /// compare, so the same code (or an older one) is refused even from two requests at once.
    pub async fn claim_totp_step(&self, t: &Tenant, user: UserId, step: u64) -> Result<bool> {
        on_pool!(self, p => {
            let n = sqlx::query("UPDATE two_factor SET last_step = $1
                                 WHERE user_id = $2 AND company_id = $3 AND enabled_at IS NOT NULL AND last_step < $1")
                .bind(step as i64).bind(user.0).bind(t.company_id().0).execute(p).await?.rows_affected();
            Ok(n == 1)
        })
    }

    /// Uses up a recovery code; `false` when it is unknown or used already.
    pub async fn use_recovery_code(
        &self,
        t: &Tenant,
        user: UserId,
        hash: &TokenHash,
        now: Timestamp,
    ) -> Result<bool> {
        on_pool!(self, p => {
            let n = sqlx::query("UPDATE recovery_codes SET used_at = $1
                                 WHERE user_id = $2 AND company_id = $3 AND code_hash = $4 AND used_at IS NULL")
                .bind(to_ms(now)).bind(user.0).bind(t.company_id().0).bind(&hash[..]).execute(p).await?.rows_affected();
            Ok(n == 1)
        })
    }

    pub async fn recovery_codes_left(&self, t: &Tenant, user: UserId) -> Result<i64> {
        on_pool!(self, p => {
            Ok(sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND company_id = $2 AND used_at IS NULL")
                .bind(user.0).bind(t.company_id().0).fetch_one(p).await?)
        })
    }

    pub async fn two_factor_required(&self, t: &Tenant) -> Result<bool> {
        on_pool!(self, p => {
            Ok(sqlx::query_scalar("SELECT require_two_factor FROM companies WHERE id = $1")
                .bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)?)
        })
    }

    /// Sets the company's requirement. Turning it on holds the live sessions of owners and
    /// supervisors without two-factor at the enrolment page at once, not at their next
    /// login; turning it off releases them.
    pub async fn set_two_factor_required(&self, t: &Tenant, on: bool) -> Result<()> {
        let company = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE companies SET require_two_factor = $1 WHERE id = $2")
                .bind(on).bind(company).execute(&mut *tx).await?;
            sqlx::query(HOLDS).bind(company).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Holds at enrolment exactly the sessions of the company's people who must enrol now
    /// (after a role change: a new supervisor is held, a former one released).
    pub async fn refresh_two_factor_holds(&self, t: &Tenant) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query(HOLDS).bind(t.company_id().0).execute(p).await?;
        });
        Ok(())
    }

    pub async fn create_pending_login(
        &self,
        principal: &Principal,
        token_hash: &TokenHash,
        expires_at: Timestamp,
    ) -> Result<()> {
        let PrincipalKind::User { user_id, .. } = &principal.kind else {
            return Err(StoreError::Rule("only people log in".into()));
        };
        on_pool!(self, p => {
            sqlx::query("INSERT INTO pending_logins (token_hash, company_id, user_id, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(&token_hash[..]).bind(principal.tenant.company_id().0).bind(user_id.0).bind(to_ms(expires_at))
                .execute(p).await?;
        });
        Ok(())
    }

    /// Counts one code attempt against a live pending login and returns who it is for,
    /// with the attempts so far (this one included). Expired rows are deleted on sight.
    pub async fn pending_login_attempt(
        &self,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<(Principal, i64)>> {
        on_pool!(self, p => {
            sqlx::query("DELETE FROM pending_logins WHERE expires_at <= $1").bind(to_ms(now)).execute(p).await?;
            let Some(attempts) = sqlx::query_scalar::<_, i64>("UPDATE pending_logins SET attempts = attempts + 1 WHERE token_hash = $1 RETURNING attempts")
                .bind(&token_hash[..]).fetch_optional(p).await? else { return Ok(None) };
            let Some(r) = sqlx::query("SELECT pl.company_id, pl.user_id, u.email, u.role FROM pending_logins pl
                                       JOIN users u ON u.id = pl.user_id AND u.company_id = pl.company_id WHERE pl.token_hash = $1")
                .bind(&token_hash[..]).fetch_optional(p).await? else { return Ok(None) };
            let role = Role::parse(r.try_get("role")?).unwrap_or(Role::Viewer);
            let principal = Principal {
                tenant: Tenant::new(CompanyId(r.try_get("company_id")?)),
                kind: PrincipalKind::User { user_id: UserId(r.try_get("user_id")?), email: r.try_get("email")?, role },
            };
            Ok(Some((principal, attempts)))
        })
    }

    pub async fn delete_pending_login(&self, token_hash: &TokenHash) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("DELETE FROM pending_logins WHERE token_hash = $1").bind(&token_hash[..]).execute(p).await?;
        });
        Ok(())
    }
}
