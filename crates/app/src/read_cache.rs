//! A short-lived, per-process cache of computed read models — the live board and team
//! timesheets — so that a page many people keep open costs one computation per change,
//! not one per view. It holds view data shared by everyone allowed to see the company's
//! board — never a whole page, which carries the viewer's CSRF token and role-dependent
//! controls. (The timesheet's table rows and charts, which carry neither, are kept rendered:
//! for a thousand people they are most of the work.)
//!
//! **Staying correct.** Every entry carries its company's write *generation* that was
//! current when its computation started. Every successful authenticated request that may
//! change data (any method but GET, HEAD and OPTIONS) bumps its company's generation when
//! its handler has finished, before the response goes out (the web edge's
//! `bump_generation` middleware); so do the background writers (analysis jobs, the
//! auto-close of forgotten shifts, weekly summaries), for the companies they wrote to. A
//! failed or anonymous request bumps nothing, and one company's writes never cost another
//! company its cached views. An entry is served only while its
//! generation is current, so once a write has been answered, no request on this instance
//! sees data from before it. What the generation cannot see is bounded by the TTL: writes
//! made by another instance on the same PostgreSQL, and figures that move with the clock
//! (minutes worked by people still in) are at most `ttl` (default 1.5 s, measured on the
//! app's clock) plus one computation old. A TTL of zero turns the cache off.
//!
//! Concurrent misses for one key compute once; the others wait for that result. And at
//! most one computation per CPU runs at a time (others queue): these are the heaviest
//! reads there are, and SQLite readers in parallel beyond the cores mostly contend for its
//! page-cache lock instead of working.

use crate::reports::board::view::Board;
use jiff::Timestamp;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{OnceCell, Semaphore};

/// The default time an entry may be served: short enough that other instances' writes
/// and the "minutes worked" of people still in show up promptly.
pub const DEFAULT_TTL: Duration = Duration::from_millis(1500);
/// Entries per kind at most (a large company's timesheet view is about half a megabyte);
/// when full, everything goes — a full map within one TTL means someone is crawling.
const CAPACITY: usize = 64;

/// Cheap to clone: every clone shares one cache.
#[derive(Clone)]
pub struct ReadCache {
    inner: Arc<Inner>,
}

struct Inner {
    /// Moves for writes whose company is not known: every entry goes stale.
    epoch: AtomicU64,
    /// Per company: moves after each write to that company's data, so one company's
    /// writes never make another company's entries stale.
    companies: Mutex<HashMap<domain::CompanyId, u64>>,
    ttl_ms: i64,
    /// One permit per CPU: computations running at once.
    computing: Semaphore,
    boards: Memo<domain::CompanyId, Board>,
}

impl Default for ReadCache {
    fn default() -> Self {
        Self::new(DEFAULT_TTL)
    }
}

impl ReadCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                epoch: AtomicU64::new(0),
                companies: Mutex::new(HashMap::new()),
                ttl_ms: i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX),
                computing: Semaphore::new(
                    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
                ),
                boards: Memo::default(),
            }),
        }
    }

    /// The company's data may have changed: nothing of it computed before now is served
    /// again. Other companies' entries stay.
    pub fn bump(&self, company: domain::CompanyId) {
        let mut map = self
            .inner
            .companies
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *map.entry(company).or_default() += 1;
    }

    /// Anything may have changed: nothing computed before now is served again.
    pub fn bump_all(&self) {
        self.inner.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// The company's board, from the cache or from `compute`.
    pub async fn board<F, Fut, E>(
        &self,
        company: domain::CompanyId,
        now: Timestamp,
        compute: F,
    ) -> Result<Arc<Board>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Board, E>>,
    {
        self.cached(&self.inner.boards, company, company, now, compute)
            .await
    }

    /// A value of `memo` (which its owner keeps: the web edge holds the rendered team
    /// timesheets), from the cache or from `compute`, under this cache's generation, TTL
    /// and limit on concurrent computations.
    pub async fn cached<K, V, F, Fut, E>(
        &self,
        memo: &Memo<K, V>,
        key: K,
        company: domain::CompanyId,
        now: Timestamp,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        K: Eq + Hash,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let i = &self.inner;
        let gated = move || async move {
            // The semaphore is never closed; without a permit the computation just runs.
            let _permit = i.computing.acquire().await.ok();
            compute().await
        };
        memo.get(self.generation(company), i.ttl_ms, key, now, gated)
            .await
    }

    /// The company's write generation: the epoch and the company's own count in one
    /// number (the count in the low 40 bits), which moves whenever either does.
    pub fn generation(&self, company: domain::CompanyId) -> u64 {
        let own = self
            .inner
            .companies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&company)
            .copied()
            .unwrap_or(0);
        (self.inner.epoch.load(Ordering::SeqCst) << 40) ^ (own & ((1 << 40) - 1))
    }
}

/// One kind of cached value by key.
pub struct Memo<K, V> {
    slots: Mutex<HashMap<K, Slot<V>>>,
}

struct Slot<V> {
    generation: u64,
    born_ms: i64,
    /// Filled once by whoever computes first; a failed computation leaves it empty (errors
    /// are not cached) and the next caller tries again.
    cell: Arc<OnceCell<Arc<V>>>,
}

