//! The zips: the whole company (every table that holds its data, as CSV and JSON), and
//! everything about one employee (an access request under the privacy policy).

use super::body::{Content, Download};
use super::csv::{write_cells, write_row, Cell};
use super::records::{for_each_page, people, shift_json, task_json, task_rows, TASK_HEADER};
use super::rows::Kind;
use super::stream::csv_chunks;
use crate::reports::Calendar;
use crate::App;
use domain::EmployeeId;
use serde_json::{json, Value};
use std::io::Write as _;
use store::{ExportShift, ShiftFilter, StoreError, Tenant};

fn export_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Rule(format!("the export could not be written: {e}"))
}

type Zip<W> = ::zip::ZipWriter<W>;

fn opts() -> ::zip::write::SimpleFileOptions {
    ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored)
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

/// Writes shifts.csv or scores.csv into the zip from the engine's fast path (the chunks of
/// the CSV download), so a zip's CSV files are the downloads' bytes.
async fn zip_csv<W: std::io::Write + std::io::Seek>(
    app: &App,
    t: &Tenant,
    cal: &Calendar,
    filter: ShiftFilter,
    kind: Kind,
    z: &mut Zip<W>,
) -> Result<(), StoreError> {
    z.start_file(kind.file_name(), opts()).map_err(export_err)?;
    let mut rx = csv_chunks(app.clone(), *t, cal.clone(), filter, kind);
    while let Some(chunk) = rx.recv().await {
        z.write_all(&chunk.map_err(export_err)?)
            .map_err(export_err)?;
    }
    Ok(())
}

