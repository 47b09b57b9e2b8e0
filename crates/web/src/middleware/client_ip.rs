use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::Extensions;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the socket peer, or — only when configured to sit behind a proxy —
/// the left-most `X-Forwarded-For` entry the proxy appended.
pub fn client_ip(
    headers: &HeaderMap,
    extensions: &Extensions,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|s| s.trim().parse().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

pub fn from_parts(parts: &Parts, trust_proxy: bool) -> String {
    client_ip(&parts.headers, &parts.extensions, trust_proxy)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Extractor form, for handlers that rate-limit or audit by address.
pub struct ClientIp(pub String);

impl axum::extract::FromRequestParts<crate::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(from_parts(parts, state.config.trust_proxy)))
    }
}
