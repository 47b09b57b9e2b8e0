//! Rejects cross-site state-changing requests before any handler runs: the second CSRF
//! layer behind the per-form token, and the only one for the login and sign-up forms.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub fn allowed(method: &Method, headers: &HeaderMap, own_origin: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    // Browsers that send Fetch Metadata tell us directly.
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // No Origin: not a browser form post from another site (API clients, webhooks).
        return true;
    };
    if origin == own_origin {
        return true;
    }
    // Same host as the request was addressed to (e.g. localhost vs 127.0.0.1 setups).
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| !host.is_empty() && rest == host)
}

pub async fn check_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if allowed(req.method(), req.headers(), &state.config.origin()) {
        next.run(req).await
    } else {
        ApiError::forbidden("cross-site request refused (Origin / Sec-Fetch-Site check)")
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let own = "https://app.example";
        assert!(allowed(
            &Method::GET,
            &h(&[("sec-fetch-site", "cross-site")]),
            own
        ));
        assert!(!allowed(
            &Method::POST,
            &h(&[("sec-fetch-site", "cross-site")]),
            own
        ));
        assert!(!allowed(
            &Method::POST,
            &h(&[("sec-fetch-site", "same-site")]),
            own
        ));
        assert!(allowed(
            &Method::POST,
            &h(&[("sec-fetch-site", "same-origin")]),
            own
        ));
        assert!(!allowed(
            &Method::POST,
            &h(&[("origin", "https://evil.example")]),
            own
        ));
        assert!(allowed(
            &Method::POST,
            &h(&[("origin", "https://app.example")]),
            own
        ));
        assert!(allowed(
            &Method::POST,
            &h(&[
                ("origin", "http://localhost:8080"),
                ("host", "localhost:8080")
            ]),
            own
        ));
        assert!(!allowed(&Method::DELETE, &h(&[("origin", "null")]), own));
        assert!(
            allowed(&Method::POST, &h(&[]), own),
            "API clients send no Origin"
        );
    }
}
