//! The Claude client against a fake Messages API.

use std::time::{Duration, Instant};

use analysis::{AnalysisError, Analyzer, PROMPT_VERSION};
use domain::TaskStatus;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

async fn server_with(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// First answer `first` once, then `then` for every later request.
async fn server_sequence(first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

fn two_tasks() -> Vec<String> {
    tasks(&["Fix login redirect loop", "Q3 revenue dashboard"])
}

async fn standup(
    server: &MockServer,
) -> Result<analysis::Analyzed<domain::StandupCheck>, AnalysisError> {
    Analyzer::new(claude_cfg(server))
        .unwrap()
        .check_standup(&two_tasks(), "Fixing the login loop first.")
        .await
}

#[tokio::test]
async fn success_sends_the_documented_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .and(header("content-type", "application/json"))
        .respond_with(claude_ok(&standup_answer(&[true, false])))
        .expect(1)
        .mount(&server)
        .await;

    let got = standup(&server).await.unwrap();
    assert_eq!(got.analyzer, "claude");
    assert_eq!(got.model, CLAUDE_SNAPSHOT);
    assert_eq!(got.prompt_version, PROMPT_VERSION);
    let v = &got.value.tasks;
    assert_eq!(v.len(), 2);
    assert_eq!(
        (v[0].task.as_str(), v[0].mentioned, v[0].evidence.as_deref()),
        ("Fix login redirect loop", true, Some("quote"))
    );
    assert_eq!(
        (v[1].task.as_str(), v[1].mentioned, v[1].evidence.as_deref()),
        ("Q3 revenue dashboard", false, None)
    );

    let body = &bodies(&server).await[0];
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["max_tokens", "messages", "model", "output_config", "system"],
        "no temperature, nothing extra"
    );
    assert_eq!(body["model"], CLAUDE_MODEL);
    assert!(body["max_tokens"].as_u64().unwrap() >= 256);
    assert!(body["system"].as_str().unwrap().contains("standup"));
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
    assert_eq!(body["messages"][0]["role"], "user");
    let format = &body["output_config"]["format"];
    assert_eq!(format["type"], "json_schema");
    let item = &format["schema"]["properties"]["tasks"]["items"];
    assert_eq!(item["properties"]["mentioned"]["type"], "boolean");
    assert_eq!(item["additionalProperties"], false);
    assert_eq!(format["schema"]["additionalProperties"], false);
}

#[tokio::test]
async fn report_extraction_reads_statuses_and_schema_enum() {
    let server = server_with(claude_ok(&report_answer(&["done", "blocked"]))).await;
    let got = Analyzer::new(claude_cfg(&server))
        .unwrap()
        .extract_report(
            &two_tasks(),
            "Fixed the loop. Dashboard blocked: waiting on client sign-off.",
        )
        .await
        .unwrap();
    let statuses: Vec<TaskStatus> = got.value.tasks.iter().map(|t| t.status).collect();
    assert_eq!(statuses, [TaskStatus::Done, TaskStatus::Blocked]);
    assert_eq!(got.value.blockers, ["waiting on client sign-off"]);
    assert_eq!(got.value.unplanned, ["helped a colleague with a printer"]);
    let body = &bodies(&server).await[0];
    let status = &body["output_config"]["format"]["schema"]["properties"]["tasks"]["items"]
        ["properties"]["status"];
    assert_eq!(
        status["enum"],
        json!(["done", "progress", "blocked", "none"])
    );
}

