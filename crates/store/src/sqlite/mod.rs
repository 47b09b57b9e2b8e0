//! SQLite, and why it is reached two ways.
//!
//! Most of the store talks to SQLite through the sqlx pool ([`crate::backend::on_pool`]),
//! with the same SQL text as PostgreSQL. sqlx-sqlite runs each connection on a worker
//! thread and hands every statement over to it and back; for a listing or a report that
//! cost is noise, but a punch is a handful of microsecond statements, and the hand-offs
//! were most of its CPU time under load. So the hot operations use synchronous `rusqlite`
//! connections (same `libsqlite3-sys`, so one SQLite library) instead:
//!
//! | operation | path |
//! |---|---|
//! | clock-in / clock-out with their analysis job, analysis results with their job done, rate-limit counters | [`writer`]: one thread, group commit |
//! | employee by ID code, open tasks, kiosk lockouts, unconfirmed shift, team-timesheet figures | [`inline_read`]: a read-only connection per calling thread |
//! | the shifts / scores CSV exports | [`export_reader`]: a read-only connection on a blocking thread |
//! | demo and benchmark data | [`seeder`]: one transaction per batch |
//! | WAL checkpoints | [`checkpointer`]: its own thread, never inside a commit |
//! | everything else (and everything on PostgreSQL) | the sqlx pool |
//!
//! PostgreSQL needs none of this: its server groups concurrent commits and its client
//! does not hand statements between threads. Every connection's settings come from
//! [`connection`], the one place that knows the pragmas.

mod checkpointer;
mod connection;
pub mod export_reader;
pub(crate) mod inline_read;
pub mod seeder;
pub(crate) mod writer;

use crate::{Result, StoreError};
use connection::pool_options;
use inline_read::InlineReader;
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use writer::Writer;

/// An SQLite database file: the sqlx pool and the fast paths' connections to the same file.
#[derive(Clone)]
pub(crate) struct Sqlite {
    pub(crate) pool: SqlitePool,
    /// The group-commit writer that the hot writes go through. See [`writer`].
    pub(crate) writer: Arc<Writer>,
    /// Point reads on the calling thread. See [`inline_read`].
    pub(crate) inline: Arc<InlineReader>,
    /// The database file, for the connections opened per use (exports, seeding).
    pub(crate) file: Arc<Path>,
    /// Copies the WAL back into the file off the write path; stops with the last clone.
    _checkpointer: Arc<checkpointer::Checkpointer>,
}

/// Opens the SQLite database file at `path`, creating it (and its directory) if missing.
/// An in-memory database is refused: each pooled connection would see its own, empty one,
/// and the fast paths need a file to open a second connection to.
pub(crate) async fn connect(path: &str) -> Result<Sqlite> {
    if path.is_empty() || path.contains(":memory:") || path.contains("mode=memory") {
        return Err(StoreError::Url(
            "an in-memory SQLite database is not supported; give a file path".into(),
        ));
    }
    if let Some(dir) = Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Url(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A local file cannot drop the connection; the default ping before every
        // acquire only adds a round trip to the connection's worker thread (a pair of
        // thread hand-offs) to every statement.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(pool_options(path))
        .await?;
    let file: Arc<Path> = PathBuf::from(path).into();
    Ok(Sqlite {
        pool,
        writer: Arc::new(Writer::open(&file)?),
        inline: Arc::new(InlineReader::new(file.to_path_buf())),
        _checkpointer: Arc::new(checkpointer::Checkpointer::start(&file)?),
        file,
    })
}
