//! Tasks assigned to employees: what a standup is checked against and a report scored on.
//! Every change is audited (the task's id only: titles are free text).

use crate::{App, Error, Result};
use domain::{EmployeeId, TaskDetails, TaskId, TaskTitle, UserId, ValidationError};
use jiff::civil::Date;
use store::{Task, TaskChanges, TaskState, Tenant};

/// A due date as typed: empty is none.
pub fn parse_due(s: &str) -> Result<Option<Date>, ValidationError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| ValidationError::new("due_date", "must be a date like 2026-12-31"))
}

/// `open`, `done` or `archived`.
pub fn parse_state(s: &str) -> Result<TaskState, ValidationError> {
    TaskState::parse(s)
        .ok_or_else(|| ValidationError::new("status", "must be open, done or archived"))
}

/// What deleting a task did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskRemoval {
    /// Shifts since its assignment may name it in their checks and scores: it is archived
    /// (hidden from standups and lists, kept in history and exports) rather than erased.
    Archived,
    /// Never part of a shift: gone for good.
    Deleted,
}

impl App {
    /// Assigns a task to an employee of the company. Audited.
    pub async fn add_task(
        &self,
        t: &Tenant,
        actor: UserId,
        employee: EmployeeId,
        task: (&TaskTitle, Option<&TaskDetails>, Option<Date>),
        ip: &str,
    ) -> Result<Task> {
        let (title, details, due) = task;
        let task = self
            .store
            .create_task(t, employee, title, details, due, self.clock.now())
            .await?;
        self.audit(t, Some(actor), "task_created", &task.id.to_string(), ip)
            .await;
        Ok(task)
    }

    /// Edits a task or changes its status. Audited.
    pub async fn update_task(
        &self,
        t: &Tenant,
        actor: UserId,
        id: TaskId,
        changes: TaskChanges<'_>,
        ip: &str,
    ) -> Result<Task> {
        let task = self
            .store
            .update_task(t, id, changes, self.clock.now())
            .await?;
        self.audit(t, Some(actor), "task_updated", &id.to_string(), ip)
            .await;
        Ok(task)
    }

    /// One of `employee`'s tasks (`NotFound` when it is someone else's): the pages address
    /// tasks under their employee.
    pub async fn task_of(&self, t: &Tenant, employee: EmployeeId, id: TaskId) -> Result<Task> {
        let task = self.store.task(t, id).await?;
        if task.employee_id != employee {
            return Err(Error::Store(store::StoreError::NotFound));
        }
        Ok(task)
    }

    /// Deletes a task: archived when shifts may refer to it, erased otherwise (see
    /// [`TaskRemoval`]). Audited either way.
    pub async fn delete_task(
        &self,
        t: &Tenant,
        actor: UserId,
        id: TaskId,
        ip: &str,
    ) -> Result<TaskRemoval> {
        let removal = if self.store.task_has_history(t, id).await? {
            let archive = TaskChanges {
                state: Some(TaskState::Archived),
                ..Default::default()
            };
            self.store
                .update_task(t, id, archive, self.clock.now())
                .await?;
            TaskRemoval::Archived
        } else {
            self.store.delete_task(t, id).await?;
            TaskRemoval::Deleted
        };
        let action = match removal {
            TaskRemoval::Archived => "task_archived",
            TaskRemoval::Deleted => "task_deleted",
        };
        self.audit(t, Some(actor), action, &id.to_string(), ip)
            .await;
        Ok(removal)
    }
}
