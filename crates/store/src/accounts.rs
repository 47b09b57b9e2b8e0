//! Companies and the people who run them (owners, supervisors, viewers).

use crate::backend::on_pool;
use crate::time::{from_ms, to_ms};
use crate::{Company, Principal, PrincipalKind, Result, Store, StoreError, Tenant, TokenHash};
use domain::{CompanyId, Email, InviteId, Role, UserId};
use jiff::Timestamp;
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// What sign-up stores. The password arrives already hashed: the store never sees it.
pub struct NewCompany<'a> {
    pub name: &'a str,
    pub timezone: &'a str,
    pub owner_email: &'a Email,
    pub owner_password_hash: &'a str,
}

/// A user found by email for a login attempt; the caller must verify the password before
/// calling [`LoginUser::into_principal`].
#[derive(Debug, Clone)]
pub struct LoginUser {
    pub user_id: UserId,
    pub password_hash: String,
    tenant: Tenant,
    email: String,
    role: Role,
}

impl LoginUser {
    pub fn into_principal(self) -> Principal {
        Principal {
            tenant: self.tenant,
            kind: PrincipalKind::User {
                user_id: self.user_id,
                email: self.email,
                role: self.role,
            },
        }
    }
}

/// What an invitation stores; the link's raw token never reaches the store.
pub struct NewInvite<'a> {
    pub email: &'a Email,
    pub role: Role,
    pub token_hash: &'a TokenHash,
    pub invited_by: UserId,
    pub expires_at: Timestamp,
}

/// An open invitation, as shown to the person who follows the link.
#[derive(Debug, Clone)]
pub struct InviteInfo {
    pub id: InviteId,
    pub email: String,
    pub role: Role,
    pub company_name: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

fn role_of(s: &str) -> Role {
    // The column only ever holds values written from `Role::as_str`; default to least power.
    Role::parse(s).unwrap_or(Role::Viewer)
}

impl Store {
    /// Creates a company and its owner in one transaction. `Conflict("email")` when the
    /// email already has an account.
    pub async fn create_company(&self, c: NewCompany<'_>, now: Timestamp) -> Result<Principal> {
        let company = CompanyId::new();
        let user = UserId::new();
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO companies (id, name, timezone, created_at) VALUES ($1, $2, $3, $4)")
                .bind(company.0).bind(c.name).bind(c.timezone).bind(to_ms(now))
                .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO users (id, company_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(user.0).bind(company.0).bind(c.owner_email.as_str()).bind(c.owner_password_hash)
                .bind(Role::Owner.as_str()).bind(to_ms(now))
                .execute(&mut *tx).await.map_err(StoreError::unique("email"))?;
            tx.commit().await?;
        });
        Ok(Principal {
            tenant: Tenant::new(company),
            kind: PrincipalKind::User {
                user_id: user,
                email: c.owner_email.as_str().to_string(),
                role: Role::Owner,
            },
        })
    }

    pub async fn company(&self, t: &Tenant) -> Result<Company> {
        if let Some(hit) = self.cache.companies.get(&t.company_id()) {
            return Ok(hit);
        }
        let company = self.company_uncached(t).await?;
        self.cache.companies.put(t.company_id(), company.clone());
        Ok(company)
    }

