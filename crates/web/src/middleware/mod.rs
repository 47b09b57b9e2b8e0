//! Cross-cutting request handling: security headers, the Origin check, the access log.

pub mod access_log;
pub mod client_ip;
pub mod origin;
pub mod security_headers;
