//! Group commit for SQLite. One thread owns a synchronous write connection; requests hand
//! it their write as a closure and wait. The thread takes whatever is queued (no timer:
//! alone, a write is its own batch), runs the batch in one `BEGIN IMMEDIATE` transaction
//! with a savepoint per write — a write that fails (say, a unique conflict) is rolled back
//! alone and answered with its error — commits once, and only then answers everyone. An
//! acknowledged write is therefore on disk (`synchronous=FULL`), yet the fsync is paid once
//! per batch instead of once per write, and there is one thread hand-off per write instead
//! of one per statement (sqlx-sqlite's model).
//!
//! PostgreSQL needs none of this: its server already groups concurrent commits.

use super::connection::{open, Role};
use crate::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;
use tokio::sync::{mpsc, oneshot};

/// Writes waiting at most; beyond it callers wait for room (back-pressure).
const QUEUE: usize = 1024;
/// Writes per transaction at most, so one batch cannot hold the lock for long.
const MAX_BATCH: usize = 256;

pub(crate) struct Writer {
    tx: mpsc::Sender<Box<dyn Pending>>,
}

/// One queued write: run inside the batch, answered after the commit.
trait Pending: Send {
    /// Runs the write; `false` when it failed (its savepoint is then rolled back).
    fn run(&mut self, c: &Connection) -> bool;
    /// Answers the caller: the write's own result if the batch committed.
    fn answer(self: Box<Self>, committed: std::result::Result<(), &str>);
}

struct Write<F, R> {
    f: Option<F>,
    out: Option<Result<R>>,
    reply: oneshot::Sender<Result<R>>,
}

impl<F, R> Pending for Write<F, R>
where
    F: FnOnce(&Connection) -> Result<R> + Send,
    R: Send,
{
    fn run(&mut self, c: &Connection) -> bool {
        let out = match self.f.take() {
            Some(f) => f(c),
            None => Err(StoreError::Rule("a write ran twice".into())),
        };
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn answer(self: Box<Self>, committed: std::result::Result<(), &str>) {
        let out = match (committed, self.out) {
            (Ok(()), Some(out)) => out,
            (Err(e), _) => Err(StoreError::Unavailable(format!(
                "the write was not saved: {e}"
            ))),
            (Ok(()), None) => Err(StoreError::Unavailable("the write did not run".into())),
        };
        // The caller may have gone away (client disconnected); the write stands anyway.
        let _ = self.reply.send(out);
    }
}

impl Writer {
    /// Opens a write connection to the database file at `path` and starts its thread.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let conn = open(path, Role::Writer)?;
        let (tx, rx) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || serve(conn, rx))
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer: {e}")))?;
        Ok(Self { tx })
    }

    /// Runs `f` in the next batch and returns its result once the batch has committed.
    pub(crate) async fn write<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&Connection) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        tracing::debug!("write queued for the next batch");
        let (reply, answer) = oneshot::channel();
        let pending: Box<dyn Pending> = Box::new(Write {
            f: Some(f),
            out: None,
            reply,
        });
        self.tx
            .send(pending)
            .await
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?
    }
}

/// The writer thread: batch, run, commit, answer — until every sender is gone.
fn serve(conn: Connection, mut rx: mpsc::Receiver<Box<dyn Pending>>) {
    let mut batch: Vec<Box<dyn Pending>> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let committed = run_batch(&conn, &mut batch);
        if let Err(e) = &committed {
            tracing::error!(error = %e, writes = batch.len(), "a write batch failed to commit");
        }
        for w in batch.drain(..) {
            w.answer(committed.as_ref().map(|_| ()).map_err(String::as_str));
        }
    }
}

fn run_batch(conn: &Connection, batch: &mut [Box<dyn Pending>]) -> std::result::Result<(), String> {
    // Prepared once and cached: these run twice per write, parsing them each time showed.
    let step = |sql: &str| {
        conn.prepare_cached(sql)
            .and_then(|mut st| st.execute([]))
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    step("BEGIN IMMEDIATE")?;
    for w in batch.iter_mut() {
        let inside = step("SAVEPOINT w").and_then(|()| {
            if w.run(conn) {
                step("RELEASE w")
            } else {
                step("ROLLBACK TO w").and_then(|()| step("RELEASE w"))
            }
        });
        if let Err(e) = inside {
            let _ = step("ROLLBACK");
            return Err(e);
        }
    }
    step("COMMIT").inspect_err(|_| {
        let _ = step("ROLLBACK");
    })
}

/// Maps a unique violation to `Conflict(what)`, anything else through unchanged.
pub(crate) fn unique(what: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| match e.sqlite_error() {
        Some(f) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE => {
            StoreError::Conflict(what)
        }
        _ => StoreError::Sqlite(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn scratch_db() -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("omnitrack-writer-{}.db", uuid::Uuid::new_v4()));
        let c = Connection::open(&path).expect("scratch database");
        c.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
            .expect("scratch table");
        path
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_rolls_back_alone_while_its_batch_commits() {
        let path = scratch_db();
        let w = Arc::new(Writer::open(&path).expect("writer"));
        // 200 concurrent writes; every tenth one collides on the unique `v`.
        let tasks: Vec<_> = (0..200i64)
            .map(|i| {
                let w = w.clone();
                tokio::spawn(async move {
                    let v = if i % 10 == 0 {
                        "dup".to_string()
                    } else {
                        format!("v{i}")
                    };
                    w.write(move |c| {
                        // Two statements: a failure in the second must undo the first.
                        c.execute(
                            "INSERT INTO t (k, v) VALUES (?1, ?2)",
                            rusqlite::params![i + 1000, format!("m{i}")],
                        )?;
                        c.execute(
                            "INSERT INTO t (k, v) VALUES (?1, ?2)",
                            rusqlite::params![i, v],
                        )
                        .map_err(unique("v"))?;
                        Ok(i)
                    })
                    .await
                })
            })
            .collect();
        let (mut ok, mut conflicts) = (0, 0);
        for t in tasks {
            match t.await.expect("task") {
                Ok(_) => ok += 1,
                Err(StoreError::Conflict("v")) => conflicts += 1,
                Err(e) => panic!("unexpected error: {e}"),
            }
        }
        assert_eq!(
            (ok, conflicts),
            (181, 19),
            "one of the 20 'dup' writes wins"
        );
        // Every acknowledged write is visible to another connection.
        let c = Connection::open(&path).expect("reader");
        let rows: i64 = c
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .expect("count");
        assert_eq!(rows, 2 * 181, "a failed write left nothing behind");
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn an_error_of_the_write_itself_reaches_its_caller() {
        let path = scratch_db();
        let w = Writer::open(&path).expect("writer");
        let r: Result<()> = w.write(|_| Err(StoreError::NotFound)).await;
        assert!(matches!(r, Err(StoreError::NotFound)));
        let n: i64 = w
            .write(|c| Ok(c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))?))
            .await
            .expect("the writer keeps working after a failed write");
        assert_eq!(n, 0);
        let _ = std::fs::remove_file(&path);
    }
}
