//! Weekly summaries: what goes to the external analyzer is aggregated and anonymised (the
//! request bodies are captured and searched), one summary per week, listed and shown.

use crate::clock::{employee, task};
use crate::helpers::{spawn_app_with, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use store::StoreKind;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_anonymisation_sqlite() {
    summary_is_anonymised_and_once_per_week(StoreKind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_anonymisation_postgres() {
    summary_is_anonymised_and_once_per_week(StoreKind::Postgres).await
}

fn claude_summary(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": json!({"summary": text}).to_string()}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 100, "output_tokens": 30}
    }))
}

/// An app whose analyzer is Claude at the mock, retrying once, quickly.
async fn app_with_claude(kind: StoreKind, mock: &MockServer) -> Option<crate::helpers::TestApp> {
    let uri = mock.uri();
    spawn_app_with(kind, move |config| {
        let mut analyzer = analysis::AnalyzerConfig::local();
        analyzer.anthropic_api_key = Some(secrecy::SecretString::from("sk-ant-test"));
        analyzer.anthropic_base_url = uri;
        analyzer.retry = analysis::RetryPolicy {
            max_retries: 1,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        };
        config.analyzer = analyzer;
    })
    .await
}

/// A shift of eight hours for each ID code, by the supervisor's API token.
async fn work_a_shift(
    t: &crate::helpers::TestApp,
    token: &str,
    code: &str,
    standup: &str,
    report: &str,
) {
    let res = t
        .post_json(
            "/api/v1/clock-in",
            Some(token),
            &json!({"id_code": code, "standup": standup}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    t.clock.advance(jiff::SignedDuration::from_hours(8));
    let res = t
        .post_json(
            "/api/v1/clock-out",
            Some(token),
            &json!({"id_code": code, "report": report}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    t.clock.advance(jiff::SignedDuration::from_hours(-8));
}

/// The employee objects to AI processing (set by the supervisor through the API).
async fn objects(t: &crate::helpers::TestApp, token: &str, id: &str) {
    let res = t
        .api
        .patch(t.url(&format!("/api/v1/employees/{id}")))
        .bearer_auth(token)
        .json(&json!({"objected": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// The bodies of the weekly-summary requests the mock received (other requests are the
/// non-objectors' standup and report checks).
async fn summary_requests(mock: &MockServer) -> Vec<String> {
    mock.received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).to_string())
        .filter(|b| b.contains("week_start"))
        .collect()
}

async fn summary_is_anonymised_and_once_per_week(kind: StoreKind) {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(claude_summary("A steady week for the team."))
        .mount(&mock)
        .await;
    let Some(t) = app_with_claude(kind, &mock).await else {
        return;
    };
    let state = t.state.clone();
    let clock = t.clock.clone();
    // Two weeks ago, so the week is finished when the summary is written.
    clock.advance(jiff::SignedDuration::from_hours(-24 * 14));
    let c = t.signup("boss@acme.test").await;
    // Five people who did not object: the smallest group whose week is summarised in full.
    for n in 1..=5 {
        employee(
            &t,
            &c.token,
            &format!("Worker Number{n}"),
            &format!("W-00{n}"),
        )
        .await;
        work_a_shift(
            &t,
            &c.token,
            &format!("W-00{n}"),
            "Paint the fence",
            "Painted the fence.",
        )
        .await;
    }
    let e = employee(&t, &c.token, "Ada Lovelace", "ADA-SECRET-7").await;
    let eid = e["id"].as_str().unwrap();
    task(&t, &c.token, eid, "Recalibrate the xylophone tuner").await;
    // She objected to AI processing: her notes stay local, and her week is not in the
    // figures at all.
    objects(&t, &c.token, eid).await;
    let report =
        "Blocked on the xylophone tuner: waiting for VPN access. Also quokka-unplanned work.";
    work_a_shift(
        &t,
        &c.token,
        "ADA-SECRET-7",
        "Recalibrate the xylophone tuner, zebra-note",
        report,
    )
    .await;
    clock.advance(jiff::SignedDuration::from_hours(8));
    let day = domain::calendar::workday(
        clock.now(),
        &jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
    );
    clock.advance(jiff::SignedDuration::from_hours(24 * 14 - 8));

    for r in mock.received_requests().await.unwrap_or_default() {
        let body = String::from_utf8_lossy(&r.body).to_lowercase();
        assert!(
            !body.contains("xylophone") && !body.contains("zebra-note"),
            "nothing went out for an objector's notes: {body}"
        );
    }
    assert!(summary_requests(&mock).await.is_empty());
    let created = app::summaries::run_for(&state, Some(day)).await.unwrap();
    assert_eq!(created, 1);
    assert_eq!(
        app::summaries::run_for(&state, Some(day)).await.unwrap(),
        0,
        "idempotent per week"
    );

    let requests = summary_requests(&mock).await;
    assert_eq!(requests.len(), 1, "one summary, one request");
    let body = &requests[0];
    for secret in [
        "Ada",
        "Lovelace",
        "ADA-SECRET-7",
        "ada-secret",
        "xylophone",
        "zebra-note",
        "quokka",
        "VPN",
        "Acme",
        "boss@acme.test",
        "Number1",
        "W-001",
        "fence",
        eid,
    ] {
        assert!(
            !body.to_lowercase().contains(&secret.to_lowercase()),
            "{secret:?} leaked to the analyzer: {body}"
        );
    }
    // What did go: counts, and the blocker only as a theme.
    assert!(
        body.contains("employees_active") && body.contains("blocker_themes"),
        "{body}"
    );

    let list: Value = t.get_json("/api/v1/summaries", &c.token).await;
    let s = &list["summaries"][0];
    assert_eq!(s["summary"], "A steady week for the team.");
    assert_eq!(s["analyzer"], "claude");
    // The objector's shift is not counted: five people, five shifts, no blocker.
    assert_eq!(s["figures"]["shifts"], 5);
    assert_eq!(s["figures"]["employees_active"], 5);
    assert_eq!(s["figures"]["small_group"], false);
    assert_eq!(s["figures"]["total_hours"], 40.0);
    let id = s["id"].as_str().unwrap();
    let one: Value = t
        .get_json(&format!("/api/v1/summaries/{id}"), &c.token)
        .await;
    assert_eq!(one["week_start"], s["week_start"]);
    let other = t.signup("boss@other.test").await;
    assert_eq!(
        t.get_api(&format!("/api/v1/summaries/{id}"), &other.token)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The page and the board show it; owners got it by mail.
    assert!(t
        .browser_login("boss@acme.test", PASSWORD)
        .await
        .status()
        .is_redirection());
    let (status, html) = t.page(&format!("/summaries/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("A steady week for the team.")
            && html.contains("<svg")
            && html.contains("Blockers by theme")
    );
    let (_, board) = t.page("/dashboard").await;
    assert!(board.contains(&format!("/summaries/{id}")));
    assert!(
        t.outbox()
            .iter()
            .any(|m| m.contains("Weekly summary") && m.contains("A steady week")),
        "mailed to the owner"
    );

    // An analyzer outage falls back to the local template (next week, nothing recorded).
    mock.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&mock)
        .await;
    let next = day.checked_add(jiff::ToSpan::days(7)).unwrap();
    assert_eq!(
        app::summaries::run_for(&state, Some(next)).await.unwrap(),
        1
    );
    let list: Value = t.get_json("/api/v1/summaries", &c.token).await;
    assert_eq!(list["summaries"][0]["analyzer"], "local");
    assert_eq!(list["summaries"][0]["fallback"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_group_sqlite() {
    small_group_gets_totals_only_and_no_model(StoreKind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_group_postgres() {
    small_group_gets_totals_only_and_no_model(StoreKind::Postgres).await
}

/// Four people worked (a fifth objected): only team totals, by the local template, and the
/// model is not asked.
async fn small_group_gets_totals_only_and_no_model(kind: StoreKind) {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(claude_summary("Should not be asked."))
        .mount(&mock)
        .await;
    let Some(t) = app_with_claude(kind, &mock).await else {
        return;
    };
    t.clock.advance(jiff::SignedDuration::from_hours(-24 * 14));
    let c = t.signup("boss@small.test").await;
    for n in 1..=5 {
        let e = employee(
            &t,
            &c.token,
            &format!("Worker Number{n}"),
            &format!("S-00{n}"),
        )
        .await;
        if n == 5 {
            objects(&t, &c.token, e["id"].as_str().unwrap()).await;
        }
        work_a_shift(
            &t,
            &c.token,
            &format!("S-00{n}"),
            "Sort the mail",
            "Sorted the mail.",
        )
        .await;
    }
    let day = domain::calendar::workday(
        t.clock.now(),
        &jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
    );
    t.clock.advance(jiff::SignedDuration::from_hours(24 * 14));
    assert_eq!(
        app::summaries::run_for(&t.state, Some(day)).await.unwrap(),
        1
    );
    assert!(
        summary_requests(&mock).await.is_empty(),
        "no model saw the week"
    );
    let list: Value = t.get_json("/api/v1/summaries", &c.token).await;
    let s = &list["summaries"][0];
    assert_eq!(s["analyzer"], "local");
    assert_eq!(s["fallback"], false);
    let f = &s["figures"];
    assert_eq!(
        (
            f["small_group"].clone(),
            f["employees_active"].clone(),
            f["shifts"].clone()
        ),
        (json!(true), json!(4), json!(4))
    );
    assert_eq!(f["avg_score"], Value::Null);
    assert_eq!(f["score_buckets"], json!([0, 0, 0, 0, 0]));
    let text = s["summary"].as_str().unwrap();
    assert!(
        text.contains("4 employees worked 4 shifts for a total of 32 hours"),
        "{text}"
    );
    assert!(text.contains("fewer than 5 people worked"), "{text}");
}