impl<V> Slot<V> {
    fn fresh(&self, generation: u64, ttl_ms: i64, now_ms: i64) -> bool {
        self.generation == generation
            && (self.born_ms..self.born_ms.saturating_add(ttl_ms)).contains(&now_ms)
    }
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V> Memo<K, V> {
    async fn get<F, Fut, E>(
        &self,
        generation: u64,
        ttl_ms: i64,
        key: K,
        now: Timestamp,
        compute: F,
    ) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if ttl_ms <= 0 {
            return compute().await.map(Arc::new);
        }
        let cell = self.slot(generation, ttl_ms, key, now.as_millisecond());
        cell.get_or_try_init(|| async { compute().await.map(Arc::new) })
            .await
            .cloned()
    }

    /// The key's current slot, or a new empty one if it is missing or stale.
    fn slot(&self, generation: u64, ttl_ms: i64, key: K, now_ms: i64) -> Arc<OnceCell<Arc<V>>> {
        // A panic elsewhere cannot leave the map half-updated; keep using it.
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(s) = slots.get(&key) {
            if s.fresh(generation, ttl_ms, now_ms) {
                return s.cell.clone();
            }
        }
        // Stale entries go whenever a new one comes, so memory holds only what is fresh.
        slots.retain(|_, s| s.fresh(generation, ttl_ms, now_ms));
        if slots.len() >= CAPACITY {
            slots.clear();
        }
        let cell = Arc::new(OnceCell::new());
        slots.insert(
            key,
            Slot {
                generation,
                born_ms: now_ms,
                cell: cell.clone(),
            },
        );
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(ms).unwrap()
    }

    /// Counts computations; each returns the count so far.
    async fn get(m: &Memo<u8, usize>, calls: &AtomicUsize, g: u64, ms: i64) -> usize {
        let r: Result<_, ()> = m
            .get(g, 1000, 1, at(ms), || async {
                Ok(calls.fetch_add(1, Ordering::SeqCst) + 1)
            })
            .await;
        *r.unwrap()
    }

    #[tokio::test]
    async fn served_until_the_generation_moves_or_the_ttl_passes() {
        let m = Memo::default();
        let calls = AtomicUsize::new(0);
        assert_eq!(get(&m, &calls, 0, 10_000).await, 1);
        assert_eq!(get(&m, &calls, 0, 10_999).await, 1, "within the TTL");
        assert_eq!(get(&m, &calls, 1, 10_999).await, 2, "a write happened");
        assert_eq!(get(&m, &calls, 1, 11_998).await, 2);
        assert_eq!(get(&m, &calls, 1, 11_999).await, 3, "TTL passed");
        assert_eq!(get(&m, &calls, 1, 5_000).await, 4, "clock went back");
    }

    #[tokio::test]
    async fn errors_are_not_cached_and_zero_ttl_is_off() {
        let m: Memo<u8, usize> = Memo::default();
        let r: Result<Arc<usize>, &str> = m.get(0, 1000, 1, at(0), || async { Err("db") }).await;
        assert!(r.is_err());
        let r: Result<Arc<usize>, &str> = m.get(0, 1000, 1, at(0), || async { Ok(7) }).await;
        assert_eq!(*r.unwrap(), 7);
        let calls = AtomicUsize::new(0);
        for _ in 0..3 {
            let _: Result<_, ()> = m
                .get(0, 0, 2, at(0), || async {
                    Ok(calls.fetch_add(1, Ordering::SeqCst))
                })
                .await;
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3, "TTL 0 computes every time");
    }

    #[tokio::test]
    async fn concurrent_misses_compute_once() {
        let m = Arc::new(Memo::<u8, usize>::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (m, calls) = (m.clone(), calls.clone());
                tokio::spawn(async move {
                    let r: Result<_, ()> = m
                        .get(0, 1000, 1, at(0), || async {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok(calls.fetch_add(1, Ordering::SeqCst))
                        })
                        .await;
                    *r.unwrap()
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), 0);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_write_stales_only_its_own_company() {
        let cache = ReadCache::default();
        let (a, b) = (domain::CompanyId::new(), domain::CompanyId::new());
        let (ga, gb) = (cache.generation(a), cache.generation(b));
        cache.bump(a);
        assert_ne!(cache.generation(a), ga);
        assert_eq!(cache.generation(b), gb, "another company's write");
        cache.bump_all();
        assert_ne!(cache.generation(b), gb);
    }

    #[test]
    fn the_map_keeps_only_fresh_entries_and_stays_bounded() {
        let m: Memo<usize, ()> = Memo::default();
        for k in 0..CAPACITY * 3 {
            m.slot(0, 1000, k, 0);
        }
        assert!(m.slots.lock().unwrap().len() <= CAPACITY);
        m.slot(1, 1000, 0, 0);
        assert_eq!(
            m.slots.lock().unwrap().len(),
            1,
            "a write made the rest stale"
        );
        m.slot(1, 1000, 1, 5_000);
        assert_eq!(m.slots.lock().unwrap().len(), 1, "the TTL passed");
    }
}
