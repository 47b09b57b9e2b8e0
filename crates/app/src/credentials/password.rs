//! Argon2id with explicitly chosen parameters, run on the blocking pool so a login never
//! stalls the async workers.
//!
//! Every hash and verification — sign-up, login, invites, resets, password changes, PIN
//! checks — first takes a permit of one process-wide semaphore with as many permits as
//! the machine has cores. Each Argon2 run holds 19 MiB and a core for its duration, and
//! the blocking pool has hundreds of threads, so without the bound a burst of requests
//! (even unauthenticated ones) would run hundreds of hashes at once: memory in the
//! gigabytes and every other blocking task starved. Waiting for a permit costs nothing
//! but the time; the per-IP and per-account limits keep that queue short.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// OWASP's recommended Argon2id setting: 19 MiB memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    // These constants are valid by construction; `Params::DEFAULT` is only a fallback.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How many Argon2 runs may be in progress at once: one per core.
pub fn max_concurrent() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

static PERMITS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(max_concurrent())));
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most Argon2 runs seen in progress at once since start (tests and diagnostics).
pub fn peak_concurrent() -> usize {
    PEAK.load(Ordering::Relaxed)
}

tokio::task_local! {
    static STARTED: std::cell::Cell<usize>;
}

/// Runs `f` and counts the Argon2 runs it starts (on this task): which paths hash, and
/// which refuse before hashing, is part of their contract.
pub async fn counting<F: std::future::Future>(f: F) -> (F::Output, usize) {
    STARTED
        .scope(std::cell::Cell::new(0), async {
            let out = f.await;
            (out, STARTED.with(std::cell::Cell::get))
        })
        .await
}

/// Runs `f` on the blocking pool once a permit is free; the permit is held until `f` ends.
async fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let _ = STARTED.try_with(|n| n.set(n.get() + 1));
    // The semaphore is never closed, so acquiring only waits.
    let permit = PERMITS.clone().acquire_owned().await.ok()?;
    tokio::task::spawn_blocking(move || {
        let now = RUNNING.fetch_add(1, Ordering::Relaxed) + 1;
        PEAK.fetch_max(now, Ordering::Relaxed);
        let out = f();
        RUNNING.fetch_sub(1, Ordering::Relaxed);
        drop(permit);
        out
    })
    .await
    .ok()
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub async fn hash(password: String) -> Result<String, HashError> {
    bounded(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .ok_or_else(|| HashError("the hashing task failed".into()))?
}

/// True when `password` matches `stored`. A malformed stored hash never matches.
pub async fn verify(password: String, stored: String) -> bool {
    bounded(move || {
        PasswordHash::new(&stored)
            .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// Spends the time of one verification without an account to verify against, so
/// "no such email" and "wrong password" take equally long to answer.
pub async fn verify_nothing(password: String) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = match DUMMY.get() {
        Some(h) => h.clone(),
        None => {
            let h = hash(crate::credentials::token::generate(""))
                .await
                .unwrap_or_default();
            DUMMY.get_or_init(|| h).clone()
        }
    };
    let _ = verify(password, stored).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_with_chosen_params() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery".into(), h.clone()).await);
        assert!(!verify("wrong horse battery".into(), h).await);
        assert!(!verify("x".into(), "not a hash".into()).await);
    }

    /// A burst of hashes (what parallel unauthenticated invite or login requests cause)
    /// never runs more Argon2 instances at once than there are cores.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_hashes_are_bounded_by_the_cores() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        let burst = 6 * max_concurrent() + 4;
        let tasks: Vec<_> = (0..burst)
            .map(|i| {
                let stored = stored.clone();
                tokio::spawn(async move {
                    if i % 2 == 0 {
                        hash(format!("password number {i}")).await.is_ok()
                    } else {
                        !verify("wrong".into(), stored).await
                    }
                })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap());
        }
        assert!(peak_concurrent() >= 1);
        assert!(
            peak_concurrent() <= max_concurrent(),
            "{} Argon2 runs at once on {} cores",
            peak_concurrent(),
            max_concurrent()
        );
    }
}
