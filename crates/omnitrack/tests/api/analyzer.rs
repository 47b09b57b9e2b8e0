//! The analysis pipeline against a fake Claude: results land on the shift, outages lose no
//! punch and complete after recovery or fall back to the local analyzer, nothing personal
//! leaves the system, and objections keep the text away from external AI entirely.

use crate::clock::{employee, task};
use crate::helpers::{spawn_app_with, TestApp};
use analysis::{AnalyzerConfig, RetryPolicy};
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::time::Duration;
use store::StoreKind;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

macro_rules! both_with_fake {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { super::run(store::StoreKind::Sqlite, super::$name).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { super::run(store::StoreKind::Postgres, super::$name).await }
        }
    )*};
}

both_with_fake!(
    claude_results_land_and_requests_hold_nothing_personal,
    outage_loses_no_punch_and_completes_after_recovery,
    persistent_outage_falls_back_to_local_and_says_so,
    objection_means_no_external_processing,
    every_outage_gets_a_provisional_answer_replaced_once_the_model_recovers,
);

async fn run<F, Fut>(kind: StoreKind, test: F)
where
    F: FnOnce(TestApp, MockServer) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let fake = MockServer::start().await;
    let uri = fake.uri();
    let app = spawn_app_with(kind, move |c| {
        c.analyzer = AnalyzerConfig {
            anthropic_api_key: Some(SecretString::from("sk-ant-test-key".to_string())),
            anthropic_base_url: uri,
            timeout: Duration::from_secs(5),
            retry: RetryPolicy {
                max_retries: 0,
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(20),
            },
            ..AnalyzerConfig::local()
        };
    })
    .await;
    if let Some(app) = app {
        test(app, fake).await
    }
}

fn claude(output: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": output.to_string()}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 10, "output_tokens": 10}
    }))
}

fn is_report(req: &wiremock::Request) -> bool {
    String::from_utf8_lossy(&req.body).contains("\"blockers\"")
}

async fn mount_working_claude(fake: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", "sk-ant-test-key"))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(move |req: &wiremock::Request| {
            if is_report(req) {
                claude(json!({"tasks": [
                    {"task": "Reconcile March invoices", "status": "done", "evidence": "reconciled"},
                    {"task": "Call supplier about pallets", "status": "blocked", "evidence": "no answer"}],
                    "blockers": ["supplier not answering"], "unplanned": []}))
            } else {
                claude(json!({"tasks": [
                    {"task": "Reconcile March invoices", "mentioned": true, "evidence": "invoices"},
                    {"task": "Call supplier about pallets", "mentioned": false, "evidence": null}]}))
            }
        })
        .mount(fake)
        .await;
}

async fn setup(app: &TestApp) -> String {
    let c = app.signup("boss@secretco.test").await;
    let e = employee(app, &c.token, "Zelda Secretname", "ZEL-777").await;
    let eid = e["id"].as_str().unwrap();
    task(app, &c.token, eid, "Reconcile March invoices").await;
    task(app, &c.token, eid, "Call supplier about pallets").await;
    c.token
}

async fn shift_of(app: &TestApp, token: &str) -> Value {
    let list: Value = app.get_json("/api/v1/shifts", token).await;
    list["shifts"][0].clone()
}

