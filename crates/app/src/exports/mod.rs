//! Exports: shifts, scores and tasks as CSV — shifts and scores streamed with flat memory
//! (see [`crate::export_stream`]) — the whole company as one zip of CSV + JSON, and
//! everything about one employee for an access request. Every text cell passes the CSV
//! formula-injection guard.

use crate::csv::{write_cells, write_row, Cell};
use crate::export_rows::{local_time, score_row, shift_row, RowScratch};
use crate::reports::{minutes, Calendar};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::{EmployeeId, ReportExtraction, ValidationError};
use jiff::Timestamp;
use serde_json::{json, Value};
use std::io::Write as _;
use store::{ExportCursor, ExportShift, ShiftFilter, StoreError, Tenant};

pub use crate::export_rows::{SCORE_HEADER, SHIFT_HEADER};
pub use crate::export_stream::{csv_response, stream_shifts, Kind, PAGE};

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
    state: &AppState,
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

fn task_rows(
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

async fn people(
    state: &AppState,
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
    state: &AppState,
    t: &Tenant,
    filter: ShiftFilter,
) -> Result<Response, StoreError> {
    let names = people(state, t).await?;
    let tasks = state.store.tasks(t, filter.employee, None).await?;
    let mut out = String::new();
    write_row(&mut out, &TASK_HEADER);
    task_rows(&mut out, &tasks, &names, &filter);
    Ok(csv_response("tasks.csv", Body::from(out)))
}

fn local(cal: &Calendar, t: Timestamp) -> String {
    let mut s = String::new();
    local_time(&mut s, cal, t);
    s
}

fn shift_json(r: &ExportShift, cal: &Calendar, now: Timestamp) -> Value {
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

fn export_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Rule(format!("the export could not be written: {e}"))
}

type Zip<W> = zip::ZipWriter<W>;

fn opts() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true)
}

fn put<W: std::io::Write + std::io::Seek>(
    z: &mut Zip<W>,
    name: &str,
    data: &[u8],
) -> Result<(), StoreError> {
    z.start_file(name, opts()).map_err(export_err)?;
    z.write_all(data).map_err(export_err)
}

fn pretty(v: &impl serde::Serialize) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec_pretty(v).map_err(export_err)
}

/// Writes the company's shifts into the zip as CSV, JSON and score CSV, page by page.
async fn zip_shifts<W: std::io::Write + std::io::Seek>(
    state: &AppState,
    t: &Tenant,
    cal: &Calendar,
    filter: ShiftFilter,
    z: &mut Zip<W>,
) -> Result<(), StoreError> {
    // Three passes keep one entry open at a time (zip entries are written sequentially).
    for pass in 0..3 {
        let name = ["shifts.csv", "shifts.json", "scores.csv"][pass];
        z.start_file(name, opts()).map_err(export_err)?;
        let mut head = String::new();
        match pass {
            0 => write_row(&mut head, &SHIFT_HEADER),
            1 => head.push('['),
            _ => write_row(&mut head, &SCORE_HEADER),
        }
        z.write_all(head.as_bytes()).map_err(export_err)?;
        let mut first = true;
        let mut failed: Option<StoreError> = None;
        let mut scratch = RowScratch::default();
        let now = state.clock.now();
        for_each_page(state, t, filter, |page| {
            let mut chunk = String::new();
            for r in page {
                match pass {
                    0 => shift_row(&mut chunk, &mut scratch, &r.row_ref(), cal, now),
                    1 => {
                        if !first {
                            chunk.push_str(",\n");
                        }
                        first = false;
                        chunk.push_str(&shift_json(r, cal, now).to_string());
                    }
                    _ => score_row(&mut chunk, &mut scratch, &r.row_ref()),
                }
            }
            match z.write_all(chunk.as_bytes()) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(export_err(e));
                    false
                }
            }
        })
        .await?;
        if let Some(e) = failed {
            return Err(e);
        }
        if pass == 1 {
            z.write_all(b"]\n").map_err(export_err)?;
        }
    }
    Ok(())
}

