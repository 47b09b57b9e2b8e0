use crate::middleware::client_ip::client_ip;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The request's id: in the access log, in error logs, and echoed as `x-request-id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// One structured line per request. The query string is left out: reset and invite links
/// carry secrets, and secrets are never logged.
pub async fn access_log(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = uuid::Uuid::new_v4().simple().to_string();
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let ip = client_ip(req.headers(), req.extensions(), state.config.trust_proxy)
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
