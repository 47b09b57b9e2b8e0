//! The live board and team timesheets are served from the read cache; every write must
//! show at once — a punch, a correction, an approval, a finished analysis, an auto-close —
//! and one company's cached views never leak into another's. Also the team chart of a
//! large team (the top employees and "everyone else").

use crate::both;
use crate::clock::{employee, kiosk, task};
use crate::helpers::{spawn_app_with, TestApp, PASSWORD};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use store::StoreKind;

both!(
    board_shows_punches_at_once,
    timesheet_shows_corrections_and_approvals_at_once,
    a_large_teams_chart_stacks_the_top_and_everyone_else,
);

/// Pins the app's clock at `at` (exact: no sub-millisecond drift, so an 05:00 clock-out
/// cannot show as 06:59 in the company's zone).
fn present(board: &Value) -> Vec<String> {
    board["present"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

async fn board_shows_punches_at_once(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let ada = employee(&app, &c.token, "Ada Lovelace", "ADA-001").await;
    task(
        &app,
        &c.token,
        ada["id"].as_str().unwrap(),
        "Write quarterly report",
    )
    .await;
    employee(&app, &c.token, "Bo Out", "BO-0001").await;
    let k = kiosk(&app, &c.token).await;
    assert!(app
        .browser_login("boss@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    // Both views computed (and cached) with nobody in.
    assert!(present(&app.get_json("/api/v1/dashboard", &c.token).await).is_empty());
    assert!(app
        .page("/dashboard")
        .await
        .1
        .contains("Nobody is clocked in"));

    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&k),
            &json!({"id_code": "ADA-001", "standup": "Inventory first."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let board = app.get_json("/api/v1/dashboard", &c.token).await;
    assert_eq!(present(&board), ["Ada Lovelace"], "{board}");
    assert_eq!(
        board["missed_tasks"][0]["missed"],
        json!(["Write quarterly report"])
    );
    let (_, html) = app.page("/dashboard").await;
    assert!(
        html.contains("Ada Lovelace") && !html.contains("Nobody is clocked in"),
        "{html}"
    );

    // Another company's board, asked for in between, stays its own.
    let other = app.signup("other@acme.test").await;
    assert!(present(&app.get_json("/api/v1/dashboard", &other.token).await).is_empty());

    let res = app
        .post_json(
            "/api/v1/clock-out",
            Some(&k),
            &json!({"id_code": "ADA-001", "report": "Done."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(present(&app.get_json("/api/v1/dashboard", &c.token).await).is_empty());
    assert!(app
        .page("/dashboard")
        .await
        .1
        .contains("Nobody is clocked in"));

    // Minutes worked move with the clock (the cache's TTL runs on the app's clock).
    app.post_json(
        "/api/v1/clock-in",
        Some(&k),
        &json!({"id_code": "BO-0001", "standup": "Here."}),
    )
    .await;
    let board = app.get_json("/api/v1/dashboard", &c.token).await;
    assert_eq!(board["present"][0]["worked_minutes"], 0);
    app.clock.advance(SignedDuration::from_mins(45));
    let board = app.get_json("/api/v1/dashboard", &c.token).await;
    assert_eq!(board["present"][0]["worked_minutes"], 45);

    // The housekeeping job closes a forgotten shift: off the board at once, and listed
    // as awaiting confirmation.
    app.clock.advance(SignedDuration::from_hours(17));
    assert_eq!(
        present(&app.get_json("/api/v1/dashboard", &c.token).await),
        ["Bo Out"]
    );
    assert_eq!(app.state.housekeeping().await.unwrap(), 1);
    let board = app.get_json("/api/v1/dashboard", &c.token).await;
    assert!(present(&board).is_empty(), "{board}");
    assert_eq!(board["unconfirmed"][0]["name"], "Bo Out");
}

/// The analysis worker's results reach the board at once. The clock request does not wait
/// for its analysis here, so the worker (driven by the test) stores it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysis_results_show_at_once_sqlite() {
    analysis_results_show_at_once(StoreKind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysis_results_show_at_once_postgres() {
    analysis_results_show_at_once(StoreKind::Postgres).await;
}

async fn analysis_results_show_at_once(kind: StoreKind) {
    let Some(app) = spawn_app_with(kind, |c| c.analysis_wait = Some(Duration::ZERO)).await else {
        return;
    };
    let c = app.signup("boss@acme.test").await;
    let ada = employee(&app, &c.token, "Ada Lovelace", "ADA-001").await;
    task(
        &app,
        &c.token,
        ada["id"].as_str().unwrap(),
        "Write quarterly report",
    )
    .await;
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&c.token),
            &json!({"id_code": "ADA-001", "standup": "Inventory first."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // Cached now, with or without the result (the app's own worker may be quicker).
    app.get_json("/api/v1/dashboard", &c.token).await;
    app.state.run_due_jobs().await.unwrap();
    // Either this call ran the job, or the app's own worker has it: then its result is
    // stored (and the cache told) once that worker finishes, a moment later.
    let mut board = app.get_json("/api/v1/dashboard", &c.token).await;
    for _ in 0..200 {
        if board["missed_tasks"][0]["missed"].is_array() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        board = app.get_json("/api/v1/dashboard", &c.token).await;
    }
    assert_eq!(
        board["missed_tasks"][0]["missed"],
        json!(["Write quarterly report"]),
        "{board}"
    );
}

async fn timesheet_shows_corrections_and_approvals_at_once(app: TestApp) {
    app.set_clock("2026-03-23T07:00:00Z");
    let c = app.signup("boss@acme.test").await;
    let e = employee(&app, &c.token, "Ada Lovelace", "ADA-001").await;
    let eid = e["id"].as_str().unwrap().to_string();
    app.post_json(
        "/api/v1/clock-in",
        Some(&c.token),
        &json!({"id_code": "ADA-001", "standup": "Inventory."}),
    )
    .await;
    app.set_clock("2026-03-23T15:00:00Z");
    app.post_json(
        "/api/v1/clock-out",
        Some(&c.token),
        &json!({"id_code": "ADA-001", "report": "Done."}),
    )
    .await;
    assert!(app
        .browser_login("boss@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    let week = "/timesheets?period=week&date=2026-03-25";
    let row = |html: String| html.split("Ada Lovelace").nth(1).unwrap().to_string();
    let html = row(app.page(week).await.1);
    assert!(
        html.contains(">8:00<") && html.contains("badge neutral"),
        "{html}"
    );
    // Another day of the same week is the same view.
    assert!(row(app.page("/timesheets?period=week&date=2026-03-27").await.1).contains(">8:00<"));

    // A correction (clock-out an hour later) shows on the next view.
    let list: Value = app.get_json("/api/v1/shifts", &c.token).await;
    let sid = list["shifts"][0]["id"].as_str().unwrap().to_string();
    let res = app
        .api
        .patch(app.url(&format!("/api/v1/shifts/{sid}")))
        .bearer_auth(&c.token)
        .json(&json!({"reason": "left later", "clock_out_at": "2026-03-23T16:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = row(app.page(week).await.1);
    assert!(html.contains(">9:00<"), "{html}");

    // So does an approval.
    let res = app
        .post_json(
            "/api/v1/approvals",
            Some(&c.token),
            &json!({"employee_id": eid, "week": "2026-03-25"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(row(app.page(week).await.1).contains("badge ok"));

    // Another company's timesheet for the same week is its own.
    app.signup("other@acme.test").await;
    assert!(app
        .browser_login("other@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    let (_, html) = app.page(week).await;
    assert!(
        html.contains("No employees yet.") && !html.contains("Ada Lovelace"),
        "{html}"
    );
}

async fn a_large_teams_chart_stacks_the_top_and_everyone_else(app: TestApp) {
    app.set_clock("2026-03-23T06:00:00Z");
    let c = app.signup("boss@acme.test").await;
    // Ten people clock in together; person i leaves after i hours.
    for i in 1..=10 {
        employee(
            &app,
            &c.token,
            &format!("Person {i:02}"),
            &format!("PER-{i:03}"),
        )
        .await;
        let res = app
            .post_json(
                "/api/v1/clock-in",
                Some(&c.token),
                &json!({"id_code": format!("PER-{i:03}"), "standup": "Here."}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    for i in 1..=10 {
        app.clock.advance(SignedDuration::from_hours(1));
        let res = app
            .post_json(
                "/api/v1/clock-out",
                Some(&c.token),
                &json!({"id_code": format!("PER-{i:03}"), "report": "Done."}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert!(app
        .browser_login("boss@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    let (status, html) = app.page("/timesheets?period=week&date=2026-03-23").await;
    assert_eq!(status, StatusCode::OK);
    let chart = html
        .split(r#"aria-labelledby="hours-t hours-d""#)
        .nth(1)
        .unwrap()
        .split("</figure>")
        .next()
        .unwrap();
    // The seven with the most hours stack on their own, the other three as one.
    for i in 4..=10 {
        assert!(
            chart.contains(&format!("Person {i:02} · Mon 23: {i} h")),
            "{chart}"
        );
    }
    assert!(!chart.contains("Person 03"), "{chart}");
    assert!(
        chart.contains("Everyone else (3 people) · Mon 23: 6 h"),
        "1 + 2 + 3 hours: {chart}"
    );
    assert!(chart.contains("then everyone else (3 people)"));
    // The table still lists everyone.
    for i in 1..=10 {
        assert!(html.contains(&format!("Person {i:02}</a>")));
    }
}
