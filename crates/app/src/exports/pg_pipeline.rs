//! The PostgreSQL fast path of shifts.csv and scores.csv: page after page of the one-table
//! query ([`store::pg_export_reader`]), each row formatted as the server sends it, straight
//! into the chunk buffer. A page's chunks (≈ 1 MB for [`PAGE`] rows) go to the client
//! before the next page is asked for, so memory stays bounded whatever the row count and a
//! slow client slows the reads down.

use super::body::{fail, Chunk, CHUNK};
use super::rows::{Kind, RowScratch};
use crate::reports::Calendar;
use crate::Clock;
use store::pg_export_reader::PgExportReader;
use tokio::sync::mpsc;

/// Shifts per statement: large enough that the round trip between pages is noise, small
/// enough that a page's CSV is about a megabyte.
const PAGE: u32 = 2000;

fn fresh_buffer() -> String {
    String::with_capacity(CHUNK + 4096)
}

/// Reads and formats until the range is exhausted or the client has gone.
pub(crate) async fn read(
    mut reader: PgExportReader,
    clock: Clock,
    cal: Calendar,
    kind: Kind,
    tx: mpsc::Sender<Chunk>,
) {
    let mut buf = fresh_buffer();
    let mut scratch = RowScratch::default();
    let mut ready: Vec<Vec<u8>> = Vec::new();
    kind.header(&mut buf);
    let mut after = None;
    loop {
        let now = clock.now();
        let next = reader
            .page(after, PAGE, now, |r| {
                kind.write(&mut buf, &mut scratch, r, &cal, now);
                if buf.len() >= CHUNK {
                    ready.push(std::mem::replace(&mut buf, fresh_buffer()).into_bytes());
                }
                true
            })
            .await;
        for chunk in ready.drain(..) {
            // The client went away: stop reading the database.
            if tx.send(Ok(chunk)).await.is_err() {
                return;
            }
        }
        match next {
            Ok(Some(cursor)) => after = Some(cursor),
            Ok(None) => break,
            Err(e) => return fail(&tx, &e).await,
        }
    }
    if !buf.is_empty() {
        let _ = tx.send(Ok(buf.into_bytes())).await;
    }
}
