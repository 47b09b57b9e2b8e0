//! Which analyzer to use and how to reach it, read from environment variables.

use std::time::Duration;

use secrecy::SecretString;

use crate::{AnalysisError, RetryPolicy};

/// A current, fast, inexpensive model: the analysis is short extraction, not reasoning.
pub const DEFAULT_ANTHROPIC_MODEL: &str = "claude-haiku-4-5";
pub const DEFAULT_ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Analyzer settings. `Debug` is safe to log: the keys are `SecretString`s and print redacted.
#[derive(Debug, Clone)]
pub struct AnalyzerConfig {
    /// `ANTHROPIC_API_KEY`; when set, Claude is used.
    pub anthropic_api_key: Option<SecretString>,
    /// `ANTHROPIC_MODEL`.
    pub anthropic_model: String,
    /// `ANTHROPIC_BASE_URL`, without a trailing slash.
    pub anthropic_base_url: String,
    /// `OPENAI_BASE_URL` (e.g. `http://localhost:11434` for Ollama); when set and there is
    /// no Anthropic key, the OpenAI-compatible analyzer is used. A trailing `/v1` is
    /// accepted and dropped, since client libraries conventionally include it.
    pub openai_base_url: Option<String>,
    /// `OPENAI_MODEL`; required with `OPENAI_BASE_URL` (self-hosted servers have no default).
    pub openai_model: Option<String>,
    /// `OPENAI_API_KEY`; sent as a bearer token when set (most self-hosted servers need none).
    pub openai_api_key: Option<SecretString>,
    /// `ANALYZER_TIMEOUT_SECS`: limit for one HTTP request, including reading the body.
    pub timeout: Duration,
    /// Not from the environment; tests shorten the delays.
    pub retry: RetryPolicy,
}

impl AnalyzerConfig {
    /// The built-in analyzer only: no network at all.
    pub fn local() -> Self {
        Self {
            anthropic_api_key: None,
            anthropic_model: DEFAULT_ANTHROPIC_MODEL.to_owned(),
            anthropic_base_url: DEFAULT_ANTHROPIC_BASE_URL.to_owned(),
            openai_base_url: None,
            openai_model: None,
            openai_api_key: None,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// Reads the settings through `get` (e.g. `|k| std::env::var(k).ok()`), so tests need not
    /// touch the process environment. Blank values count as unset.
    pub fn from_env_values(get: impl Fn(&str) -> Option<String>) -> Result<Self, AnalysisError> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut cfg = Self::local();
        cfg.anthropic_api_key = var("ANTHROPIC_API_KEY").map(SecretString::from);
        if let Some(model) = var("ANTHROPIC_MODEL") {
            cfg.anthropic_model = model;
        }
        if let Some(url) = var("ANTHROPIC_BASE_URL") {
            cfg.anthropic_base_url = base_url("ANTHROPIC_BASE_URL", &url)?;
        }
        cfg.openai_base_url = var("OPENAI_BASE_URL")
            .map(|u| base_url("OPENAI_BASE_URL", &u))
            .transpose()?;
        cfg.openai_model = var("OPENAI_MODEL");
        cfg.openai_api_key = var("OPENAI_API_KEY").map(SecretString::from);
        if cfg.openai_base_url.is_some() && cfg.openai_model.is_none() {
            return Err(AnalysisError::Config(
                "OPENAI_BASE_URL is set but OPENAI_MODEL is not; name the model to use".into(),
            ));
        }
        if let Some(t) = var("ANALYZER_TIMEOUT_SECS") {
            let secs: u64 = t
                .parse()
                .ok()
                .filter(|s| (1..=600).contains(s))
                .ok_or_else(|| {
                    AnalysisError::Config(format!(
                        "ANALYZER_TIMEOUT_SECS must be a whole number of seconds from 1 to 600, got {t:?}"
                    ))
                })?;
            cfg.timeout = Duration::from_secs(secs);
        }
        Ok(cfg)
    }
}

/// Accepts `http(s)://host[:port][/prefix]`, drops trailing slashes and a trailing `/v1`.
pub(crate) fn base_url(name: &str, raw: &str) -> Result<String, AnalysisError> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => {}
        _ => {
            return Err(AnalysisError::Config(format!(
                "{name} must be an http:// or https:// URL, got {raw:?}"
            )))
        }
    }
    let url = url.strip_suffix("/v1").unwrap_or(url);
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Result<AnalyzerConfig, AnalysisError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        AnalyzerConfig::from_env_values(|k| map.get(k).cloned())
    }

    #[test]
    fn empty_env_is_local_with_defaults() {
        let c = env(&[]).unwrap();
        assert!(c.anthropic_api_key.is_none() && c.openai_base_url.is_none());
        assert_eq!(c.anthropic_model, DEFAULT_ANTHROPIC_MODEL);
        assert_eq!(c.anthropic_base_url, DEFAULT_ANTHROPIC_BASE_URL);
        assert_eq!(c.timeout, DEFAULT_TIMEOUT);
        let blank = env(&[("ANTHROPIC_API_KEY", "  "), ("OPENAI_BASE_URL", "")]).unwrap();
        assert!(blank.anthropic_api_key.is_none() && blank.openai_base_url.is_none());
    }

    #[test]
    fn reads_every_variable() {
        let c = env(&[
            ("ANTHROPIC_API_KEY", "sk-ant-x"),
            ("ANTHROPIC_MODEL", "claude-sonnet-4-5"),
            ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/"),
            ("OPENAI_BASE_URL", "http://localhost:11434/v1/"),
            ("OPENAI_MODEL", "llama3.1"),
            ("OPENAI_API_KEY", "k"),
            ("ANALYZER_TIMEOUT_SECS", "5"),
        ])
        .unwrap();
        assert_eq!(c.anthropic_api_key.unwrap().expose_secret(), "sk-ant-x");
        assert_eq!(c.anthropic_model, "claude-sonnet-4-5");
        assert_eq!(c.anthropic_base_url, "http://127.0.0.1:9");
        assert_eq!(c.openai_base_url.as_deref(), Some("http://localhost:11434"));
        assert_eq!(c.openai_model.as_deref(), Some("llama3.1"));
        assert_eq!(c.openai_api_key.unwrap().expose_secret(), "k");
        assert_eq!(c.timeout, Duration::from_secs(5));
    }

    #[test]
    fn rejects_bad_values() {
        assert!(
            env(&[("OPENAI_BASE_URL", "http://x")]).is_err(),
            "model required"
        );
        assert!(env(&[("ANTHROPIC_BASE_URL", "api.anthropic.com")]).is_err());
        assert!(env(&[("ANTHROPIC_BASE_URL", "ftp://x")]).is_err());
        assert!(env(&[("ANTHROPIC_BASE_URL", "https://")]).is_err());
        assert!(env(&[("ANALYZER_TIMEOUT_SECS", "0")]).is_err());
        assert!(env(&[("ANALYZER_TIMEOUT_SECS", "soon")]).is_err());
    }

    #[test]
    fn debug_does_not_print_keys() {
        let c = env(&[
            ("ANTHROPIC_API_KEY", "sk-ant-secret"),
            ("OPENAI_API_KEY", "sk-oai-secret"),
        ])
        .unwrap();
        let d = format!("{c:?}");
        assert!(
            !d.contains("sk-ant-secret") && !d.contains("sk-oai-secret"),
            "{d}"
        );
    }
}