/// Writes the company's shifts into the zip as CSV, JSON and score CSV; the JSON page by
/// page through [`for_each_page`] (it shows columns no CSV does).
async fn zip_shifts<W: std::io::Write + std::io::Seek>(
    app: &App,
    t: &Tenant,
    cal: &Calendar,
    filter: ShiftFilter,
    z: &mut Zip<W>,
) -> Result<(), StoreError> {
    // One entry open at a time (zip entries are written sequentially).
    zip_csv(app, t, cal, filter, Kind::Shifts, z).await?;
    z.start_file("shifts.json", opts()).map_err(export_err)?;
    z.write_all(b"[").map_err(export_err)?;
    let mut first = true;
    let mut failed: Option<StoreError> = None;
    let now = app.clock.now();
    for_each_page(app, t, filter, |page| {
        let mut chunk = String::new();
        for r in page {
            if !first {
                chunk.push_str(",\n");
            }
            first = false;
            chunk.push_str(&shift_json(r, cal, now).to_string());
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
    z.write_all(b"]\n").map_err(export_err)?;
    zip_csv(app, t, cal, filter, Kind::Scores, z).await
}

/// The whole company as a zip: company, members, employees, tasks, shifts (CSV + JSON),
/// scores, weekly summaries and the audit log. Written to a temporary file (memory stays
/// flat), streamed, and removed.
pub async fn company_zip(app: &App, t: &Tenant) -> Result<Download, StoreError> {
    let cal = Calendar::of(app, t).await?;
    let dir = app.data_dir.join("tmp");
    std::fs::create_dir_all(&dir).map_err(export_err)?;
    let path = dir.join(format!("export-{}.zip", uuid::Uuid::new_v4().simple()));
    let result = write_company_zip(app, t, &cal, &path).await;
    let file = match result.and_then(|()| std::fs::File::open(&path).map_err(export_err)) {
        Ok(f) => f,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
    };
    // The open handle keeps the data readable; the name goes now, so nothing is left behind.
    let _ = std::fs::remove_file(&path);
    Ok(Download::zip(
        "omnitrack-export.zip".into(),
        Content::File(tokio::fs::File::from_std(file)),
    ))
}

async fn write_company_zip(
    app: &App,
    t: &Tenant,
    cal: &Calendar,
    path: &std::path::Path,
) -> Result<(), StoreError> {
    let file = std::fs::File::create(path).map_err(export_err)?;
    let mut z = ::zip::ZipWriter::new(std::io::BufWriter::new(file));
    let company = app.store.company(t).await?;
    let target = app.store.weekly_target_minutes(t).await?;
    put(
        &mut z,
        "company.json",
        &pretty(&json!({
            "id": company.id, "name": company.name, "timezone": company.timezone, "week_start": company.week_start,
            "weekly_target_minutes": target, "status": company.status, "created_at": company.created_at.to_string(),
            "exported_at": app.clock.now().to_string(),
        }))?,
    )?;
    let users = app.store.users(t).await?;
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
    let employees = app.store.employees(t, true).await?;
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
    let names = people(app, t).await?;
    let tasks = app.store.tasks(t, None, None).await?;
    let mut csv = String::new();
    write_row(&mut csv, &TASK_HEADER);
    task_rows(&mut csv, &tasks, &names, &ShiftFilter::default());
    put(&mut z, "tasks.csv", csv.as_bytes())?;
    let tjson: Vec<Value> = tasks.iter().map(task_json).collect();
    put(&mut z, "tasks.json", &pretty(&tjson)?)?;
    zip_shifts(app, t, cal, ShiftFilter::default(), &mut z).await?;
    let summaries: Vec<Value> = app
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
    let audit: Vec<Value> = app
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

/// Everything about one employee (an access request): `employee.json` with all records,
/// plus `shifts.csv`, `scores.csv` and `tasks.csv`, in one zip.
pub async fn employee_zip(app: &App, t: &Tenant, id: EmployeeId) -> Result<Download, StoreError> {
    let cal = Calendar::of(app, t).await?;
    let e = app.store.employee(t, id).await?;
    let now = app.clock.now();
    let filter = ShiftFilter {
        from: None,
        to: None,
        employee: Some(id),
    };
    let mut rows: Vec<ExportShift> = Vec::new();
    for_each_page(app, t, filter, |page| {
        rows.extend_from_slice(page);
        true
    })
    .await?;
    let breaks = app.store.employee_breaks(t, id).await?;
    let tasks = app.store.tasks(t, Some(id), None).await?;
    let mut changes = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.shift.corrected || r.shift.auto_closed)
    {
        for c in app.store.shift_changes(t, r.shift.id).await? {
            changes.push(json!({"shift_id": r.shift.id, "field": c.field, "old_value": c.old_value, "new_value": c.new_value,
                                "reason": c.reason, "changed_by": c.changed_by, "at": c.created_at.to_string()}));
        }
    }
    let approvals: Vec<Value> = app
        .store
        .approvals_between(t, "0000-01-01", "9999-12-31")
        .await?
        .into_iter()
        .filter(|(emp, _)| *emp == id)
        .map(|(_, w)| json!({"week_start": w}))
        .collect();
    let requests: Vec<Value> = app
        .store
        .requests_of(t, id, u32::MAX)
        .await?
        .into_iter()
        .map(|r| json!({"id": r.id, "kind": r.kind.as_str(), "shift_id": r.shift_id, "text": r.body,
                        "filed_at": r.created_at.to_string(), "resolved_at": r.resolved_at.map(|x| x.to_string())}))
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
        "requests": requests,
    });
    let mut z = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    put(&mut z, "employee.json", &pretty(&doc)?)?;
    zip_csv(app, t, &cal, filter, Kind::Shifts, &mut z).await?;
    zip_csv(app, t, &cal, filter, Kind::Scores, &mut z).await?;
    let mut csv = String::new();
    write_row(&mut csv, &TASK_HEADER);
    let names = std::collections::HashMap::from([(id, (e.name.clone(), e.id_code.clone()))]);
    task_rows(&mut csv, &tasks, &names, &ShiftFilter::default());
    put(&mut z, "tasks.csv", csv.as_bytes())?;
    let bytes = z.finish().map_err(export_err)?.into_inner();
    Ok(Download::zip(
        format!("employee-{}.zip", e.id),
        Content::Whole(bytes),
    ))
}
