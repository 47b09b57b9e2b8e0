//! Employees: the people who clock in. Name, ID code (unique per company), optional PIN
//! (hash only), active flag (active employees are billed seats), objection flag (no
//! external AI processing).

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, StoreError, Tenant};
use domain::{EmployeeId, EmployeeName, IdCode};
use jiff::Timestamp;

#[derive(Debug, Clone)]
pub struct Employee {
    pub id: EmployeeId,
    pub name: String,
    pub id_code: String,
    pub has_pin: bool,
    pub active: bool,
    pub objected: bool,
    pub created_at: Timestamp,
}

/// An employee found by ID code at a kiosk, with what is needed to check the PIN.
#[derive(Debug, Clone)]
pub struct ClockIdentity {
    pub employee: Employee,
    pub pin_hash: Option<String>,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct EmployeeChanges<'a> {
    pub name: Option<&'a EmployeeName>,
    pub id_code: Option<&'a IdCode>,
    /// `Some(None)` removes the PIN.
    pub pin_hash: Option<Option<&'a str>>,
    pub active: Option<bool>,
    pub objected: Option<bool>,
}

const COLUMNS: &str = "id, name, id_code, pin_hash, active, objected, created_at";

fn employee<R: RowGet>(r: &R) -> Result<Employee> {
    Ok(Employee {
        id: EmployeeId(r.uuid("id")?),
        name: r.string("name")?,
        id_code: r.string("id_code")?,
        has_pin: r.opt_string("pin_hash")?.is_some(),
        active: r.boolean("active")?,
        objected: r.boolean("objected")?,
        created_at: from_ms(r.int("created_at")?),
    })
}

impl Store {
    /// Adds an employee. `Conflict("id_code")` when the code is taken in this company.
    pub async fn create_employee(
        &self,
        t: &Tenant,
        name: &EmployeeName,
        code: &IdCode,
        pin_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<Employee> {
        let id = EmployeeId::new();
        on_pool!(self, p => {
            sqlx::query("INSERT INTO employees (id, company_id, name, id_code, pin_hash, active, objected, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, TRUE, FALSE, $6, $6)")
                .bind(id.0).bind(t.company_id().0).bind(name.as_str()).bind(code.as_str()).bind(pin_hash).bind(to_ms(now))
                .execute(p).await.map_err(StoreError::unique("id_code"))?;
        });
        Ok(Employee {
            id,
            name: name.as_str().into(),
            id_code: code.as_str().into(),
            has_pin: pin_hash.is_some(),
            active: true,
            objected: false,
            created_at: now,
        })
    }

    pub async fn employees(&self, t: &Tenant, include_inactive: bool) -> Result<Vec<Employee>> {
        on_pool!(self, p => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM employees WHERE company_id = $1 AND (active OR $2) ORDER BY name, id"))
                .bind(t.company_id().0).bind(include_inactive).fetch_all(p).await?
                .iter().map(employee).collect()
        })
    }

