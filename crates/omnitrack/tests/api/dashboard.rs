//! The live board (page and JSON) and timesheets with breaks across a DST week.

use crate::both;
use crate::clock::{employee, kiosk, task};
use crate::helpers::{csrf_in, TestApp, PASSWORD};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    board_shows_who_is_in_and_missed_tasks,
    timesheet_totals_breaks_and_a_dst_week
);

async fn board_shows_who_is_in_and_missed_tasks(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let ada = employee(&app, &c.token, "Ada Lovelace", "ADA-001").await;
    let ada_id = ada["id"].as_str().unwrap();
    task(&app, &c.token, ada_id, "Fix login redirect loop").await;
    task(&app, &c.token, ada_id, "Write quarterly report").await;
    employee(&app, &c.token, "Bo Out", "BO-0001").await;
    let k = kiosk(&app, &c.token).await;
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&k),
            &json!({"id_code": "ADA-001", "standup": "Today I will fix the login redirect loop."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.clock.advance(SignedDuration::from_mins(20));
    assert_eq!(
        app.post_json(
            "/api/v1/breaks/start",
            Some(&k),
            &json!({"id_code": "ADA-001"})
        )
        .await
        .status(),
        StatusCode::OK
    );

    let board: Value = app.get_json("/api/v1/dashboard", &c.token).await;
    assert_eq!(board["timezone"], "Europe/Berlin");
    let present = board["present"].as_array().unwrap();
    assert_eq!(present.len(), 1, "{board}");
    assert_eq!(present[0]["name"], "Ada Lovelace");
    assert_eq!(present[0]["on_break"], true);
    assert_eq!(present[0]["worked_minutes"], 20);
    let missed = board["missed_tasks"].as_array().unwrap();
    assert_eq!(missed.len(), 1, "{board}");
    assert_eq!(missed[0]["missed"], json!(["Write quarterly report"]));
    assert!(board["failed_analyses"].as_array().unwrap().is_empty());
    assert!(board["unconfirmed"].as_array().unwrap().is_empty());

    // The page shows the same, refreshes itself, and works without JavaScript.
    assert!(app
        .browser_login("boss@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    let (status, html) = app.page("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Ada Lovelace") && html.contains("On break"),
        "{html}"
    );
    assert!(html.contains("Write quarterly report"));
    assert!(
        html.contains(r#"id="board""#)
            && html.contains(r#"data-autorefresh="30""#)
            && html.contains(r#"data-src="/dashboard""#)
    );
    assert!(!html.contains("style="), "no inline styles under the CSP");
    assert!(!html.contains("Bo Out"), "not clocked in, not on the board");

    // Another company's board is empty; viewers without a session are sent to log in.
    let other = app.signup("other@acme.test").await;
    let b2: Value = app.get_json("/api/v1/dashboard", &other.token).await;
    assert!(
        b2["present"].as_array().unwrap().is_empty()
            && b2["missed_tasks"].as_array().unwrap().is_empty()
    );
    assert_eq!(
        app.api
            .get(app.url("/api/v1/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Retrying an unknown job through the page is a 404; without the CSRF token, 403.
    let id = uuid::Uuid::now_v7();
    let csrf = csrf_in(&html).unwrap();
    assert_eq!(
        app.form(&format!("/dashboard/jobs/{id}/retry"), &[("csrf", &csrf)])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.form(&format!("/dashboard/jobs/{id}/retry"), &[("csrf", "nope")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

/// Pins the app's clock at `at` (exact: no sub-millisecond drift, so an 05:00 clock-out
/// cannot show as 06:59 in the company's zone).
async fn timesheet_totals_breaks_and_a_dst_week(app: TestApp) {
    // Monday 23 March 2026, 08:00 in Berlin (CET, UTC+1). Summer time starts on Sunday the 29th.
    app.set_clock("2026-03-23T07:00:00Z");
    let c = app.signup("boss@acme.test").await;
    let e = employee(&app, &c.token, "Ada Lovelace", "ADA-001").await;
    let eid = e["id"].as_str().unwrap().to_string();
    let id = json!({"id_code": "ADA-001"});
    let clock_in = json!({"id_code": "ADA-001", "standup": "Inventory."});
    let clock_out = json!({"id_code": "ADA-001", "report": "Done."});
    assert_eq!(
        app.post_json("/api/v1/clock-in", Some(&c.token), &clock_in)
            .await
            .status(),
        StatusCode::CREATED
    );
    app.set_clock("2026-03-23T11:00:00Z");
    app.post_json("/api/v1/breaks/start", Some(&c.token), &id)
        .await;
    app.set_clock("2026-03-23T11:30:00Z");
    app.post_json("/api/v1/breaks/end", Some(&c.token), &id)
        .await;
    app.set_clock("2026-03-23T15:30:00Z");
    assert_eq!(
        app.post_json("/api/v1/clock-out", Some(&c.token), &clock_out)
            .await
            .status(),
        StatusCode::OK
    );
    // Saturday 22:00 CET to Sunday 07:00 CEST: nine hours on the wall clock, eight real ones.
    app.set_clock("2026-03-28T21:00:00Z");
    assert_eq!(
        app.post_json("/api/v1/clock-in", Some(&c.token), &clock_in)
            .await
            .status(),
        StatusCode::CREATED
    );
    app.set_clock("2026-03-29T05:00:00Z");
    assert_eq!(
        app.post_json("/api/v1/clock-out", Some(&c.token), &clock_out)
            .await
            .status(),
        StatusCode::OK
    );

    assert!(app
        .browser_login("boss@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    let (status, html) = app.page("/timesheets?period=week&date=2026-03-25").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Week of 23 Mar – 29 Mar 2026"), "{html}");
    let row = html.split("Ada Lovelace").nth(1).unwrap();
    // 8 h (8.5 h minus a 30 min break) + 8 h across the DST change.
    assert!(
        row.contains(">16:00<") && row.contains(">0:30<") && row.contains(">40:00<"),
        "{row}"
    );
    assert!(html.contains("times in Europe/Berlin"));
    assert!(
        html.contains("<svg")
            && html.contains("Hours per day by employee")
            && html.contains("viewBox")
    );
    // The Saturday shift belongs to Saturday (it started then), and the day view says so.
    let (_, day) = app.page("/timesheets?period=day&date=2026-03-28").await;
    let row = day.split("Ada Lovelace").nth(1).unwrap();
    assert!(row.contains(">8:00<"), "{row}");
    // A Sunday-start week (not configured here) is not assumed: the 29th is in the same week.
    let (_, month) = app.page("/timesheets?period=month&date=2026-03-10").await;
    assert!(
        month.contains("March 2026")
            && month
                .split("Ada Lovelace")
                .nth(1)
                .unwrap()
                .contains(">16:00<")
    );

    // Overtime against a configurable weekly target.
    let csrf = csrf_in(&html).unwrap();
    assert!(app
        .form("/timesheets/target", &[("csrf", &csrf), ("hours", "10")])
        .await
        .status()
        .is_redirection());
    let (_, html) = app.page("/timesheets?period=week&date=2026-03-25").await;
    let row = html.split("Ada Lovelace").nth(1).unwrap();
    assert!(row.contains(">10:00<") && row.contains(">6:00<"), "{row}");
    assert_eq!(
        app.form("/timesheets/target", &[("csrf", &csrf), ("hours", "abc")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.form("/timesheets/target", &[("csrf", &csrf), ("hours", "200")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    // Approval state.
    let res = app
        .post_json(
            "/api/v1/approvals",
            Some(&c.token),
            &json!({"employee_id": eid, "week": "2026-03-25"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, html) = app.page("/timesheets?period=week&date=2026-03-25").await;
    assert!(
        html.split("Ada Lovelace")
            .nth(1)
            .unwrap()
            .contains("badge ok"),
        "approved"
    );

    // The employee's own timesheet: weeks, shifts, charts.
    let (status, html) = app
        .page(&format!(
            "/employees/{eid}/timesheet?date=2026-03-25&weeks=2"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(">16:00<") && html.contains("2026-03-23") && html.contains("Score trend"),
        "{html}"
    );
    assert!(
        html.contains("22:00") && html.contains("07:00"),
        "local times in the zone: {html}"
    );

    // Bad input is a 400 with a message, never a 500; unknown employees are 404.
    assert_eq!(
        app.page("/timesheets?period=year").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.page("/timesheets?date=2026-02-30").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.page(&format!("/employees/{eid}/timesheet?weeks=0"))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.page(&format!("/employees/{}/timesheet", uuid::Uuid::now_v7()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.page("/employees/not-an-id/timesheet").await.0,
        StatusCode::NOT_FOUND
    );
}
