//! Which peers may tell us the client's address (see [`super::client_ip`]).

use ipnet::IpNet;
use std::net::IpAddr;

/// Which peers may tell us the client's address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    /// Addresses of our own proxies (CIDRs; a bare address is one host).
    pub nets: Vec<IpNet>,
    /// The older `trust_proxy = true` switch without a list: the peer is one trusted proxy,
    /// so the right-most `X-Forwarded-For` entry (the one it appended) is the client.
    pub trust_peer: bool,
}

impl TrustedProxies {
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses `10.0.0.0/8, 192.168.1.5, fd00::/8`: CIDRs or single addresses.
    pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<Vec<IpNet>, String> {
        items
            .iter()
            .map(|s| s.as_ref().trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR"))
            })
            .collect()
    }

    pub(super) fn contains(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|n| n.contains(&ip))
    }

    pub(super) fn peer_is_proxy(&self, peer: IpAddr) -> bool {
        self.trust_peer || self.contains(peer)
    }
}
