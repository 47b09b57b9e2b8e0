//! WAL checkpoints off the write path. By default SQLite checkpoints inside the commit
//! that takes the WAL past 1,000 pages: the committing connection copies the WAL's pages
//! into the database file and fsyncs it before the commit returns. On the group-commit
//! writer that stalled every punch of the batch — and every batch queued behind it — for
//! the length of a checkpoint (the 0.1–1.5 s maxima in BENCHMARKS.md). So every write
//! connection turns automatic checkpoints off (`wal_autocheckpoint=0`, see
//! [`super::connection`]) and this thread, on its own connection, runs a `PASSIVE`
//! checkpoint every [`EVERY`]: it copies what no reader still needs, never takes the write
//! lock and never waits for a reader, so writers and readers go on meanwhile. Durability is
//! the WAL's: a commit is acknowledged after the WAL's fsync (`synchronous=FULL`), whether
//! or not a checkpoint has copied it yet.

use super::connection::{open, Role};
use crate::{Result, StoreError};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// How often the WAL is copied back into the database file. Short enough that the WAL stays
/// small (a few thousand pages at the highest write rates measured), long enough that an
/// idle database costs nothing measurable (a passive checkpoint with nothing to copy only
/// reads the WAL index).
pub(crate) const EVERY: Duration = Duration::from_millis(100);

/// The checkpointer thread; it stops (after one last checkpoint) when this is dropped.
pub(crate) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Opens a connection to the database file at `path` and starts the thread.
    pub(crate) fn start(path: &Path) -> Result<Self> {
        let conn = open(path, Role::Checkpointer)?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || loop {
                let last = !matches!(
                    stopped.recv_timeout(EVERY),
                    Err(mpsc::RecvTimeoutError::Timeout)
                );
                if let Err(e) = passive(&conn) {
                    tracing::warn!(error = %e, "WAL checkpoint failed; retried shortly");
                }
                if last {
                    break;
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self { _stop: stop })
    }
}

/// One passive checkpoint: `(WAL frames, frames copied into the database file)`.
pub(crate) fn passive(c: &rusqlite::Connection) -> Result<(i64, i64)> {
    Ok(c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get(1)?, r.get(2)?))
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }

    /// 8 MB through a writer connection: far past SQLite's default autocheckpoint (1,000
    /// pages), so a commit that checkpointed would have grown the database file.
    fn write_8_mb(c: &rusqlite::Connection) {
        c.execute_batch("CREATE TABLE t (b BLOB NOT NULL)")
            .expect("table");
        let tx = c.unchecked_transaction().expect("transaction");
        for _ in 0..128 {
            tx.execute("INSERT INTO t (b) VALUES (zeroblob(65536))", [])
                .expect("insert");
        }
        tx.commit().expect("commit");
    }

    #[test]
    fn commits_leave_the_wal_alone_and_the_checkpointer_copies_it() {
        let path = std::env::temp_dir().join(format!("omnitrack-ckpt-{}.db", uuid::Uuid::new_v4()));
        let writer = open(&path, Role::Writer).expect("writer");
        write_8_mb(&writer);
        assert!(
            file_len(&path) < 1 << 20,
            "the commit did not checkpoint: the rows are only in the WAL ({} bytes in the file)",
            file_len(&path)
        );
        let checkpointer = Checkpointer::start(&path).expect("checkpointer");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while file_len(&path) < 8 << 20 && std::time::Instant::now() < deadline {
            std::thread::sleep(EVERY / 2);
        }
        assert!(
            file_len(&path) >= 8 << 20,
            "the checkpointer copied the WAL into the file"
        );
        drop(checkpointer);
        drop(writer);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
