//! Exports: shifts, scores and tasks as CSV — shifts and scores streamed with flat memory
//! ([`stream`], and on SQLite [`sqlite_pipeline`]) — the whole company as one zip of CSV +
//! JSON, and everything about one employee for an access request ([`archive`]). Every text cell
//! passes the CSV formula-injection guard ([`csv`]). What an export returns is a
//! [`Download`]; the web edge turns it into a response.

pub mod archive;
pub mod body;
pub mod csv;
pub mod rows;
mod sqlite_pipeline;
pub mod stream;

pub use archive::{company_zip, employee_zip};
pub use body::{Content, Download};
pub use rows::{Kind, SCORE_HEADER, SHIFT_HEADER};
pub use stream::{paged_csv, stream_shifts, PAGE};

use crate::reports::{minutes, Calendar};
use crate::{App, Result};
use csv::{write_cells, write_row, Cell};
use domain::{EmployeeId, ReportExtraction, UserId, ValidationError};
use jiff::Timestamp;
use rows::local_time;
use serde_json::{json, Value};
use store::{ExportCursor, ExportShift, ShiftFilter, StoreError, Tenant};

/// `from` / `to` / `employee_id` of an export, as given in the query string.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `YYYY-MM-DD` (a day in the company's zone) or an RFC 3339 instant: shifts that started at or after it.
    /// (The schema documents the date form; an instant is accepted too.)
    #[param(format = Date)]
    pub from: Option<String>,
    /// `YYYY-MM-DD` (through the end of that day in the company's zone) or an RFC 3339 instant.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Only this employee's rows (their id).
    #[param(format = Uuid)]
    pub employee_id: Option<String>,
}

fn instant(
    field: &'static str,
    s: &str,
    cal: &Calendar,
    end_of_day: bool,
) -> Result<Timestamp, ValidationError> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let d: jiff::civil::Date = s.parse().map_err(|_| {
        ValidationError::new(
            field,
            "must be a date like 2026-05-01 or an RFC 3339 time like 2026-05-01T08:00:00Z",
        )
    })?;
    let (a, b) = cal.range(d, d);
    Ok(if end_of_day { b } else { a })
}

impl ExportQuery {
    pub fn filter(&self, cal: &Calendar) -> Result<ShiftFilter, ValidationError> {
        let nonempty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let from = nonempty(&self.from)
            .map(|s| instant("from", &s, cal, false))
            .transpose()?;
        let to = nonempty(&self.to)
            .map(|s| instant("to", &s, cal, true))
            .transpose()?;
        if let (Some(a), Some(b)) = (from, to) {
            if b <= a {
                return Err(ValidationError::new("to", "must be after from"));
            }
        }
        let employee = nonempty(&self.employee_id)
            .map(|s| {
                s.parse::<EmployeeId>().map_err(|_| {
                    ValidationError::new("employee_id", "must be an employee id (UUID)")
                })
            })
            .transpose()?;
        Ok(ShiftFilter { from, to, employee })
    }
}

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
        self.audit(&t, Some(actor), "export_csv", file.file_name(), ip)
            .await;
        Ok(match file {
            CsvFile::Shifts => stream_shifts(self.clone(), t, cal, filter, Kind::Shifts),
            CsvFile::Scores => stream_shifts(self.clone(), t, cal, filter, Kind::Scores),
            CsvFile::Tasks => tasks_csv(self, &t, filter).await?,
        })
    }

    /// Everything the company holds, as one zip (audited).
    pub async fn export_company(&self, t: &Tenant, actor: UserId, ip: &str) -> Result<Download> {
        self.audit(t, Some(actor), "export_company", "export.zip", ip)
            .await;
        Ok(company_zip(self, t).await?)
    }

    /// Everything about one employee, as one zip: an access request (audited).
    pub async fn export_employee(
        &self,
        t: &Tenant,
        actor: UserId,
        id: EmployeeId,
        ip: &str,
    ) -> Result<Download> {
        let d = employee_zip(self, t, id).await?;
        self.audit(t, Some(actor), "export_employee", &id.to_string(), ip)
            .await;
        Ok(d)
    }
}

pub const TASK_HEADER: [&str; 9] = [
    "task_id",
    "employee_id",
    "employee_name",
    "employee_id_code",
    "title",
    "details",
    "due_date",
    "status",
    "created_at_utc",
];

