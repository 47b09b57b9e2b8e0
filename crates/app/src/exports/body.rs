//! What an export hands to whoever serves it: a file name, a content type and the bytes —
//! at once, as a stream of chunks through a bounded channel, or as an open file. The web
//! edge turns a [`Download`] into a response body; nothing here knows HTTP.

use tokio::sync::mpsc;

/// One piece of a streamed export; an error ends the stream (the client sees a cut-off
/// download rather than a complete-looking file).
pub type Chunk = Result<Vec<u8>, std::io::Error>;

/// Ends a stream on a database error: logged here; the client sees a cut-off download.
pub(crate) async fn fail(tx: &mpsc::Sender<Chunk>, e: &(dyn std::fmt::Display + Sync)) {
    tracing::error!(error = %e, "export stopped by a database error");
    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
}

/// Bytes per streamed chunk.
pub const CHUNK: usize = 64 * 1024;

/// Chunks waiting for the client at most; beyond it the producer waits (back-pressure).
pub const QUEUED: usize = 8;

/// The bytes of an export.
#[derive(Debug)]
pub enum Content {
    Whole(Vec<u8>),
    /// Produced while the client reads; dropping the receiver stops the producer.
    Chunks(mpsc::Receiver<Chunk>),
    /// An unlinked temporary file, read to the end.
    File(tokio::fs::File),
}

/// An export ready to send.
#[derive(Debug)]
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub content: Content,
    /// The export's slot (see [`super::slots`]): whoever serves the download keeps it
    /// until the last byte is out or the client is gone.
    pub slot: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Download {
    pub fn csv(file_name: &str, content: Content) -> Self {
        Self {
            file_name: file_name.to_string(),
            content_type: "text/csv; charset=utf-8",
            content,
            slot: None,
        }
    }

    pub fn zip(file_name: String, content: Content) -> Self {
        Self {
            file_name,
            content_type: "application/zip",
            content,
            slot: None,
        }
    }
}
