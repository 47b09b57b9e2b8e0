//! The free trial's end (issue 15): a banner on every page throughout; after 14 days
//! changes are refused (API: JSON `read_only`; pages: the message) while clocking goes on
//! for a grace week with a notice at the clock; then clocking stops too; subscribing
//! lifts it all. The clock is pinned and moved, never slept.

use crate::billing_support::{both_with, Ctx, Setup};
use crate::clock::{employee, kiosk};
use crate::helpers::{error_of, PASSWORD};
use crate::kiosk_pages::new_clock_link;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::json;

both_with!(Setup::Billing => trial_end_refuses_changes_then_clocking_with_a_notice_throughout);

async fn add_status(c: &Ctx, token: &str, code: &str) -> (StatusCode, String, String) {
    let res = c
        .app
        .post_json(
            "/api/v1/employees",
            Some(token),
            &json!({"name": "New Person", "id_code": code}),
        )
        .await;
    if res.status() == StatusCode::CREATED {
        return (StatusCode::CREATED, String::new(), String::new());
    }
    error_of(res).await
}

async fn clock(c: &Ctx, kiosk: &str, what: &str, body: serde_json::Value) -> reqwest::Response {
    c.app
        .post_json(&format!("/api/v1/{what}"), Some(kiosk), &body)
        .await
}

async fn trial_end_refuses_changes_then_clocking_with_a_notice_throughout(c: Ctx) {
    c.app.set_clock("2026-03-02T09:00:00Z");
    let co = c.app.signup("owner@acme.test").await;
    let ada = employee(&c.app, &co.token, "Ada", "ADA-1").await;
    let k = kiosk(&c.app, &co.token).await;
    c.app.browser_login(&co.email, PASSWORD).await;
    let csrf = c.app.csrf().await;
    let (link, _) = new_clock_link(&c.app, &csrf, ada["id"].as_str().unwrap()).await;

    // During the trial: a plain notice with the way to subscribe.
    let (_, html) = c.app.page("/dashboard").await;
    assert!(
        html.contains("Free trial: 14 days left (until 2026-03-16)"),
        "{html}"
    );
    assert!(html.contains("<a href=\"/billing\">Subscribe in Billing</a>"));
    assert_eq!(
        add_status(&c, &co.token, "NEW-001").await.0,
        StatusCode::CREATED
    );

    // Trial over: changes are refused with the reason and the way out ...
    c.app.clock.advance(SignedDuration::from_hours(14 * 24 + 1));
    // (Signing in stays possible; the old session has expired.)
    c.app.browser_login(&co.email, PASSWORD).await;
    let csrf = c.app.csrf().await;
    let (status, code, msg) = add_status(&c, &co.token, "NEW-002").await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "read_only")
    );
    assert!(msg.contains("free trial ended on 2026-03-16"), "{msg}");
    assert!(msg.contains("subscribe in Billing"), "{msg}");
    assert!(msg.contains("clock in and out until 2026-03-23"), "{msg}");
    let res = c
        .app
        .form(
            "/employees",
            &[
                ("csrf", &csrf),
                ("name", "Form Person"),
                ("id_code", "FRM-001"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("free trial ended"));
    for page in ["/dashboard", "/employees", "/settings"] {
        let (status, html) = c.app.page(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(html.contains("id=\"account-notice\""), "{page}");
        assert!(
            html.contains("The free trial ended on 2026-03-16"),
            "{page}"
        );
        assert!(html.contains("Subscribe in Billing</a>"), "{page}");
    }
    // ... while the clock keeps working for the grace week, and says until when.
    let res = clock(
        &c,
        &k,
        "clock-in",
        json!({"id_code": "ADA-1", "standup": "Stock count"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let phone = reqwest::Client::new();
    let screen = phone
        .get(c.app.url(&link))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        screen.contains("Clocking in and out here stops on 2026-03-23"),
        "{screen}"
    );

    // Grace over: clocking stops too, with the reason; viewing and exporting go on.
    c.app.clock.advance(SignedDuration::from_hours(7 * 24));
    let res = clock(
        &c,
        &k,
        "clock-out",
        json!({"id_code": "ADA-1", "report": "Counted"}),
    )
    .await;
    let (status, code, msg) = error_of(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "read_only")
    );
    assert!(msg.contains("clocking included"), "{msg}");
    let res = phone
        .post(c.app.url(&link))
        .form(&[("action", "clock-out"), ("text", "Counted")])
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("clocking included"));
    assert_eq!(
        c.app.get_api("/api/v1/employees", &co.token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        c.app
            .get_api("/api/v1/exports/shifts.csv", &co.token)
            .await
            .status(),
        StatusCode::OK
    );

    // Subscribed: everything is back and the notice is gone.
    c.subscribed(&co.company_id, 2).await;
    assert_eq!(
        add_status(&c, &co.token, "NEW-003").await.0,
        StatusCode::CREATED
    );
    let res = clock(
        &c,
        &k,
        "clock-in",
        json!({"id_code": "NEW-003", "standup": "Stock count"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    c.app.browser_login(&co.email, PASSWORD).await;
    let (_, html) = c.app.page("/dashboard").await;
    assert!(!html.contains("account-notice"), "{html}");
}
