//! Browser sessions. Only the SHA-256 of the cookie's token is stored, so a leaked database
//! cannot be replayed as logins.

use crate::backend::on_pool;
use crate::time::{from_ms, to_ms};
use crate::{Principal, PrincipalKind, Result, Store, StoreError, Tenant, TokenHash};
use domain::{CompanyId, KioskId, Role, UserId};
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;
use uuid::Uuid;

/// How long a user's session lives: idle expiry since last use, absolute expiry since
/// login. Kiosk sessions do not expire; revoking the kiosk ends them.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub idle: SignedDuration,
    pub absolute: SignedDuration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: SignedDuration::from_hours(12),
            absolute: SignedDuration::from_hours(24 * 14),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf_token: String,
    pub created_at: Timestamp,
    /// The company requires two-factor sign-in and this user has not enrolled yet: the
    /// session reaches only the enrolment page (and logout).
    pub needs_two_factor: bool,
}

/// What a new session records besides its principal.
#[derive(Debug, Clone, Default)]
pub struct NewSession<'a> {
    pub needs_two_factor: bool,
    /// As the browser sent it (shortened), for the security page.
    pub user_agent: Option<&'a str>,
    /// The client address as the audit log records it.
    pub ip: Option<&'a str>,
}

/// One of a user's live sessions, for the security page. `id` is the hex of the stored
/// token hash: it names the row without being usable as a cookie.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// Writing `last_seen_at` on every request would turn each page view into a write; a
/// minute's granularity is plenty for a 12-hour idle timeout.
const TOUCH_EVERY_MS: i64 = 60_000;

impl Store {
    pub async fn create_session(
        &self,
        principal: &Principal,
        token_hash: &TokenHash,
        csrf_token: &str,
        meta: NewSession<'_>,
        now: Timestamp,
    ) -> Result<()> {
        let (user, kiosk): (Option<Uuid>, Option<Uuid>) = match &principal.kind {
            PrincipalKind::User { user_id, .. } => (Some(user_id.0), None),
            PrincipalKind::Kiosk { kiosk_id } => (None, Some(kiosk_id.0)),
        };
        on_pool!(self, p => {
            sqlx::query("INSERT INTO sessions (token_hash, company_id, user_id, kiosk_id, csrf_token, created_at, last_seen_at, needs_two_factor, user_agent, ip)
                         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)")
                .bind(&token_hash[..]).bind(principal.tenant.company_id().0).bind(user).bind(kiosk)
                .bind(csrf_token).bind(to_ms(now)).bind(meta.needs_two_factor).bind(meta.user_agent).bind(meta.ip)
                .execute(p).await?;
        });
        Ok(())
    }

    /// The live session for a token hash, or `None` when unknown, expired or revoked.
    /// A user's session expires under `policy`; a kiosk's only when the kiosk is revoked.
    /// Expired rows are deleted on sight.
    pub async fn session(
        &self,
        token_hash: &TokenHash,
        now: Timestamp,
        policy: SessionPolicy,
    ) -> Result<Option<Session>> {
        let now_ms = to_ms(now);
        on_pool!(self, p => {
            let Some(r) = sqlx::query(
                "SELECT s.company_id, s.user_id, s.kiosk_id, s.csrf_token, s.created_at, s.last_seen_at, s.needs_two_factor, u.email, u.role
                 FROM sessions s LEFT JOIN users u ON u.id = s.user_id AND u.company_id = s.company_id
                 WHERE s.token_hash = $1")
                .bind(&token_hash[..]).fetch_optional(p).await? else { return Ok(None) };
            let created: i64 = r.try_get("created_at")?;
            let seen: i64 = r.try_get("last_seen_at")?;
            let (user, kiosk) = (r.try_get::<Option<Uuid>, _>("user_id")?, r.try_get::<Option<Uuid>, _>("kiosk_id")?);
            // A kiosk stays enrolled until revoked: nobody is at a shared tablet to sign in again.
            let expires = user.is_some() || kiosk.is_none();
            if expires && (now_ms - seen > policy.idle.as_millis() as i64 || now_ms - created > policy.absolute.as_millis() as i64) {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&token_hash[..]).execute(p).await?;
                return Ok(None);
            }
            let tenant = Tenant::new(CompanyId(r.try_get("company_id")?));
            let kind = match (user, kiosk) {
                (Some(user), _) => {
                    let Some(email) = r.try_get::<Option<String>, _>("email")? else { return Ok(None) };
                    let role = Role::parse(r.try_get::<Option<&str>, _>("role")?.unwrap_or("viewer")).unwrap_or(Role::Viewer);
                    PrincipalKind::User { user_id: UserId(user), email, role }
                }
                (None, Some(kiosk)) => PrincipalKind::Kiosk { kiosk_id: KioskId(kiosk) },
                (None, None) => return Ok(None),
            };
            if now_ms - seen > TOUCH_EVERY_MS {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now_ms).bind(&token_hash[..]).execute(p).await?;
            }
            Ok(Some(Session { principal: Principal { tenant, kind }, csrf_token: r.try_get("csrf_token")?, created_at: from_ms(created),
                needs_two_factor: r.try_get("needs_two_factor")? }))
        })
    }

    /// Logout: the token stops working at once.
    pub async fn delete_session(&self, token_hash: &TokenHash) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(&token_hash[..]).execute(p).await?;
        });
        Ok(())
    }

    /// Ends every session of one user ("log out everywhere").
    pub async fn delete_user_sessions(&self, t: &Tenant, user: UserId) -> Result<u64> {
        on_pool!(self, p => {
            Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).execute(p).await?.rows_affected())
        })
    }

    /// A user's live sessions, most recently used first (expired ones are left out).
    pub async fn user_sessions(
        &self,
        t: &Tenant,
        user: UserId,
        now: Timestamp,
        policy: SessionPolicy,
    ) -> Result<Vec<SessionInfo>> {
        let now_ms = to_ms(now);
        on_pool!(self, p => {
            sqlx::query("SELECT token_hash, created_at, last_seen_at, user_agent, ip FROM sessions
                         WHERE company_id = $1 AND user_id = $2 AND last_seen_at >= $3 AND created_at >= $4
                         ORDER BY last_seen_at DESC, created_at DESC")
                .bind(t.company_id().0).bind(user.0)
                .bind(now_ms - policy.idle.as_millis() as i64).bind(now_ms - policy.absolute.as_millis() as i64)
                .fetch_all(p).await?
                .iter().map(|r| Ok(SessionInfo {
                    id: hex::encode(r.try_get::<Vec<u8>, _>("token_hash")?),
                    created_at: from_ms(r.try_get("created_at")?),
                    last_seen_at: from_ms(r.try_get("last_seen_at")?),
                    user_agent: r.try_get("user_agent")?,
                    ip: r.try_get("ip")?,
                })).collect()
        })
    }

    /// Ends one of the user's own sessions; `NotFound` when it is not theirs (or gone).
    pub async fn delete_user_session(
        &self,
        t: &Tenant,
        user: UserId,
        token_hash: &TokenHash,
    ) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("DELETE FROM sessions WHERE token_hash = $1 AND company_id = $2 AND user_id = $3")
                .bind(&token_hash[..]).bind(t.company_id().0).bind(user.0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        Ok(())
    }
}
