//! Instants are stored as Unix milliseconds (BIGINT in both databases): compact, indexable,
//! and identical across the two dialects.

use jiff::Timestamp;

pub(crate) fn to_ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

pub(crate) fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}
