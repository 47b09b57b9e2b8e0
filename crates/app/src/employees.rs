//! Employees: add (one, or a pasted list), edit — including the objection to AI processing
//! — and erase. Each use case audits itself and keeps the billed seat count in step when
//! the number of active employees changed, so the page and the API cannot drift apart.

use crate::credentials::{password, token};
use crate::{App, Error, Result};
use domain::{EmployeeId, EmployeeName, IdCode, Pin, UserId};
use store::{Employee, EmployeeChanges, StoreError, Tenant};

/// A change to an employee as given by a person; `None` leaves a field as it is.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmployeeUpdate<'a> {
    pub name: Option<&'a str>,
    pub id_code: Option<&'a str>,
    /// A new PIN; `Some("")` removes it.
    pub pin: Option<&'a str>,
    pub active: Option<bool>,
    /// The employee objects to (or withdraws the objection to) AI processing.
    pub objected: Option<bool>,
}

/// A random code people can read aloud: no 0/O or 1/I confusion.
pub fn generate_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..6)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Parses and hashes a kiosk PIN.
pub async fn hash_pin(pin: &str) -> Result<String> {
    let pin = Pin::parse(pin)?;
    password::hash(pin.expose().to_string())
        .await
        .map_err(|_| Error::Internal)
}

/// How long a personal clock link works. A supervisor rotates it by making a new one (the
/// old one stops at once); a lost phone is a revoke.
pub const CLOCK_LINK_TTL: jiff::SignedDuration = jiff::SignedDuration::from_hours(90 * 24);

impl App {
    /// Adds an employee from raw input (an ID code is generated when none is given);
    /// audited, seats synced.
    pub async fn add_employee(
        &self,
        t: &Tenant,
        actor: UserId,
        name: &str,
        code: Option<&str>,
        pin: Option<&str>,
        ip: &str,
    ) -> Result<Employee> {
        let e = self.create_employee(t, name, code, pin).await?;
        self.audit(t, Some(actor), "employee_added", &e.id.to_string(), ip)
            .await;
        self.seats_changed(t).await;
        Ok(e)
    }

    /// Adds every `(name, id_code)` row; returns, per row, the employee or what was wrong
    /// with it. One audit entry and one seat sync for the whole list.
    pub async fn import_employees(
        &self,
        t: &Tenant,
        actor: UserId,
        rows: &[(String, String)],
        ip: &str,
    ) -> Vec<Result<Employee>> {
        let mut out = Vec::with_capacity(rows.len());
        for (name, code) in rows {
            out.push(self.create_employee(t, name, Some(code), None).await);
        }
        let added = out.iter().filter(|r| r.is_ok()).count();
        self.audit(t, Some(actor), "employees_imported", &added.to_string(), ip)
            .await;
        self.seats_changed(t).await;
        out
    }

    async fn create_employee(
        &self,
        t: &Tenant,
        name: &str,
        code: Option<&str>,
        pin: Option<&str>,
    ) -> Result<Employee> {
        let name = EmployeeName::parse(name)?;
        let pin_hash = match pin.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => Some(hash_pin(p).await?),
            None => None,
        };
        let now = self.clock.now();
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => self
                .store
                .create_employee(t, &name, &IdCode::parse(c)?, pin_hash.as_deref(), now)
                .await
                .map_err(|e| match e {
                    StoreError::Conflict(_) => {
                        Error::Conflict("an employee with this ID code already exists".into())
                    }
                    other => other.into(),
                }),
            None => {
                // A generated code could clash; a few tries make that vanishingly unlikely.
                for _ in 0..5 {
                    let code = IdCode::parse(&generate_code())?;
                    match self
                        .store
                        .create_employee(t, &name, &code, pin_hash.as_deref(), now)
                        .await
                    {
                        Err(StoreError::Conflict(_)) => continue,
                        other => return Ok(other?),
                    }
                }
                Err(Error::Internal)
            }
        }
    }

    /// Edits an employee. A changed objection is audited as such; a changed active flag
    /// syncs the seats.
    pub async fn update_employee(
        &self,
        t: &Tenant,
        actor: UserId,
        id: EmployeeId,
        u: EmployeeUpdate<'_>,
        ip: &str,
    ) -> Result<Employee> {
        let name = u.name.map(EmployeeName::parse).transpose()?;
        let code = u.id_code.map(IdCode::parse).transpose()?;
        let pin_hash = match u.pin {
            None => None,
            Some(p) if p.trim().is_empty() => Some(None),
            Some(p) => Some(Some(hash_pin(p).await?)),
        };
        let before = self.store.employee(t, id).await?;
        let changes = EmployeeChanges {
            name: name.as_ref(),
            id_code: code.as_ref(),
            pin_hash: pin_hash.as_ref().map(|p| p.as_deref()),
            active: u.active,
            objected: u.objected,
        };
        let e = self
            .store
            .update_employee(t, id, changes, self.clock.now())
            .await?;
        if e.objected != before.objected {
            let action = if e.objected {
                "ai_objection_recorded"
            } else {
                "ai_objection_withdrawn"
            };
            self.audit(t, Some(actor), action, &id.to_string(), ip)
                .await;
        }
        self.audit(t, Some(actor), "employee_updated", &id.to_string(), ip)
            .await;
        if e.active != before.active {
            self.seats_changed(t).await;
        }
        Ok(e)
    }

    /// Erases an employee and everything held about them (shifts, notes, scores, tasks,
    /// lockouts, stored answers); audit entries keep who did what and when, with the
    /// person's ids replaced by `erased` (see `Store::delete_employee`).
    pub async fn erase_employee(
        &self,
        t: &Tenant,
        actor: UserId,
        id: EmployeeId,
        ip: &str,
    ) -> Result<()> {
        self.store.delete_employee(t, id).await?;
        self.audit(t, Some(actor), "employee_erased", "", ip).await;
        self.seats_changed(t).await;
        Ok(())
    }

    /// A personal clock link for the employee (the same flow as the kiosk, on their own
    /// phone), valid for [`CLOCK_LINK_TTL`]; replaces any earlier one (rotation). Returns
    /// the URL, shown once. Audited.
    pub async fn create_clock_link(
        &self,
        t: &Tenant,
        actor: UserId,
        id: EmployeeId,
        ip: &str,
    ) -> Result<String> {
        let raw = token::generate("otl_");
        let now = self.clock.now();
        self.store
            .create_clock_link(t, id, &token::hash(&raw), now, now + CLOCK_LINK_TTL)
            .await?;
        self.audit(t, Some(actor), "clock_link_created", &id.to_string(), ip)
            .await;
        Ok(self.link(&format!("/c/{raw}")))
    }

    /// Revokes the employee's personal clock link. Audited.
    pub async fn revoke_clock_link(
        &self,
        t: &Tenant,
        actor: UserId,
        id: EmployeeId,
        ip: &str,
    ) -> Result<()> {
        self.store.revoke_clock_link(t, id).await?;
        self.audit(t, Some(actor), "clock_link_revoked", &id.to_string(), ip)
            .await;
        Ok(())
    }
}
