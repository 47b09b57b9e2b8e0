//! The Stripe HTTP client: form-encoded requests, idempotency keys, bounded retries and
//! typed errors. It knows nothing of companies beyond the ids it is handed.

use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::config::StripeConfig;
use crate::error::{BillingError, StripeApiError, StripeErrorType};
use crate::subscription::{RawItem, RawSubscription, Subscription, SubscriptionItem};

/// The API version every request pins, so Stripe's account default cannot change the shapes
/// we parse. Set the webhook endpoint to the same version in the dashboard.
pub const STRIPE_API_VERSION: &str = "2024-06-20";

/// Hard ceiling on retries per call, whatever [`ClientOptions::max_retries`] says.
pub const MAX_RETRIES: u32 = 2;

/// Upper bound for one backoff sleep.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(8);

/// Transport knobs. `Default` suits production; tests shrink `retry_base_delay`.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Whole-request timeout (connect + send + read), per attempt.
    pub timeout: Duration,
    /// Retries after the first attempt; clamped to [`MAX_RETRIES`].
    pub max_retries: u32,
    /// First backoff; doubled per retry, with jitter, capped at 8 s.
    pub retry_base_delay: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(20),
            max_retries: MAX_RETRIES,
            retry_base_delay: Duration::from_millis(500),
        }
    }
}

/// A hosted Checkout page to redirect the admin to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CheckoutSession {
    /// `cs_...`
    pub id: String,
    pub url: String,
}

/// A Customer Portal page (manage card, invoices, cancel).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PortalSession {
    pub url: String,
}

/// Talks to Stripe on behalf of the app. Cheap to clone (shares one connection pool).
#[derive(Debug, Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    config: StripeConfig,
    options: ClientOptions,
}

impl StripeClient {
    pub fn new(config: StripeConfig) -> Result<Self, BillingError> {
        Self::with_options(config, ClientOptions::default())
    }

