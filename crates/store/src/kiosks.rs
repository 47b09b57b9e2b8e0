//! Kiosks (shared clock-in devices), personal clock links, the kiosk's short-lived
//! identification tickets, wrong-code lockouts and buddy-punching alerts.

use crate::backend::on_pool;
use crate::row::{AnyRow, RowGet};
use crate::time::{from_ms, to_ms};
use crate::{Principal, PrincipalKind, Result, Store, StoreError, Tenant, TokenHash};
use domain::{EmployeeId, KioskId};
use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone)]
pub struct Kiosk {
    pub id: KioskId,
    pub name: String,
    pub created_at: Timestamp,
    /// The latest use of its browser session or API token (minute granularity).
    pub last_used_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct KioskAlert {
    pub kind: String,
    pub detail: String,
    pub created_at: Timestamp,
}

/// The state of a lockout key after a failure.
#[derive(Debug, Clone, Copy)]
pub struct Lockout {
    pub failures: u32,
    pub locked_until: Option<Timestamp>,
}

/// Failures allowed before the first lock; each further failure doubles the lock.
const FREE_FAILURES: i64 = 5;
const FIRST_LOCK_MS: i64 = 30_000;
const MAX_LOCK_MS: i64 = 15 * 60_000;
/// A lockout key forgets old failures after this long without new ones.
const FORGET_AFTER_MS: i64 = 15 * 60_000;

/// The lockout key of an ID code in a company (wrong codes and PINs count against it).
/// Erasing the employee who has the code removes it.
pub fn code_lock_key(t: &Tenant, id_code: &str) -> String {
    format!("code:{}:{id_code}", t.company_id())
}

fn kiosk<R: AnyRow>(r: &R) -> Result<Kiosk> {
    Ok(Kiosk {
        id: KioskId(r.uuid("id")?),
        name: r.string("name")?,
        created_at: from_ms(r.int("created_at")?),
        last_used_at: r
            .opt_int("session_seen")?
            .max(r.opt_int("token_used")?)
            .map(from_ms),
    })
}

impl Store {
    pub async fn create_kiosk(&self, t: &Tenant, name: &str, now: Timestamp) -> Result<Principal> {
        let id = KioskId::new();
        on_pool!(self, p => {
            sqlx::query("INSERT INTO kiosks (id, company_id, name, created_at) VALUES ($1, $2, $3, $4)")
                .bind(id.0).bind(t.company_id().0).bind(name).bind(to_ms(now)).execute(p).await?;
        });
        Ok(Principal {
            tenant: *t,
            kind: PrincipalKind::Kiosk { kiosk_id: id },
        })
    }

    pub async fn kiosks(&self, t: &Tenant) -> Result<Vec<Kiosk>> {
        on_pool!(self, p => {
            sqlx::query("SELECT k.id, k.name, k.created_at,
                           (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.kiosk_id = k.id AND s.company_id = k.company_id) AS session_seen,
                           (SELECT MAX(a.last_used_at) FROM api_tokens a WHERE a.kiosk_id = k.id AND a.company_id = k.company_id) AS token_used
                         FROM kiosks k WHERE k.company_id = $1 ORDER BY k.created_at")
                .bind(t.company_id().0).fetch_all(p).await?.iter().map(kiosk).collect()
        })
    }

    /// Revokes a kiosk: its sessions and tokens stop working at once.
    pub async fn delete_kiosk(&self, t: &Tenant, id: KioskId) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query("DELETE FROM kiosks WHERE id = $1 AND company_id = $2")
                .bind(id.0).bind(t.company_id().0).execute(&mut *tx).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
            sqlx::query("DELETE FROM sessions WHERE kiosk_id = $1 AND company_id = $2").bind(id.0).bind(t.company_id().0).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM api_tokens WHERE kiosk_id = $1 AND company_id = $2").bind(id.0).bind(t.company_id().0).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.cache.forget_all();
        Ok(())
    }

