//! Billing configuration, read from env values by the caller (this crate never touches the
//! process environment itself, so tests stay hermetic).

use secrecy::{ExposeSecret, SecretString};

use crate::error::BillingError;
use crate::signature::{verify_signature, SignatureError, DEFAULT_TOLERANCE_SECS};

/// Where Stripe lives unless `STRIPE_API_BASE` says otherwise (tests point it at a fake).
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// Where Stripe's hosted pages live: Checkout and the Customer Portal. The browser is
/// redirected there from a form post, so the pages' `form-action` must allow them.
pub const HOSTED_PAGE_ORIGINS: [&str; 2] =
    ["https://checkout.stripe.com", "https://billing.stripe.com"];

/// Everything needed to talk to Stripe. `Debug` is safe: the secrets print as `[REDACTED]`.
#[derive(Debug, Clone)]
pub struct StripeConfig {
    /// `sk_...` (or a restricted `rk_...`) key; sent only as the bearer token.
    pub secret_key: SecretString,
    /// The endpoint's `whsec_...` signing secret for webhook verification.
    pub webhook_secret: SecretString,
    /// The per-seat recurring Price (`price_...`) used for checkout.
    pub price_id: String,
    /// Scheme and host, no trailing slash, e.g. `https://api.stripe.com`.
    pub api_base: String,
}