#[tokio::test]
async fn bad_request_is_not_retried_and_surfaces_the_message() {
    let server = server_with(claude_error(
        400,
        "invalid_request_error",
        "messages: text content blocks must be non-empty",
    ))
    .await;
    let err = standup(&server).await.unwrap_err();
    assert!(!err.retryable());
    assert!(
        err.to_string()
            .contains("text content blocks must be non-empty"),
        "{err}"
    );
    assert!(
        matches!(err, AnalysisError::Api { status: 400, ref kind, .. } if kind == "invalid_request_error")
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn unauthorized_is_permanent() {
    let server = server_with(claude_error(
        401,
        "authentication_error",
        "invalid x-api-key",
    ))
    .await;
    let err = standup(&server).await.unwrap_err();
    assert!(
        matches!(err, AnalysisError::Api { status: 401, .. }),
        "{err:?}"
    );
    assert!(!err.retryable());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn rate_limit_honours_retry_after() {
    let limited = claude_error(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
    )
    .insert_header("retry-after", "1");
    let server = server_sequence(limited, claude_ok(&standup_answer(&[true, true]))).await;
    let started = Instant::now();
    let got = standup(&server).await.unwrap();
    // The backoff is 5 ms in tests, so only honouring the header explains the wait.
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert!(got.value.tasks.iter().all(|t| t.mentioned));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn server_error_then_success_is_retried() {
    let server = server_sequence(
        claude_error(500, "api_error", "Internal server error"),
        claude_ok(&standup_answer(&[false, true])),
    )
    .await;
    let got = standup(&server).await.unwrap();
    assert!(got.value.tasks[1].mentioned);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn overloaded_retries_twice_then_gives_up_retryably() {
    let server = server_with(claude_error(529, "overloaded_error", "Overloaded")).await;
    let err = standup(&server).await.unwrap_err();
    assert!(
        matches!(err, AnalysisError::Api { status: 529, ref kind, .. } if kind == "overloaded_error"),
        "{err:?}"
    );
    assert!(err.retryable(), "a background job may try again later");
    assert_eq!(
        requests(&server).await.len(),
        3,
        "one attempt plus at most two retries"
    );
}

#[tokio::test]
async fn spent_quota_is_not_retried() {
    let body = json!({"type":"error","error":{"type":"rate_limit_error","message":"You have reached your specified API usage limits.","details":{"error_code":"enforced_spend_limit_reached"}}});
    let server = server_with(ResponseTemplate::new(429).set_body_json(body)).await;
    let err = standup(&server).await.unwrap_err();
    assert!(
        matches!(err, AnalysisError::QuotaExhausted { .. }),
        "{err:?}"
    );
    assert!(!err.retryable());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn slow_server_times_out() {
    let server =
        server_with(claude_ok(&standup_answer(&[true, true])).set_delay(Duration::from_secs(3)))
            .await;
    let mut cfg = claude_cfg(&server);
    cfg.timeout = Duration::from_millis(200);
    let started = Instant::now();
    let err = Analyzer::new(cfg)
        .unwrap()
        .check_standup(&two_tasks(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AnalysisError::Timeout { provider: "claude" }),
        "{err:?}"
    );
    assert!(err.retryable());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn malformed_body_is_an_error_not_garbage() {
    let server = server_with(
        ResponseTemplate::new(200)
            .set_body_raw("{\"type\":\"message\",\"content\":[", "application/json"),
    )
    .await;
    let err = standup(&server).await.unwrap_err();
    assert!(
        matches!(err, AnalysisError::MalformedResponse { .. }),
        "{err:?}"
    );
    assert!(!err.retryable());
    assert_eq!(
        requests(&server).await.len(),
        3,
        "resampled within the retry budget, no more"
    );
}

#[tokio::test]
async fn wrong_number_of_tasks_is_invalid_output() {
    let server = server_with(claude_ok(&standup_answer(&[true]))).await;
    let err = standup(&server).await.unwrap_err();
    assert!(
        matches!(err, AnalysisError::InvalidOutput { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("expected 2 task entries, got 1"),
        "{err}"
    );
    assert!(!err.retryable());
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn off_schema_output_is_invalid() {
    for output in [
        report_answer(&["done", "finished"]),
        json!({ "tasks": "all done" }),
        json!({ "result": [] }),
    ] {
        let server = server_with(claude_ok(&output)).await;
        let err = Analyzer::new(claude_cfg(&server))
            .unwrap()
            .extract_report(&two_tasks(), "x")
            .await
            .unwrap_err();
        assert!(
            matches!(err, AnalysisError::InvalidOutput { .. }),
            "{output}: {err:?}"
        );
    }
    let server = server_with(claude_message(
        "Sure! Here is the JSON you asked for.",
        "end_turn",
    ))
    .await;
    assert!(matches!(
        standup(&server).await,
        Err(AnalysisError::InvalidOutput { .. })
    ));
}

#[tokio::test]
async fn recovers_when_a_resample_is_valid() {
    let server = server_sequence(
        claude_ok(&standup_answer(&[true])),
        claude_ok(&standup_answer(&[true, false])),
    )
    .await;
    assert_eq!(standup(&server).await.unwrap().value.tasks.len(), 2);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn refusal_is_a_permanent_error() {
    let server = server_with(claude_message("", "refusal")).await;
    let err = standup(&server).await.unwrap_err();
    assert!(
        matches!(err, AnalysisError::Refusal { provider: "claude" }),
        "{err:?}"
    );
    assert!(!err.retryable());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn max_tokens_is_truncation_not_partial_json() {
    let server = server_with(claude_message(
        "{\"tasks\":[{\"task\":\"Fix login",
        "max_tokens",
    ))
    .await;
    let err = standup(&server).await.unwrap_err();
    assert!(matches!(err, AnalysisError::Truncated { .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retryable() {
    // Bind then drop a plain listener so the port is (almost certainly) closed. Not a
    // MockServer: wiremock pools those, so a "dropped" one keeps serving other tests.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let uri = format!("http://127.0.0.1:{port}");
    let cfg = claude_cfg_at(uri);
    let err = Analyzer::new(cfg)
        .unwrap()
        .check_standup(&two_tasks(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AnalysisError::Connection { .. } | AnalysisError::Timeout { .. }
        ),
        "{err:?}"
    );
    assert!(err.retryable());
}

#[tokio::test]
async fn weekly_summary_through_claude() {
    let server = server_with(claude_ok(&json!({ "summary": "A steady week." }))).await;
    let got = Analyzer::new(claude_cfg(&server))
        .unwrap()
        .summarize_week(&figures())
        .await
        .unwrap();
    assert_eq!(
        (got.value.as_str(), got.analyzer),
        ("A steady week.", "claude")
    );
}
