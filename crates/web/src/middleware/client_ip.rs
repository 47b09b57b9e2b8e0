//! The client's address, for rate limits, the audit log and the access log.
//!
//! Without trusted proxies it is the socket peer. Behind reverse proxies it comes from
//! `X-Forwarded-For`, read the way the common proxy conventions do: each proxy *appends*
//! the address it received the request from, so only the right-hand end of the list is
//! written by machines we trust — anything to the left of it is whatever the client sent.
//! The header is therefore only read when the peer itself is a trusted proxy, and then
//! from the right: the client is the right-most address that is not a trusted proxy.

pub use super::trusted_proxies::TrustedProxies;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::Extensions;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the socket peer, or — when the peer is a trusted proxy — the
/// right-most `X-Forwarded-For` address that is not a trusted proxy.
pub fn client_ip(
    headers: &HeaderMap,
    extensions: &Extensions,
    proxies: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_canonical())?;
    if !proxies.peer_is_proxy(peer) {
        return Some(peer);
    }
    // Several headers count as one comma-separated list, in order.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    // The nearest hop known to be ours so far; a garbled entry means the client wrote it,
    // and the best we know is the proxy that passed it on.
    let mut nearest = peer;
    for entry in entries.iter().rev() {
        let Ok(ip) = entry.parse::<IpAddr>().map(|i| i.to_canonical()) else {
            return Some(nearest);
        };
        if !proxies.contains(ip) {
            return Some(ip);
        }
        nearest = ip;
    }
    Some(nearest)
}

pub fn from_parts(parts: &Parts, proxies: &TrustedProxies) -> String {
    client_ip(&parts.headers, &parts.extensions, proxies)
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
        Ok(Self(from_parts(parts, &state.config.proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip_of(peer: &str, xff: &[&str], proxies: &TrustedProxies) -> String {
        let mut headers = HeaderMap::new();
        for v in xff {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        let mut ext = Extensions::new();
        ext.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 4000)));
        client_ip(&headers, &ext, proxies).unwrap().to_string()
    }

    fn list(items: &[&str]) -> TrustedProxies {
        TrustedProxies {
            nets: TrustedProxies::parse_list(items).unwrap(),
            trust_peer: false,
        }
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(
            ip_of("203.0.113.9", &["1.2.3.4"], &TrustedProxies::none()),
            "203.0.113.9"
        );
    }

    #[test]
    fn the_client_cannot_choose_its_address_by_prepending_entries() {
        let p = list(&["10.0.0.0/8"]);
        // The client sent "X-Forwarded-For: 1.2.3.4"; our proxy 10.0.0.2 appended the
        // address it saw (198.51.100.7). The left-most entry is the forged one.
        assert_eq!(
            ip_of("10.0.0.2", &["1.2.3.4, 198.51.100.7"], &p),
            "198.51.100.7"
        );
        // Two of our proxies in a row: both skipped.
        assert_eq!(
            ip_of("10.0.0.2", &["1.2.3.4, 198.51.100.7, 10.0.0.9"], &p),
            "198.51.100.7"
        );
        // Split over two headers, same reading.
        assert_eq!(
            ip_of("10.0.0.2", &["1.2.3.4", "198.51.100.7"], &p),
            "198.51.100.7"
        );
    }

    #[test]
    fn a_peer_outside_the_list_is_the_client_whatever_it_sends() {
        let p = list(&["10.0.0.0/8", "192.168.1.5"]);
        assert_eq!(
            ip_of("203.0.113.9", &["10.0.0.3, 1.2.3.4"], &p),
            "203.0.113.9"
        );
        assert_eq!(ip_of("192.168.1.5", &["1.2.3.4"], &p), "1.2.3.4");
    }

    #[test]
    fn garbage_and_all_trusted_chains_fall_back_to_the_nearest_proxy() {
        let p = list(&["10.0.0.0/8"]);
        assert_eq!(ip_of("10.0.0.2", &["nonsense, 10.0.0.5"], &p), "10.0.0.5");
        assert_eq!(ip_of("10.0.0.2", &["10.0.0.7"], &p), "10.0.0.7");
        assert_eq!(ip_of("10.0.0.2", &[], &p), "10.0.0.2");
    }

    #[test]
    fn trust_proxy_alone_means_one_proxy_hop() {
        let p = TrustedProxies {
            nets: vec![],
            trust_peer: true,
        };
        assert_eq!(
            ip_of("127.0.0.1", &["1.2.3.4, 198.51.100.7"], &p),
            "198.51.100.7"
        );
        assert_eq!(ip_of("::ffff:127.0.0.1", &[], &p), "127.0.0.1");
    }

    #[test]
    fn lists_accept_cidrs_and_single_addresses_only() {
        assert_eq!(
            TrustedProxies::parse_list(&["10.0.0.0/8", " ::1 ", ""])
                .unwrap()
                .len(),
            2
        );
        assert!(TrustedProxies::parse_list(&["10.0.0.0/33"]).is_err());
        assert!(TrustedProxies::parse_list(&["proxy.local"]).is_err());
    }
}
