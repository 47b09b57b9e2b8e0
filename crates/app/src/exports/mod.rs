//! Exports: shifts, scores and tasks as CSV — shifts and scores streamed with flat memory
//! ([`stream`]: on SQLite [`sqlite_pipeline`], on PostgreSQL [`pg_pipeline`]) — the whole company as one zip of CSV +
//! JSON, and everything about one employee for an access request ([`archive`]). Every text cell
//! passes the CSV formula-injection guard ([`csv`]). What an export returns is a
//! [`Download`]; the web edge turns it into a response.

pub mod archive;
pub mod body;
pub mod csv;
mod formatter;
mod pg_pipeline;
mod query;
pub mod records;
pub mod rows;
pub mod slots;
mod sqlite_pipeline;
pub mod stream;
pub mod times;

pub use archive::{company_zip, employee_zip};
pub use body::{Content, Download};
pub use query::ExportQuery;
pub use records::{extraction, for_each_page, tasks_csv, TASK_HEADER};
pub use rows::{Kind, SCORE_HEADER, SHIFT_HEADER};
pub use slots::{ExportSlots, EXPORT_RETRY_AFTER};
pub use stream::{paged_csv, stream_shifts, PAGE};

use crate::reports::Calendar;
use crate::{App, Result};
use domain::{EmployeeId, UserId};
use store::Tenant;

/// The CSV files of the exports page and API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFile {
    Shifts,
    Scores,
    Tasks,
}

impl CsvFile {
    pub fn file_name(self) -> &'static str {
        match self {
            CsvFile::Shifts => "shifts.csv",
            CsvFile::Scores => "scores.csv",
            CsvFile::Tasks => "tasks.csv",
        }
    }
}

impl App {
    /// A CSV export of `t`'s data in the query's range (audited). An employee filter naming
    /// no employee of the company is `NotFound`, not an empty file.
    pub async fn export_csv(
        &self,
        t: Tenant,
        actor: UserId,
        file: CsvFile,
        q: &ExportQuery,
        ip: &str,
    ) -> Result<Download> {
        let cal = Calendar::of(self, &t).await?;
        let filter = q.filter(&cal)?;
        if let Some(e) = filter.employee {
            self.store.employee(&t, e).await?;
        }
        let slot = self.exports.take()?;
        self.audit(&t, Some(actor), "export_csv", file.file_name(), ip)
            .await;
        let mut d = match file {
            CsvFile::Shifts => stream_shifts(self.clone(), t, cal, filter, Kind::Shifts),
            CsvFile::Scores => stream_shifts(self.clone(), t, cal, filter, Kind::Scores),
            CsvFile::Tasks => tasks_csv(self, &t, filter).await?,
        };
        d.slot = Some(slot);
        Ok(d)
    }

    /// Everything the company holds, as one zip (audited).
    pub async fn export_company(&self, t: &Tenant, actor: UserId, ip: &str) -> Result<Download> {
        let slot = self.exports.take()?;
        self.audit(t, Some(actor), "export_company", "export.zip", ip)
            .await;
        let mut d = company_zip(self, t).await?;
        d.slot = Some(slot);
        Ok(d)
    }

    /// Everything about one employee, as one zip: an access request (audited).
    pub async fn export_employee(
        &self,
        t: &Tenant,
        actor: UserId,
        id: EmployeeId,
        ip: &str,
    ) -> Result<Download> {
        self.employee_download(t, Some(actor), "export_employee", id, ip)
            .await
    }

    /// The same zip, asked for by the employee themselves at the kiosk or their link.
    pub async fn export_own_data(&self, t: &Tenant, id: EmployeeId, ip: &str) -> Result<Download> {
        self.employee_download(t, None, "export_own_data", id, ip)
            .await
    }

    async fn employee_download(
        &self,
        t: &Tenant,
        actor: Option<UserId>,
        action: &'static str,
        id: EmployeeId,
        ip: &str,
    ) -> Result<Download> {
        let slot = self.exports.take()?;
        let mut d = employee_zip(self, t, id).await?;
        self.audit(t, actor, action, &id.to_string(), ip).await;
        d.slot = Some(slot);
        Ok(d)
    }
}
