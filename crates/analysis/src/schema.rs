//! JSON schemas for model output, and the strict reading of what comes back.
//!
//! The schemas fit both Anthropic structured outputs and OpenAI strict mode: every object
//! lists all its properties as required and forbids others; nullability is an `anyOf`.
//! We still validate everything ourselves: self-hosted servers may ignore the schema.

use domain::{ReportExtraction, StandupCheck, TaskMention, TaskOutcome, TaskStatus};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::AnalysisError;

/// Longest evidence quote we keep; models occasionally paste whole paragraphs.
const MAX_EVIDENCE_CHARS: usize = 300;
const MAX_PHRASE_CHARS: usize = 200;
const MAX_PHRASES: usize = 10;
const MAX_SUMMARY_CHARS: usize = 4000;

fn nullable_string() -> Value {
    json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] })
}

pub fn standup_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "tasks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "task": { "type": "string" },
                        "mentioned": { "type": "boolean" },
                        "evidence": nullable_string()
                    },
                    "required": ["task", "mentioned", "evidence"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["tasks"],
        "additionalProperties": false
    })
}

pub fn report_schema() -> Value {
    let statuses: Vec<&str> = TaskStatus::ALL.iter().map(|s| s.as_str()).collect();
    json!({
        "type": "object",
        "properties": {
            "tasks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "task": { "type": "string" },
                        "status": { "type": "string", "enum": statuses },
                        "evidence": nullable_string()
                    },
                    "required": ["task", "status", "evidence"],
                    "additionalProperties": false
                }
            },
            "blockers": { "type": "array", "items": { "type": "string" } },
            "unplanned": { "type": "array", "items": { "type": "string" } }
        },
        "required": ["tasks", "blockers", "unplanned"],
        "additionalProperties": false
    })
}

pub fn summary_schema() -> Value {
    json!({
        "type": "object",
        "properties": { "summary": { "type": "string" } },
        "required": ["summary"],
        "additionalProperties": false
    })
}

#[derive(Deserialize)]
struct RawStandup {
    tasks: Vec<RawMention>,
}

#[derive(Deserialize)]
struct RawMention {
    mentioned: bool,
    #[serde(default)]
    evidence: Option<String>,
}

#[derive(Deserialize)]
struct RawReport {
    tasks: Vec<RawOutcome>,
    #[serde(default)]
    blockers: Vec<String>,
    #[serde(default)]
    unplanned: Vec<String>,
}

#[derive(Deserialize)]
struct RawOutcome {
    status: String,
    #[serde(default)]
    evidence: Option<String>,
}

#[derive(Deserialize)]
struct RawSummary {
    summary: String,
}

/// Reads a standup check. Tasks are matched by position and keep *our* titles, so the model
/// cannot rename, add or drop a task.
pub fn parse_standup(
    provider: &'static str,
    tasks: &[String],
    raw: &str,
) -> Result<StandupCheck, AnalysisError> {
    let out: RawStandup = decode(provider, raw)?;
    same_count(provider, tasks, out.tasks.len())?;
    Ok(StandupCheck {
        tasks: tasks
            .iter()
            .zip(out.tasks)
            .map(|(task, m)| TaskMention {
                task: task.clone(),
                mentioned: m.mentioned,
                evidence: m.evidence.and_then(|e| clean(&e, MAX_EVIDENCE_CHARS)),
            })
            .collect(),
    })
}

/// Reads a report extraction; statuses must be one of the four, case aside.
pub fn parse_report(
    provider: &'static str,
    tasks: &[String],
    raw: &str,
) -> Result<ReportExtraction, AnalysisError> {
    let out: RawReport = decode(provider, raw)?;
    same_count(provider, tasks, out.tasks.len())?;
    let mut outcomes = Vec::with_capacity(tasks.len());
    for (i, (task, o)) in tasks.iter().zip(out.tasks).enumerate() {
        let status = TaskStatus::parse(&o.status.trim().to_ascii_lowercase()).ok_or_else(|| {
            invalid(
                provider,
                format!(
                    "task {}: unknown status {:?}",
                    i + 1,
                    truncate(&o.status, 40)
                ),
            )
        })?;
        outcomes.push(TaskOutcome {
            task: task.clone(),
            status,
            evidence: o.evidence.and_then(|e| clean(&e, MAX_EVIDENCE_CHARS)),
        });
    }
    Ok(ReportExtraction {
        tasks: outcomes,
        blockers: phrases(out.blockers),
        unplanned: phrases(out.unplanned),
    })
}

pub fn parse_summary(provider: &'static str, raw: &str) -> Result<String, AnalysisError> {
    let out: RawSummary = decode(provider, raw)?;
    clean(&out.summary, MAX_SUMMARY_CHARS).ok_or_else(|| invalid(provider, "empty summary".into()))
}

