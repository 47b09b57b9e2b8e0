//! Workdays follow the company's IANA zone; durations are real elapsed time across DST.

use crate::both;
use crate::clock::employee;
use crate::helpers::{csrf_in, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    overnight_shift_over_the_spring_change_in_berlin,
    fall_back_in_new_york,
    half_hour_zone_day_boundary,
    corrections_form_takes_local_time_in_the_company_zone,
);

async fn company_in(app: &TestApp, tz: &str) -> String {
    let res = app
        .post_json("/api/v1/signup", None, &json!({"company_name": "Zoned", "email": format!("{}@tz.test", tz.replace('/', "-").to_lowercase()), "password": PASSWORD, "timezone": tz}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn punch(app: &TestApp, token: &str, code: &str, at_in: &str, at_out: &str) -> Value {
    app.clock.set(at_in.parse().unwrap());
    let r = app
        .post_json(
            "/api/v1/clock-in",
            Some(token),
            &json!({"id_code": code, "standup": "night shift"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    app.clock.set(at_out.parse().unwrap());
    let r = app
        .post_json(
            "/api/v1/clock-out",
            Some(token),
            &json!({"id_code": code, "report": "done"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = app.get_json("/api/v1/shifts", token).await;
    list["shifts"].as_array().unwrap().last().unwrap().clone()
}

async fn overnight_shift_over_the_spring_change_in_berlin(app: TestApp) {
    let token = company_in(&app, "Europe/Berlin").await;
    employee(&app, &token, "Nacht", "NIGHT-1").await;
    // 22:00 CET on 28 March to 07:00 CEST on 29 March: the clock jumps at 02:00, so 8 hours.
    let s = punch(
        &app,
        &token,
        "NIGHT-1",
        "2026-03-28T21:00:00Z",
        "2026-03-29T05:00:00Z",
    )
    .await;
    assert_eq!(
        s["workday"], "2026-03-28",
        "belongs to the evening it started"
    );
    assert_eq!(s["worked_minutes"], 8 * 60);
    // Filtering by local day uses the zone's real day bounds.
    let day: Value = app
        .get_json("/api/v1/shifts?from=2026-03-28&to=2026-03-28", &token)
        .await;
    assert_eq!(day["shifts"].as_array().unwrap().len(), 1);
    let next: Value = app
        .get_json("/api/v1/shifts?from=2026-03-29&to=2026-03-29", &token)
        .await;
    assert!(next["shifts"].as_array().unwrap().is_empty());
}

async fn fall_back_in_new_york(app: TestApp) {
    let token = company_in(&app, "America/New_York").await;
    employee(&app, &token, "Owl", "OWL-001").await;
    // 22:00 EDT on 31 Oct to 06:00 EST on 1 Nov: the clock repeats 01:00–02:00, so 9 hours.
    let s = punch(
        &app,
        &token,
        "OWL-001",
        "2026-11-01T02:00:00Z",
        "2026-11-01T11:00:00Z",
    )
    .await;
    assert_eq!(s["workday"], "2026-10-31");
    assert_eq!(s["worked_minutes"], 9 * 60);
}

async fn half_hour_zone_day_boundary(app: TestApp) {
    let token = company_in(&app, "Asia/Kolkata").await;
    employee(&app, &token, "Early", "EARLY-1").await;
    // 18:30 UTC is already 00:00 the next day in India (UTC+5:30).
    let s = punch(
        &app,
        &token,
        "EARLY-1",
        "2026-06-01T18:30:00Z",
        "2026-06-01T20:00:00Z",
    )
    .await;
    assert_eq!(s["workday"], "2026-06-02");
    assert_eq!(s["worked_minutes"], 90);
}

async fn correct_times(
    app: &TestApp,
    shift: &str,
    clock_in: &str,
    clock_out: &str,
) -> reqwest::Response {
    let csrf = csrf_in(&app.page(&format!("/shifts/{shift}")).await.1).unwrap();
    app.form(
        &format!("/shifts/{shift}"),
        &[
            ("csrf", csrf.as_str()),
            ("clock_in_at", clock_in),
            ("clock_out_at", clock_out),
            ("standup", "night shift"),
            ("report", "done"),
            ("reason", "forgot to clock out"),
        ],
    )
    .await
}

/// The shift page's correction form shows and takes local date and time in the company's
/// zone (`datetime-local`), not UTC; a skipped time is refused with a clear message, a
/// repeated one means its first occurrence.
async fn corrections_form_takes_local_time_in_the_company_zone(app: TestApp) {
    let token = company_in(&app, "Europe/Berlin").await;
    employee(&app, &token, "Nacht", "NIGHT-1").await;
    app.browser_login("europe-berlin@tz.test", PASSWORD).await;
    let spring = punch(
        &app,
        &token,
        "NIGHT-1",
        "2026-03-28T21:00:00Z",
        "2026-03-29T05:00:00Z",
    )
    .await;
    let id = spring["id"].as_str().unwrap();
    let (_, html) = app.page(&format!("/shifts/{id}")).await;
    assert!(
        html.contains(r#"name="clock_in_at" type="datetime-local" value="2026-03-28T22:00""#)
            && html
                .contains(r#"name="clock_out_at" type="datetime-local" value="2026-03-29T07:00""#),
        "local values in the form: {html}"
    );
    assert!(html.contains("Clock-in (Europe/Berlin)"));

    let res = correct_times(&app, id, "2026-03-28T22:00", "2026-03-29T02:30").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("2026-03-29 02:30 does not exist in Europe/Berlin"),
        "the gap is named: {page}"
    );
    let res = correct_times(&app, id, "2026-03-28T22:00", "2026-03-29T06:15").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let s: Value = app.get_json(&format!("/api/v1/shifts/{id}"), &token).await;
    assert_eq!(s["clock_in_at"], "2026-03-28T21:00:00Z", "unchanged");
    assert_eq!(s["clock_out_at"], "2026-03-29T04:15:00Z", "06:15 CEST");

    // Fall back: 02:30 on 25 October happens twice; the first is still summer time.
    let autumn = punch(
        &app,
        &token,
        "NIGHT-1",
        "2026-10-24T20:00:00Z",
        "2026-10-25T05:00:00Z",
    )
    .await;
    let id = autumn["id"].as_str().unwrap();
    let res = correct_times(&app, id, "2026-10-24T22:00", "2026-10-25T02:30").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let s: Value = app.get_json(&format!("/api/v1/shifts/{id}"), &token).await;
    assert_eq!(s["clock_in_at"], "2026-10-24T20:00:00Z");
    assert_eq!(s["clock_out_at"], "2026-10-25T00:30:00Z", "02:30 CEST");
    let res = correct_times(&app, id, "not a time", "").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("like 2026-05-01T08:00"));
}
