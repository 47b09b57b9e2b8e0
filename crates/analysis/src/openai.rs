//! A thin client for OpenAI-compatible `POST /v1/chat/completions` servers (Ollama, vLLM,
//! llama.cpp server, ...), asking for strict JSON-schema output.

use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{api_error, malformed, transport};
use crate::prompts::{schema_hint, Prompt};
use crate::{AnalysisError, RetryPolicy};

pub(crate) const PROVIDER: &str = "openai";

pub(crate) struct OpenAiClient {
    http: reqwest::Client,
    url: String,
    bearer: Option<HeaderValue>,
    model: String,
    retry: RetryPolicy,
    /// Set once the server has rejected `json_schema`; later requests go straight to
    /// `json_object` instead of paying for a failing call each time.
    json_object_only: AtomicBool,
}

#[derive(Deserialize)]
struct ChatResponse {
    #[serde(default)]
    model: Option<String>,
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: ChatMessage,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChatMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

impl OpenAiClient {
    pub(crate) fn new(
        base_url: &str,
        model: &str,
        api_key: Option<&SecretString>,
        timeout: std::time::Duration,
        retry: RetryPolicy,
    ) -> Result<Self, AnalysisError> {
        let bearer = api_key
            .map(|k| {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", k.expose_secret()))
                    .map_err(|_| {
                        AnalysisError::Config(
                            "OPENAI_API_KEY contains characters not allowed in a header".into(),
                        )
                    })?;
                v.set_sensitive(true);
                Ok::<_, AnalysisError>(v)
            })
            .transpose()?;
        if model.trim().is_empty() {
            return Err(AnalysisError::Config("OPENAI_MODEL is empty".into()));
        }
        Ok(Self {
            http: crate::http::client(timeout)?,
            url: format!(
                "{}/v1/chat/completions",
                crate::config::base_url("OPENAI_BASE_URL", base_url)?
            ),
            bearer,
            model: model.to_owned(),
            retry,
            json_object_only: AtomicBool::new(false),
        })
    }

    pub(crate) fn model(&self) -> &str {
        &self.model
    }

    pub(crate) async fn complete<T>(
        &self,
        prompt: &Prompt,
        parse: impl Fn(&str) -> Result<T, AnalysisError>,
    ) -> Result<(T, String), AnalysisError> {
        self.retry
            .run(|| async {
                let (text, model) = self.send_with_fallback(prompt).await?;
                Ok((parse(&text)?, model))
            })
            .await
    }

    /// Tries strict `json_schema`; a server that answers 400 about `response_format` gets
    /// one immediate retry with `json_object` and the schema spelled out in the prompt.
    async fn send_with_fallback(&self, prompt: &Prompt) -> Result<(String, String), AnalysisError> {
        if self.json_object_only.load(Ordering::Relaxed) {
            return self.send(&self.body(prompt, false)).await;
        }
        match self.send(&self.body(prompt, true)).await {
            Err(AnalysisError::Api {
                status: 400,
                message,
                ..
            }) if rejects_json_schema(&message) => {
                tracing::warn!(%message, "server rejected json_schema output; falling back to json_object");
                self.json_object_only.store(true, Ordering::Relaxed);
                self.send(&self.body(prompt, false)).await
            }
            other => other,
        }
    }

    fn body(&self, prompt: &Prompt, strict_schema: bool) -> Value {
        let (system, response_format) = if strict_schema {
            (
                prompt.system.clone(),
                json!({
                    "type": "json_schema",
                    "json_schema": { "name": prompt.schema_name, "schema": prompt.schema, "strict": true },
                }),
            )
        } else {
            (
                format!("{}{}", prompt.system, schema_hint(&prompt.schema)),
                json!({ "type": "json_object" }),
            )
        };
        // temperature 0: self-hosted models default to sampling (Ollama 0.8), which only adds
        // noise to an extraction task.
        json!({
            "model": self.model,
            "messages": [
                { "role": "system", "content": system },
                { "role": "user", "content": prompt.user },
            ],
            "response_format": response_format,
            "max_tokens": prompt.max_tokens,
            "temperature": 0,
            "stream": false,
        })
    }

    async fn send(&self, body: &Value) -> Result<(String, String), AnalysisError> {
        let mut req = self.http.post(&self.url).json(body);
        if let Some(b) = &self.bearer {
            req = req.header(reqwest::header::AUTHORIZATION, b.clone());
        }
        let resp = req.send().await.map_err(|e| transport(PROVIDER, &e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map_err(|e| transport(PROVIDER, &e))?;
        if !(200..300).contains(&status) {
            return Err(api_error(PROVIDER, status, &headers, &bytes));
        }
        let chat: ChatResponse = serde_json::from_slice(&bytes)
            .map_err(|e| malformed(PROVIDER, format!("not a chat completion: {e}")))?;
        let Some(choice) = chat.choices.into_iter().next() else {
            return Err(malformed(PROVIDER, "no choices"));
        };
        if choice.message.refusal.is_some_and(|r| !r.trim().is_empty()) {
            return Err(AnalysisError::Refusal { provider: PROVIDER });
        }
        match choice.finish_reason.as_deref() {
            Some("length") => return Err(AnalysisError::Truncated { provider: PROVIDER }),
            Some("content_filter") => return Err(AnalysisError::Refusal { provider: PROVIDER }),
            _ => {}
        }
        let text = choice
            .message
            .content
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| malformed(PROVIDER, "empty message content"))?;
        Ok((text, chat.model.unwrap_or_else(|| self.model.clone())))
    }
}

fn rejects_json_schema(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("response_format") || m.contains("json_schema")
}
