//! The security audit log: who did what, when, from where. Opaque ids only, never secrets
//! or personal free text, so erasing an employee leaves nothing personal behind here.

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, Tenant};
use domain::{AuditId, UserId};
use jiff::Timestamp;
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub action: &'static str,
    pub detail: &'a str,
    pub actor: Option<UserId>,
    pub ip: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: AuditId,
    pub action: String,
    pub detail: String,
    pub actor: Option<UserId>,
    pub ip: Option<String>,
    pub created_at: Timestamp,
}

/// Which events of a company to read: every field narrows, `None` is any.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<UserId>,
    pub action: Option<String>,
    /// At or after.
    pub from: Option<Timestamp>,
    /// Before.
    pub to: Option<Timestamp>,
}

/// Where a page of the log (newest first) stops: the last entry read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    pub created_at: Timestamp,
    pub id: AuditId,
}

fn entry<R: RowGet>(r: &R) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: AuditId(r.uuid("id")?),
        action: r.string("action")?,
        detail: r.string("detail")?,
        actor: r.opt_uuid("actor_user_id")?.map(UserId),
        ip: r.opt_string("ip")?,
        created_at: from_ms(r.int("created_at")?),
    })
}

impl Store {
    /// Records an event. `tenant` is `None` for events outside any company (a failed login
    /// for an unknown email).
    pub async fn audit(
        &self,
        tenant: Option<&Tenant>,
        ev: AuditEvent<'_>,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO audit_log (id, company_id, actor_user_id, action, detail, ip, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(AuditId::new().0).bind(tenant.map(|t| t.company_id().0)).bind(ev.actor.map(|a| a.0))
                .bind(ev.action).bind(ev.detail).bind(ev.ip).bind(to_ms(now)).execute(p).await?;
        });
        Ok(())
    }

    /// The newest `limit` events of a company, newest first.
    pub async fn audit_log(&self, t: &Tenant, limit: u32) -> Result<Vec<AuditEntry>> {
        on_pool!(self, p => {
            sqlx::query("SELECT id, action, detail, actor_user_id, ip, created_at FROM audit_log WHERE company_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
                .bind(t.company_id().0).bind(i64::from(limit)).fetch_all(p).await?
                .iter().map(|r| Ok(AuditEntry {
                    id: AuditId(r.try_get("id")?),
                    action: r.try_get("action")?,
                    detail: r.try_get("detail")?,
                    actor: r.try_get::<Option<Uuid>, _>("actor_user_id")?.map(UserId),
                    ip: r.try_get("ip")?,
                    created_at: from_ms(r.try_get("created_at")?),
                })).collect()
        })
    }

    /// One page of the company's events in `f`, newest first, after `before` (the last
    /// entry of the previous page): keyset paging, so a page costs the same anywhere.
    pub async fn audit_page(
        &self,
        t: &Tenant,
        f: &AuditFilter,
        before: Option<AuditCursor>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        let before_at = before.map(|c| to_ms(c.created_at));
        let before_id = before.map(|c| c.id.0);
        on_pool!(self, p => {
            sqlx::query("SELECT id, action, detail, actor_user_id, ip, created_at FROM audit_log
                         WHERE company_id = $1 AND ($2 IS NULL OR actor_user_id = $2) AND ($3 IS NULL OR action = $3)
                           AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR created_at < $5)
                           AND ($6 IS NULL OR created_at < $6 OR (created_at = $6 AND id < $7))
                         ORDER BY created_at DESC, id DESC LIMIT $8")
                .bind(t.company_id().0).bind(f.actor.map(|a| a.0)).bind(f.action.as_deref())
                .bind(f.from.map(to_ms)).bind(f.to.map(to_ms)).bind(before_at).bind(before_id)
                .bind(i64::from(limit)).fetch_all(p).await?.iter().map(entry).collect()
        })
    }
}
