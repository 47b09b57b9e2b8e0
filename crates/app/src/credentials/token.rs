//! Random secrets handed to clients (session cookies, API tokens, links in mail). Clients
//! get the token; the database gets its SHA-256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::TokenHash;

/// 256 random bits, URL-safe base64, with a prefix that tells what it is (`ots_` session,
/// `otk_` API token, `otl_` link) — handy for secret scanners and support.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_unique_and_hash_stably() {
        let a = super::generate("otk_");
        let b = super::generate("otk_");
        assert_ne!(a, b);
        assert!(a.starts_with("otk_") && a.len() == 4 + 43);
        assert_eq!(super::hash(&a), super::hash(&a));
        assert_ne!(super::hash(&a), super::hash(&b));
    }
}
