//! Every SQLite connection's settings, in one place: the sqlx pool's options and the
//! synchronous `rusqlite` connections of the fast paths, opened by role.

use crate::Result;
use rusqlite::{Connection, OpenFlags};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// SQLite reads through a memory map of up to this many bytes of the file instead of
/// `pread` copies: every commit by another connection empties a connection's page cache
/// in WAL mode, and refilling it from the map costs no system call or copy.
pub(crate) const MMAP_BYTES: i64 = 256 << 20;

/// How long a writer waits for the database lock before giving up.
const BUSY: Duration = Duration::from_secs(5);

/// What a synchronous connection is for; each role gets its own settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The group-commit writer's one connection (read-write).
    Writer,
    /// A calling thread's point-read connection (read-only).
    InlineRead,
    /// An export's reader on a blocking thread (read-only).
    ExportRead,
    /// Bulk inserts of demo and benchmark data (read-write, patient with the lock).
    Seeder,
    /// The WAL checkpointer's connection (see [`super::checkpointer`]).
    Checkpointer,
}

/// The sqlx pool's connections: created if missing, WAL, `synchronous=FULL` (an
/// acknowledged punch survives power loss, not just a process crash), busy timeout, foreign
/// keys, memory-mapped reads, and no automatic checkpoint in a commit (the checkpointer
/// thread does them; see [`super::checkpointer`]).
pub(crate) fn pool_options(path: &str) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY)
        .foreign_keys(true)
        .pragma("mmap_size", MMAP_BYTES.to_string())
        .pragma("wal_autocheckpoint", "0")
}

/// Opens a synchronous connection to the database file at `path` for `role`. The
/// read-write roles get the pool's settings (see [`pool_options`]).
pub(crate) fn open(path: &Path, role: Role) -> Result<Connection> {
    let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let c = match role {
        Role::Writer | Role::Seeder | Role::Checkpointer => {
            let c = Connection::open(path)?;
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", "FULL")?;
            c.pragma_update(None, "foreign_keys", "ON")?;
            c
        }
        Role::InlineRead | Role::ExportRead => Connection::open_with_flags(path, read_only)?,
    };
    match role {
        Role::Writer => {
            // Commits never checkpoint; the checkpointer thread does (off the write path).
            c.pragma_update(None, "wal_autocheckpoint", 0)?;
            c.busy_timeout(BUSY)?;
            c.pragma_update(None, "mmap_size", MMAP_BYTES)?;
            c.set_prepared_statement_cache_capacity(64);
        }
        Role::InlineRead => {
            // Only a WAL recovery or checkpoint start can make a reader wait; keep that
            // short (it runs on a request thread).
            c.busy_timeout(Duration::from_millis(500))?;
            c.pragma_update(None, "mmap_size", MMAP_BYTES)?;
            c.set_prepared_statement_cache_capacity(32);
        }
        Role::ExportRead => c.busy_timeout(BUSY)?,
        Role::Seeder => c.busy_timeout(Duration::from_secs(30))?,
        Role::Checkpointer => {
            c.pragma_update(None, "wal_autocheckpoint", 0)?;
            c.busy_timeout(Duration::from_millis(100))?;
        }
    }
    Ok(c)
}
