//! Tasks assigned to an employee: what the standup and report are checked against.

use crate::backend::on_pool;
use crate::row::RowGet;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, StoreError, Tenant};
use domain::{EmployeeId, TaskDetails, TaskId, TaskTitle};
use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    Open,
    Done,
    Archived,
}

impl TaskState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Done => "done",
            Self::Archived => "archived",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Done, Self::Archived]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: TaskId,
    pub employee_id: EmployeeId,
    pub title: String,
    pub details: String,
    pub due_date: Option<String>,
    pub state: TaskState,
    pub created_at: Timestamp,
}

/// Where a page of tasks ends: the last task's creation (ms) and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskCursor {
    pub created_ms: i64,
    pub id: TaskId,
}

impl TaskCursor {
    pub fn after(t: &Task) -> Self {
        Self {
            created_ms: to_ms(t.created_at),
            id: t.id,
        }
    }
}

#[derive(Debug, Default)]
pub struct TaskChanges<'a> {
    pub title: Option<&'a TaskTitle>,
    pub details: Option<&'a TaskDetails>,
    /// `Some(None)` clears the due date.
    pub due_date: Option<Option<jiff::civil::Date>>,
    pub state: Option<TaskState>,
}

const COLUMNS: &str = "id, employee_id, title, details, due_date, status, created_at";

fn task<R: RowGet>(r: &R) -> Result<Task> {
    Ok(Task {
        id: TaskId(r.uuid("id")?),
        employee_id: EmployeeId(r.uuid("employee_id")?),
        title: r.string("title")?,
        details: r.string("details")?,
        due_date: r.opt_string("due_date")?,
        state: TaskState::parse(&r.string("status")?).unwrap_or(TaskState::Open),
        created_at: from_ms(r.int("created_at")?),
    })
}

impl Store {
    /// Assigns a task. `NotFound` when the employee is not in this company.
    pub async fn create_task(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        title: &TaskTitle,
        details: Option<&TaskDetails>,
        due: Option<jiff::civil::Date>,
        now: Timestamp,
    ) -> Result<Task> {
        self.employee(t, employee).await?;
        let id = TaskId::new();
        let details = details.map(|d| d.as_str()).unwrap_or("");
        let due_s = due.map(|d| d.to_string());
        on_pool!(self, p => {
            sqlx::query("INSERT INTO tasks (id, company_id, employee_id, title, details, due_date, status, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $7)")
                .bind(id.0).bind(t.company_id().0).bind(employee.0).bind(title.as_str()).bind(details)
                .bind(&due_s).bind(to_ms(now)).execute(p).await?;
        });
        Ok(Task {
            id,
            employee_id: employee,
            title: title.as_str().into(),
            details: details.into(),
            due_date: due_s,
            state: TaskState::Open,
            created_at: now,
        })
    }

    /// Tasks of the company, optionally of one employee and/or one state, oldest first.
    pub async fn tasks(
        &self,
        t: &Tenant,
        employee: Option<EmployeeId>,
        state: Option<TaskState>,
    ) -> Result<Vec<Task>> {
        self.tasks_page(t, employee, state, None, u32::MAX).await
    }

    /// At most `limit` tasks after `after` in keyset order (created, id): one page of a
    /// listing that may be of any length.
    pub async fn tasks_page(
        &self,
        t: &Tenant,
        employee: Option<EmployeeId>,
        state: Option<TaskState>,
        after: Option<TaskCursor>,
        limit: u32,
    ) -> Result<Vec<Task>> {
        let after = after.unwrap_or(TaskCursor {
            created_ms: i64::MIN,
            id: TaskId(uuid::Uuid::nil()),
        });
        on_pool!(self, p => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM tasks WHERE company_id = $1
                                  AND ($2 IS NULL OR employee_id = $2) AND ($3 IS NULL OR status = $3)
                                  AND (created_at > $4 OR (created_at = $4 AND id > $5))
                                  ORDER BY created_at, id LIMIT $6"))
                .bind(t.company_id().0).bind(employee.map(|e| e.0)).bind(state.map(|s| s.as_str()))
                .bind(after.created_ms).bind(after.id.0).bind(i64::from(limit))
                .fetch_all(p).await?.iter().map(task).collect()
        })
    }

    /// One employee's open tasks, oldest first: what a punch's analysis checks against.
    pub async fn open_tasks_of(&self, t: &Tenant, employee: EmployeeId) -> Result<Vec<Task>> {
        const SQL: &str =
            "SELECT id, employee_id, title, details, due_date, status, created_at FROM tasks
            WHERE company_id = $1 AND employee_id = $2 AND status = 'open' ORDER BY created_at, id";
        if let Some(inline) = self.inline() {
            return inline.read(|c| {
                crate::sqlite::inline_read::all(
                    c,
                    SQL,
                    rusqlite::params![t.company_id().0.as_bytes(), employee.0.as_bytes()],
                    |r| task(r),
                )
            });
        }
        on_pool!(self, p => {
            sqlx::query(SQL).bind(t.company_id().0).bind(employee.0).fetch_all(p).await?.iter().map(task).collect()
        })
    }

    pub async fn task(&self, t: &Tenant, id: TaskId) -> Result<Task> {
        on_pool!(self, p => {
            let r = sqlx::query(&format!("SELECT {COLUMNS} FROM tasks WHERE id = $1 AND company_id = $2"))
                .bind(id.0).bind(t.company_id().0).fetch_optional(p).await?.ok_or(StoreError::NotFound)?;
            task(&r)
        })
    }

    pub async fn update_task(
        &self,
        t: &Tenant,
        id: TaskId,
        c: TaskChanges<'_>,
        now: Timestamp,
    ) -> Result<Task> {
        let due = c.due_date.map(|d| d.map(|d| d.to_string()));
        on_pool!(self, p => {
            let n = sqlx::query(
                "UPDATE tasks SET title = COALESCE($3, title), details = COALESCE($4, details),
                   due_date = CASE WHEN $5 THEN $6 ELSE due_date END, status = COALESCE($7, status), updated_at = $8
                 WHERE id = $1 AND company_id = $2")
                .bind(id.0).bind(t.company_id().0).bind(c.title.map(|x| x.as_str())).bind(c.details.map(|x| x.as_str()))
                .bind(due.is_some()).bind(due.flatten()).bind(c.state.map(|s| s.as_str())).bind(to_ms(now))
                .execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        self.task(t, id).await
    }

    /// True when a shift of the task's employee began after the task was assigned: its
    /// standup checks and scores may name the task, so deleting it would leave them
    /// pointing at nothing.
    pub async fn task_has_history(&self, t: &Tenant, id: TaskId) -> Result<bool> {
        on_pool!(self, p => {
            // COUNT is BIGINT on both backends; the inner LIMIT stops at the first shift.
            let r = sqlx::query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM tasks k JOIN shifts s
                                   ON s.company_id = k.company_id AND s.employee_id = k.employee_id
                                   AND s.clock_in_at >= k.created_at
                                 WHERE k.id = $1 AND k.company_id = $2 LIMIT 1) used")
                .bind(id.0).bind(t.company_id().0).fetch_one(p).await?;
            Ok(r.int("n")? > 0)
        })
    }

    pub async fn delete_task(&self, t: &Tenant, id: TaskId) -> Result<()> {
        on_pool!(self, p => {
            let n = sqlx::query("DELETE FROM tasks WHERE id = $1 AND company_id = $2")
                .bind(id.0).bind(t.company_id().0).execute(p).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound); }
        });
        Ok(())
    }
}
