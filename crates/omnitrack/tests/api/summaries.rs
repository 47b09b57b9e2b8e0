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

async fn summary_is_anonymised_and_once_per_week(kind: StoreKind) {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(claude_summary("A steady week for the team."))
        .mount(&mock)
        .await;
    let uri = mock.uri();
    let Some(t) = spawn_app_with(kind, move |config| {
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
    else {
        return;
    };
    let state = t.state.clone();
    let clock = t.clock.clone();
    // Two weeks ago, so the week is finished when the summary is written.
    clock.advance(jiff::SignedDuration::from_hours(-24 * 14));
    let c = t.signup("boss@acme.test").await;
    let e = employee(&t, &c.token, "Ada Lovelace", "ADA-SECRET-7").await;
    let eid = e["id"].as_str().unwrap();
    task(&t, &c.token, eid, "Recalibrate the xylophone tuner").await;
    // She objected to AI processing: her notes stay local; only the weekly figures go out.
    let res = t
        .api
        .patch(t.url(&format!("/api/v1/employees/{eid}")))
        .bearer_auth(&c.token)
        .json(&json!({"objected": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = t.post_json("/api/v1/clock-in", Some(&c.token), &json!({"id_code": "ADA-SECRET-7", "standup": "Recalibrate the xylophone tuner, zebra-note"})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    clock.advance(jiff::SignedDuration::from_hours(8));
    let report =
        "Blocked on the xylophone tuner: waiting for VPN access. Also quokka-unplanned work.";
    assert_eq!(
        t.post_json(
            "/api/v1/clock-out",
            Some(&c.token),
            &json!({"id_code": "ADA-SECRET-7", "report": report})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let day = domain::calendar::workday(
        clock.now(),
        &jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
    );
    clock.advance(jiff::SignedDuration::from_hours(24 * 14 - 8));

    assert!(
        mock.received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "nothing went out for an objector's notes"
    );
    let created = app::summaries::run_for(&state, Some(day)).await.unwrap();
    assert_eq!(created, 1);
    assert_eq!(
        app::summaries::run_for(&state, Some(day)).await.unwrap(),
        0,
        "idempotent per week"
    );

    let requests = mock.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "one summary, one request");
    let body = String::from_utf8_lossy(&requests[0].body).to_string();
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
    assert_eq!(s["figures"]["shifts"], 1);
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
