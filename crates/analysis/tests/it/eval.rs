//! The eval runner through a fake LLM that answers from the request it receives.

use analysis::Analyzer;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::*;

/// Says every task was mentioned / done, with as many entries as the request has tasks.
struct Optimist;

impl Respond for Optimist {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = req.body_json().unwrap();
        let user: Value =
            serde_json::from_str(body["messages"][0]["content"].as_str().unwrap()).unwrap();
        let n = user["tasks"].as_array().unwrap().len();
        let answer = if body["system"].as_str().unwrap().contains("standup") {
            standup_answer(&vec![true; n])
        } else {
            report_answer(&vec!["done"; n])
        };
        claude_ok(&answer)
    }
}

#[tokio::test]
async fn eval_runs_any_analyzer() {
    let items = local_analyzer::eval::parse_jsonl(concat!(
        r#"{"id":"s1","kind":"standup","tasks":["A","B"],"text":"a only","mentioned":[true,false]}"#, "\n",
        r#"{"id":"r1","kind":"report","tasks":["A","B"],"text":"a done","status":["done","none"]}"#, "\n",
    ))
    .unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(Optimist)
        .mount(&server)
        .await;

    let report = analysis::eval::run(&items, &Analyzer::new(claude_cfg(&server)).unwrap())
        .await
        .unwrap();
    assert_eq!(report.standup.n, 2);
    assert!((report.standup.precision - 0.5).abs() < 1e-9);
    assert!((report.standup.recall - 1.0).abs() < 1e-9);
    assert_eq!(report.report.n, 2);
    assert!((report.report.accuracy - 0.5).abs() < 1e-9);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn eval_stops_on_the_first_error() {
    let items = local_analyzer::eval::parse_jsonl(
        r#"{"id":"s1","kind":"standup","tasks":["A"],"text":"a","mentioned":[true]}"#,
    )
    .unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(claude_error(
            401,
            "authentication_error",
            "invalid x-api-key",
        ))
        .mount(&server)
        .await;
    let err = analysis::eval::run(&items, &Analyzer::new(claude_cfg(&server)).unwrap())
        .await
        .unwrap_err();
    assert!(!err.retryable());
}
