//! Bumps the read cache's generation after every request that may have written (any method
//! but GET, HEAD and OPTIONS), before the response goes out: once a write has been answered,
//! no request on this instance is served a board or timesheet computed before it. See
//! [`app::read_cache`].

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

pub async fn bump_after_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.run(req).await;
    if writes {
        state.read_cache.bump();
    }
    res
}
