//! The PostgreSQL fast path of shifts.csv and scores.csv: page after page of the one-table
//! query ([`store::pg_export_reader`]), decoded on a tokio task into an [`ExportPage`] while
//! the shared formatter ([`super::formatter`]) turns the previous page into chunks on a
//! blocking thread — the database server, the decoding and the formatting each on a core
//! of their own when there are cores to spare.
//!
//! Memory is bounded by the queues: at most three pages (≈ 1.5 MB each for [`PAGE`] rows)
//! and [`super::body::QUEUED`] chunks. A slow client slows the reads down; a client that
//! goes away closes the queues and both stages stop.

use super::body::Chunk;
use super::formatter::{self, PageResult};
use super::rows::Kind;
use crate::reports::Calendar;
use crate::Clock;
use std::sync::mpsc as empties;
use store::pg_export_reader::PgExportReader;
use store::sqlite::export_reader::ExportPage;
use tokio::sync::mpsc;

/// Shifts per statement: large enough that the round trip between pages is noise, small
/// enough that a page stays about a megabyte.
const PAGE: u32 = 2000;

/// Starts the reader and the formatter; the chunks arrive on `tx`, the header first.
pub(crate) fn start(
    reader: PgExportReader,
    clock: Clock,
    cal: Calendar,
    kind: Kind,
    tx: mpsc::Sender<Chunk>,
) {
    // Full pages one way, emptied ones back for reuse.
    let (full_tx, mut full_rx) = mpsc::channel::<PageResult>(1);
    let (empty_tx, empty_rx) = empties::sync_channel::<ExportPage>(2);
    tokio::spawn(read(reader, clock, full_tx, empty_rx));
    tokio::task::spawn_blocking(move || {
        // Back to the reader; if it has enough pages the page is dropped.
        let recycle = |page| {
            let _ = empty_tx.try_send(page);
        };
        formatter::format(&cal, kind, || full_rx.blocking_recv(), recycle, &tx);
    });
}

/// Reads page after page until the range is exhausted or the formatter has stopped.
async fn read(
    mut reader: PgExportReader,
    clock: Clock,
    full: mpsc::Sender<PageResult>,
    empty: empties::Receiver<ExportPage>,
) {
    let mut after = None;
    loop {
        let mut page = empty.try_recv().unwrap_or_default();
        let next = reader.fill(after, PAGE, clock.now(), &mut page).await;
        let done = !matches!(next, Ok(Some(_)));
        if let Ok(Some(c)) = &next {
            after = Some(*c);
        }
        // A closed queue: the client went away.
        if full.send(next.map(|_| page)).await.is_err() || done {
            return;
        }
    }
}
