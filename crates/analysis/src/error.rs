//! One error type for every analyzer, split into "try again later" and "will never work".

use std::time::Duration;

/// Why an analysis failed. Messages never contain the analysed text or any secret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// The configuration is unusable (bad URL, missing model, HTTP client could not start).
    #[error("analyzer configuration: {0}")]
    Config(String),
    /// The caller passed something we refuse to send (e.g. figures that fail validation).
    #[error("invalid analyzer input: {0}")]
    InvalidInput(String),
    /// The API answered with an error status.
    #[error("{provider} API error (HTTP {status}, {kind}): {message}")]
    Api {
        provider: &'static str,
        status: u16,
        /// The provider's error type, e.g. `rate_limit_error`, `overloaded_error`.
        kind: String,
        message: String,
        /// Server-requested wait, when it sent a usable `retry-after`.
        retry_after: Option<Duration>,
    },
    /// The account is out of credit or over a spend cap: retrying cannot help until a person acts.
    #[error("{provider} quota exhausted: {message}")]
    QuotaExhausted {
        provider: &'static str,
        message: String,
    },
    #[error("{provider} request timed out")]
    Timeout { provider: &'static str },
    #[error("could not reach {provider}: {message}")]
    Connection {
        provider: &'static str,
        message: String,
    },
    /// The model declined to answer.
    #[error("{provider} refused to analyse the text")]
    Refusal { provider: &'static str },
    /// The output hit the token limit, so the JSON is incomplete.
    #[error("{provider} output was cut off at the token limit")]
    Truncated { provider: &'static str },
    /// The HTTP body of a success response was not the documented shape.
    #[error("{provider} sent an unreadable response: {message}")]
    MalformedResponse {
        provider: &'static str,
        message: String,
    },
    /// The model's JSON did not match what we asked for (wrong task count, unknown status...).
    #[error("{provider} output did not match the expected shape: {message}")]
    InvalidOutput {
        provider: &'static str,
        message: String,
    },
}

impl AnalysisError {
    /// True when the same request may succeed later (rate limit, overload, 5xx, timeout,
    /// connection). Background jobs use this to decide between "retry later" and "give up
    /// and fall back to the local analyzer".
    pub fn retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } => retryable_status(*status),
            Self::Timeout { .. } | Self::Connection { .. } => true,
            Self::Config(_)
            | Self::InvalidInput(_)
            | Self::QuotaExhausted { .. }
            | Self::Refusal { .. }
            | Self::Truncated { .. }
            | Self::MalformedResponse { .. }
            | Self::InvalidOutput { .. } => false,
        }
    }

    /// Whether the client's own retry loop should try again. Beyond [`Self::retryable`], a
    /// garbled body or off-schema output is worth one more sample (the model is not
    /// deterministic), but once the retries are spent it is reported as permanent.
    pub(crate) fn retry_in_loop(&self) -> bool {
        self.retryable()
            || matches!(
                self,
                Self::MalformedResponse { .. } | Self::InvalidOutput { .. }
            )
    }

    /// The wait the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// 408 timeout, 409 conflict, 429 rate limit, 5xx and Anthropic's 529 overload.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || (500..600).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> AnalysisError {
        AnalysisError::Api {
            provider: "claude",
            status,
            kind: "x".into(),
            message: "m".into(),
            retry_after: None,
        }
    }

    #[test]
    fn transient_statuses_are_retryable() {
        for s in [408, 409, 429, 500, 502, 503, 529] {
            assert!(api(s).retryable(), "{s}");
        }
        for s in [400, 401, 403, 404, 413, 422] {
            assert!(!api(s).retryable(), "{s}");
        }
    }

    #[test]
    fn permanent_kinds() {
        let p = "claude";
        assert!(AnalysisError::Timeout { provider: p }.retryable());
        assert!(AnalysisError::Connection {
            provider: p,
            message: String::new()
        }
        .retryable());
        assert!(!AnalysisError::Refusal { provider: p }.retryable());
        assert!(!AnalysisError::Truncated { provider: p }.retryable());
        assert!(!AnalysisError::QuotaExhausted {
            provider: p,
            message: String::new()
        }
        .retryable());
        let invalid = AnalysisError::InvalidOutput {
            provider: p,
            message: String::new(),
        };
        assert!(!invalid.retryable());
        assert!(invalid.retry_in_loop());
        assert!(!AnalysisError::Refusal { provider: p }.retry_in_loop());
    }
}
