//! A thin client for Anthropic's Messages API (`POST /v1/messages`) with JSON-schema
//! structured output (`output_config.format`).

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{api_error, malformed, transport};
use crate::prompts::Prompt;
use crate::{AnalysisError, RetryPolicy};

pub(crate) const PROVIDER: &str = "claude";
const API_VERSION: &str = "2023-06-01";

pub(crate) struct ClaudeClient {
    http: reqwest::Client,
    url: String,
    api_key: HeaderValue,
    model: String,
    retry: RetryPolicy,
}

#[derive(Deserialize)]
struct MessageResponse {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    content: Vec<Value>,
    #[serde(default)]
    stop_reason: Option<String>,
}

impl ClaudeClient {
    pub(crate) fn new(
        api_key: &SecretString,
        base_url: &str,
        model: &str,
        timeout: std::time::Duration,
        retry: RetryPolicy,
    ) -> Result<Self, AnalysisError> {
        let mut api_key = HeaderValue::from_str(api_key.expose_secret()).map_err(|_| {
            AnalysisError::Config(
                "ANTHROPIC_API_KEY contains characters not allowed in a header".into(),
            )
        })?;
        // Keeps the key out of any debug output of the request.
        api_key.set_sensitive(true);
        if model.trim().is_empty() {
            return Err(AnalysisError::Config("ANTHROPIC_MODEL is empty".into()));
        }
        Ok(Self {
            http: crate::http::client(timeout)?,
            url: format!(
                "{}/v1/messages",
                crate::config::base_url("ANTHROPIC_BASE_URL", base_url)?
            ),
            api_key,
            model: model.to_owned(),
            retry,
        })
    }

    pub(crate) fn model(&self) -> &str {
        &self.model
    }

    /// Sends the prompt (with retries) and reads the answer with `parse`; returns the value
    /// and the model that produced it.
    pub(crate) async fn complete<T>(
        &self,
        prompt: &Prompt,
        parse: impl Fn(&str) -> Result<T, AnalysisError>,
    ) -> Result<(T, String), AnalysisError> {
        // No `temperature`: current models reject or ignore it alongside structured output,
        // and the schema already constrains the answer.
        let body = json!({
            "model": self.model,
            "max_tokens": prompt.max_tokens,
            "system": prompt.system,
            "messages": [{ "role": "user", "content": prompt.user }],
            "output_config": { "format": { "type": "json_schema", "schema": prompt.schema } },
        });
        self.retry
            .run(|| async {
                let (text, model) = self.send(&body).await?;
                Ok((parse(&text)?, model))
            })
            .await
    }

    async fn send(&self, body: &Value) -> Result<(String, String), AnalysisError> {
        let resp = self
            .http
            .post(&self.url)
            .header("x-api-key", self.api_key.clone())
            .header("anthropic-version", API_VERSION)
            .json(body)
            .send()
            .await
            .map_err(|e| transport(PROVIDER, &e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map_err(|e| transport(PROVIDER, &e))?;
        if !(200..300).contains(&status) {
            return Err(api_error(PROVIDER, status, &headers, &bytes));
        }
        let msg: MessageResponse = serde_json::from_slice(&bytes)
            .map_err(|e| malformed(PROVIDER, format!("not a Messages API response: {e}")))?;
        match msg.stop_reason.as_deref() {
            Some("refusal") => return Err(AnalysisError::Refusal { provider: PROVIDER }),
            Some("max_tokens" | "model_context_window_exceeded") => {
                return Err(AnalysisError::Truncated { provider: PROVIDER })
            }
            _ => {}
        }
        // Blocks are chosen by type, never by position: the API may add others (e.g. thinking).
        let text: String = msg
            .content
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect();
        if text.trim().is_empty() {
            return Err(malformed(
                PROVIDER,
                format!("no text content (stop_reason {:?})", msg.stop_reason),
            ));
        }
        Ok((text, msg.model.unwrap_or_else(|| self.model.clone())))
    }
}