    pub fn with_options(
        config: StripeConfig,
        options: ClientOptions,
    ) -> Result<Self, BillingError> {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("omnitrack-billing/", env!("CARGO_PKG_VERSION")))
            // Stripe's API never redirects; following one could carry the key elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| BillingError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            config,
            options,
        })
    }

    /// The same client without in-call retries, for callers that keep their own durable
    /// retry queue (the seat sync): a failure goes back to the queue at once instead of
    /// holding the worker through the backoff sleeps.
    pub fn single_attempt(&self) -> Self {
        let mut one = self.clone();
        one.options.max_retries = 0;
        one
    }

    pub fn config(&self) -> &StripeConfig {
        &self.config
    }

    /// `POST /v1/checkout/sessions` in `subscription` mode for `seats` of the configured
    /// price. The company id goes into `client_reference_id` and into the metadata of both
    /// the session and the subscription, so every later webhook can be traced back.
    ///
    /// Pass the same `idempotency_key` when retrying the same business operation (e.g. a
    /// double-clicked "Subscribe"); `None` generates a fresh one.
    pub async fn create_checkout_session(
        &self,
        company_id: &str,
        customer_email: &str,
        seats: u32,
        success_url: &str,
        cancel_url: &str,
        idempotency_key: Option<&str>,
    ) -> Result<CheckoutSession, BillingError> {
        non_empty("company_id", company_id)?;
        non_empty("success_url", success_url)?;
        non_empty("cancel_url", cancel_url)?;
        if seats == 0 {
            return Err(BillingError::InvalidInput(
                "a subscription needs at least one seat".into(),
            ));
        }
        let mut form = vec![
            ("mode", "subscription".to_owned()),
            ("line_items[0][price]", self.config.price_id.clone()),
            ("line_items[0][quantity]", seats.to_string()),
            ("client_reference_id", company_id.to_owned()),
        ];
        // Blank email: let Checkout ask for it rather than send an invalid one.
        if !customer_email.trim().is_empty() {
            form.push(("customer_email", customer_email.trim().to_owned()));
        }
        form.extend([
            ("metadata[company_id]", company_id.to_owned()),
            (
                "subscription_data[metadata][company_id]",
                company_id.to_owned(),
            ),
            ("success_url", success_url.to_owned()),
            ("cancel_url", cancel_url.to_owned()),
        ]);
        #[derive(Deserialize)]
        struct Raw {
            id: String,
            url: Option<String>,
        }
        let raw: Raw = self
            .request(
                Method::POST,
                "/v1/checkout/sessions",
                Some(&form),
                idempotency_key,
            )
            .await?;
        let url = raw.url.ok_or_else(|| {
            BillingError::Decode(format!("checkout session {} has no url", raw.id))
        })?;
        Ok(CheckoutSession { id: raw.id, url })
    }

    /// `POST /v1/billing_portal/sessions` for a customer (`cus_...`).
    pub async fn create_portal_session(
        &self,
        customer_id: &str,
        return_url: &str,
    ) -> Result<PortalSession, BillingError> {
        stripe_id("customer_id", customer_id)?;
        non_empty("return_url", return_url)?;
        let form = [
            ("customer", customer_id.to_owned()),
            ("return_url", return_url.to_owned()),
        ];
        self.request(
            Method::POST,
            "/v1/billing_portal/sessions",
            Some(&form),
            None,
        )
        .await
    }

    /// `GET /v1/subscriptions/{id}`.
    pub async fn get_subscription(&self, id: &str) -> Result<Subscription, BillingError> {
        stripe_id("subscription id", id)?;
        let raw: RawSubscription = self
            .request(Method::GET, &format!("/v1/subscriptions/{id}"), None, None)
            .await?;
        Subscription::try_from(raw)
    }

    /// `POST /v1/subscription_items/{id}` with `quantity` and
    /// `proration_behavior=create_prorations` (the difference lands on the next invoice).
    pub async fn set_seat_quantity(
        &self,
        subscription_item_id: &str,
        quantity: u32,
        idempotency_key: Option<&str>,
    ) -> Result<SubscriptionItem, BillingError> {
        stripe_id("subscription item id", subscription_item_id)?;
        if quantity == 0 {
            return Err(BillingError::InvalidInput(
                "seat quantity must be at least 1; cancel the subscription instead".into(),
            ));
        }
        let form = [
            ("quantity", quantity.to_string()),
            ("proration_behavior", "create_prorations".to_owned()),
        ];
        let raw: RawItem = self
            .request(
                Method::POST,
                &format!("/v1/subscription_items/{subscription_item_id}"),
                Some(&form),
                idempotency_key,
            )
            .await?;
        Ok(raw.into())
    }

    /// `DELETE /v1/subscriptions/{id}`: cancels now (not at period end). Returns the
    /// subscription as Stripe left it (status `canceled`).
    pub async fn cancel_subscription(&self, id: &str) -> Result<Subscription, BillingError> {
        stripe_id("subscription id", id)?;
        let raw: RawSubscription = self
            .request(
                Method::DELETE,
                &format!("/v1/subscriptions/{id}"),
                None,
                None,
            )
            .await?;
        Subscription::try_from(raw)
    }

    /// One logical call: up to `1 + max_retries` attempts, all with the same idempotency key.
    async fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        form: Option<&[(&str, String)]>,
        idempotency_key: Option<&str>,
    ) -> Result<T, BillingError> {
        let url = format!("{}{}", self.config.api_base, path);
        let body = form
            .map(serde_urlencoded::to_string)
            .transpose()
            .map_err(|e| BillingError::InvalidInput(format!("form encoding: {e}")))?;
        let idempotency_key = if method == Method::POST {
            Some(match idempotency_key {
                Some(k) => valid_idempotency_key(k)?,
                None => new_idempotency_key(),
            })
        } else {
            None
        };
        let max_retries = self.options.max_retries.min(MAX_RETRIES);
        let mut attempt = 0u32;
        loop {
            let mut req = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(self.config.secret_key.expose_secret())
                .header("Stripe-Version", STRIPE_API_VERSION);
            if let Some(key) = &idempotency_key {
                req = req.header("Idempotency-Key", key.as_str());
            }
            if let Some(body) = &body {
                req = req
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body.clone());
            }
            tracing::debug!(%method, path, attempt, "stripe request");
            let (err, retryable) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(bytes) if status.is_success() => {
                            return serde_json::from_slice(&bytes).map_err(|e| {
                                BillingError::Decode(format!("{method} {path}: {e}"))
                            });
                        }
                        Ok(bytes) => (
                            api_error(status, &headers, &bytes),
                            should_retry(status, &headers),
                        ),
                        // The answer was cut off: same as never getting one.
                        Err(e) => transport_error(e),
                    }
                }
                Err(e) => transport_error(e),
            };
            if !retryable || attempt >= max_retries {
                return Err(err);
            }
            tracing::warn!(%method, path, attempt, error = %err, "stripe call failed, retrying");
            tokio::time::sleep(backoff(self.options.retry_base_delay, attempt)).await;
            attempt += 1;
        }
    }
}

/// Every POST carries an idempotency key and GET/DELETE are idempotent, so resending after
/// "did it arrive?" failures is safe.
fn transport_error(e: reqwest::Error) -> (BillingError, bool) {
    let retryable = e.is_connect() || e.is_timeout() || e.is_request() || e.is_body();
    (BillingError::Transport(e), retryable)
}

/// Stripe-Should-Retry wins when present; otherwise retry conflicts (409, e.g. a concurrent
/// request with the same idempotency key) and server errors.
fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers
        .get("Stripe-Should-Retry")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        Some(v) if v.eq_ignore_ascii_case("true") => return true,
        Some(v) if v.eq_ignore_ascii_case("false") => return false,
        _ => {}
    }
    status == StatusCode::CONFLICT || status.is_server_error()
}

fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base
        .saturating_mul(1u32 << attempt.min(10))
        .min(MAX_RETRY_DELAY);
    // Jitter in [50%, 100%] so many clients failing together do not retry in lockstep.
    exp.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
}

fn api_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> BillingError {
    #[derive(Deserialize)]
    struct Body {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        #[serde(rename = "type", default)]
        kind: Option<String>,
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
        #[serde(default)]
        param: Option<String>,
    }
    let request_id = headers
        .get("Request-Id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match serde_json::from_slice::<Body>(body) {
        Ok(Body { error }) => BillingError::Api(Box::new(StripeApiError {
            status: status.as_u16(),
            kind: StripeErrorType::from_stripe(error.kind.as_deref().unwrap_or("api_error")),
            code: error.code,
            message: error
                .message
                .unwrap_or_else(|| format!("HTTP {} without a message", status.as_u16())),
            param: error.param,
            request_id,
        })),
        Err(_) => BillingError::Http {
            status: status.as_u16(),
            request_id,
        },
    }
}

fn new_idempotency_key() -> String {
    hex::encode(rand::thread_rng().gen::<[u8; 16]>())
}

fn valid_idempotency_key(key: &str) -> Result<String, BillingError> {
    // Stripe caps keys at 255 characters; they must also be a valid header value.
    let ok = !key.is_empty()
        && key.len() <= 255
        && key.bytes().all(|b| b.is_ascii_graphic())
        && HeaderValue::from_str(key).is_ok();
    if ok {
        Ok(key.to_owned())
    } else {
        Err(BillingError::InvalidInput(
            "idempotency key must be 1-255 printable ASCII characters without spaces".into(),
        ))
    }
}

fn non_empty(what: &str, value: &str) -> Result<(), BillingError> {
    if value.trim().is_empty() {
        Err(BillingError::InvalidInput(format!("{what} is empty")))
    } else {
        Ok(())
    }
}

/// Stripe ids are `prefix_` plus alphanumerics; anything else (a `/`, `..`, `?`) would change
/// which URL we call.
fn stripe_id(what: &str, id: &str) -> Result<(), BillingError> {
    let ok = !id.is_empty()
        && id.len() <= 255
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(BillingError::InvalidInput(format!(
            "{what} {id:?} is not a Stripe id"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(should_retry: Option<&'static str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = should_retry {
            h.insert("Stripe-Should-Retry", HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn retry_rules() {
        let s = |c: u16| StatusCode::from_u16(c).unwrap();
        assert!(should_retry(s(500), &headers(None)));
        assert!(should_retry(s(503), &headers(None)));
        assert!(should_retry(s(409), &headers(None)));
        assert!(!should_retry(s(400), &headers(None)));
        assert!(!should_retry(s(402), &headers(None)));
        assert!(!should_retry(s(429), &headers(None)));
        assert!(!should_retry(s(500), &headers(Some("false"))));
        assert!(should_retry(s(400), &headers(Some("true"))));
        assert!(should_retry(s(429), &headers(Some("True"))));
        assert!(should_retry(s(500), &headers(Some("maybe"))));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        for attempt in 0..3 {
            let d = backoff(base, attempt);
            let full = base * (1 << attempt);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        assert!(backoff(Duration::from_secs(60), 30) <= MAX_RETRY_DELAY);
    }

    #[test]
    fn ids_and_keys_are_checked() {
        assert!(stripe_id("x", "sub_1PWmJ1LkdIwHu7ix").is_ok());
        for bad in ["", "sub/../x", "sub_1?expand=x", "sub 1", "süb"] {
            assert!(stripe_id("x", bad).is_err(), "{bad}");
        }
        assert!(valid_idempotency_key("checkout-company_42-2024-06").is_ok());
        assert!(valid_idempotency_key("").is_err());
        assert!(valid_idempotency_key("has space").is_err());
        assert!(valid_idempotency_key("line\nbreak").is_err());
        assert!(valid_idempotency_key(&"k".repeat(256)).is_err());
        let k = new_idempotency_key();
        assert_eq!(k.len(), 32);
        assert_ne!(k, new_idempotency_key());
    }

    #[test]
    fn error_bodies() {
        let h = HeaderMap::new();
        let body = br#"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such price: 'price_x'","param":"line_items[0][price]","doc_url":"https://stripe.com/docs/error-codes/resource-missing"}}"#;
        let BillingError::Api(e) = api_error(StatusCode::BAD_REQUEST, &h, body) else {
            panic!("not an API error");
        };
        assert_eq!(e.kind, StripeErrorType::InvalidRequestError);
        assert_eq!(e.code.as_deref(), Some("resource_missing"));
        assert_eq!(e.param.as_deref(), Some("line_items[0][price]"));
        assert_eq!(e.message, "No such price: 'price_x'");
        assert!(matches!(
            api_error(StatusCode::BAD_GATEWAY, &h, b"<html>bad gateway</html>"),
            BillingError::Http { status: 502, .. }
        ));
    }
}