    async fn company_uncached(&self, t: &Tenant) -> Result<Company> {
        on_pool!(self, p => {
            let r = sqlx::query("SELECT id, name, timezone, week_start, status, created_at, canceled_at, purge_at, trial_ends_at FROM companies WHERE id = $1")
                .bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)?;
            Ok(Company {
                id: CompanyId(r.try_get("id")?),
                name: r.try_get("name")?,
                timezone: r.try_get("timezone")?,
                week_start: r.try_get::<i32, _>("week_start")? as i16,
                status: r.try_get("status")?,
                created_at: from_ms(r.try_get("created_at")?),
                canceled_at: r.try_get::<Option<i64>, _>("canceled_at")?.map(from_ms),
                purge_at: r.try_get::<Option<i64>, _>("purge_at")?.map(from_ms),
                trial_ends_at: r.try_get::<Option<i64>, _>("trial_ends_at")?.map(from_ms),
            })
        })
    }

    /// Looks a user up by email for login or password reset (not tenant-scoped: the email
    /// is how the tenant is found).
    pub async fn login_user(&self, email: &Email) -> Result<Option<LoginUser>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT id, company_id, email, password_hash, role FROM users WHERE email = $1")
                .bind(email.as_str()).fetch_optional(p).await?;
            row.map(|r| -> Result<LoginUser> {
                Ok(LoginUser {
                    user_id: UserId(r.try_get("id")?),
                    password_hash: r.try_get("password_hash")?,
                    tenant: Tenant::new(CompanyId(r.try_get("company_id")?)),
                    email: r.try_get("email")?,
                    role: role_of(r.try_get::<&str, _>("role")?),
                })
            }).transpose()
        })
    }

    pub async fn users(&self, t: &Tenant) -> Result<Vec<User>> {
        on_pool!(self, p => {
            sqlx::query("SELECT id, email, role, created_at FROM users WHERE company_id = $1 ORDER BY created_at")
                .bind(t.company_id().0).fetch_all(p).await?
                .iter().map(|r| Ok(User {
                    id: UserId(r.try_get("id")?),
                    email: r.try_get("email")?,
                    role: role_of(r.try_get::<&str, _>("role")?),
                    created_at: from_ms(r.try_get("created_at")?),
                })).collect()
        })
    }

    pub async fn user(&self, t: &Tenant, id: UserId) -> Result<User> {
        self.users(t)
            .await?
            .into_iter()
            .find(|u| u.id == id)
            .ok_or(StoreError::NotFound)
    }

    pub async fn password_hash(&self, t: &Tenant, user: UserId) -> Result<String> {
        on_pool!(self, p => {
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)
        })
    }

    /// Sets a new password hash and ends every session and API token of that user except
    /// the session `keep` (the one that made the change, if any).
    pub async fn set_password(
        &self,
        t: &Tenant,
        user: UserId,
        hash: &str,
        keep: Option<&TokenHash>,
    ) -> Result<()> {
        let keep = keep.map(|k| k.to_vec()).unwrap_or_default();
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND company_id = $3")
                .bind(hash).bind(user.0).bind(t.company_id().0).execute(&mut *tx).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND company_id = $2 AND token_hash <> $3")
                .bind(user.0).bind(t.company_id().0).bind(&keep).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.cache.forget_all();
        Ok(())
    }

    /// Changes a member's role. Refuses to leave the company without an owner.
    pub async fn set_role(&self, t: &Tenant, user: UserId, role: Role) -> Result<()> {
        let members = self.users(t).await?;
        let target = members
            .iter()
            .find(|u| u.id == user)
            .ok_or(StoreError::NotFound)?;
        let owners = members.iter().filter(|u| u.role == Role::Owner).count();
        if target.role == Role::Owner && role != Role::Owner && owners <= 1 {
            return Err(StoreError::Rule(
                "a company needs at least one owner".into(),
            ));
        }
        on_pool!(self, p => {
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2 AND company_id = $3")
                .bind(role.as_str()).bind(user.0).bind(t.company_id().0).execute(p).await?;
            // A demoted user's open sessions keep working with the new role (looked up per request).
        });
        self.cache.forget_all();
        Ok(())
    }

    /// Removes a member (their sessions and tokens go with them). Refuses the last owner.
    pub async fn remove_user(&self, t: &Tenant, user: UserId) -> Result<()> {
        let members = self.users(t).await?;
        let target = members
            .iter()
            .find(|u| u.id == user)
            .ok_or(StoreError::NotFound)?;
        if target.role == Role::Owner
            && members.iter().filter(|u| u.role == Role::Owner).count() <= 1
        {
            return Err(StoreError::Rule("the last owner cannot be removed".into()));
        }
        on_pool!(self, p => {
            sqlx::query("DELETE FROM users WHERE id = $1 AND company_id = $2")
                .bind(user.0).bind(t.company_id().0).execute(p).await?;
        });
        self.cache.forget_all();
        Ok(())
    }

    pub async fn create_invite(
        &self,
        t: &Tenant,
        invite: NewInvite<'_>,
        now: Timestamp,
    ) -> Result<InviteId> {
        let NewInvite {
            email,
            role,
            token_hash,
            invited_by,
            expires_at,
        } = invite;
        let id = InviteId::new();
        on_pool!(self, p => {
            sqlx::query("INSERT INTO invites (id, company_id, email, role, token_hash, invited_by, created_at, expires_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(id.0).bind(t.company_id().0).bind(email.as_str()).bind(role.as_str())
                .bind(&token_hash[..]).bind(invited_by.0).bind(to_ms(now)).bind(to_ms(expires_at))
                .execute(p).await?;
        });
        Ok(id)
    }

    /// The open invite behind a link, if it is still valid at `now`.
    pub async fn invite_by_token(
        &self,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<InviteInfo>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT i.id, i.email, i.role, i.created_at, i.expires_at, c.name AS company_name
                                   FROM invites i JOIN companies c ON c.id = i.company_id
                                   WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > $2")
                .bind(&token_hash[..]).bind(to_ms(now)).fetch_optional(p).await?;
            row.map(|r| -> Result<InviteInfo> {
                Ok(InviteInfo {
                    id: InviteId(r.try_get("id")?),
                    email: r.try_get("email")?,
                    role: role_of(r.try_get::<&str, _>("role")?),
                    company_name: r.try_get("company_name")?,
                    created_at: from_ms(r.try_get("created_at")?),
                    expires_at: from_ms(r.try_get("expires_at")?),
                })
            }).transpose()
        })
    }

    pub async fn pending_invites(&self, t: &Tenant, now: Timestamp) -> Result<Vec<InviteInfo>> {
        on_pool!(self, p => {
            sqlx::query("SELECT i.id, i.email, i.role, i.created_at, i.expires_at, c.name AS company_name
                         FROM invites i JOIN companies c ON c.id = i.company_id
                         WHERE i.company_id = $1 AND i.accepted_at IS NULL AND i.expires_at > $2 ORDER BY i.created_at")
                .bind(t.company_id().0).bind(to_ms(now)).fetch_all(p).await?
                .iter().map(|r| Ok(InviteInfo {
                    id: InviteId(r.try_get("id")?),
                    email: r.try_get("email")?,
                    role: role_of(r.try_get::<&str, _>("role")?),
                    company_name: r.try_get("company_name")?,
                    created_at: from_ms(r.try_get("created_at")?),
                    expires_at: from_ms(r.try_get("expires_at")?),
                })).collect()
        })
    }

    /// Turns an invite into a user with the given password hash. The invite is consumed
    /// atomically, so a link works once.
    pub async fn accept_invite(
        &self,
        token_hash: &TokenHash,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Principal> {
        let user = UserId::new();
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let row = sqlx::query("UPDATE invites SET accepted_at = $1
                                   WHERE token_hash = $2 AND accepted_at IS NULL AND expires_at > $1
                                   RETURNING company_id, email, role")
                .bind(to_ms(now)).bind(&token_hash[..]).fetch_optional(&mut *tx).await?
                .ok_or(StoreError::NotFound)?;
            let company: Uuid = row.try_get("company_id")?;
            let email: String = row.try_get("email")?;
            let role = role_of(row.try_get::<&str, _>("role")?);
            sqlx::query("INSERT INTO users (id, company_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(user.0).bind(company).bind(&email).bind(password_hash).bind(role.as_str()).bind(to_ms(now))
                .execute(&mut *tx).await.map_err(StoreError::unique("email"))?;
            tx.commit().await?;
            Ok(Principal { tenant: Tenant::new(CompanyId(company)), kind: PrincipalKind::User { user_id: user, email, role } })
        })
    }

    pub async fn revoke_invite(&self, t: &Tenant, id: InviteId) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("DELETE FROM invites WHERE id = $1 AND company_id = $2 AND accepted_at IS NULL")
                .bind(id.0).bind(t.company_id().0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        Ok(())
    }

    pub async fn create_password_reset(
        &self,
        user: &LoginUser,
        token_hash: &TokenHash,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO password_resets (token_hash, company_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&token_hash[..]).bind(user.tenant.company_id().0).bind(user.user_id.0)
                .bind(to_ms(now)).bind(to_ms(expires_at)).execute(p).await?;
        });
        Ok(())
    }

    /// Consumes a reset link (once) and returns who it was for.
    pub async fn consume_password_reset(
        &self,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<(Tenant, UserId)>> {
        on_pool!(self, p => {
            let row = sqlx::query("UPDATE password_resets SET used_at = $1
                                   WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
                                   RETURNING company_id, user_id")
                .bind(to_ms(now)).bind(&token_hash[..]).fetch_optional(p).await?;
            row.map(|r| -> Result<(Tenant, UserId)> {
                Ok((Tenant::new(CompanyId(r.try_get("company_id")?)), UserId(r.try_get("user_id")?)))
            }).transpose()
        })
    }
}
