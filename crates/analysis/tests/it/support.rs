//! Fakes and helpers shared by the tests.

use std::time::Duration;

use analysis::{AnalyzerConfig, RetryPolicy, WeeklyFigures};
use secrecy::SecretString;
use serde_json::{json, Value};
use wiremock::{MockServer, Request, ResponseTemplate};

pub const KEY: &str = "sk-ant-test-key";
pub const CLAUDE_MODEL: &str = "claude-haiku-4-5";
/// What the fake reports as the answering model (a dated snapshot, as the real API does).
pub const CLAUDE_SNAPSHOT: &str = "claude-haiku-4-5-20251001";
pub const OLLAMA_MODEL: &str = "llama3.1:8b";

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

pub fn claude_cfg(server: &MockServer) -> AnalyzerConfig {
    claude_cfg_at(server.uri())
}

pub fn claude_cfg_at(uri: String) -> AnalyzerConfig {
    AnalyzerConfig {
        anthropic_api_key: Some(SecretString::from(KEY.to_owned())),
        anthropic_base_url: uri,
        timeout: Duration::from_secs(5),
        retry: fast_retry(),
        ..AnalyzerConfig::local()
    }
}

pub fn openai_cfg(server: &MockServer, key: Option<&str>) -> AnalyzerConfig {
    AnalyzerConfig {
        openai_base_url: Some(server.uri()),
        openai_model: Some(OLLAMA_MODEL.to_owned()),
        openai_api_key: key.map(|k| SecretString::from(k.to_owned())),
        timeout: Duration::from_secs(5),
        retry: fast_retry(),
        ..AnalyzerConfig::local()
    }
}

pub fn tasks(titles: &[&str]) -> Vec<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}

/// A Messages API success whose text block holds `output`, preceded by a non-text block so
/// the client must select by type.
pub fn claude_ok(output: &Value) -> ResponseTemplate {
    claude_message(&output.to_string(), "end_turn")
}

pub fn claude_message(text: &str, stop_reason: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        "type": "message",
        "role": "assistant",
        "model": CLAUDE_SNAPSHOT,
        "content": [
            { "type": "thinking", "thinking": "{\"tasks\":[]}", "signature": "sig" },
            { "type": "text", "text": text }
        ],
        "stop_reason": stop_reason,
        "stop_sequence": null,
        "usage": { "input_tokens": 120, "output_tokens": 40 }
    }))
}

pub fn claude_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "type": "error",
        "error": { "type": kind, "message": message },
        "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"
    }))
}

pub fn openai_ok(output: &Value) -> ResponseTemplate {
    openai_message(Some(&output.to_string()), "stop", None)
}

pub fn openai_message(
    content: Option<&str>,
    finish_reason: &str,
    refusal: Option<&str>,
) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1_741_000_000,
        "model": OLLAMA_MODEL,
        "system_fingerprint": "fp_ollama",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": refusal },
            "finish_reason": finish_reason
        }],
        "usage": { "prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130 }
    }))
}

pub fn openai_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": { "message": message, "type": kind, "param": null, "code": null }
    }))
}

pub async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub async fn bodies(server: &MockServer) -> Vec<Value> {
    requests(server)
        .await
        .iter()
        .map(|r| r.body_json().unwrap())
        .collect()
}

pub fn standup_answer(mentioned: &[bool]) -> Value {
    json!({ "tasks": mentioned.iter().enumerate().map(|(i, m)| json!({
        "task": format!("task {i}"), "mentioned": m, "evidence": if *m { json!("quote") } else { Value::Null }
    })).collect::<Vec<_>>() })
}

pub fn report_answer(statuses: &[&str]) -> Value {
    json!({
        "tasks": statuses.iter().map(|s| json!({ "task": "t", "status": s, "evidence": null })).collect::<Vec<_>>(),
        "blockers": ["waiting on client sign-off"],
        "unplanned": ["helped a colleague with a printer"]
    })
}

pub fn figures() -> WeeklyFigures {
    WeeklyFigures {
        week_start: "2025-03-03".into(),
        employees_active: 12,
        shifts: 48,
        total_hours: 356.5,
        avg_hours_per_employee: 29.7,
        avg_score: Some(71.2),
        score_buckets: [1, 2, 10, 20, 15],
        tasks_done: 40,
        tasks_progress: 30,
        tasks_blocked: 8,
        tasks_none: 12,
        auto_closed_shifts: 2,
        blocker_themes: vec![(analysis::BlockerTheme::WaitingOnPeople, 5)],
        previous_week_avg_score: Some(68.0),
        previous_week_hours: Some(342.8),
        small_group: false,
    }
}

/// Every string (keys and values) anywhere in `v`.
pub fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

/// True if `s` contains something shaped like a UUID (8-4-4-4-12 hex digits).
pub fn has_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = [8, 4, 4, 4, 12];
    let len: usize = shape.iter().sum::<usize>() + 4;
    (0..b.len().saturating_sub(len - 1)).any(|start| {
        let mut i = start;
        shape.iter().enumerate().all(|(n, &run)| {
            let ok = b[i..i + run].iter().all(u8::is_ascii_hexdigit)
                && (n == 4 || b.get(i + run) == Some(&b'-'));
            i += run + 1;
            ok
        })
    })
}

#[test]
fn uuid_detector_works() {
    assert!(has_uuid("id 0190f0c4-7b1a-7cc2-9f3e-1d2c3b4a5f60 here"));
    assert!(!has_uuid("no ids 2025-03-03 here"));
}
