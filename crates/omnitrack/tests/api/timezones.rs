//! Workdays follow the company's IANA zone; durations are real elapsed time across DST.

use crate::both;
use crate::clock::employee;
use crate::helpers::{TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    overnight_shift_over_the_spring_change_in_berlin,
    fall_back_in_new_york,
    half_hour_zone_day_boundary
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
