//! An export ([`app::exports::Download`]) as an HTTP response: `Content-Disposition:
//! attachment`, `no-store`, and the body at once, streamed from the export's channel, or
//! read from its (already unlinked) temporary file.

use app::exports::{Content, Download};
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The export's slot travels with the body stream, so it is given back when the last
/// byte is out or the client goes away (the stream is dropped), not when the handler
/// returns.
pub fn response(d: Download) -> Response {
    let slot = d.slot;
    let body = match d.content {
        Content::Whole(bytes) => Body::from(bytes),
        Content::Chunks(rx) => Body::from_stream(futures_util::stream::unfold(
            (rx, slot),
            |(mut rx, slot)| async move { rx.recv().await.map(|c| (c.map(Bytes::from), (rx, slot))) },
        )),
        Content::File(file) => Body::from_stream(futures_util::stream::unfold(
            (file, slot),
            |(mut f, slot)| async move {
                use tokio::io::AsyncReadExt;
                let mut buf = vec![0u8; 64 * 1024];
                match f.read(&mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok::<_, std::io::Error>(Bytes::from(buf)), (f, slot)))
                    }
                    Err(e) => Some((Err(e), (f, slot))),
                }
            },
        )),
    };
    (
        [
            (header::CONTENT_TYPE, d.content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", d.file_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