/// Pages through the filtered shifts, calling `each` per page; constant memory.
pub async fn for_each_page(
    state: &App,
    t: &Tenant,
    filter: ShiftFilter,
    mut each: impl FnMut(&[ExportShift]) -> bool,
) -> Result<(), StoreError> {
    let mut after: Option<ExportCursor> = None;
    loop {
        let page = state
            .store
            .export_shifts(t, filter, after, PAGE, state.clock.now())
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(ExportCursor {
            clock_in_at: last.shift.clock_in_at,
            id: last.shift.id,
        });
        let full = page.len() as u32 == PAGE;
        if !each(&page) || !full {
            return Ok(());
        }
    }
}

pub(crate) fn task_rows(
    out: &mut String,
    tasks: &[store::Task],
    names: &std::collections::HashMap<EmployeeId, (String, String)>,
    filter: &ShiftFilter,
) {
    for task in tasks {
        if filter.from.is_some_and(|f| task.created_at < f)
            || filter.to.is_some_and(|t| task.created_at >= t)
        {
            continue;
        }
        let (name, code) = names.get(&task.employee_id).cloned().unwrap_or_default();
        write_cells(
            out,
            &[
                Cell::text(task.id.to_string()),
                Cell::text(task.employee_id.to_string()),
                Cell::text(name),
                Cell::text(code),
                Cell::text(&task.title),
                Cell::text(&task.details),
                Cell::text(task.due_date.clone().unwrap_or_default()),
                Cell::text(task.state.as_str()),
                Cell::text(task.created_at.to_string()),
            ],
        );
    }
}

pub(crate) async fn people(
    state: &App,
    t: &Tenant,
) -> Result<std::collections::HashMap<EmployeeId, (String, String)>, StoreError> {
    Ok(state
        .store
        .employees(t, true)
        .await?
        .into_iter()
        .map(|e| (e.id, (e.name, e.id_code)))
        .collect())
}

/// tasks.csv (tasks are few per person: read at once). The range filters by creation time.
pub async fn tasks_csv(
    state: &App,
    t: &Tenant,
    filter: ShiftFilter,
) -> Result<Download, StoreError> {
    let names = people(state, t).await?;
    let tasks = state.store.tasks(t, filter.employee, None).await?;
    let mut out = String::new();
    write_row(&mut out, &TASK_HEADER);
    task_rows(&mut out, &tasks, &names, &filter);
    Ok(Download::csv("tasks.csv", Content::Whole(out.into_bytes())))
}

fn local(cal: &Calendar, t: Timestamp) -> String {
    let mut s = String::new();
    local_time(&mut s, cal, t);
    s
}

pub(crate) fn shift_json(r: &ExportShift, cal: &Calendar, now: Timestamp) -> Value {
    let s = &r.shift;
    let parse = |j: &Option<String>| {
        j.as_deref()
            .and_then(|j| serde_json::from_str::<Value>(j).ok())
    };
    json!({
        "id": s.id, "employee_id": s.employee_id, "employee_name": r.employee_name, "employee_id_code": r.employee_code,
        "workday": s.workday, "timezone": cal.zone,
        "clock_in_at": s.clock_in_at.to_string(), "clock_out_at": s.clock_out_at.map(|t| t.to_string()),
        "clock_in_local": local(cal, s.clock_in_at), "clock_out_local": s.clock_out_at.map(|t| local(cal, t)),
        "break_minutes": minutes(s.break_ms), "worked_minutes": minutes(s.worked(now).as_millis() as i64),
        "standup": s.standup, "report": s.report,
        "standup_check": parse(&r.standup_result), "report_extraction": parse(&r.report_result),
        "score": r.override_score.or(r.score), "computed_score": r.score, "override_reason": r.override_reason,
        "score_breakdown": parse(&r.breakdown),
        "auto_closed": s.auto_closed, "end_confirmed": s.end_confirmed, "corrected": s.corrected, "locked": s.locked,
    })
}

pub(crate) fn task_json(t: &store::Task) -> Value {
    json!({"id": t.id, "employee_id": t.employee_id, "title": t.title, "details": t.details, "due_date": t.due_date,
           "status": t.state.as_str(), "created_at": t.created_at.to_string()})
}

/// The decoded report extraction of an export row (for callers that need statuses).
pub fn extraction(r: &ExportShift) -> Option<ReportExtraction> {
    r.report_result
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
}
