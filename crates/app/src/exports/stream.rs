//! Streaming shifts.csv and scores.csv in ~64 KB chunks through bounded channels: memory
//! stays flat however many shifts a company has, a slow client slows the readers down
//! (back-pressure), and a client that goes away stops them.
//!
//! Two readers feed the same row writer ([`crate::export_rows`]), so they produce the same
//! bytes:
//! - **SQLite file**: the fast path in [`crate::export_fast`] (a synchronous reader and a
//!   formatter on blocking threads).
//! - **PostgreSQL** (and in-memory SQLite): keyset pages through sqlx, here; the next page
//!   is read on its own task while the current one is written.

use crate::export_rows::{score_row, shift_row, RowScratch, SCORE_HEADER, SHIFT_HEADER};
use crate::reports::Calendar;
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use store::sqlite::export_reader::ExportRowRef;
use store::{ExportCursor, ExportShift, ShiftFilter, StoreError, Tenant};
use tokio::sync::mpsc;

/// Shifts per database round trip of the sqlx path.
pub const PAGE: u32 = 2000;

/// Bytes per streamed body chunk.
pub(crate) const CHUNK: usize = 64 * 1024;

/// Chunks the channel holds: beyond it the reader waits for the client.
const QUEUED_CHUNKS: usize = crate::export_fast::QUEUED;

type Chunk = Result<Bytes, std::io::Error>;

/// Which CSV of the shift rows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Shifts,
    Scores,
}

impl Kind {
    fn file_name(self) -> &'static str {
        match self {
            Kind::Shifts => "shifts.csv",
            Kind::Scores => "scores.csv",
        }
    }

    pub(crate) fn header(self, out: &mut String) {
        match self {
            Kind::Shifts => crate::csv::write_row(out, &SHIFT_HEADER),
            Kind::Scores => crate::csv::write_row(out, &SCORE_HEADER),
        }
    }

    /// Appends the row(s) of this kind for one shift.
    pub(crate) fn write(
        self,
        out: &mut String,
        scratch: &mut RowScratch,
        r: &ExportRowRef<'_>,
        cal: &Calendar,
        now: Timestamp,
    ) {
        match self {
            Kind::Shifts => shift_row(out, scratch, r, cal, now),
            Kind::Scores => score_row(out, scratch, r),
        }
    }
}

pub fn csv_response(name: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// A body fed by a bounded channel: the producer waits while the client is slow.
fn channel_body(rx: mpsc::Receiver<Chunk>) -> Body {
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (b, rx))
    }))
}

fn fresh_buffer() -> String {
    String::with_capacity(CHUNK + 4096)
}

/// Streams shifts.csv or scores.csv of `t`'s shifts in `filter`.
pub fn stream_shifts(
    state: AppState,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
) -> Response {
    let (tx, rx) = mpsc::channel::<Chunk>(QUEUED_CHUNKS);
    match state.store.export_source(&t, filter) {
        Some(source) => crate::export_fast::start(source, state.clock.clone(), cal, kind, tx),
        None => {
            tokio::spawn(read_paged(state, t, cal, filter, kind, tx));
        }
    }
    csv_response(kind.file_name(), channel_body(rx))
}

/// One sqlx page and the instant its break times were read at.
type Page = Result<(Vec<ExportShift>, Timestamp), StoreError>;

/// Reads one page on its own task, so the next page is read while this one is written.
fn fetch_page(
    state: &AppState,
    t: Tenant,
    filter: ShiftFilter,
    after: Option<ExportCursor>,
) -> tokio::task::JoinHandle<Page> {
    let state = state.clone();
    tokio::spawn(async move {
        let now = state.clock.now();
        let page = state
            .store
            .export_shifts(&t, filter, after, PAGE, now)
            .await?;
        Ok((page, now))
    })
}

/// The paged sqlx path (PostgreSQL, in-memory SQLite).
async fn read_paged(
    state: AppState,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
    tx: mpsc::Sender<Chunk>,
) {
    let mut buf = fresh_buffer();
    let mut scratch = RowScratch::default();
    kind.header(&mut buf);
    let mut next = Some(fetch_page(&state, t, filter, None));
    while let Some(handle) = next.take() {
        let (page, now) = match handle.await {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "export stopped by a database error");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                return;
            }
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
                next = Some(fetch_page(&state, t, filter, after));
            }
        }
        for r in &page {
            kind.write(&mut buf, &mut scratch, &r.row_ref(), &cal, now);
            if buf.len() >= CHUNK {
                let chunk = std::mem::replace(&mut buf, fresh_buffer());
                // The client went away: stop reading the database.
                if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                    if let Some(h) = next.take() {
                        h.abort();
                    }
                    return;
                }
            }
        }
    }
    if !buf.is_empty() {
        let _ = tx.send(Ok(Bytes::from(buf))).await;
    }
}

/// The whole CSV through the paged sqlx path, whatever the engine — what PostgreSQL serves.
/// For tests that check the SQLite fast path against it byte for byte.
pub async fn paged_csv(
    state: AppState,
    t: Tenant,
    cal: Calendar,
    filter: ShiftFilter,
    kind: Kind,
) -> Result<Vec<u8>, std::io::Error> {
    let (tx, mut rx) = mpsc::channel::<Chunk>(QUEUED_CHUNKS);
    tokio::spawn(read_paged(state, t, cal, filter, kind, tx));
    let mut out = Vec::new();
    while let Some(chunk) = rx.recv().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}