fn decode<T: for<'de> Deserialize<'de>>(
    provider: &'static str,
    raw: &str,
) -> Result<T, AnalysisError> {
    serde_json::from_str(strip_fences(raw))
        .map_err(|e| invalid(provider, format!("not the expected JSON: {e}")))
}

/// Small self-hosted models like to wrap JSON in a Markdown code fence even when told not to.
fn strip_fences(raw: &str) -> &str {
    let t = raw.trim();
    let Some(inner) = t.strip_prefix("```") else {
        return t;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

fn same_count(provider: &'static str, tasks: &[String], got: usize) -> Result<(), AnalysisError> {
    if got == tasks.len() {
        Ok(())
    } else {
        Err(invalid(
            provider,
            format!("expected {} task entries, got {got}", tasks.len()),
        ))
    }
}

fn invalid(provider: &'static str, message: String) -> AnalysisError {
    AnalysisError::InvalidOutput { provider, message }
}

fn phrases(v: Vec<String>) -> Vec<String> {
    v.iter()
        .filter_map(|p| clean(p, MAX_PHRASE_CHARS))
        .take(MAX_PHRASES)
        .collect()
}

fn clean(s: &str, max_chars: usize) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| truncate(t, max_chars))
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks() -> Vec<String> {
        vec!["A".into(), "B".into()]
    }

    #[test]
    fn standup_matches_by_index_and_keeps_our_titles() {
        let raw = r#"{"tasks":[{"task":"renamed","mentioned":true,"evidence":" a "},{"mentioned":false}]}"#;
        let c = parse_standup("claude", &tasks(), raw).unwrap();
        assert_eq!(c.tasks[0].task, "A");
        assert_eq!(c.tasks[0].evidence.as_deref(), Some("a"));
        assert_eq!(c.tasks[1].task, "B");
        assert!(!c.tasks[1].mentioned && c.tasks[1].evidence.is_none());
    }

    #[test]
    fn wrong_count_or_shape_is_invalid() {
        let one = r#"{"tasks":[{"task":"A","mentioned":true,"evidence":null}]}"#;
        assert!(matches!(
            parse_standup("claude", &tasks(), one),
            Err(AnalysisError::InvalidOutput { .. })
        ));
        assert!(parse_standup("claude", &tasks(), "not json").is_err());
        assert!(parse_standup(
            "claude",
            &tasks(),
            r#"{"tasks":[{"mentioned":"yes"},{"mentioned":true}]}"#
        )
        .is_err());
        assert!(parse_report("claude", &tasks(), r#"{"tasks":[]}"#).is_err());
    }

    #[test]
    fn report_statuses_from_the_enum_only() {
        let ok = r#"{"tasks":[{"task":"A","status":"Done","evidence":null},{"task":"B","status":"blocked","evidence":"waiting on IT"}],
                    "blockers":["waiting on IT", "  "],"unplanned":[]}"#;
        let r = parse_report("openai", &tasks(), ok).unwrap();
        assert_eq!(r.tasks[0].status, TaskStatus::Done);
        assert_eq!(r.tasks[1].status, TaskStatus::Blocked);
        assert_eq!(r.blockers, vec!["waiting on IT"]);
        let bad =
            r#"{"tasks":[{"status":"finished"},{"status":"none"}],"blockers":[],"unplanned":[]}"#;
        let e = parse_report("openai", &tasks(), bad).unwrap_err();
        assert!(e.to_string().contains("finished"), "{e}");
    }

    #[test]
    fn tolerates_code_fences_and_truncates() {
        let raw = "```json\n{\"summary\":\"Fine week.\"}\n```";
        assert_eq!(parse_summary("openai", raw).unwrap(), "Fine week.");
        assert!(parse_summary("openai", r#"{"summary":"  "}"#).is_err());
        assert_eq!(truncate("äöü", 2), "äö…");
        assert_eq!(truncate("äöü", 3), "äöü");
    }

    #[test]
    fn schemas_are_strict_everywhere() {
        fn check(v: &Value) {
            if v.get("type") == Some(&json!("object")) {
                assert_eq!(v["additionalProperties"], json!(false));
                let props: Vec<&String> = v["properties"].as_object().unwrap().keys().collect();
                let req: Vec<&str> = v["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect();
                assert_eq!(props.len(), req.len());
            }
            match v {
                Value::Object(m) => m.values().for_each(check),
                Value::Array(a) => a.iter().for_each(check),
                _ => {}
            }
        }
        check(&standup_schema());
        check(&report_schema());
        check(&summary_schema());
    }
}
