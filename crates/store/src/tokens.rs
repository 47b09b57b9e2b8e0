//! Personal and kiosk API tokens (`Authorization: Bearer …`). Only SHA-256 hashes are kept.

use crate::backend::on_pool;
use crate::time::{from_ms, to_ms};
use crate::{Principal, PrincipalKind, Result, Store, StoreError, Tenant, TokenHash};
use domain::{CompanyId, KioskId, Role, TokenId, UserId};
use jiff::Timestamp;
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ApiTokenInfo {
    pub id: TokenId,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// A person's token as an owner sees it on the security page.
#[derive(Debug, Clone)]
pub struct CompanyToken {
    pub token: ApiTokenInfo,
    pub owner_email: String,
}

const TOUCH_EVERY_MS: i64 = 60_000;

impl Store {
    /// Stores a token for `principal` (a user, or a kiosk for kiosk tokens).
    pub async fn create_api_token(
        &self,
        principal: &Principal,
        name: &str,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<TokenId> {
        let id = TokenId::new();
        let (user, kiosk): (Option<Uuid>, Option<Uuid>) = match &principal.kind {
            PrincipalKind::User { user_id, .. } => (Some(user_id.0), None),
            PrincipalKind::Kiosk { kiosk_id } => (None, Some(kiosk_id.0)),
        };
        on_pool!(self, p => {
            sqlx::query("INSERT INTO api_tokens (id, company_id, user_id, kiosk_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id.0).bind(principal.tenant.company_id().0).bind(user).bind(kiosk).bind(name)
                .bind(&token_hash[..]).bind(to_ms(now)).execute(p).await?;
        });
        Ok(id)
    }

    /// The principal behind a bearer token, or `None`.
    pub async fn principal_by_token(
        &self,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<Principal>> {
        if let Some(hit) = self.cache.principals.get(token_hash) {
            return Ok(Some(hit));
        }
        let found = self.principal_by_token_uncached(token_hash, now).await?;
        if let Some(p) = &found {
            self.cache.principals.put(*token_hash, p.clone());
        }
        Ok(found)
    }

    async fn principal_by_token_uncached(
        &self,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<Principal>> {
        on_pool!(self, p => {
            let Some(r) = sqlx::query(
                "SELECT t.id, t.company_id, t.user_id, t.kiosk_id, t.last_used_at, u.email, u.role
                 FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id AND u.company_id = t.company_id
                 WHERE t.token_hash = $1")
                .bind(&token_hash[..]).fetch_optional(p).await? else { return Ok(None) };
            let tenant = Tenant::new(CompanyId(r.try_get("company_id")?));
            let kind = match (r.try_get::<Option<Uuid>, _>("user_id")?, r.try_get::<Option<Uuid>, _>("kiosk_id")?) {
                (Some(user), _) => {
                    let Some(email) = r.try_get::<Option<String>, _>("email")? else { return Ok(None) };
                    let role = Role::parse(r.try_get::<Option<&str>, _>("role")?.unwrap_or("viewer")).unwrap_or(Role::Viewer);
                    PrincipalKind::User { user_id: UserId(user), email, role }
                }
                (None, Some(kiosk)) => PrincipalKind::Kiosk { kiosk_id: KioskId(kiosk) },
                (None, None) => return Ok(None),
            };
            let last: Option<i64> = r.try_get("last_used_at")?;
            if last.is_none_or(|l| to_ms(now) - l > TOUCH_EVERY_MS) {
                let id: Uuid = r.try_get("id")?;
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(to_ms(now)).bind(id).execute(p).await?;
            }
            Ok(Some(Principal { tenant, kind }))
        })
    }

    /// A user's own personal tokens.
    pub async fn api_tokens(&self, t: &Tenant, user: UserId) -> Result<Vec<ApiTokenInfo>> {
        on_pool!(self, p => {
            sqlx::query("SELECT id, name, created_at, last_used_at FROM api_tokens WHERE company_id = $1 AND user_id = $2 ORDER BY created_at")
                .bind(t.company_id().0).bind(user.0).fetch_all(p).await?
                .iter().map(|r| Ok(ApiTokenInfo {
                    id: TokenId(r.try_get("id")?),
                    name: r.try_get("name")?,
                    created_at: from_ms(r.try_get("created_at")?),
                    last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(from_ms),
                })).collect()
        })
    }

    /// Revokes one of the user's own tokens.
    pub async fn revoke_api_token(&self, t: &Tenant, user: UserId, id: TokenId) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND company_id = $2 AND user_id = $3")
                .bind(id.0).bind(t.company_id().0).bind(user.0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        self.cache.forget_all();
        Ok(())
    }

    /// Every person's token in the company (not the kiosks'), with whose it is: an owner's
    /// view on the security page.
    pub async fn company_api_tokens(&self, t: &Tenant) -> Result<Vec<CompanyToken>> {
        on_pool!(self, p => {
            sqlx::query("SELECT t.id, t.name, t.created_at, t.last_used_at, u.email FROM api_tokens t
                         JOIN users u ON u.id = t.user_id AND u.company_id = t.company_id
                         WHERE t.company_id = $1 ORDER BY u.email, t.created_at")
                .bind(t.company_id().0).fetch_all(p).await?
                .iter().map(|r| Ok(CompanyToken {
                    token: ApiTokenInfo {
                        id: TokenId(r.try_get("id")?),
                        name: r.try_get("name")?,
                        created_at: from_ms(r.try_get("created_at")?),
                        last_used_at: r.try_get::<Option<i64>, _>("last_used_at")?.map(from_ms),
                    },
                    owner_email: r.try_get("email")?,
                })).collect()
        })
    }

    /// Revokes any person's token of the company (an owner's action).
    pub async fn revoke_company_api_token(&self, t: &Tenant, id: TokenId) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND company_id = $2 AND user_id IS NOT NULL")
                .bind(id.0).bind(t.company_id().0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        self.cache.forget_all();
        Ok(())
    }

    /// Revokes every token of one user; returns how many.
    pub async fn revoke_user_api_tokens(&self, t: &Tenant, user: UserId) -> Result<u64> {
        let n = on_pool!(self, p => {
            sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).execute(p).await?.rows_affected()
        });
        self.cache.forget_all();
        Ok(n)
    }
}
