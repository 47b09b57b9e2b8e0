//! Rows that every clock request reads and that almost never change — the API token's
//! principal, the company (time zone, status), its analysis settings — kept for a couple of
//! seconds, so a punch does not pay three extra round trips for them.
//!
//! Changes made through this store forget everything at once (the store's own writes to
//! tokens, users, kiosks and companies call [`HotCache::forget_all`]), so on one instance a
//! revoked token or a canceled account takes effect immediately. Another instance may
//! still serve its copy for at most [`TTL`]. Only hits are kept: an unknown token is asked
//! of the database every time, so guessing cannot fill memory.

use crate::{AnalysisSettings, Company, Principal, TokenHash};
use domain::CompanyId;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a copy is served without asking the database.
pub(crate) const TTL: Duration = Duration::from_secs(2);
/// Entries per map at most; a full map is emptied (cheap, and refilled on demand).
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub(crate) struct HotCache {
    pub(crate) principals: Ttl<TokenHash, Principal>,
    pub(crate) companies: Ttl<CompanyId, Company>,
    pub(crate) settings: Ttl<CompanyId, AnalysisSettings>,
    /// Burst windows already full on this instance (see [`crate::burst`]).
    pub(crate) full_windows: FullWindows,
}

impl HotCache {
    pub(crate) fn forget_all(&self) {
        self.principals.clear();
        self.companies.clear();
        self.settings.clear();
    }
}

pub(crate) struct Ttl<K, V> {
    map: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K, V> Default for Ttl<K, V> {
    fn default() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Ttl<K, V> {
    pub(crate) fn get(&self, key: &K) -> Option<V> {
        let map = self.map.lock().ok()?;
        match map.get(key) {
            Some((at, v)) if at.elapsed() < TTL => Some(v.clone()),
            _ => None,
        }
    }

    pub(crate) fn put(&self, key: K, value: V) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= CAPACITY {
                map.clear();
            }
            map.insert(key, (Instant::now(), value));
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }
}

/// Kiosk burst windows that reached their threshold on this instance, by counter key
/// (window start); see [`crate::burst`].
#[derive(Default)]
pub(crate) struct FullWindows(Mutex<HashMap<String, i64>>);

/// Burst keys remembered at most; a full map is emptied (the next hits are then written again).
const FULL_WINDOWS_CAPACITY: usize = 10_000;

impl FullWindows {
    pub(crate) fn is_full(&self, key: &str, window_start: i64) -> bool {
        self.0
            .lock()
            .is_ok_and(|m| m.get(key) == Some(&window_start))
    }

    pub(crate) fn mark(&self, key: &str, window_start: i64) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= FULL_WINDOWS_CAPACITY {
                m.clear();
            }
            m.insert(key.to_owned(), window_start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_fresh_copies_and_forgets_on_clear() {
        let c: Ttl<u8, &str> = Ttl::default();
        assert_eq!(c.get(&1), None);
        c.put(1, "a");
        assert_eq!(c.get(&1), Some("a"));
        c.clear();
        assert_eq!(c.get(&1), None);
    }

    #[test]
    fn a_full_map_starts_over_instead_of_growing() {
        let c: Ttl<usize, usize> = Ttl::default();
        for i in 0..=CAPACITY {
            c.put(i, i);
        }
        assert_eq!(
            c.get(&0),
            None,
            "the map was emptied when it reached capacity"
        );
        assert_eq!(c.get(&CAPACITY), Some(CAPACITY));
    }
}
