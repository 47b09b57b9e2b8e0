//! The cap on exports running at once.

use crate::error::Error;

/// How many exports may run at once. Each holds a database reader (on SQLite two blocking
/// threads: the reader and the formatter) for as long as the client takes to download, so
/// slow or stalled clients could otherwise take the whole blocking pool. One more is
/// refused at once — `RateLimited` (429 with `Retry-After`) — instead of queued.
#[derive(Clone, Debug)]
pub struct ExportSlots(std::sync::Arc<tokio::sync::Semaphore>);

/// Seconds a refused export is told to wait.
pub const EXPORT_RETRY_AFTER: u64 = 10;

impl ExportSlots {
    pub fn new(max: usize) -> Self {
        Self(std::sync::Arc::new(tokio::sync::Semaphore::new(max.max(1))))
    }

    /// The default: two per core.
    pub fn default_max() -> usize {
        2 * std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    }

    pub fn take(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Error> {
        self.0
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::RateLimited {
                retry_after: EXPORT_RETRY_AFTER,
            })
    }

    /// Slots free now (tests, diagnostics).
    pub fn free(&self) -> usize {
        self.0.available_permits()
    }
}
