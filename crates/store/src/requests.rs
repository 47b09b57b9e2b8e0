//! Requests employees file about their own data (a correction, or an objection to AI
//! processing): stored until a supervisor resolves them, listed on the board meanwhile.

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, StoreError, Tenant};
use domain::{EmployeeId, RequestId, ShiftId, UserId};
use jiff::Timestamp;

/// What the employee asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// Something in their data is wrong (free text, optionally one shift).
    Correction,
    /// They object to AI processing (already in effect when filed; the supervisor is told).
    Objection,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Objection => "objection",
        }
    }
    fn parse(s: &str) -> Self {
        if s == "objection" {
            Self::Objection
        } else {
            Self::Correction
        }
    }
}

/// A request with the name of the employee who filed it.
#[derive(Debug, Clone)]
pub struct EmployeeRequest {
    pub id: RequestId,
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub shift_id: Option<ShiftId>,
    pub kind: RequestKind,
    pub body: String,
    pub created_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
}

fn request<R: RowGet>(r: &R) -> Result<EmployeeRequest> {
    Ok(EmployeeRequest {
        id: RequestId(r.uuid("id")?),
        employee_id: EmployeeId(r.uuid("employee_id")?),
        employee_name: r.string("name")?,
        shift_id: r.opt_uuid("shift_id")?.map(ShiftId),
        kind: RequestKind::parse(&r.string("kind")?),
        body: r.string("body")?,
        created_at: from_ms(r.int("created_at")?),
        resolved_at: r.opt_int("resolved_at")?.map(from_ms),
    })
}

const SELECT: &str =
    "SELECT r.id, r.employee_id, e.name, r.shift_id, r.kind, r.body, r.created_at, r.resolved_at
    FROM employee_requests r JOIN employees e ON e.id = r.employee_id";

impl Store {
    /// Files a request. `NotFound` when the employee, or the shift named, is not theirs in
    /// this company.
    pub async fn create_request(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        shift: Option<ShiftId>,
        kind: RequestKind,
        body: &str,
        now: Timestamp,
    ) -> Result<RequestId> {
        let id = RequestId::new();
        // One statement: the row is written only when the employee (and the shift, if
        // named) belong to this company and to each other.
        let n = on_pool!(self, p => {
            sqlx::query("INSERT INTO employee_requests (id, company_id, employee_id, shift_id, kind, body, created_at)
                         SELECT $1, e.company_id, e.id, $4, $5, $6, $7 FROM employees e
                         WHERE e.id = $3 AND e.company_id = $2
                           AND ($4 IS NULL OR EXISTS (SELECT 1 FROM shifts s WHERE s.id = $4 AND s.employee_id = e.id AND s.company_id = e.company_id))")
                .bind(id.0).bind(t.company_id().0).bind(employee.0).bind(shift.map(|s| s.0))
                .bind(kind.as_str()).bind(body).bind(to_ms(now)).execute(p).await?.rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(id)
    }

    /// The company's open requests, oldest first (what the board shows).
    pub async fn open_requests(&self, t: &Tenant) -> Result<Vec<EmployeeRequest>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{SELECT} WHERE r.company_id = $1 AND r.resolved_at IS NULL ORDER BY r.created_at, r.id"))
                .bind(t.company_id().0).fetch_all(p).await?.iter().map(request).collect()
        })
    }

    /// One employee's requests, newest first (what their self-service view shows).
    pub async fn requests_of(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        limit: u32,
    ) -> Result<Vec<EmployeeRequest>> {
        on_pool!(self, p => {
            sqlx::query(&format!("{SELECT} WHERE r.company_id = $1 AND r.employee_id = $2 ORDER BY r.created_at DESC, r.id DESC LIMIT $3"))
                .bind(t.company_id().0).bind(employee.0).bind(i64::from(limit)).fetch_all(p).await?.iter().map(request).collect()
        })
    }

    /// Marks an open request resolved. `NotFound` when it is not an open request of this
    /// company.
    pub async fn resolve_request(
        &self,
        t: &Tenant,
        id: RequestId,
        by: UserId,
        now: Timestamp,
    ) -> Result<()> {
        let n = on_pool!(self, p => {
            sqlx::query("UPDATE employee_requests SET resolved_at = $1, resolved_by = $2
                         WHERE id = $3 AND company_id = $4 AND resolved_at IS NULL")
                .bind(to_ms(now)).bind(by.0).bind(id.0).bind(t.company_id().0).execute(p).await?.rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
