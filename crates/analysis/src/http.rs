//! HTTP plumbing shared by the Claude and OpenAI-compatible clients.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::AnalysisError;

/// Error messages from providers are logged and shown to operators; keep them bounded.
const MAX_MESSAGE_CHARS: usize = 500;

pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, AnalysisError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .build()
        .map_err(|e| AnalysisError::Config(format!("cannot build HTTP client: {e}")))
}

/// Maps a reqwest failure (send or body read) to timeout / connection.
pub(crate) fn transport(provider: &'static str, e: &reqwest::Error) -> AnalysisError {
    if e.is_timeout() {
        AnalysisError::Timeout { provider }
    } else if e.is_builder() {
        AnalysisError::Config(format!("{provider} request could not be built: {e}"))
    } else {
        // reqwest's top-level message is vague ("error sending request"); the source says why.
        let mut msg = e.to_string();
        if let Some(src) = std::error::Error::source(e) {
            msg = format!("{msg}: {src}");
        }
        AnalysisError::Connection {
            provider,
            message: bounded(&msg),
        }
    }
}

/// Builds the error for a non-2xx answer from whatever JSON (or text) the server sent.
/// Understands Anthropic's `{"type":"error","error":{"type","message"}}`, OpenAI's
/// `{"error":{"message","type","code"}}` and vLLM's top-level `{"message","type"}`.
pub(crate) fn api_error(
    provider: &'static str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> AnalysisError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let err = json
        .as_ref()
        .map(|j| j.get("error").filter(|e| e.is_object()).unwrap_or(j));
    let field = |k: &str| {
        err.and_then(|e| e.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let kind = field("type").unwrap_or_else(|| format!("http_{status}"));
    let message = field("message")
        .or_else(|| {
            json.as_ref()
                .and_then(|j| j.get("error"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_owned());
    let message = if message.is_empty() {
        "(no message)".to_owned()
    } else {
        bounded(&message)
    };
    let code = err
        .and_then(|e| e.get("code").and_then(Value::as_str).map(str::to_owned))
        .or_else(|| {
            err.and_then(|e| e.pointer("/details/error_code"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    // A spent quota also arrives as 429 but will not clear by waiting.
    let quota = matches!(
        code.as_deref(),
        Some("insufficient_quota" | "enforced_spend_limit_reached")
    ) || kind == "insufficient_quota";
    if status == 429 && quota {
        return AnalysisError::QuotaExhausted { provider, message };
    }
    AnalysisError::Api {
        provider,
        status,
        kind,
        message,
        retry_after: crate::retry::retry_after(headers),
    }
}

pub(crate) fn malformed(provider: &'static str, message: impl Into<String>) -> AnalysisError {
    AnalysisError::MalformedResponse {
        provider,
        message: message.into(),
    }
}

fn bounded(s: &str) -> String {
    match s.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_each_error_dialect() {
        let h = HeaderMap::new();
        let anthropic = br#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: required"},"request_id":"req_1"}"#;
        match api_error("claude", 400, &h, anthropic) {
            AnalysisError::Api {
                kind,
                message,
                status,
                ..
            } => {
                assert_eq!(
                    (kind.as_str(), message.as_str(), status),
                    ("invalid_request_error", "max_tokens: required", 400)
                );
            }
            e => panic!("{e:?}"),
        }
        let vllm =
            br#"{"object":"error","message":"bad model","type":"BadRequestError","code":400}"#;
        assert!(api_error("openai", 400, &h, vllm)
            .to_string()
            .contains("bad model"));
        let ollama = br#"{"error":"model 'x' not found"}"#;
        assert!(api_error("openai", 404, &h, ollama)
            .to_string()
            .contains("model 'x' not found"));
        assert!(api_error("openai", 502, &h, b"<html>Bad gateway</html>")
            .to_string()
            .contains("Bad gateway"));
        assert!(api_error("openai", 502, &h, b"")
            .to_string()
            .contains("no message"));
    }

    #[test]
    fn spent_quota_is_not_a_rate_limit() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("1"));
        let openai = br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert!(matches!(
            api_error("openai", 429, &h, openai),
            AnalysisError::QuotaExhausted { .. }
        ));
        let anthropic = br#"{"type":"error","error":{"type":"rate_limit_error","message":"spend cap","details":{"error_code":"enforced_spend_limit_reached"}}}"#;
        assert!(matches!(
            api_error("claude", 429, &h, anthropic),
            AnalysisError::QuotaExhausted { .. }
        ));
        let limited =
            br#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#;
        let e = api_error("claude", 429, &h, limited);
        assert!(e.retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
    }
}