    pub async fn employee(&self, t: &Tenant, id: EmployeeId) -> Result<Employee> {
        on_pool!(self, p => {
            let r = sqlx::query(&format!("SELECT {COLUMNS} FROM employees WHERE id = $1 AND company_id = $2"))
                .bind(id.0).bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)?;
            employee(&r)
        })
    }

    /// The active employee with this ID code in this company (kiosk sign-in).
    pub async fn employee_by_code(
        &self,
        t: &Tenant,
        code: &IdCode,
    ) -> Result<Option<ClockIdentity>> {
        // Formatted once: every punch runs it.
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "SELECT {COLUMNS} FROM employees WHERE company_id = $1 AND id_code = $2 AND active"
            )
        });
        let sql = SQL.as_str();
        if let Some(inline) = self.inline() {
            return inline.read(|c| {
                crate::sqlite::inline_read::first(
                    c,
                    sql,
                    rusqlite::params![t.company_id().0.as_bytes(), code.as_str()],
                    |r| {
                        Ok(ClockIdentity {
                            employee: employee(r)?,
                            pin_hash: r.opt_string("pin_hash")?,
                        })
                    },
                )
            });
        }
        on_pool!(self, p => {
            let row = sqlx::query(sql)
                .bind(t.company_id().0).bind(code.as_str()).fetch_optional(p).await?;
            row.map(|r| -> Result<ClockIdentity> { Ok(ClockIdentity { employee: employee(&r)?, pin_hash: r.opt_string("pin_hash")? }) }).transpose()
        })
    }

    pub async fn active_employee_count(&self, t: &Tenant) -> Result<u32> {
        on_pool!(self, p => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM employees WHERE company_id = $1 AND active")
                .bind(t.company_id().0).fetch_one(p).await?;
            Ok(n.clamp(0, u32::MAX as i64) as u32)
        })
    }

    pub async fn update_employee(
        &self,
        t: &Tenant,
        id: EmployeeId,
        c: EmployeeChanges<'_>,
        now: Timestamp,
    ) -> Result<Employee> {
        on_pool!(self, p => {
            let n = sqlx::query(
                "UPDATE employees SET
                   name = COALESCE($3, name),
                   id_code = COALESCE($4, id_code),
                   pin_hash = CASE WHEN $5 THEN $6 ELSE pin_hash END,
                   active = COALESCE($7, active),
                   objected = COALESCE($8, objected),
                   updated_at = $9
                 WHERE id = $1 AND company_id = $2")
                .bind(id.0).bind(t.company_id().0)
                .bind(c.name.map(|n| n.as_str())).bind(c.id_code.map(|x| x.as_str()))
                .bind(c.pin_hash.is_some()).bind(c.pin_hash.flatten())
                .bind(c.active).bind(c.objected).bind(to_ms(now))
                .execute(p).await.map_err(StoreError::unique("id_code"))?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        self.employee(t, id).await
    }

    /// Erasure: the employee and everything about them (tasks, shifts, notes, analyses,
    /// links) goes, through the foreign keys' cascades. Audit entries keep only opaque ids.
    /// Erases an employee: their row and, through the foreign keys, their shifts, breaks,
    /// corrections, analyses, jobs, tasks, clock link, tickets, approvals and stored
    /// idempotent answers. What no foreign key reaches goes in the same transaction: the
    /// wrong-code lockout keyed by their ID code, and their ids in the details of the audit
    /// log and the board's alerts (the entries stay — who did what, when — but no longer
    /// point at the person).
    pub async fn delete_employee(&self, t: &Tenant, id: EmployeeId) -> Result<()> {
        let company = t.company_id().0;
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let code: Option<String> = sqlx::query_scalar("SELECT id_code FROM employees WHERE id = $1 AND company_id = $2")
                .bind(id.0).bind(company).fetch_optional(&mut *tx).await?;
            let Some(code) = code else { return Err(StoreError::NotFound); };
            let shifts: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM shifts WHERE employee_id = $1 AND company_id = $2")
                .bind(id.0).bind(company).fetch_all(&mut *tx).await?;
            sqlx::query("DELETE FROM lockouts WHERE key = $1")
                .bind(crate::kiosks::code_lock_key(t, &code)).execute(&mut *tx).await?;
            let mut ids: std::collections::HashSet<String> = shifts.iter().map(|s| s.to_string()).collect();
            ids.insert(id.0.to_string());
            for table in ["audit_log", "kiosk_alerts"] {
                let rows: Vec<(uuid::Uuid, String)> = sqlx::query_as(&format!("SELECT id, detail FROM {table} WHERE company_id = $1 AND detail <> ''"))
                    .bind(company).fetch_all(&mut *tx).await?;
                for (entry, detail) in rows {
                    let scrubbed = scrub_ids(&detail, &ids);
                    if scrubbed != detail {
                        sqlx::query(&format!("UPDATE {table} SET detail = $1 WHERE id = $2"))
                            .bind(scrubbed).bind(entry).execute(&mut *tx).await?;
                    }
                }
            }
            sqlx::query("DELETE FROM employees WHERE id = $1 AND company_id = $2")
                .bind(id.0).bind(company).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.cache.forget_all();
        Ok(())
    }
}

/// `detail` with every word that is one of `ids` replaced by `erased`.
fn scrub_ids(detail: &str, ids: &std::collections::HashSet<String>) -> String {
    let mut out = String::with_capacity(detail.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if ids.contains(word.as_str()) {
            out.push_str("erased");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in detail.chars() {
        if c.is_ascii_hexdigit() || c == '-' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod scrub_tests {
    #[test]
    fn only_whole_ids_are_scrubbed() {
        let ids = ["0192f0aa-0000-7000-8000-000000000001".to_string()]
            .into_iter()
            .collect();
        assert_eq!(
            super::scrub_ids("0192f0aa-0000-7000-8000-000000000001 -> done", &ids),
            "erased -> done"
        );
        assert_eq!(
            super::scrub_ids("0192f0aa-0000-7000-8000-0000000000012", &ids),
            "0192f0aa-0000-7000-8000-0000000000012"
        );
    }
}
