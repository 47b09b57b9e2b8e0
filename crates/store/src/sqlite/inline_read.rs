//! SQLite point reads on the calling thread. A lookup by index (an employee by ID code,
//! a lockout, the open tasks of one person) takes a few microseconds in SQLite, but through
//! sqlx-sqlite it costs two thread hand-offs to the connection's worker and back — most of
//! a punch's CPU time under load. These reads instead use a connection owned by the
//! calling thread (one per thread and database file, opened on first use, read-only).
//!
//! Only short indexed reads belong here: the calling thread is a tokio worker, so a long
//! query would stall other requests (listings and reports stay on the sqlx pool). WAL
//! readers never wait for the writer, and a read sees everything committed before it.

use super::connection::{open, Role};
use crate::{Result, StoreError};
use rusqlite::Connection;
use std::cell::RefCell;
use std::path::PathBuf;

/// Database files a thread keeps a connection to (tests open many; a server one).
const PER_THREAD: usize = 4;

pub(crate) struct InlineReader {
    path: PathBuf,
}

thread_local! {
    static CONNECTIONS: RefCell<Vec<(PathBuf, Connection)>> = const { RefCell::new(Vec::new()) };
}

impl InlineReader {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path }
    }

    /// Runs `f` with this thread's connection to the database.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Connection) -> Result<R>) -> Result<R> {
        tracing::debug!("inline read");
        CONNECTIONS.with(|cell| {
            let mut conns = cell
                .try_borrow_mut()
                .map_err(|_| StoreError::Unavailable("nested inline read".into()))?;
            let i = match conns.iter().position(|(p, _)| *p == self.path) {
                Some(i) => i,
                None => {
                    if conns.len() >= PER_THREAD {
                        conns.remove(0);
                    }
                    conns.push((self.path.clone(), open(&self.path, Role::InlineRead)?));
                    conns.len() - 1
                }
            };
            f(&conns[i].1)
        })
    }
}

/// The first row of `sql`, mapped; `None` when there is none.
pub(crate) fn first<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnOnce(&rusqlite::Row<'_>) -> Result<T>,
) -> Result<Option<T>> {
    let mut st = c.prepare_cached(sql)?;
    let mut rows = st.query(params)?;
    rows.next()?.map(map).transpose()
}

/// Every row of `sql`, mapped.
pub(crate) fn all<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut st = c.prepare_cached(sql)?;
    let mut rows = st.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(map(r)?);
    }
    Ok(out)
}
