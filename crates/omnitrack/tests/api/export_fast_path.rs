//! The fast export paths read one table: the break totals and the analyses' figures are
//! columns of the shift row, kept by triggers (migrations `0012_export_figures` and
//! `0015_export_plain_figures`, which derives plain figures from the JSON). Here every
//! kind of write that changes what a CSV row shows — punches, breaks (closed, open, closed
//! by the clock-out), an objector's unanalysed shift, a score override, a correction, a
//! re-analysis replacing a result — is followed by a download, which must equal the
//! reference (the sqlx pages joining `breaks` and `analyses`) byte for byte, in a zone with
//! a half-hour offset and DST.

use crate::both;
use crate::clock::{employee, task};
use crate::helpers::{TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(fast_export_follows_every_write);

/// Downloads shifts.csv and scores.csv and compares them with the reference; returns
/// shifts.csv.
async fn same_as_reference(app: &TestApp, token: &str, t: store::Tenant, step: &str) -> String {
    let cal = app::reports::Calendar::of(&app.state, &t).await.unwrap();
    let mut shifts = String::new();
    for (file, kind) in [
        ("shifts.csv", app::exports::Kind::Shifts),
        ("scores.csv", app::exports::Kind::Scores),
    ] {
        let res = app.get_api(&format!("/api/v1/exports/{file}"), token).await;
        assert_eq!(res.status(), StatusCode::OK);
        let fast = res.text().await.unwrap();
        let filter = store::ShiftFilter::default();
        let reference = app::exports::paged_csv(app.state.clone(), t, cal.clone(), filter, kind)
            .await
            .unwrap();
        assert_eq!(
            fast,
            String::from_utf8(reference).unwrap(),
            "{step}: {file}"
        );
        if file == "shifts.csv" {
            shifts = fast;
        }
    }
    shifts
}

/// Stores a final result for the shift as a write site other than the punch does (a
/// worker's job, a re-analysis).
async fn save(
    app: &TestApp,
    t: store::Tenant,
    shift: uuid::Uuid,
    kind: store::JobKind,
    result: &str,
    score: Option<u8>,
    breakdown: Option<&str>,
) {
    let analysis = store::NewAnalysis {
        shift: domain::ShiftId(shift),
        kind,
        analyzer: "local",
        model: "rules",
        prompt_version: 1,
        fallback: false,
        provisional: false,
        result,
        score,
        breakdown,
    };
    app.state
        .store
        .save_analysis(&t, analysis, app.clock.now())
        .await
        .unwrap();
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post_json(path, Some(token), &body).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) {
    let res = app
        .api
        .patch(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
}

async fn fast_export_follows_every_write(app: TestApp) {
    app.set_clock("2026-03-06T12:00:00Z");
    let signup: Value = app
        .post_json(
            "/api/v1/signup",
            None,
            &json!({"company_name": "Zoned", "email": "boss@zoned.test", "password": PASSWORD,
                    "timezone": "America/St_Johns"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = signup["token"].as_str().unwrap().to_string();
    let t = app
        .state
        .store
        .principal_by_token(&app::credentials::token::hash(&token), app.clock.now())
        .await
        .unwrap()
        .unwrap()
        .tenant;
    let ann = employee(&app, &token, "Ann", "ANN-001").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let obi = employee(&app, &token, "Obi", "OBI-001").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    patch(
        &app,
        &token,
        &format!("/api/v1/employees/{obi}"),
        json!({"objected": true}),
    )
    .await;
    task(&app, &token, &ann, "Fix login redirect loop").await;
    task(&app, &token, &ann, "Write the release notes").await;
    let hours = jiff::SignedDuration::from_hours;
    let mins = jiff::SignedDuration::from_mins;

    // Ann: a standup that misses a task, a closed break, a second break still open when she
    // clocks out (the clock-out closes it), a report that is analysed and scored.
    let ann_in = |standup: &str| json!({"id_code": "ANN-001", "standup": standup});
    let shift = post(
        &app,
        &token,
        "/api/v1/clock-in",
        ann_in("Fix the login redirect loop"),
    )
    .await;
    let sid = shift["shift_id"].as_str().unwrap().to_string();
    let ann_code = json!({"id_code": "ANN-001"});
    app.clock.advance(hours(2));
    post(&app, &token, "/api/v1/breaks/start", ann_code.clone()).await;
    app.clock.advance(mins(25));
    post(&app, &token, "/api/v1/breaks/end", ann_code.clone()).await;
    app.clock.advance(hours(3));
    post(&app, &token, "/api/v1/breaks/start", ann_code.clone()).await;
    app.clock.advance(mins(17));
    post(
        &app,
        &token,
        "/api/v1/clock-out",
        json!({"id_code": "ANN-001", "report": "Fixed the login redirect loop; release notes blocked."}),
    )
    .await;
    // Obi objected: no analysis; he is in, on an open break.
    app.clock.advance(hours(1));
    let obi_shift = post(
        &app,
        &token,
        "/api/v1/clock-in",
        json!({"id_code": "OBI-001", "standup": "=1+1 stock count"}),
    )
    .await["shift_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    app.clock.advance(mins(40));
    post(
        &app,
        &token,
        "/api/v1/breaks/start",
        json!({"id_code": "OBI-001"}),
    )
    .await;
    app.clock.advance(mins(9));
    let csv = same_as_reference(&app, &token, t, "after the punches").await;
    assert!(
        csv.contains("Write the release notes"),
        "missed task: {csv}"
    );
    assert!(csv.contains("'=1+1 stock count"), "{csv}");
    // The open break counts up with the clock, on both paths.
    app.clock.advance(mins(31));
    same_as_reference(&app, &token, t, "later, still on the break").await;

    // A supervisor overrides Ann's score.
    post(
        &app,
        &token,
        &format!("/api/v1/shifts/{sid}/score"),
        json!({"score": 77, "reason": "=fair, \"really\""}),
    )
    .await;
    let csv = same_as_reference(&app, &token, t, "after the override").await;
    assert!(csv.contains(",77,"), "{csv}");

    // A correction: another standup (analysed again) and a later clock-out.
    let clock_in: jiff::Timestamp = shift["clock_in_at"].as_str().unwrap().parse().unwrap();
    patch(
        &app,
        &token,
        &format!("/api/v1/shifts/{sid}"),
        json!({"reason": "typo", "standup": "Release notes, then the login loop",
               "clock_out_at": (clock_in + hours(9)).to_string()}),
    )
    .await;
    same_as_reference(&app, &token, t, "after the correction").await;

    // A re-analysis replaces the report's result and score (as an external model's answer
    // replaces a provisional one).
    let breakdown = r#"{"score":12,"formula_version":1,"tasks_total":2,"done":0,"progress":0,"blocked":2,"none":0,"unplanned":0,"task_component":0.125,"unplanned_component":0.0,"weights":{"tasks":0.85,"unplanned":0.15,"blocked_credit":0.25},"reasons":["re-analysed"]}"#;
    app.state
        .store
        .save_analysis(
            &t,
            store::NewAnalysis {
                shift: domain::ShiftId(sid.parse().unwrap()),
                kind: store::JobKind::Report,
                analyzer: "claude",
                model: "m",
                prompt_version: 2,
                fallback: false,
                provisional: false,
                result: r#"{"tasks":[],"blockers":["x"],"unplanned":[]}"#,
                score: Some(12),
                breakdown: Some(breakdown),
            },
            app.clock.now(),
        )
        .await
        .unwrap();
    let csv = same_as_reference(&app, &token, t, "after the re-analysis").await;
    assert!(csv.contains("0.125"), "{csv}");

    // Obi ends his break and clocks out: his break total is closed.
    post(
        &app,
        &token,
        "/api/v1/breaks/end",
        json!({"id_code": "OBI-001"}),
    )
    .await;
    app.clock.advance(hours(2));
    post(
        &app,
        &token,
        "/api/v1/clock-out",
        json!({"id_code": "OBI-001", "report": "counted"}),
    )
    .await;
    let csv = same_as_reference(&app, &token, t, "after Obi's day").await;
    assert_eq!(csv.lines().count(), 3, "{csv}");

    // Results inserted later by a write site other than the punch (as a worker's job
    // inserts them) for a shift whose punch stored none: the insert triggers fill the row.
    for (kind, result, score) in [
        (store::JobKind::Standup, r#"{"tasks":[]}"#, None),
        (
            store::JobKind::Report,
            r#"{"tasks":[],"blockers":[],"unplanned":["counted"]}"#,
            Some(41),
        ),
    ] {
        save(
            &app,
            t,
            obi_shift,
            kind,
            result,
            score,
            score.map(|_| breakdown),
        )
        .await;
    }
    let csv = same_as_reference(&app, &token, t, "after results inserted later").await;
    assert!(csv.contains(",41,"), "{csv}");
    // The database derives the plain columns from the JSON (migration 0015) and the
    // reference derives them in Rust: awkward values must come out the same — components
    // at every precision (and halfway cases of the three decimals), reasons and titles
    // holding the separator, quotes, escapes and astral characters, an empty reason list,
    // every task mentioned, and texts that are not JSON.
    let components = [
        0.1 + 0.2,
        2.0 / 3.0,
        0.0005,
        0.0015,
        0.9995,
        1e-7,
        0.12345678901234566,
        1.0,
        0.0,
    ];
    let reasons = [
        r#"["a; b", "say \"hi\"", "caf\u00e9 \ud83d\ude80", "=SUM(A1)"]"#,
        "[]",
        r#"["line\nbreak, comma"]"#,
    ];
    let checks = [
        r#"{"tasks":[{"task":"Fix; \"it\"","mentioned":false,"evidence":null},{"task":"Ship","mentioned":true,"evidence":"ship"},{"task":"caf\u00e9 \ud83d\ude80","mentioned":false,"evidence":null}]}"#,
        r#"{"tasks":[{"task":"Ship","mentioned":true,"evidence":"ship"}]}"#,
        "not json",
    ];
    for (i, (task_component, unplanned_component)) in
        components.iter().zip(components.iter().rev()).enumerate()
    {
        let breakdown = format!(
            r#"{{"score":50,"formula_version":{v},"tasks_total":{n},"done":1,"progress":2,"blocked":3,"none":4,"unplanned":{i},"task_component":{task_component:?},"unplanned_component":{unplanned_component:?},"weights":{{"tasks":0.85,"unplanned":0.15,"blocked_credit":0.25}},"reasons":{r}}}"#,
            v = i % 3 + 1,
            n = 10 + i,
            r = reasons[i % reasons.len()],
        );
        let breakdown = if i == 4 {
            "{not json".to_string()
        } else {
            breakdown
        };
        for (kind, result, score, breakdown) in [
            (
                store::JobKind::Standup,
                checks[i % checks.len()],
                None,
                None,
            ),
            (
                store::JobKind::Report,
                r#"{"tasks":[],"blockers":[],"unplanned":[]}"#,
                Some(50),
                Some(breakdown.as_str()),
            ),
        ] {
            save(&app, t, obi_shift, kind, result, score, breakdown).await;
        }
        let step = format!("awkward values {i}");
        let csv = same_as_reference(&app, &token, t, &step).await;
        if i == 0 {
            assert!(csv.contains(r#"Fix; ""it""; café 🚀"#), "{csv}");
            assert!(csv.contains(",0.300,"), "{csv}");
        }
    }
}
