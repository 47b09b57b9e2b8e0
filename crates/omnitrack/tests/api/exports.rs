//! CSV exports (columns, quoting, the formula-injection guard, filters, tenant isolation),
//! the per-employee export and the company zip.
//! (Long: each export's cases share the seeded company and the CSV reader at the top.)

use crate::both;
use crate::clock::{employee, task};
use crate::helpers::{TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Read;

both!(
    csv_exports_quote_guard_filter_and_isolate,
    streamed_csv_is_the_paged_csv_byte_for_byte,
    employee_export_holds_their_data_only,
    company_zip_holds_every_file
);

/// A minimal RFC 4180 reader for the assertions.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

async fn work_day(app: &TestApp, token: &str, code: &str, standup: &str, report: &str) {
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(token),
            &json!({"id_code": code, "standup": standup}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    app.clock.advance(jiff::SignedDuration::from_hours(8));
    let res = app
        .post_json(
            "/api/v1/clock-out",
            Some(token),
            &json!({"id_code": code, "report": report}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.clock.advance(jiff::SignedDuration::from_hours(16));
}

async fn csv_get(app: &TestApp, path: &str, token: &str) -> (StatusCode, String) {
    let res = app.get_api(path, token).await;
    let status = res.status();
    if status == StatusCode::OK {
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    }
    (status, res.text().await.unwrap())
}

async fn csv_exports_quote_guard_filter_and_isolate(app: TestApp) {
    let a = app.signup("boss@acme.test").await;
    let b = app.signup("boss@other.test").await;
    let zed = employee(&app, &a.token, "Zed, \"the\" Boss", "ZED-001").await;
    let zed_id = zed["id"].as_str().unwrap().to_string();
    task(&app, &a.token, &zed_id, "Fix login redirect loop").await;
    employee(&app, &a.token, "Amy Plain", "AMY-001").await;
    let other = employee(&app, &b.token, "Other Person", "OTH-001").await;
    let other_id = other["id"].as_str().unwrap().to_string();

    work_day(
        &app,
        &a.token,
        "ZED-001",
        "=cmd|' /C calc'!A0 then fix the login redirect loop",
        "Fixed the login redirect loop, merged.",
    )
    .await;
    work_day(
        &app,
        &a.token,
        "AMY-001",
        "@SUM(A1:A9) filing",
        "+done, line one\nline two",
    )
    .await;
    work_day(
        &app,
        &b.token,
        "OTH-001",
        "secret other company standup",
        "other report",
    )
    .await;

    let (status, text) = csv_get(&app, "/api/v1/exports/shifts.csv", &a.token).await;
    assert_eq!(status, StatusCode::OK);
    let rows = parse_csv(&text);
    let header = &rows[0];
    for col in [
        "shift_id",
        "employee_id",
        "employee_name",
        "employee_id_code",
        "clock_in_utc",
        "clock_out_utc",
        "clock_in_local",
        "clock_out_local",
        "timezone",
        "duration_minutes",
        "break_minutes",
        "standup",
        "report",
        "score",
        "task_component",
        "unplanned_component",
        "auto_closed",
        "corrected",
    ] {
        assert!(
            header.iter().any(|h| h == col),
            "missing column {col}: {header:?}"
        );
    }
    assert_eq!(rows.len(), 3, "header + two shifts of this company: {text}");
    assert!(
        rows.iter().all(|r| r.len() == header.len()),
        "every row has every column"
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let zed_row = rows
        .iter()
        .find(|r| r[col("employee_id_code")] == "ZED-001")
        .unwrap();
    assert_eq!(
        zed_row[col("employee_name")],
        "Zed, \"the\" Boss",
        "quoted and unquoted again"
    );
    assert!(
        text.contains("\"Zed, \"\"the\"\" Boss\""),
        "RFC 4180 quoting: {text}"
    );
    assert!(
        zed_row[col("standup")].starts_with("'=cmd"),
        "formula defused: {:?}",
        zed_row[col("standup")]
    );
    assert_eq!(zed_row[col("timezone")], "Europe/Berlin");
    assert_eq!(zed_row[col("duration_minutes")], "480");
    assert!(zed_row[col("clock_in_utc")].ends_with('Z'));
    assert!(
        zed_row[col("clock_in_local")].ends_with("+01:00")
            || zed_row[col("clock_in_local")].ends_with("+02:00")
    );
    assert!(!zed_row[col("score")].is_empty(), "scored: {zed_row:?}");
    let amy = rows
        .iter()
        .find(|r| r[col("employee_id_code")] == "AMY-001")
        .unwrap();
    assert!(amy[col("standup")].starts_with("'@SUM"));
    assert_eq!(
        amy[col("report")],
        "'+done, line one\nline two",
        "newlines survive inside quotes"
    );
    assert!(
        !text.contains("Other Person") && !text.contains("secret other company"),
        "never another company's data"
    );

    // Filters: one employee; a date range; bad input is a clear 4xx.
    let (_, one) = csv_get(
        &app,
        &format!("/api/v1/exports/shifts.csv?employee_id={zed_id}"),
        &a.token,
    )
    .await;
    assert_eq!(parse_csv(&one).len(), 2);
    let (_, none) = csv_get(&app, "/api/v1/exports/shifts.csv?from=2999-01-01", &a.token).await;
    assert_eq!(parse_csv(&none).len(), 1, "header only");
    let (_, past) = csv_get(
        &app,
        "/api/v1/exports/shifts.csv?from=2000-01-01&to=2999-12-31",
        &a.token,
    )
    .await;
    assert_eq!(parse_csv(&past).len(), 3);
    let (status, _) = csv_get(
        &app,
        &format!("/api/v1/exports/shifts.csv?employee_id={other_id}"),
        &a.token,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another company's employee");
    let (status, body) = csv_get(&app, "/api/v1/exports/shifts.csv?from=yesterday", &a.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("from"));
    let (status, _) = csv_get(
        &app,
        "/api/v1/exports/shifts.csv?from=2026-05-02&to=2026-05-01",
        &a.token,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = csv_get(&app, "/api/v1/exports/shifts.csv?employee_id=42", &a.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Scores and tasks.
    let (_, scores) = csv_get(&app, "/api/v1/exports/scores.csv", &a.token).await;
    let srows = parse_csv(&scores);
    assert_eq!(srows[0][0], "shift_id");
    assert_eq!(srows.len(), 3, "{scores}");
    let (_, tasks) = csv_get(&app, "/api/v1/exports/tasks.csv", &a.token).await;
    assert!(tasks.contains("Fix login redirect loop") && !tasks.contains("OTH-001"));

    // The same from the dashboard, for the signed-in supervisor.
    assert!(app
        .browser_login("boss@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    let res = app
        .browser
        .get(app.url("/exports/shifts.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("shifts.csv"));
    let page_csv = res.text().await.unwrap();
    assert_eq!(parse_csv(&page_csv).len(), 3);
    assert!(!page_csv.contains("Other Person"));
    assert_eq!(
        app.page("/exports/shifts.csv?from=nope").await.0,
        StatusCode::BAD_REQUEST
    );
    // Without a session: to the login page.
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert!(anon
        .get(app.url("/exports/shifts.csv"))
        .send()
        .await
        .unwrap()
        .status()
        .is_redirection());
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.insert(f.name().to_string(), s);
    }
    out
}

async fn employee_export_holds_their_data_only(app: TestApp) {
    let a = app.signup("boss@acme.test").await;
    let b = app.signup("boss@other.test").await;
    let ada = employee(&app, &a.token, "Ada Lovelace", "ADA-001").await;
    let ada_id = ada["id"].as_str().unwrap().to_string();
    task(&app, &a.token, &ada_id, "Calibrate the scales").await;
    employee(&app, &a.token, "Bob Builder", "BOB-001").await;
    work_day(
        &app,
        &a.token,
        "ADA-001",
        "ada standup about the scales",
        "ada report: calibrated the scales",
    )
    .await;
    work_day(
        &app,
        &a.token,
        "BOB-001",
        "bob standup bricks",
        "bob report bricks",
    )
    .await;

    let res = app
        .get_api(&format!("/api/v1/employees/{ada_id}/export"), &a.token)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let files = unzip(&res.bytes().await.unwrap());
    assert_eq!(
        files.keys().cloned().collect::<Vec<_>>(),
        ["employee.json", "scores.csv", "shifts.csv", "tasks.csv"]
    );
    let doc: Value = serde_json::from_str(&files["employee.json"]).unwrap();
    assert_eq!(doc["employee"]["name"], "Ada Lovelace");
    assert_eq!(doc["employee"]["id_code"], "ADA-001");
    assert_eq!(doc["shifts"].as_array().unwrap().len(), 1);
    assert_eq!(doc["shifts"][0]["standup"], "ada standup about the scales");
    assert_eq!(doc["tasks"][0]["title"], "Calibrate the scales");
    for (name, body) in &files {
        assert!(
            !body.contains("Bob") && !body.contains("bricks") && !body.contains("BOB-001"),
            "{name} leaks another person"
        );
    }
    assert!(files["shifts.csv"].contains("ada report: calibrated the scales"));

    // Another company cannot export her; unknown ids are 404; viewers of another tenant see nothing.
    assert_eq!(
        app.get_api(&format!("/api/v1/employees/{ada_id}/export"), &b.token)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_api(
            &format!("/api/v1/employees/{}/export", uuid::Uuid::now_v7()),
            &a.token
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_api("/api/v1/employees/nope/export", &a.token)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn company_zip_holds_every_file(app: TestApp) {
    let a = app.signup("boss@acme.test").await;
    let b = app.signup("boss@other.test").await;
    employee(&app, &a.token, "Ada Lovelace", "ADA-001").await;
    employee(&app, &b.token, "Other Person", "OTH-001").await;
    work_day(&app, &a.token, "ADA-001", "=1+1 standup", "report text").await;
    work_day(&app, &b.token, "OTH-001", "other standup", "other report").await;

    let res = app.get_api("/api/v1/export.zip", &a.token).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".zip"));
    let files = unzip(&res.bytes().await.unwrap());
    for f in [
        "company.json",
        "users.csv",
        "employees.csv",
        "employees.json",
        "tasks.csv",
        "tasks.json",
        "shifts.csv",
        "shifts.json",
        "scores.csv",
        "summaries.json",
        "audit_log.json",
    ] {
        assert!(files.contains_key(f), "{f} missing: {:?}", files.keys());
    }
    let shifts: Value = serde_json::from_str(&files["shifts.json"]).unwrap();
    assert_eq!(shifts.as_array().unwrap().len(), 1);
    assert_eq!(
        shifts[0]["standup"], "=1+1 standup",
        "JSON keeps the text as it is"
    );
    assert!(
        files["shifts.csv"].contains("'=1+1 standup"),
        "CSV guards it"
    );
    assert!(files["employees.csv"].contains("ADA-001"));
    assert!(files["users.csv"].contains("boss@acme.test"));
    for (name, body) in &files {
        assert!(
            !body.contains("Other Person")
                && !body.contains("other standup")
                && !body.contains("boss@other.test"),
            "{name}"
        );
    }
    let audit: Value = serde_json::from_str(&files["audit_log.json"]).unwrap();
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "export_company"),
        "the export is audited"
    );
    // Bearer required.
    assert_eq!(
        app.api
            .get(app.url("/api/v1/export.zip"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Shifts for one employee, `per_instant` of them sharing each clock-in instant (so keyset
/// ties on `clock_in_at` are broken by id across page boundaries), each with a closed break.
fn seeded_shifts(
    employee: &str,
    start: jiff::Timestamp,
    count: usize,
    per_instant: usize,
) -> Vec<store::seed::SeedShift> {
    let employee_id = domain::EmployeeId(employee.parse().unwrap());
    (0..count)
        .map(|i| {
            let clock_in = start + jiff::SignedDuration::from_mins((i / per_instant) as i64 * 97);
            let clock_out = clock_in + jiff::SignedDuration::from_mins(400 + (i % 60) as i64);
            let b = clock_in + jiff::SignedDuration::from_mins(200);
            store::seed::SeedShift {
                id: domain::ShiftId::new(),
                employee_id,
                workday: clock_in.to_string()[..10].to_string(),
                clock_in_at: clock_in,
                clock_out_at: Some(clock_out),
                standup: ["Plan: a, b", "=risky", "plain"][i % 3].into(),
                report: (i % 4 != 0).then(|| format!("Done \"{i}\", moving on")),
                auto_closed: i % 50 == 0,
                end_confirmed: i % 100 != 0,
                locked: false,
                breaks: vec![(
                    b,
                    Some(b + jiff::SignedDuration::from_secs(1799 + i as i64)),
                )],
            }
        })
        .collect()
}

/// The SQLite fast path (a synchronous reader on a blocking thread) must write exactly the
/// bytes of the paged sqlx path, over several pages, with every filter; on PostgreSQL the
/// route serves the paged path itself, so both engines check the same equality.
async fn streamed_csv_is_the_paged_csv_byte_for_byte(app: TestApp) {
    use store::seed::SeedAnalysis;
    let a = app.signup("boss@acme.test").await;
    let b = app.signup("boss@other.test").await;
    let ids: Vec<String> = {
        let mut v = Vec::new();
        for (name, code) in [
            ("Zed, \"the\" Boss", "ZED-001"),
            ("+Amy", "AMY-001"),
            ("Bo", "BO-001"),
        ] {
            v.push(
                employee(&app, &a.token, name, code).await["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        v
    };
    let other = employee(&app, &b.token, "Other Person", "OTH-001").await;
    // Two real punches with analyses by the local analyzer, one with a break.
    task(&app, &a.token, &ids[0], "Fix login redirect loop").await;
    work_day(
        &app,
        &a.token,
        "ZED-001",
        "=cmd|' /C calc'!A0 then fix the login redirect loop",
        "Fixed the login redirect loop, merged.",
    )
    .await;
    work_day(
        &app,
        &a.token,
        "AMY-001",
        "@SUM(A1:A9) filing",
        "+done, line one\nline two",
    )
    .await;
    let tenant = |token: &str| {
        let hash = app::credentials::token::hash(token);
        let store = app.state.store.clone();
        let now = app.clock.now();
        async move {
            store
                .principal_by_token(&hash, now)
                .await
                .unwrap()
                .unwrap()
                .tenant
        }
    };
    let (ta, tb) = (tenant(&a.token).await, tenant(&b.token).await);

    // Bulk: 4 200 shifts (three pages of 2 000), analyses for most of them.
    let start: jiff::Timestamp = "2026-01-05T07:00:00Z".parse().unwrap();
    let mut shifts = seeded_shifts(&ids[0], start, 2_100, 7);
    shifts.extend(seeded_shifts(&ids[1], start, 2_100, 3));
    let mut analyses = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        if i % 5 != 4 {
            analyses.push(SeedAnalysis {
                shift: s.id, kind: store::JobKind::Standup, analyzer: "local".into(), model: "m".into(),
                result: r#"{"tasks":[{"task":"Fix \"login\"","mentioned":false,"evidence":null},{"task":"caf\u00e9","mentioned":false,"evidence":null}]}"#.into(),
                score: None, breakdown: None, created_at: s.clock_in_at,
            });
        }
        if i % 3 != 2 {
            analyses.push(SeedAnalysis {
                shift: s.id, kind: store::JobKind::Report, analyzer: "local".into(), model: "m".into(),
                result: r#"{"tasks":[],"blockers":[],"unplanned":[]}"#.into(),
                score: Some((i % 101) as u8),
                breakdown: Some(format!(r#"{{"score":{},"formula_version":1,"tasks_total":3,"done":{},"progress":1,"blocked":0,"none":0,"unplanned":1,"task_component":0.{}5,"unplanned_component":0.3333333333333333,"weights":{{"tasks":0.85,"unplanned":0.15,"blocked_credit":0.25}},"reasons":["{} of 3 done, \"ok\"","=x"]}}"#, i % 101, i % 4, i % 10, i % 4)),
                created_at: s.clock_out_at.unwrap(),
            });
        }
    }
    app.state.store.seed_shifts(&ta, &shifts).await.unwrap();
    app.state.store.seed_analyses(&ta, &analyses).await.unwrap();
    // Bo is in right now, on an open break; the other company has shifts in the same range.
    let now = app.clock.now();
    let mut open = seeded_shifts(&ids[2], now - jiff::SignedDuration::from_mins(95), 1, 1);
    open[0].clock_out_at = None;
    open[0].breaks = vec![(now - jiff::SignedDuration::from_mins(20), None)];
    app.state.store.seed_shifts(&ta, &open).await.unwrap();
    app.state
        .store
        .seed_shifts(
            &tb,
            &seeded_shifts(other["id"].as_str().unwrap(), start, 50, 1),
        )
        .await
        .unwrap();
    // One instant for both reads: open breaks and shifts count up to the same "now".
    app.clock.set(now);

    let cal = app::reports::Calendar::of(&app.state, &ta).await.unwrap();
    let zed = ids[0].clone();
    let cases: Vec<(String, app::exports::ExportQuery)> = vec![
        (String::new(), Default::default()),
        (
            "from=2026-01-20&to=2026-03-01".into(),
            app::exports::ExportQuery {
                from: Some("2026-01-20".into()),
                to: Some("2026-03-01".into()),
                employee_id: None,
            },
        ),
        (
            format!("employee_id={zed}"),
            app::exports::ExportQuery {
                employee_id: Some(zed.clone()),
                ..Default::default()
            },
        ),
    ];
    let mut sizes = Vec::new();
    for (query, q) in cases {
        for (file, kind) in [
            ("shifts.csv", app::exports::Kind::Shifts),
            ("scores.csv", app::exports::Kind::Scores),
        ] {
            let res = app
                .get_api(&format!("/api/v1/exports/{file}?{query}"), &a.token)
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            let streamed = res.bytes().await.unwrap();
            let filter = q.filter(&cal).unwrap();
            let paged = app::exports::paged_csv(app.state.clone(), ta, cal.clone(), filter, kind)
                .await
                .unwrap();
            let lines = streamed.split(|b| *b == b'\n').count();
            assert!(
                streamed[..] == paged[..],
                "{file}?{query}: {} vs {} bytes",
                streamed.len(),
                paged.len()
            );
            assert!(!String::from_utf8_lossy(&streamed).contains("Other Person"));
            sizes.push((format!("{file}?{query}"), lines));
        }
    }
    // The equality is over real content: all pages, each filter narrowing it.
    let rows = |name: &str| {
        sizes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, l)| *l)
            .unwrap()
    };
    // header + 4 200 seeded + 2 punched + 1 open, one extra line in Amy's quoted report, and
    // the split after the last CRLF.
    assert_eq!(rows("shifts.csv?"), 1 + 4_203 + 1 + 1);
    assert_eq!(
        rows(&format!("shifts.csv?employee_id={zed}")),
        1 + 2_101 + 1
    );
    let ranged = rows("shifts.csv?from=2026-01-20&to=2026-03-01");
    assert!(ranged > 100 && ranged < 4_000, "{ranged}");
    assert!(rows("scores.csv?") > 2_000, "{sizes:?}");
}
