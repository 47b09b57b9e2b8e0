use crate::middleware::client_ip::client_ip;
use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The request's id: in the access log, in error logs, and echoed as `x-request-id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// One structured line per request. Secrets are never logged: the query string is left
/// out, and so are path segments that are credentials — reset, invite and personal clock
/// links carry their token in the path (see [`loggable_path`]).
pub async fn access_log(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().clone();
    let path = loggable_path(
        req.extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
        req.uri().path(),
    );
    let ip = client_ip(req.headers(), req.extensions(), &state.config.proxies)
        .map(|i| i.to_string())
        .unwrap_or_default();
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let span = tracing::info_span!("request", request_id = %id);
    let mut res = {
        let _enter = span.enter();
        drop(_enter);
        tracing::Instrument::instrument(next.run(req), span.clone()).await
    };
    let status = res.status().as_u16();
    let latency_us = started.elapsed().as_micros() as u64;
    let _enter = span.enter();
    tracing::info!(target: "access", %method, path = %path, status, latency_us, ip = %ip, user_agent = %agent);
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Route parameters that are credentials; the log shows their name instead of the value.
const SECRET_PARAMS: &[&str] = &["{token}"];

/// The path as it may be logged. For a matched route the route template decides: a
/// parameter named in [`SECRET_PARAMS`] is shown as its name, other parameters (ids) as
/// they were sent. An unmatched path (a 404, a mistyped link) has no template, so every
/// segment that looks like one of our tokens or like any long random string is hidden.
pub fn loggable_path(template: Option<&str>, path: &str) -> String {
    if let Some(template) = template {
        let names: Vec<&str> = template.split('/').collect();
        let values: Vec<&str> = path.split('/').collect();
        if names.len() != values.len() {
            // A wildcard route: the template itself is safe.
            return template.to_string();
        }
        return names
            .iter()
            .zip(values)
            .map(|(name, value)| {
                if SECRET_PARAMS.contains(name) {
                    *name
                } else {
                    value
                }
            })
            .collect::<Vec<_>>()
            .join("/");
    }
    path.split('/')
        .map(|seg| if looks_secret(seg) { "{redacted}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Our tokens (`ots_`, `otk_`, `otl_` + 43 characters) and anything else long and random.
fn looks_secret(seg: &str) -> bool {
    let ours = seg.len() > 4 && seg.starts_with("ot") && seg.as_bytes().get(3) == Some(&b'_');
    let random = seg.len() >= 24
        && seg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'%');
    ours || random
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt;

    #[test]
    fn secret_parameters_are_replaced_by_their_name() {
        let t = "otl_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd";
        assert_eq!(
            loggable_path(Some("/c/{token}"), &format!("/c/{t}")),
            "/c/{token}"
        );
        assert_eq!(
            loggable_path(Some("/invite/{token}"), &format!("/invite/{t}")),
            "/invite/{token}"
        );
        // Ids stay: they are what an operator looks for.
        assert_eq!(
            loggable_path(Some("/api/v1/shifts/{id}"), "/api/v1/shifts/0192-ab"),
            "/api/v1/shifts/0192-ab"
        );
    }

    #[test]
    fn unmatched_paths_hide_token_like_segments() {
        let t = "otl_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd";
        assert_eq!(loggable_path(None, &format!("/c/{t}/x")), "/c/{redacted}/x");
        assert_eq!(
            loggable_path(None, "/password-reset/otl_short"),
            "/password-reset/{redacted}"
        );
        assert_eq!(loggable_path(None, "/no/such/page"), "/no/such/page");
    }

    /// The template is there when the layer runs: `MatchedPath` is set for layers added
    /// with `Router::layer`, as the app's access log is.
    #[tokio::test]
    async fn the_layer_sees_the_route_template() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let rec = seen.clone();
        let app = Router::new()
            .route("/c/{token}", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let rec = rec.clone();
                    async move {
                        let p = loggable_path(
                            req.extensions()
                                .get::<MatchedPath>()
                                .map(MatchedPath::as_str),
                            req.uri().path(),
                        );
                        rec.lock().unwrap().push(p);
                        next.run(req).await
                    }
                },
            ));
        let req = Request::builder()
            .uri("/c/otl_secretsecretsecretsecret")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(*seen.lock().unwrap(), vec!["/c/{token}".to_string()]);
    }
}