/// The whole company as a zip: company, members, employees, tasks, shifts (CSV + JSON),
/// scores, weekly summaries and the audit log. Written to a temporary file (memory stays
/// flat), streamed, and removed.
pub async fn company_zip(state: &AppState, t: &Tenant) -> Result<Response, StoreError> {
    let cal = Calendar::of(state, t).await?;
    let dir = state.data_dir.join("tmp");
    std::fs::create_dir_all(&dir).map_err(export_err)?;
    let path = dir.join(format!("export-{}.zip", uuid::Uuid::new_v4().simple()));
    let result = write_company_zip(state, t, &cal, &path).await;
    let file = match result.and_then(|()| std::fs::File::open(&path).map_err(export_err)) {
        Ok(f) => f,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
    };
    // The open handle keeps the data readable; the name goes now, so nothing is left behind.
    let _ = std::fs::remove_file(&path);
    let file = tokio::fs::File::from_std(file);
    let stream = futures_util::stream::unfold(file, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"omnitrack-export.zip\"".to_string(),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

async fn write_company_zip(
    state: &AppState,
    t: &Tenant,
    cal: &Calendar,
    path: &std::path::Path,
) -> Result<(), StoreError> {
    let file = std::fs::File::create(path).map_err(export_err)?;
    let mut z = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let company = state.store.company(t).await?;
    let target = state.store.weekly_target_minutes(t).await?;
    put(
        &mut z,
        "company.json",
        &pretty(&json!({
            "id": company.id, "name": company.name, "timezone": company.timezone, "week_start": company.week_start,
            "weekly_target_minutes": target, "status": company.status, "created_at": company.created_at.to_string(),
            "exported_at": state.clock.now().to_string(),
        }))?,
    )?;
    let users = state.store.users(t).await?;
    let mut csv = String::new();
    write_row(&mut csv, &["user_id", "email", "role", "created_at_utc"]);
    for u in &users {
        write_row(
            &mut csv,
            &[
                u.id.to_string(),
                u.email.clone(),
                u.role.as_str().to_string(),
                u.created_at.to_string(),
            ],
        );
    }
    put(&mut z, "users.csv", csv.as_bytes())?;
    let employees = state.store.employees(t, true).await?;
    let mut csv = String::new();
    write_row(
        &mut csv,
        &[
            "employee_id",
            "name",
            "id_code",
            "active",
            "objected",
            "has_pin",
            "created_at_utc",
        ],
    );
    let mut ejson = Vec::new();
    for e in &employees {
        write_cells(
            &mut csv,
            &[
                Cell::text(e.id.to_string()),
                Cell::text(&e.name),
                Cell::text(&e.id_code),
                Cell::bool(e.active),
                Cell::bool(e.objected),
                Cell::bool(e.has_pin),
                Cell::text(e.created_at.to_string()),
            ],
        );
        ejson.push(json!({"id": e.id, "name": e.name, "id_code": e.id_code, "active": e.active, "objected": e.objected,
                          "has_pin": e.has_pin, "created_at": e.created_at.to_string()}));
    }
    put(&mut z, "employees.csv", csv.as_bytes())?;
    put(&mut z, "employees.json", &pretty(&ejson)?)?;
    let names = people(state, t).await?;
    let tasks = state.store.tasks(t, None, None).await?;
    let mut csv = String::new();
    write_row(&mut csv, &TASK_HEADER);
    task_rows(&mut csv, &tasks, &names, &ShiftFilter::default());
    put(&mut z, "tasks.csv", csv.as_bytes())?;
    let tjson: Vec<Value> = tasks.iter().map(task_json).collect();
    put(&mut z, "tasks.json", &pretty(&tjson)?)?;
    zip_shifts(state, t, cal, ShiftFilter::default(), &mut z).await?;
    let summaries: Vec<Value> = state
        .store
        .summaries(t, 10_000)
        .await?
        .into_iter()
        .map(|s| {
            json!({"id": s.id, "week_start": s.week_start, "summary": s.body, "analyzer": s.analyzer, "model": s.model,
                   "figures": serde_json::from_str::<Value>(&s.figures).unwrap_or(Value::Null), "created_at": s.created_at.to_string()})
        })
        .collect();
    put(&mut z, "summaries.json", &pretty(&summaries)?)?;
    let audit: Vec<Value> = state
        .store
        .audit_log(t, 100_000)
        .await?
        .into_iter()
        .map(|a| json!({"id": a.id, "action": a.action, "detail": a.detail, "actor": a.actor, "ip": a.ip, "at": a.created_at.to_string()}))
        .collect();
    put(&mut z, "audit_log.json", &pretty(&audit)?)?;
    let mut w = z.finish().map_err(export_err)?;
    w.flush().map_err(export_err)?;
    Ok(())
}

fn task_json(t: &store::Task) -> Value {
    json!({"id": t.id, "employee_id": t.employee_id, "title": t.title, "details": t.details, "due_date": t.due_date,
           "status": t.state.as_str(), "created_at": t.created_at.to_string()})
}

/// Everything about one employee (an access request): `employee.json` with all records,
/// plus `shifts.csv`, `scores.csv` and `tasks.csv`, in one zip.
pub async fn employee_zip(
    state: &AppState,
    t: &Tenant,
    id: EmployeeId,
) -> Result<Response, StoreError> {
    let cal = Calendar::of(state, t).await?;
    let e = state.store.employee(t, id).await?;
    let now = state.clock.now();
    let filter = ShiftFilter {
        from: None,
        to: None,
        employee: Some(id),
    };
    let mut rows: Vec<ExportShift> = Vec::new();
    for_each_page(state, t, filter, |page| {
        rows.extend_from_slice(page);
        true
    })
    .await?;
    let breaks = state.store.employee_breaks(t, id).await?;
    let tasks = state.store.tasks(t, Some(id), None).await?;
    let mut changes = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.shift.corrected || r.shift.auto_closed)
    {
        for c in state.store.shift_changes(t, r.shift.id).await? {
            changes.push(json!({"shift_id": r.shift.id, "field": c.field, "old_value": c.old_value, "new_value": c.new_value,
                                "reason": c.reason, "changed_by": c.changed_by, "at": c.created_at.to_string()}));
        }
    }
    let approvals: Vec<Value> = state
        .store
        .approvals_between(t, "0000-01-01", "9999-12-31")
        .await?
        .into_iter()
        .filter(|(emp, _)| *emp == id)
        .map(|(_, w)| json!({"week_start": w}))
        .collect();
    let doc = json!({
        "employee": {"id": e.id, "name": e.name, "id_code": e.id_code, "active": e.active, "objected": e.objected,
                     "has_pin": e.has_pin, "created_at": e.created_at.to_string()},
        "timezone": cal.zone,
        "exported_at": now.to_string(),
        "tasks": tasks.iter().map(task_json).collect::<Vec<_>>(),
        "shifts": rows.iter().map(|r| shift_json(r, &cal, now)).collect::<Vec<_>>(),
        "breaks": breaks.iter().map(|b| json!({"shift_id": b.shift_id, "start_at": b.start_at.to_string(),
                                                 "end_at": b.end_at.map(|x| x.to_string())})).collect::<Vec<_>>(),
        "corrections": changes,
        "approved_weeks": approvals,
    });
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    put(&mut z, "employee.json", &pretty(&doc)?)?;
    let mut scratch = RowScratch::default();
    let mut csv = String::new();
    write_row(&mut csv, &SHIFT_HEADER);
    for r in &rows {
        shift_row(&mut csv, &mut scratch, &r.row_ref(), &cal, now);
    }
    put(&mut z, "shifts.csv", csv.as_bytes())?;
    let mut csv = String::new();
    write_row(&mut csv, &SCORE_HEADER);
    for r in &rows {
        score_row(&mut csv, &mut scratch, &r.row_ref());
    }
    put(&mut z, "scores.csv", csv.as_bytes())?;
    let mut csv = String::new();
    write_row(&mut csv, &TASK_HEADER);
    let names = std::collections::HashMap::from([(id, (e.name.clone(), e.id_code.clone()))]);
    task_rows(&mut csv, &tasks, &names, &ShiftFilter::default());
    put(&mut z, "tasks.csv", csv.as_bytes())?;
    let bytes = z.finish().map_err(export_err)?.into_inner();
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"employee-{}.zip\"", e.id),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// The decoded report extraction of an export row (for callers that need statuses).
pub fn extraction(r: &ExportShift) -> Option<ReportExtraction> {
    r.report_result
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
}