    /// A personal clock link for one employee, valid until `expires_at`. It replaces any
    /// earlier link: making a new one is how a link is rotated.
    pub async fn create_clock_link(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        token_hash: &TokenHash,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        self.employee(t, employee).await?;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM clock_links WHERE company_id = $1 AND employee_id = $2").bind(t.company_id().0).bind(employee.0).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO clock_links (token_hash, company_id, employee_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&token_hash[..]).bind(t.company_id().0).bind(employee.0).bind(to_ms(now)).bind(to_ms(expires_at)).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// When the employee's personal clock link expires (`None`: they have none).
    pub async fn clock_link_expiry(
        &self,
        t: &Tenant,
        employee: EmployeeId,
    ) -> Result<Option<Timestamp>> {
        on_pool!(self, p => {
            let at: Option<i64> = sqlx::query_scalar("SELECT expires_at FROM clock_links WHERE company_id = $1 AND employee_id = $2")
                .bind(t.company_id().0).bind(employee.0).fetch_optional(p).await?;
            Ok(at.map(from_ms))
        })
    }

    pub async fn revoke_clock_link(&self, t: &Tenant, employee: EmployeeId) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("DELETE FROM clock_links WHERE company_id = $1 AND employee_id = $2").bind(t.company_id().0).bind(employee.0).execute(p).await?;
        });
        Ok(())
    }

    /// Who a personal clock link belongs to (only while the employee is active and the
    /// link has not expired).
    pub async fn clock_link(
        &self,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<(Tenant, EmployeeId)>> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT l.company_id, l.employee_id FROM clock_links l JOIN employees e ON e.id = l.employee_id
                                   WHERE l.token_hash = $1 AND e.active AND l.expires_at > $2")
                .bind(&token_hash[..]).bind(to_ms(now)).fetch_optional(p).await?;
            row.map(|r| -> Result<(Tenant, EmployeeId)> { Ok((Tenant::new(domain::CompanyId(r.uuid("company_id")?)), EmployeeId(r.uuid("employee_id")?))) }).transpose()
        })
    }

    pub async fn create_ticket(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        token_hash: &TokenHash,
        expires_at: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO kiosk_tickets (token_hash, company_id, employee_id, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(&token_hash[..]).bind(t.company_id().0).bind(employee.0).bind(to_ms(expires_at)).execute(p).await?;
        });
        Ok(())
    }

    /// Uses up a ticket: the employee it names, if it is valid for this company.
    pub async fn take_ticket(
        &self,
        t: &Tenant,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<EmployeeId>> {
        on_pool!(self, p => {
            let row = sqlx::query("DELETE FROM kiosk_tickets WHERE token_hash = $1 AND company_id = $2 RETURNING employee_id, expires_at")
                .bind(&token_hash[..]).bind(t.company_id().0).fetch_optional(p).await?;
            sqlx::query("DELETE FROM kiosk_tickets WHERE expires_at < $1").bind(to_ms(now)).execute(p).await?;
            match row {
                Some(r) if r.int("expires_at")? > to_ms(now) => Ok(Some(EmployeeId(r.uuid("employee_id")?))),
                _ => Ok(None),
            }
        })
    }

    /// The employee a valid ticket names, leaving the ticket in place (for reads that may
    /// repeat within its life, like a download).
    pub async fn ticket_holder(
        &self,
        t: &Tenant,
        token_hash: &TokenHash,
        now: Timestamp,
    ) -> Result<Option<EmployeeId>> {
        on_pool!(self, p => {
            let id = sqlx::query("SELECT employee_id FROM kiosk_tickets WHERE token_hash = $1 AND company_id = $2 AND expires_at > $3")
                .bind(&token_hash[..]).bind(t.company_id().0).bind(to_ms(now)).fetch_optional(p).await?;
            id.map(|r| r.uuid("employee_id").map(EmployeeId)).transpose()
        })
    }

    /// When `key` is locked, until when.
    pub async fn locked_until(&self, key: &str, now: Timestamp) -> Result<Option<Timestamp>> {
        on_pool!(self, p => {
            let until: Option<i64> = sqlx::query_scalar("SELECT locked_until FROM lockouts WHERE key = $1").bind(key).fetch_optional(p).await?;
            Ok(until.filter(|u| *u > to_ms(now)).map(from_ms))
        })
    }

    /// The existing lockout rows among `keys`, with their lock end (in the past when not
    /// locked): one query for every check a punch makes.
    pub async fn lockouts(&self, keys: &[&str]) -> Result<Vec<(String, Timestamp)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // A punch asks for one or two keys (device and code): those texts are fixed.
        let sql: std::borrow::Cow<'static, str> = match keys.len() {
            1 => "SELECT key, locked_until FROM lockouts WHERE key IN ($1)".into(),
            2 => "SELECT key, locked_until FROM lockouts WHERE key IN ($1, $2)".into(),
            n => {
                let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
                format!(
                    "SELECT key, locked_until FROM lockouts WHERE key IN ({})",
                    placeholders.join(", ")
                )
                .into()
            }
        };
        if let Some(inline) = self.inline() {
            return inline.read(|c| {
                crate::sqlite::inline_read::all(c, &sql, rusqlite::params_from_iter(keys), |r| {
                    Ok((r.string("key")?, from_ms(r.int("locked_until")?)))
                })
            });
        }
        on_pool!(self, p => {
            let mut q = sqlx::query(&sql);
            for k in keys {
                q = q.bind(*k);
            }
            q.fetch_all(p).await?.iter().map(|r| Ok((r.string("key")?, from_ms(r.int("locked_until")?)))).collect()
        })
    }

    /// Records a failure against `key`; from the sixth failure on it locks, doubling each time.
    pub async fn record_failure(&self, t: &Tenant, key: &str, now: Timestamp) -> Result<Lockout> {
        let now_ms = to_ms(now);
        on_pool!(self, p => {
            let r = sqlx::query(
                "INSERT INTO lockouts (key, company_id, failures, locked_until, last_failure_at) VALUES ($1, $2, 1, 0, $3)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN lockouts.last_failure_at < $4 THEN 1 ELSE lockouts.failures + 1 END,
                   last_failure_at = $3
                 RETURNING failures")
                .bind(key).bind(t.company_id().0).bind(now_ms).bind(now_ms - FORGET_AFTER_MS).fetch_one(p).await?;
            let failures = r.int("failures")?;
            let mut locked_until = None;
            if failures > FREE_FAILURES {
                let exp = (failures - FREE_FAILURES - 1).min(20) as u32;
                let lock = FIRST_LOCK_MS.saturating_mul(1i64 << exp).min(MAX_LOCK_MS);
                sqlx::query("UPDATE lockouts SET locked_until = $1 WHERE key = $2").bind(now_ms + lock).bind(key).execute(p).await?;
                locked_until = Some(from_ms(now_ms + lock));
            }
            Ok(Lockout { failures: failures.clamp(0, u32::MAX as i64) as u32, locked_until })
        })
    }

    pub async fn clear_failures(&self, key: &str) -> Result<()> {
        on_pool!(self, p => { sqlx::query("DELETE FROM lockouts WHERE key = $1").bind(key).execute(p).await?; });
        Ok(())
    }

    pub async fn add_kiosk_alert(
        &self,
        t: &Tenant,
        kiosk: Option<KioskId>,
        kind: &str,
        detail: &str,
        now: Timestamp,
    ) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO kiosk_alerts (id, company_id, kiosk_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(uuid::Uuid::now_v7()).bind(t.company_id().0).bind(kiosk.map(|k| k.0)).bind(kind).bind(detail).bind(to_ms(now)).execute(p).await?;
        });
        Ok(())
    }

    /// Alerts of the last `within`, newest first.
    pub async fn kiosk_alerts(
        &self,
        t: &Tenant,
        now: Timestamp,
        within: SignedDuration,
    ) -> Result<Vec<KioskAlert>> {
        on_pool!(self, p => {
            sqlx::query("SELECT kind, detail, created_at FROM kiosk_alerts WHERE company_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT 50")
                .bind(t.company_id().0).bind(to_ms(now) - within.as_millis() as i64).fetch_all(p).await?
                .iter().map(|r| Ok(KioskAlert { kind: r.string("kind")?, detail: r.string("detail")?, created_at: from_ms(r.int("created_at")?) })).collect()
        })
    }
}
