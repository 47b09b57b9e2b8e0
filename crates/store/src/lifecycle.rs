//! A company's life after sign-up: cancellation (data kept 30 days for reactivation),
//! reactivation, the purge reminder, and the purge itself — plus policy-change
//! announcements, which reach every owner.
//!
//! The purge does not keep a list of tables: it reads the schema and deletes the company's
//! rows from every table that has a `company_id` column, children before parents (from the
//! foreign keys), then the company. A table added next year is purged without anyone
//! remembering to add it here. What stays is a [`Tombstone`] (ids and dates only) and an
//! audit entry naming the opaque company id.

use crate::backend::{on_pool, Backend};
use crate::outbox::{insert_mail, NewMail};
use crate::time::{from_ms, to_ms};
use crate::{Company, Result, Store, StoreError, Tenant};
use domain::{AuditId, CompanyId};
use jiff::Timestamp;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Tables that keep a row about a purged company on purpose (no personal data in them).
pub const PURGE_KEEPS: &[&str] = &["tombstones"];

/// What is left of a purged company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    pub company_id: CompanyId,
    pub created_at: Timestamp,
    pub canceled_at: Option<Timestamp>,
    pub deleted_at: Timestamp,
    /// `retention_expired` or `owner_request`.
    pub reason: String,
}

/// Why a purge may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeWhen {
    /// Only if the company is canceled and its `purge_at` is at or before this instant
    /// (checked inside the purge's transaction, so a reactivation in between wins).
    DueBy(Timestamp),
    /// Now: the owner asked for immediate deletion (password re-entered).
    OwnerRequest,
}

/// A privacy-policy change notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub id: Uuid,
    /// `YYYY-MM-DD`.
    pub effective_date: String,
    pub summary: String,
    pub created_at: Timestamp,
}

/// A company owner's address, for notices that go to every owner.
#[derive(Debug, Clone)]
pub struct OwnerContact {
    pub tenant: Tenant,
    pub email: String,
}

fn quote_ident(name: &str) -> Result<String> {
    if name.is_empty() || name.contains('"') || name.contains('\0') {
        return Err(StoreError::Rule(format!("unexpected table name {name:?}")));
    }
    Ok(format!("\"{name}\""))
}

/// Orders `tables` so every table comes before the tables it references (children first).
/// Self-references and cycles fall back to the given order (ON DELETE CASCADE covers them).
fn children_first(tables: &[String], fks: &[(String, String)]) -> Vec<String> {
    let set: BTreeSet<&str> = tables.iter().map(String::as_str).collect();
    // parent -> children that still need deleting
    let mut children: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (child, parent) in fks {
        if child != parent && set.contains(child.as_str()) && set.contains(parent.as_str()) {
            children
                .entry(parent.as_str())
                .or_default()
                .insert(child.as_str());
        }
    }
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::with_capacity(tables.len());
    while out.len() < tables.len() {
        let next = tables.iter().find(|t| {
            !done.contains(t.as_str())
                && children
                    .get(t.as_str())
                    .is_none_or(|c| c.iter().all(|c| done.contains(c)))
        });
        let Some(next) = next.or_else(|| tables.iter().find(|t| !done.contains(t.as_str()))) else {
            break;
        };
        done.insert(next.as_str());
        out.push(next.clone());
    }
    out
}