impl StripeConfig {
    /// Builds the config from the values of `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`,
    /// `STRIPE_PRICE_ID` and `STRIPE_API_BASE`.
    ///
    /// * `Ok(None)`: no secret key (unset or blank): billing is off.
    /// * `Err(Config)`: a key is set but the webhook secret or price is missing, or a value is
    ///   malformed. Refusing to start beats half-working billing.
    pub fn from_env_values(
        secret: Option<String>,
        webhook: Option<String>,
        price: Option<String>,
        base: Option<String>,
    ) -> Result<Option<Self>, BillingError> {
        let Some(secret) = non_blank(secret) else {
            return Ok(None);
        };
        // A publishable key (pk_) or a webhook secret pasted here is the classic mistake.
        if !(secret.starts_with("sk_") || secret.starts_with("rk_")) {
            return Err(BillingError::Config(
                "STRIPE_SECRET_KEY must be a secret key (sk_...) or restricted key (rk_...)".into(),
            ));
        }
        let webhook = non_blank(webhook);
        let price = non_blank(price);
        let missing: Vec<&str> = [
            ("STRIPE_WEBHOOK_SECRET", webhook.is_none()),
            ("STRIPE_PRICE_ID", price.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
        let (Some(webhook), Some(price)) = (webhook, price) else {
            return Err(BillingError::Config(format!(
                "STRIPE_SECRET_KEY is set, so billing is on, but {} {} missing",
                missing.join(" and "),
                if missing.len() == 1 { "is" } else { "are" }
            )));
        };
        let api_base = match non_blank(base) {
            Some(b) => normalize_api_base(&b)?,
            None => DEFAULT_API_BASE.to_owned(),
        };
        Ok(Some(Self {
            secret_key: SecretString::from(secret),
            webhook_secret: SecretString::from(webhook),
            price_id: price,
            api_base,
        }))
    }

    /// The origins the browser may be sent to for Checkout and the Portal: Stripe's own,
    /// plus the API base when it is not Stripe's (a fake or `stripe-mock` serves its
    /// hosted pages from its own origin).
    pub fn hosted_page_origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = HOSTED_PAGE_ORIGINS.iter().map(|o| o.to_string()).collect();
        if self.api_base != DEFAULT_API_BASE {
            origins.push(self.api_base.clone());
        }
        origins
    }

    /// Verifies a webhook's `Stripe-Signature` header with this endpoint's secret and the
    /// default 300 s tolerance.
    pub fn verify_webhook(
        &self,
        header: &str,
        raw_body: &[u8],
        now_unix: i64,
    ) -> Result<(), SignatureError> {
        verify_signature(
            header,
            raw_body,
            self.webhook_secret.expose_secret(),
            now_unix,
            DEFAULT_TOLERANCE_SECS,
        )
    }
}

fn non_blank(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Accepts `https://host[:port]` anywhere, but plain `http://` only for loopback: the
/// secret key rides in a header and must not cross a network in clear text.
pub(crate) fn normalize_api_base(base: &str) -> Result<String, BillingError> {
    let base = base.trim().trim_end_matches('/');
    let bad = |why: &str| BillingError::Config(format!("STRIPE_API_BASE {base:?}: {why}"));
    let (scheme, rest) = base
        .split_once("://")
        .ok_or_else(|| bad("expected http(s)://host"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad(
            "expected scheme and host only, without path or credentials",
        ));
    }
    match scheme {
        "https" => Ok(base.to_owned()),
        "http" => {
            let host = if let Some(v6) = rest.strip_prefix('[') {
                v6.split(']').next().unwrap_or_default()
            } else {
                rest.split(':').next().unwrap_or_default()
            };
            if matches!(host, "localhost" | "127.0.0.1" | "::1") {
                Ok(base.to_owned())
            } else {
                Err(bad("plain http is only allowed for localhost"))
            }
        }
        _ => Err(bad("scheme must be https")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn no_secret_key_means_billing_off() {
        assert!(StripeConfig::from_env_values(None, None, None, None)
            .unwrap()
            .is_none());
        assert!(
            StripeConfig::from_env_values(s("  "), s("whsec_x"), s("price_1"), None)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn full_config_with_default_base() {
        let c = StripeConfig::from_env_values(s("sk_test_1"), s("whsec_x"), s("price_1"), None)
            .unwrap()
            .unwrap();
        assert_eq!(c.secret_key.expose_secret(), "sk_test_1");
        assert_eq!(c.webhook_secret.expose_secret(), "whsec_x");
        assert_eq!(c.price_id, "price_1");
        assert_eq!(c.api_base, DEFAULT_API_BASE);
    }

    #[test]
    fn missing_companions_are_named() {
        let err = StripeConfig::from_env_values(s("sk_test_1"), None, None, None).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("STRIPE_WEBHOOK_SECRET and STRIPE_PRICE_ID are missing"),
            "{msg}"
        );
        let err = StripeConfig::from_env_values(s("sk_test_1"), s("whsec"), s(""), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("STRIPE_PRICE_ID is missing"), "{err}");
    }

    #[test]
    fn publishable_key_is_refused() {
        let err = StripeConfig::from_env_values(s("pk_test_1"), s("whsec"), s("price"), None)
            .unwrap_err();
        assert!(matches!(err, BillingError::Config(_)));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = StripeConfig::from_env_values(
            s("sk_live_supersecret"),
            s("whsec_alsosecret"),
            s("price_1"),
            None,
        )
        .unwrap()
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("supersecret"), "{dbg}");
        assert!(!dbg.contains("alsosecret"), "{dbg}");
        assert!(dbg.contains("price_1"));
    }

    #[test]
    fn api_base_rules() {
        assert_eq!(
            normalize_api_base("http://127.0.0.1:4010/").unwrap(),
            "http://127.0.0.1:4010"
        );
        assert_eq!(
            normalize_api_base("http://[::1]:80").unwrap(),
            "http://[::1]:80"
        );
        assert_eq!(
            normalize_api_base("https://stripe.internal:8443").unwrap(),
            "https://stripe.internal:8443"
        );
        assert!(normalize_api_base("http://example.com").is_err());
        assert!(normalize_api_base("ftp://localhost").is_err());
        assert!(normalize_api_base("https://x/v1").is_err());
        assert!(normalize_api_base("api.stripe.com").is_err());
        assert!(normalize_api_base("https://").is_err());
        let c = StripeConfig::from_env_values(
            s("sk_test_1"),
            s("whsec_x"),
            s("price_1"),
            s("http://localhost:1234"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.api_base, "http://localhost:1234");
    }

    #[test]
    fn hosted_pages_are_stripes_plus_a_fake_base() {
        let real = StripeConfig::from_env_values(s("sk_test_1"), s("whsec_x"), s("price_1"), None)
            .unwrap()
            .unwrap();
        assert_eq!(real.hosted_page_origins(), HOSTED_PAGE_ORIGINS);
        let fake = StripeConfig::from_env_values(
            s("sk_test_1"),
            s("whsec_x"),
            s("price_1"),
            s("http://127.0.0.1:4010"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            fake.hosted_page_origins(),
            [
                HOSTED_PAGE_ORIGINS[0],
                HOSTED_PAGE_ORIGINS[1],
                "http://127.0.0.1:4010"
            ]
        );
    }
}
