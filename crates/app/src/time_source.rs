//! Time as a dependency, so tests can move it (expire a session, reach a purge date)
//! without sleeping.

use jiff::{SignedDuration, Timestamp};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// The system clock plus an offset that tests may advance, or a pinned instant.
#[derive(Clone)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// Unix ms this clock is pinned at, or `NOT_PINNED`.
    pinned_ms: Arc<AtomicI64>,
}

const NOT_PINNED: i64 = i64::MIN;

impl Default for Clock {
    fn default() -> Self {
        Self {
            offset_ms: Arc::new(AtomicI64::new(0)),
            pinned_ms: Arc::new(AtomicI64::new(NOT_PINNED)),
        }
    }
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn now(&self) -> Timestamp {
        let pinned = self.pinned_ms.load(Ordering::Relaxed);
        if pinned != NOT_PINNED {
            let at = pinned.saturating_add(self.offset_ms.load(Ordering::Relaxed));
            return Timestamp::from_millisecond(at).unwrap_or_else(|_| Timestamp::now());
        }
        let off = SignedDuration::from_millis(self.offset_ms.load(Ordering::Relaxed));
        Timestamp::now()
            .checked_add(off)
            .unwrap_or_else(|_| Timestamp::now())
    }

    /// Pins this clock (and every clone of it) at `at`: it stands still until advanced, so
    /// tests get exact durations.
    pub fn set(&self, at: Timestamp) {
        self.offset_ms.store(0, Ordering::Relaxed);
        self.pinned_ms.store(at.as_millisecond(), Ordering::Relaxed);
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: SignedDuration) {
        self.offset_ms
            .fetch_add(by.as_millis() as i64, Ordering::Relaxed);
    }
}
