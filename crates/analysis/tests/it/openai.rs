//! The OpenAI-compatible client against a fake `/v1/chat/completions` server.

use std::time::Duration;

use analysis::{AnalysisError, Analyzer, PROMPT_VERSION};
use domain::TaskStatus;
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

const ROUTE: &str = "/v1/chat/completions";

async fn server_with(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn one_task() -> Vec<String> {
    tasks(&["Call back three warranty customers"])
}

#[tokio::test]
async fn json_schema_success_without_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(header("content-type", "application/json"))
        .respond_with(openai_ok(&standup_answer(&[true])))
        .expect(1)
        .mount(&server)
        .await;
    let got = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "calling the warranty folks after lunch")
        .await
        .unwrap();
    assert_eq!(
        (got.analyzer, got.model.as_str(), got.prompt_version),
        ("openai", OLLAMA_MODEL, PROMPT_VERSION)
    );
    assert!(got.value.tasks[0].mentioned);

    let reqs = requests(&server).await;
    assert!(
        reqs[0].headers.get("authorization").is_none(),
        "no key configured, no header"
    );
    let body: serde_json::Value = reqs[0].body_json().unwrap();
    assert_eq!(body["model"], OLLAMA_MODEL);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["role"], "user");
    let rf = &body["response_format"];
    assert_eq!(rf["type"], "json_schema");
    assert_eq!(rf["json_schema"]["name"], "standup_check");
    assert_eq!(rf["json_schema"]["strict"], true);
    assert_eq!(rf["json_schema"]["schema"]["required"], json!(["tasks"]));
}

#[tokio::test]
async fn bearer_key_is_sent_when_configured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(header("authorization", "Bearer sk-local-123"))
        .respond_with(openai_ok(&report_answer(&["progress"])))
        .expect(1)
        .mount(&server)
        .await;
    let got = Analyzer::new(openai_cfg(&server, Some("sk-local-123")))
        .unwrap()
        .extract_report(&one_task(), "called two of three")
        .await
        .unwrap();
    assert_eq!(got.value.tasks[0].status, TaskStatus::Progress);
}

#[tokio::test]
async fn falls_back_to_json_object_when_json_schema_is_unsupported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(body_partial_json(
            json!({ "response_format": { "type": "json_schema" } }),
        ))
        .respond_with(openai_error(
            400,
            "invalid_request_error",
            "Invalid value for 'response_format.type': 'json_schema' is not supported",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .and(body_partial_json(
            json!({ "response_format": { "type": "json_object" } }),
        ))
        // Small models fence their JSON; that is tolerated.
        .respond_with(openai_message(
            Some(&format!("```json\n{}\n```", standup_answer(&[false]))),
            "stop",
            None,
        ))
        .mount(&server)
        .await;

    let analyzer = Analyzer::new(openai_cfg(&server, None)).unwrap();
    let got = analyzer
        .check_standup(&one_task(), "inventory day")
        .await
        .unwrap();
    assert!(!got.value.tasks[0].mentioned);
    let b = bodies(&server).await;
    assert_eq!(b.len(), 2);
    assert_eq!(b[1]["response_format"], json!({ "type": "json_object" }));
    let system = b[1]["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("JSON Schema") && system.contains("\"mentioned\""),
        "schema spelled out"
    );

    // Remembered: the next call goes straight to json_object.
    analyzer
        .check_standup(&one_task(), "inventory day")
        .await
        .unwrap();
    let b = bodies(&server).await;
    assert_eq!(b.len(), 3);
    assert_eq!(b[2]["response_format"]["type"], "json_object");
}

#[tokio::test]
async fn other_bad_requests_do_not_trigger_the_fallback() {
    let server = server_with(openai_error(
        400,
        "invalid_request_error",
        "model 'llama9' not found",
    ))
    .await;
    let err = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AnalysisError::Api { status: 400, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("llama9"));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn finish_reason_length_is_truncation() {
    let server = server_with(openai_message(
        Some("{\"tasks\":[{\"task\":"),
        "length",
        None,
    ))
    .await;
    let err = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AnalysisError::Truncated { provider: "openai" }),
        "{err:?}"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn refusal_field_is_a_refusal() {
    let server = server_with(openai_message(
        None,
        "stop",
        Some("I can't help with that."),
    ))
    .await;
    let err = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AnalysisError::Refusal { provider: "openai" }),
        "{err:?}"
    );
}

#[tokio::test]
async fn unavailable_then_ok_is_retried_and_capped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(ResponseTemplate::new(503).set_body_string("model is loading"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(openai_ok(&standup_answer(&[true])))
        .mount(&server)
        .await;
    let got = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await;
    assert!(got.is_ok());
    assert_eq!(requests(&server).await.len(), 2);

    let server = server_with(openai_error(500, "server_error", "boom")).await;
    let err = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .unwrap_err();
    assert!(err.retryable());
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn rate_limit_with_retry_after_ms() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(
            openai_error(429, "rate_limit_exceeded", "slow down")
                .insert_header("retry-after-ms", "20"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(ROUTE))
        .respond_with(openai_ok(&standup_answer(&[true])))
        .mount(&server)
        .await;
    assert!(Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .is_ok());
}

#[tokio::test]
async fn timeout_and_bad_content() {
    let server =
        server_with(openai_ok(&standup_answer(&[true])).set_delay(Duration::from_secs(3))).await;
    let mut cfg = openai_cfg(&server, None);
    cfg.timeout = Duration::from_millis(150);
    let err = Analyzer::new(cfg)
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .unwrap_err();
    assert!(matches!(err, AnalysisError::Timeout { .. }), "{err:?}");

    let server = server_with(openai_message(
        Some("I think the task was mentioned."),
        "stop",
        None,
    ))
    .await;
    let err = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AnalysisError::InvalidOutput { .. }),
        "{err:?}"
    );

    let server =
        server_with(ResponseTemplate::new(200).set_body_json(json!({ "choices": [] }))).await;
    let err = Analyzer::new(openai_cfg(&server, None))
        .unwrap()
        .check_standup(&one_task(), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AnalysisError::MalformedResponse { .. }),
        "{err:?}"
    );
}
