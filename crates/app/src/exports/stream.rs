//! Streaming shifts.csv and scores.csv in ~64 KB chunks through bounded channels: memory
//! stays flat however many shifts a company has, a slow client slows the readers down
//! (back-pressure), and a client that goes away stops them.
//!
//! Three readers feed the same row writer ([`super::rows`]), so they produce the same bytes:
//! - **SQLite**: the fast path in [`super::sqlite_pipeline`] (a synchronous reader and a
//!   formatter on blocking threads), one table read (migration `0012_export_figures`).
//! - **PostgreSQL**: the fast path in [`super::pg_pipeline`], the same one-table query.
//! - **The reference**: keyset pages of [`store::Store::export_shifts`] through sqlx, here
//!   (joins `breaks` and `analyses`; the next page is read on its own task while the current
//!   one is written). Only an in-memory SQLite serves it; [`paged_csv`] gives the tests its
//!   bytes to compare the fast paths with.

use super::body::{fail, Chunk, Content, Download, CHUNK, QUEUED};
use super::rows::{Kind, RowScratch};
use super::{pg_pipeline, sqlite_pipeline};
use crate::reports::Calendar;
use crate::App;
use jiff::Timestamp;
use store::{ExportCursor, ExportShift, ShiftFilter, StoreError, Tenant};
use tokio::sync::mpsc;

/// Shifts per database round trip of the sqlx path.
pub const PAGE: u32 = 2000;

fn fresh_buffer() -> String {
    String::with_capacity(CHUNK + 4096)
}

/// Streams shifts.csv or scores.csv of `t`'s shifts in `filter`.
pub fn stream_shifts(
    app: App,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
) -> Download {
    let rx = csv_chunks(app, t, cal, filter, kind);
    Download::csv(kind.file_name(), Content::Chunks(rx))
}

/// The chunks of shifts.csv or scores.csv, the header first, from the engine's fast path —
/// what the downloads and the zips write.
pub(crate) fn csv_chunks(
    app: App,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
) -> mpsc::Receiver<Chunk> {
    let (tx, rx) = mpsc::channel::<Chunk>(QUEUED);
    match app.store.export_source(&t, filter) {
        Some(source) => sqlite_pipeline::start(source, app.clock.clone(), cal, kind, tx),
        None => {
            tokio::spawn(read_pg_or_paged(app, t, cal, filter, kind, tx));
        }
    }
    rx
}

/// PostgreSQL's fast path; the paged sqlx path for an in-memory SQLite (no file for a
/// second connection to open).
async fn read_pg_or_paged(
    app: App,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
    tx: mpsc::Sender<Chunk>,
) {
    match app.store.pg_export_reader(&t, filter).await {
        Ok(Some(reader)) => pg_pipeline::start(reader, app.clock.clone(), cal, kind, tx),
        Ok(None) => read_paged(app, t, cal, filter, kind, tx).await,
        Err(e) => fail(&tx, &e).await,
    }
}

/// One sqlx page and the instant its break times were read at.
type Page = Result<(Vec<ExportShift>, Timestamp), StoreError>;

/// Reads one page on its own task, so the next page is read while this one is written.
fn fetch_page(
    app: &App,
    t: Tenant,
    filter: ShiftFilter,
    after: Option<ExportCursor>,
) -> tokio::task::JoinHandle<Page> {
    let app = app.clone();
    tokio::spawn(async move {
        let now = app.clock.now();
        let page = app
            .store
            .export_shifts(&t, filter, after, PAGE, now)
            .await?;
        Ok((page, now))
    })
}

/// The paged sqlx path (the reference; an in-memory SQLite).
async fn read_paged(
    app: App,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
    tx: mpsc::Sender<Chunk>,
) {
    let mut buf = fresh_buffer();
    let mut scratch = RowScratch::default();
    kind.header(&mut buf);
    let mut next = Some(fetch_page(&app, t, filter, None));
    while let Some(handle) = next.take() {
        let (page, now) = match handle.await {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => return fail(&tx, &e).await,
            Err(e) => {
                tracing::error!(error = %e, "export page task failed");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                return;
            }
        };
        if page.len() as u32 == PAGE {
            if let Some(last) = page.last() {
                let after = Some(ExportCursor {
                    clock_in_at: last.shift.clock_in_at,
                    id: last.shift.id,
                });
                next = Some(fetch_page(&app, t, filter, after));
            }
        }
        for r in &page {
            kind.write(&mut buf, &mut scratch, &r.row_ref(), &cal, now);
            if buf.len() >= CHUNK {
                let chunk = std::mem::replace(&mut buf, fresh_buffer());
                // The client went away: stop reading the database.
                if tx.send(Ok(chunk.into_bytes())).await.is_err() {
                    if let Some(h) = next.take() {
                        h.abort();
                    }
                    return;
                }
            }
        }
    }
    if !buf.is_empty() {
        let _ = tx.send(Ok(buf.into_bytes())).await;
    }
}

/// The whole CSV through the paged sqlx path, whatever the engine: for tests that check the
/// fast paths against it byte for byte.
pub async fn paged_csv(
    app: App,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
) -> Result<Vec<u8>, std::io::Error> {
    let (tx, mut rx) = mpsc::channel::<Chunk>(QUEUED);
    tokio::spawn(read_paged(app, t, cal, filter, kind, tx));
    let mut out = Vec::new();
    while let Some(chunk) = rx.recv().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}
