//! The company's records as export rows: shifts page by page, tasks, and their JSON forms
//! (shared by the CSV files and the zips).

use super::body::{Content, Download};
use super::csv::{write_cells, write_row, Cell};
use super::stream::PAGE;
use super::times::local_time;
use crate::reports::{minutes, Calendar};
use crate::App;
use domain::{EmployeeId, ReportExtraction};
use jiff::Timestamp;
use serde_json::{json, Value};
use store::{ExportCursor, ExportShift, ShiftFilter, StoreError, Tenant};

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
    app: &App,
    t: &Tenant,
    filter: ShiftFilter,
    mut each: impl FnMut(&[ExportShift]) -> bool,
) -> Result<(), StoreError> {
    let mut after: Option<ExportCursor> = None;
    loop {
        let page = app
            .store
            .export_shifts(t, filter, after, PAGE, app.clock.now())
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

pub fn task_rows(
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

pub async fn people(
    app: &App,
    t: &Tenant,
) -> Result<std::collections::HashMap<EmployeeId, (String, String)>, StoreError> {
    Ok(app
        .store
        .employees(t, true)
        .await?
        .into_iter()
        .map(|e| (e.id, (e.name, e.id_code)))
        .collect())
}

/// tasks.csv (tasks are few per person: read at once). The range filters by creation time.
pub async fn tasks_csv(app: &App, t: &Tenant, filter: ShiftFilter) -> Result<Download, StoreError> {
    let names = people(app, t).await?;
    let tasks = app.store.tasks(t, filter.employee, None).await?;
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

pub fn shift_json(r: &ExportShift, cal: &Calendar, now: Timestamp) -> Value {
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

pub fn task_json(t: &store::Task) -> Value {
    json!({"id": t.id, "employee_id": t.employee_id, "title": t.title, "details": t.details, "due_date": t.due_date,
           "status": t.state.as_str(), "created_at": t.created_at.to_string()})
}

/// The decoded report extraction of an export row (for callers that need statuses).
pub fn extraction(r: &ExportShift) -> Option<ReportExtraction> {
    r.report_result
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
}
