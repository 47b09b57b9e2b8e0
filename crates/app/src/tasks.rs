//! Tasks assigned to employees: what a standup is checked against and a report scored on.

use crate::{App, Error, Result};
use domain::{EmployeeId, TaskDetails, TaskId, TaskTitle, ValidationError};
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

impl App {
    /// Assigns a task to an employee of the company.
    pub async fn add_task(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        title: &TaskTitle,
        details: Option<&TaskDetails>,
        due: Option<Date>,
    ) -> Result<Task> {
        Ok(self
            .store
            .create_task(t, employee, title, details, due, self.clock.now())
            .await?)
    }

    /// Edits a task or changes its status.
    pub async fn update_task(
        &self,
        t: &Tenant,
        id: TaskId,
        changes: TaskChanges<'_>,
    ) -> Result<Task> {
        Ok(self
            .store
            .update_task(t, id, changes, self.clock.now())
            .await?)
    }

    /// Changes the status of one of `employee`'s tasks (`NotFound` when it is someone
    /// else's).
    pub async fn set_task_state(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        id: TaskId,
        state: TaskState,
    ) -> Result<Task> {
        if self.store.task(t, id).await?.employee_id != employee {
            return Err(Error::Store(store::StoreError::NotFound));
        }
        let changes = TaskChanges {
            state: Some(state),
            ..Default::default()
        };
        self.update_task(t, id, changes).await
    }

    pub async fn delete_task(&self, t: &Tenant, id: TaskId) -> Result<()> {
        Ok(self.store.delete_task(t, id).await?)
    }
}
