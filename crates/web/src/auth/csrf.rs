//! CSRF: every form carries the session's token, compared in constant time. (The Origin /
//! Sec-Fetch-Site check in `middleware::origin` is the second layer, and the only one for
//! forms shown before login.)

use subtle::ConstantTimeEq;

pub fn matches(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}
