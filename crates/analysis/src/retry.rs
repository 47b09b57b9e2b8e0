//! Retries with capped exponential backoff and jitter, honouring the server's `retry-after`.

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use reqwest::header::HeaderMap;

use crate::AnalysisError;

/// How often and how patiently a client retries transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` requests).
    pub max_retries: u32,
    /// Delay before the first retry; doubles each time.
    pub base_delay: Duration,
    /// Upper bound on the computed backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

/// Longest `retry-after` we will sit through; beyond it we use our own backoff and let the
/// background job retry later instead of holding a worker.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

impl RetryPolicy {
    /// Wait before retry number `retry` (0-based): the server's `retry-after` when it is
    /// sane, else `base * 2^retry` capped at `max_delay`, minus up to 25 % jitter so many
    /// workers do not retry in lockstep.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after.filter(|d| *d <= MAX_RETRY_AFTER) {
            return wait;
        }
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(16)));
        let capped = exp.min(self.max_delay);
        let jitter = 1.0 - rand::thread_rng().gen_range(0.0..0.25);
        capped.mul_f64(jitter)
    }

    /// Runs `attempt` until it succeeds, fails permanently, or the retries are spent.
    pub(crate) async fn run<T, F, Fut>(&self, mut attempt: F) -> Result<T, AnalysisError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AnalysisError>>,
    {
        let mut retry = 0;
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(e) if retry < self.max_retries && e.retry_in_loop() => {
                    let wait = self.delay(retry, e.retry_after());
                    tracing::warn!(error = %e, retry = retry + 1, wait_ms = wait.as_millis() as u64, "analyzer request failed, retrying");
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Reads `retry-after-ms` (OpenAI) or `retry-after` in seconds (Anthropic, RFC 9110
/// delta-seconds). HTTP-date values are ignored: our own backoff covers them.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return secs(ms / 1000.0);
    }
    header("retry-after")
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(secs)
}

fn secs(s: f64) -> Option<Duration> {
    (s.is_finite() && (0.0..=MAX_RETRY_AFTER.as_secs_f64()).contains(&s))
        .then(|| Duration::from_secs_f64(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn backoff_doubles_with_jitter_and_cap() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let d0 = p.delay(0, None);
            assert!(d0 <= Duration::from_millis(500) && d0 >= Duration::from_millis(375));
            let d1 = p.delay(1, None);
            assert!(d1 <= Duration::from_secs(1) && d1 >= Duration::from_millis(750));
            assert!(p.delay(10, None) <= Duration::from_secs(8));
        }
        assert!(p.delay(u32::MAX, None) <= Duration::from_secs(8));
    }

    #[test]
    fn retry_after_honoured_only_within_a_minute() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(p.delay(0, Some(Duration::ZERO)), Duration::ZERO);
        assert!(p.delay(0, Some(Duration::from_secs(61))) <= Duration::from_millis(500));
    }

    #[test]
    fn parses_retry_after_headers() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after", HeaderValue::from_static("3600"));
        assert_eq!(retry_after(&h), None);
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
        h.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        h.insert("retry-after-ms", HeaderValue::from_static("-5"));
        assert_eq!(retry_after(&h), None);
    }

    #[tokio::test]
    async fn never_more_than_max_retries() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let calls = AtomicU32::new(0);
        let r: Result<(), _> = p
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(AnalysisError::Timeout { provider: "claude" })
            })
            .await;
        assert!(matches!(r, Err(AnalysisError::Timeout { .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        calls.store(0, Ordering::SeqCst);
        let r: Result<(), _> = p
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(AnalysisError::Refusal { provider: "claude" })
            })
            .await;
        assert!(r.is_err());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "permanent errors are not retried"
        );
    }
}
