//! Cross-cutting request handling: security headers, the Origin check, the access log, the
//! read cache's generation bump after writes.

pub mod access_log;
pub mod bump_generation;
pub mod client_ip;
pub mod origin;
pub mod security_headers;
pub mod trusted_proxies;
