use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The headers every response gets, worked out once from the configuration.
#[derive(Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
    https: bool,
}

impl SecurityHeaders {
    pub fn new(state: &AppState) -> Self {
        let form_targets = state
            .billing
            .as_ref()
            .map(|b| b.config().hosted_page_origins())
            .unwrap_or_default();
        Self {
            csp: content_security_policy(&form_targets),
            https: state.config.https(),
        }
    }
}

/// No inline script or style anywhere, so the policy can forbid both. Forms post to this
/// origin only; `form_targets` are the origins a form's redirect may lead to (Stripe's
/// Checkout and Portal, which `/billing/subscribe` and `/billing/portal` answer with a
/// 303): browsers apply `form-action` to every redirect of a form submission.
pub fn content_security_policy(form_targets: &[String]) -> HeaderValue {
    let mut form_action = String::from("'self'");
    for origin in form_targets
        .iter()
        .filter_map(|o| url::Url::parse(o).ok())
        .map(|u| u.origin())
        .filter(|o| o.is_tuple())
    {
        form_action.push(' ');
        form_action.push_str(&origin.ascii_serialization());
    }
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action {form_action}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    );
    // Serialised origins are ASCII without control characters.
    HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

pub async fn security_headers(
    State(sh): State<SecurityHeaders>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, sh.csp.clone());
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Links in mail carry secrets in the path; never leak them to another site.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if sh.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        // Pages show private company data; keep them out of shared and back-button caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_action_lists_only_well_formed_origins() {
        let csp = content_security_policy(&[]);
        assert!(csp.to_str().unwrap().contains("form-action 'self';"));
        let csp = content_security_policy(&[
            "https://checkout.stripe.com".into(),
            "http://127.0.0.1:4010".into(),
            "not a url; script-src *".into(),
        ]);
        let csp = csp.to_str().unwrap();
        assert!(
            csp.contains("form-action 'self' https://checkout.stripe.com http://127.0.0.1:4010;"),
            "{csp}"
        );
        assert!(!csp.contains("script-src *"), "{csp}");
    }
}