/// Polls until the shift's final report analysis has landed (the background worker may
/// get there first; either way it must land). A provisional one does not count.
async fn wait_for_score(app: &TestApp, token: &str) -> Value {
    for _ in 0..100 {
        app.state.run_due_jobs().await.unwrap();
        let s = shift_of(app, token).await;
        if !s["score"].is_null() && s["score"]["provisional"] == false {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the final analysis never landed");
}

async fn claude_results_land_and_requests_hold_nothing_personal(app: TestApp, fake: MockServer) {
    mount_working_claude(&fake).await;
    let token = setup(&app).await;
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&token),
            &json!({"id_code": "ZEL-777", "standup": "Zelda here: invoices first"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["standup_check"]["tasks"][1]["mentioned"], false);
    let res = app.post_json("/api/v1/clock-out", Some(&token), &json!({"id_code": "ZEL-777", "report": "Reconciled all invoices. Supplier did not answer."})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let s = wait_for_score(&app, &token).await;
    assert_eq!(s["score"]["analyzer"], "claude");
    assert_eq!(s["score"]["fallback"], false);
    assert_eq!(s["score"]["breakdown"]["blocked"], 1);
    // done (1) + blocked (0.25) of 2 tasks → 62.5% of the task weight.
    assert_eq!(s["score"]["score"], 53);
    let requests = fake.received_requests().await.unwrap();
    assert!(requests.len() >= 2);
    for r in requests {
        let body = String::from_utf8_lossy(&r.body).to_lowercase();
        for secret in [
            "secretname",
            "zel-777",
            "boss@secretco.test",
            "acme",
            &s["employee_id"].as_str().unwrap().to_lowercase(),
            &s["id"].as_str().unwrap().to_lowercase(),
        ] {
            assert!(
                !body.contains(secret),
                "'{secret}' leaked to the model: {body}"
            );
        }
        assert!(!body.contains("temperature"));
    }
}

async fn outage_loses_no_punch_and_completes_after_recovery(app: TestApp, fake: MockServer) {
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(529).set_body_json(json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})))
        .up_to_n_times(2)
        .mount(&fake)
        .await;
    mount_working_claude(&fake).await;
    let token = setup(&app).await;
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&token),
            &json!({"id_code": "ZEL-777", "standup": "invoices"}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "the punch never waits on the model"
    );
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["standup_check"]["tasks"][0]["mentioned"], true,
        "the local check answers at once"
    );
    assert_eq!(v["check_provisional"], true, "{v}");
    let res = app
        .post_json(
            "/api/v1/clock-out",
            Some(&token),
            &json!({"id_code": "ZEL-777", "report": "Reconciled invoices."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // The retries are due after their backoff.
    app.clock.advance(jiff::SignedDuration::from_mins(5));
    let s = wait_for_score(&app, &token).await;
    assert_eq!(
        s["score"]["analyzer"], "claude",
        "completed by the recovered model"
    );
    assert!(!s["standup_check"].is_null());
    assert_eq!(app.state.store.pending_jobs().await.unwrap(), 0);
}

async fn persistent_outage_falls_back_to_local_and_says_so(app: TestApp, fake: MockServer) {
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&fake)
        .await;
    let token = setup(&app).await;
    app.post_json(
        "/api/v1/clock-in",
        Some(&token),
        &json!({"id_code": "ZEL-777", "standup": "invoices"}),
    )
    .await;
    app.post_json(
        "/api/v1/clock-out",
        Some(&token),
        &json!({"id_code": "ZEL-777", "report": "Reconciled the March invoices, done."}),
    )
    .await;
    // The local result stands in at once, provisional.
    let mut s = shift_of(&app, &token).await;
    assert_eq!(s["score"]["provisional"], true, "{s}");
    // Each round the failed job is due again; after three external failures the local
    // result is final.
    for _ in 0..40 {
        if s["score"]["provisional"] == false {
            break;
        }
        app.clock.advance(jiff::SignedDuration::from_mins(15));
        app.state.run_due_jobs().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        s = shift_of(&app, &token).await;
    }
    assert_eq!(s["score"]["analyzer"], "local");
    assert_eq!(s["score"]["fallback"], true, "marked as a fallback");
    assert_eq!(s["score"]["provisional"], false);
    assert_eq!(s["score"]["extraction"]["tasks"][0]["status"], "done");
}

async fn objection_means_no_external_processing(app: TestApp, fake: MockServer) {
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&fake)
        .await;
    let token = setup(&app).await;
    let list: Value = app.get_json("/api/v1/employees", &token).await;
    let eid = list["employees"][0]["id"].as_str().unwrap();
    let res = app
        .api
        .patch(app.url(&format!("/api/v1/employees/{eid}")))
        .bearer_auth(&token)
        .json(&json!({"objected": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["objected"], true);
    app.post_json(
        "/api/v1/clock-in",
        Some(&token),
        &json!({"id_code": "ZEL-777", "standup": "invoices"}),
    )
    .await;
    app.post_json(
        "/api/v1/clock-out",
        Some(&token),
        &json!({"id_code": "ZEL-777", "report": "Reconciled invoices."}),
    )
    .await;
    let s = wait_for_score(&app, &token).await;
    assert_eq!(s["score"]["analyzer"], "local");
    assert_eq!(
        s["score"]["fallback"], false,
        "not a fallback: the local analyzer was the choice"
    );
    fake.verify().await;
}

/// The model down in every way it goes down (overloaded, server error, no answer within
/// the wait, an answer that is not the schema): the clock-out itself answers with the
/// local score, marked provisional (or final, where retrying cannot help), the board lists
/// it, and once the model is back its answer replaces it in place — one score row, and
/// the audit log says so.
async fn every_outage_gets_a_provisional_answer_replaced_once_the_model_recovers(
    app: TestApp,
    fake: MockServer,
) {
    let token = setup(&app).await;
    let outages = [
        ResponseTemplate::new(529).set_body_json(json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})),
        ResponseTemplate::new(500),
        // Longer than the wait (3 s) and than the client's timeout (5 s).
        claude(json!({"tasks": []})).set_delay(Duration::from_secs(8)),
        claude(json!({"no": "schema"})),
    ];
    for (round, outage) in outages.into_iter().enumerate() {
        fake.reset().await;
        Mock::given(method("POST"))
            .respond_with(outage)
            .mount(&fake)
            .await;
        let res = app
            .post_json(
                "/api/v1/clock-in",
                Some(&token),
                &json!({"id_code": "ZEL-777", "standup": "invoices first, then calling the supplier"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "round {round}");
        let v: Value = res.json().await.unwrap();
        assert_eq!(
            v["standup_check"]["tasks"][0]["mentioned"], true,
            "round {round}: {v}"
        );
        let res = app
            .post_json(
                "/api/v1/clock-out",
                Some(&token),
                &json!({"id_code": "ZEL-777", "report": "Reconciled all invoices, done. Supplier did not pick up."}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "round {round}");
        let v: Value = res.json().await.unwrap();
        assert!(
            v["score"].is_i64(),
            "round {round}: the clock-out answers with a score: {v}"
        );
        let retryable = round < 3;
        assert_eq!(v["score_provisional"], retryable, "round {round}: {v}");
    }
    let board: Value = app.get_json("/api/v1/dashboard", &token).await;
    let listed = board["provisional"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|p| p["kind"] == "report" && p["score"].is_i64()),
        "the board shows which scores are provisional: {board}"
    );

    // The model recovers: every provisional result is replaced by its answer.
    fake.reset().await;
    mount_working_claude(&fake).await;
    for _ in 0..100 {
        app.clock.advance(jiff::SignedDuration::from_mins(15));
        app.state.run_due_jobs().await.unwrap();
        let board: Value = app.get_json("/api/v1/dashboard", &token).await;
        if board["provisional"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let list: Value = app.get_json("/api/v1/shifts", &token).await;
    let shifts = list["shifts"].as_array().unwrap();
    assert_eq!(shifts.len(), 4);
    let finals: Vec<&Value> = shifts
        .iter()
        .filter(|s| s["score"]["analyzer"] == "claude")
        .collect();
    assert_eq!(
        finals.len(),
        3,
        "the three retryable outages end with the model's answer"
    );
    for s in &finals {
        assert_eq!(s["score"]["provisional"], false);
        assert_eq!(s["standup_check_provisional"], false);
        assert_eq!(s["score"]["score"], 53, "the model's statuses, our formula");
    }
    let scores = app
        .api
        .get(app.url("/api/v1/exports/scores.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        scores.lines().count(),
        1 + 4,
        "one score row per shift: {scores}"
    );
    let replaced = crate::helpers::audit_actions(&app, &token)
        .await
        .iter()
        .filter(|a| *a == "analysis_finalised")
        .count();
    assert!(
        replaced >= 6,
        "each replacement is audited (3 standups + 3 reports): {replaced}"
    );
}
