//! The formatting stage of both fast paths ([`super::sqlite_pipeline`],
//! [`super::pg_pipeline`]): pages of rows in, ~64 KB chunks of CSV out, on a blocking
//! thread of its own while the engine's reader reads the next page.

use super::body::{Chunk, CHUNK};
use super::rows::{Kind, RowScratch};
use crate::reports::Calendar;
use store::sqlite::export_reader::ExportPage;
use store::StoreError;
use tokio::sync::mpsc;

/// A page from the reader, or the error that stopped it.
pub(crate) type PageResult = Result<ExportPage, StoreError>;

/// Formats the pages `next` gives into chunks on `tx`, the header first, until `next` has
/// no more or the client has gone; each formatted page goes back through `recycle`.
pub(crate) fn format(
    cal: &Calendar,
    kind: Kind,
    mut next: impl FnMut() -> Option<PageResult>,
    mut recycle: impl FnMut(ExportPage),
    tx: &mpsc::Sender<Chunk>,
) {
    let mut buf = String::with_capacity(CHUNK + 4096);
    let mut scratch = RowScratch::default();
    kind.header(&mut buf);
    while let Some(page) = next() {
        let page = match page {
            Ok(p) => p,
            Err(e) => return stop(tx, e),
        };
        let Some(now) = page.now() else { continue };
        let rows = match page.rows() {
            Ok(rows) => rows,
            Err(e) => return stop(tx, e),
        };
        for r in rows {
            kind.write(&mut buf, &mut scratch, &r, cal, now);
            if buf.len() >= CHUNK {
                let chunk = std::mem::replace(&mut buf, String::with_capacity(CHUNK + 4096));
                if tx.blocking_send(Ok(chunk.into_bytes())).is_err() {
                    return;
                }
            }
        }
        recycle(page);
    }
    if !buf.is_empty() {
        let _ = tx.blocking_send(Ok(buf.into_bytes()));
    }
}

/// Ends the download with an error (the client sees a cut-off body, never a short CSV
/// that looks complete).
fn stop(tx: &mpsc::Sender<Chunk>, e: StoreError) {
    tracing::error!(error = %e, "export stopped by a database error");
    let _ = tx.blocking_send(Err(std::io::Error::other("export failed")));
}