impl Store {
    /// Foreign keys as `(child table, parent table)` pairs.
    pub async fn foreign_keys(&self) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = match &self.backend {
            Backend::Sqlite(db) => sqlx::query_as(
                "SELECT m.name, f.\"table\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' ORDER BY 1, 2",
            )
            .fetch_all(&db.pool)
            .await?,
            Backend::Postgres(p) => sqlx::query_as(
                "SELECT c1.relname::text, c2.relname::text FROM pg_constraint k
                 JOIN pg_class c1 ON c1.oid = k.conrelid JOIN pg_class c2 ON c2.oid = k.confrelid
                 JOIN pg_namespace n ON n.oid = k.connamespace
                 WHERE k.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2",
            )
            .fetch_all(p)
            .await?,
        };
        Ok(rows)
    }

    /// Every table that holds company data (has a `company_id` column), in the order the
    /// purge deletes from them. `companies` itself is not included.
    pub async fn company_tables(&self) -> Result<Vec<String>> {
        let tables: Vec<String> = self
            .schema()
            .await?
            .into_iter()
            .filter(|(t, cols)| {
                cols.iter().any(|c| c == "company_id") && !PURGE_KEEPS.contains(&t.as_str())
            })
            .map(|(t, _)| t)
            .collect();
        Ok(children_first(&tables, &self.foreign_keys().await?))
    }

    /// How many rows each table with a `company_id` column holds for `company` (the kept
    /// tables included), plus `companies` itself: what a purge must bring to zero.
    pub async fn company_row_counts(&self, company: CompanyId) -> Result<Vec<(String, i64)>> {
        let mut tables: Vec<String> = self
            .schema()
            .await?
            .into_iter()
            .filter(|(_, cols)| cols.iter().any(|c| c == "company_id"))
            .map(|(t, _)| t)
            .collect();
        tables.push("companies".into());
        let mut out = Vec::with_capacity(tables.len());
        for table in tables {
            let col = if table == "companies" {
                "id"
            } else {
                "company_id"
            };
            let sql = format!(
                "SELECT COUNT(*) FROM {} WHERE {col} = $1",
                quote_ident(&table)?
            );
            let n: i64 =
                on_pool!(self, p => sqlx::query_scalar(&sql).bind(company.0).fetch_one(p).await?);
            out.push((table, n));
        }
        Ok(out)
    }

    /// Cancels: status `canceled`, data kept until `purge_at`. Cancelling again keeps the
    /// first dates (a double submit does not move the purge).
    pub async fn cancel_company(
        &self,
        t: &Tenant,
        now: Timestamp,
        purge_at: Timestamp,
    ) -> Result<Company> {
        on_pool!(self, p => {
            sqlx::query("UPDATE companies SET status = 'canceled', canceled_at = $1, purge_at = $2, purge_reminder_at = NULL
                         WHERE id = $3 AND status <> 'canceled'")
                .bind(to_ms(now)).bind(to_ms(purge_at)).bind(t.company_id().0).execute(p).await?;
        });
        self.cache.forget_all();
        self.company(t).await
    }

    /// Undoes a cancellation before the purge. `Rule` if the company is not canceled.
    pub async fn reactivate_company(&self, t: &Tenant) -> Result<Company> {
        let n = on_pool!(self, p => {
            sqlx::query("UPDATE companies SET status = 'active', canceled_at = NULL, purge_at = NULL, purge_reminder_at = NULL
                         WHERE id = $1 AND status = 'canceled'")
                .bind(t.company_id().0).execute(p).await?.rows_affected()
        });
        if n == 0 {
            self.company(t).await?;
            return Err(StoreError::Rule("the account is not canceled".into()));
        }
        self.cache.forget_all();
        self.company(t).await
    }

    /// Canceled companies whose purge date has passed.
    pub async fn companies_due_for_purge(&self, now: Timestamp) -> Result<Vec<Tenant>> {
        let ids: Vec<Uuid> = on_pool!(self, p => {
            sqlx::query_scalar("SELECT id FROM companies WHERE status = 'canceled' AND purge_at IS NOT NULL AND purge_at <= $1 ORDER BY purge_at")
                .bind(to_ms(now)).fetch_all(p).await?
        });
        Ok(ids.into_iter().map(|i| Tenant::new(CompanyId(i))).collect())
    }

    /// Canceled companies to be purged by `horizon` that have not had their reminder yet,
    /// with the owners' addresses and the purge date.
    pub async fn companies_due_for_reminder(
        &self,
        now: Timestamp,
        horizon: Timestamp,
    ) -> Result<Vec<(Tenant, Timestamp)>> {
        let rows: Vec<(Uuid, i64)> = on_pool!(self, p => {
            sqlx::query_as("SELECT id, purge_at FROM companies WHERE status = 'canceled' AND purge_reminder_at IS NULL
                            AND purge_at IS NOT NULL AND purge_at > $1 AND purge_at <= $2 ORDER BY purge_at")
                .bind(to_ms(now)).bind(to_ms(horizon)).fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(|(i, at)| (Tenant::new(CompanyId(i)), from_ms(at)))
            .collect())
    }

    /// Marks the reminder sent and queues its mails, once: `false` if another worker (or an
    /// earlier run) already did.
    pub async fn send_purge_reminder(
        &self,
        t: &Tenant,
        mails: &[NewMail<'_>],
        now: Timestamp,
    ) -> Result<bool> {
        let company = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("UPDATE companies SET purge_reminder_at = $1 WHERE id = $2 AND status = 'canceled' AND purge_reminder_at IS NULL")
                .bind(to_ms(now)).bind(company).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            for m in mails {
                insert_mail!(&mut *tx, Some(company), m, now)?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Deletes every row of the company in one transaction and leaves a tombstone. Returns
    /// `false` (and changes nothing) when the company is gone already or, for
    /// [`PurgeWhen::DueBy`], not due — so running it again is always safe.
    ///
    /// `farewell` is queued in the same transaction, outside any company: the confirmation
    /// to the owners, the one place their address outlives the purge, until it is sent
    /// (see [`Store::mail_sent`]).
    pub async fn purge_company(
        &self,
        t: &Tenant,
        when: PurgeWhen,
        now: Timestamp,
        farewell: &[NewMail<'_>],
    ) -> Result<bool> {
        let tables = self.company_tables().await?;
        let company = t.company_id().0;
        let (reason, due_by) = match when {
            PurgeWhen::DueBy(at) => ("retention_expired", Some(to_ms(at))),
            PurgeWhen::OwnerRequest => ("owner_request", None),
        };
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            // The first statement writes, so the transaction holds the write lock (SQLite) /
            // the row lock (PostgreSQL) from the start; a concurrent reactivation waits or wins.
            let n = sqlx::query("UPDATE companies SET status = 'purging'
                                 WHERE id = $1 AND ($2 IS NULL OR (status IN ('canceled', 'purging') AND purge_at IS NOT NULL AND purge_at <= $2))")
                .bind(company).bind(due_by).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            let r = sqlx::query("SELECT created_at, canceled_at FROM companies WHERE id = $1")
                .bind(company).fetch_one(&mut *tx).await?;
            let created_at: i64 = r.try_get("created_at")?;
            let canceled_at: Option<i64> = r.try_get("canceled_at")?;
            // Login throttling keys name the address; they go too.
            let emails: Vec<String> = sqlx::query_scalar("SELECT email FROM users WHERE company_id = $1")
                .bind(company).fetch_all(&mut *tx).await?;
            for email in &emails {
                // The account's failure counter and its per-address counters under it.
                let key = format!("login:acct:{email}");
                let under = format!("{key}:");
                sqlx::query("DELETE FROM rate_limits WHERE key = $1 OR substr(key, 1, $2) = $3")
                    .bind(&key).bind(i32::try_from(under.chars().count()).unwrap_or(i32::MAX)).bind(&under).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM rate_limits WHERE key = $1")
                .bind(format!("invite:company:{company}")).execute(&mut *tx).await?;
            // Per-user counters (wrong second factors, wrong current passwords) name the user.
            let users: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM users WHERE company_id = $1")
                .bind(company).fetch_all(&mut *tx).await?;
            for user in users {
                for key in [format!("2fa:user:{user}"), format!("pwcheck:user:{user}")] {
                    sqlx::query("DELETE FROM rate_limits WHERE key = $1").bind(key).execute(&mut *tx).await?;
                }
            }
            for table in &tables {
                let sql = format!("DELETE FROM {} WHERE company_id = $1", quote_ident(table)?);
                sqlx::query(&sql).bind(company).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM companies WHERE id = $1").bind(company).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO tombstones (company_id, created_at, canceled_at, deleted_at, reason) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (company_id) DO NOTHING")
                .bind(company).bind(created_at).bind(canceled_at).bind(to_ms(now)).bind(reason)
                .execute(&mut *tx).await?;
            // Outside any company (its rows are gone): the opaque id and the reason only.
            sqlx::query("INSERT INTO audit_log (id, company_id, actor_user_id, action, detail, ip, created_at) VALUES ($1, NULL, NULL, 'company_purged', $2, NULL, $3)")
                .bind(AuditId::new().0).bind(format!("{company} {reason}")).bind(to_ms(now))
                .execute(&mut *tx).await?;
            for m in farewell {
                let id = insert_mail!(&mut *tx, None::<Uuid>, m, now)?;
                sqlx::query("UPDATE outbox SET forget_when_sent = TRUE WHERE id = $1")
                    .bind(id).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        self.cache.forget_all();
        Ok(true)
    }

    pub async fn tombstone(&self, company: CompanyId) -> Result<Option<Tombstone>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT company_id, created_at, canceled_at, deleted_at, reason FROM tombstones WHERE company_id = $1")
                .bind(company.0).fetch_optional(p).await?;
            match row {
                Some(r) => Ok(Some(Tombstone {
                    company_id: CompanyId(r.try_get("company_id")?),
                    created_at: from_ms(r.try_get("created_at")?),
                    canceled_at: r.try_get::<Option<i64>, _>("canceled_at")?.map(from_ms),
                    deleted_at: from_ms(r.try_get("deleted_at")?),
                    reason: r.try_get("reason")?,
                })),
                None => Ok(None),
            }
        })
    }

    /// Owners of every company (policy notices).
    pub async fn owner_contacts(&self) -> Result<Vec<OwnerContact>> {
        let rows: Vec<(Uuid, String)> = on_pool!(self, p => {
            sqlx::query_as("SELECT company_id, email FROM users WHERE role = 'owner' ORDER BY company_id, created_at")
                .fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(|(c, email)| OwnerContact {
                tenant: Tenant::new(CompanyId(c)),
                email,
            })
            .collect())
    }

    /// The owners of one company.
    pub async fn owner_emails(&self, t: &Tenant) -> Result<Vec<String>> {
        on_pool!(self, p => {
            Ok(sqlx::query_scalar("SELECT email FROM users WHERE company_id = $1 AND role = 'owner' ORDER BY created_at")
                .bind(t.company_id().0).fetch_all(p).await?)
        })
    }

    /// Stores an announcement and queues one mail per owner, in one transaction. `build`
    /// writes the mail for an owner. `Conflict` when the same change was announced before.
    pub async fn announce_policy_change<F>(
        &self,
        effective_date: &str,
        summary: &str,
        now: Timestamp,
        build: F,
    ) -> Result<usize>
    where
        F: Fn(&OwnerContact) -> (String, String, String, Option<String>),
    {
        let owners = self.owner_contacts().await?;
        let id = Uuid::now_v7();
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let dup: Option<Uuid> = sqlx::query_scalar("SELECT id FROM announcements WHERE effective_date = $1 AND summary = $2")
                .bind(effective_date).bind(summary).fetch_optional(&mut *tx).await?;
            if dup.is_some() {
                return Err(StoreError::Conflict("this announcement"));
            }
            sqlx::query("INSERT INTO announcements (id, effective_date, summary, created_at) VALUES ($1, $2, $3, $4)")
                .bind(id).bind(effective_date).bind(summary).bind(to_ms(now)).execute(&mut *tx).await?;
            for o in &owners {
                let (to, subject, text, html) = build(o);
                let m = NewMail { to: &to, subject: &subject, text: &text, html: html.as_deref(), secret_until: None };
                insert_mail!(&mut *tx, Some(o.tenant.company_id().0), &m, now)?;
            }
            tx.commit().await?;
        });
        Ok(owners.len())
    }

    /// The announcement to show on `today` (`YYYY-MM-DD`): the newest whose effective date
    /// has not passed yet.
    pub async fn current_announcement(&self, today: &str) -> Result<Option<Announcement>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT id, effective_date, summary, created_at FROM announcements
                                   WHERE effective_date >= $1 ORDER BY effective_date, created_at DESC LIMIT 1")
                .bind(today).fetch_optional(p).await?;
            match row {
                Some(r) => Ok(Some(Announcement {
                    id: r.try_get("id")?,
                    effective_date: r.try_get("effective_date")?,
                    summary: r.try_get("summary")?,
                    created_at: from_ms(r.try_get("created_at")?),
                })),
                None => Ok(None),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::children_first;

    #[test]
    fn children_come_before_parents() {
        let t = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let fk = |a: &str, b: &str| (a.to_string(), b.to_string());
        let order = children_first(
            &t(&["employees", "shifts", "analyses", "users"]),
            &[
                fk("shifts", "employees"),
                fk("analyses", "shifts"),
                fk("employees", "employees"),
                fk("users", "companies"),
            ],
        );
        let pos = |n: &str| order.iter().position(|x| x == n).unwrap_or(usize::MAX);
        assert_eq!(order.len(), 4);
        assert!(pos("analyses") < pos("shifts"));
        assert!(pos("shifts") < pos("employees"));
    }
}
