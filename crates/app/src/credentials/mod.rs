//! Secrets: password hashing (Argon2id) and the random tokens handed to clients (session
//! cookies, API tokens, links in mail), of which only hashes are stored.

pub mod password;
pub mod token;
pub mod totp;
