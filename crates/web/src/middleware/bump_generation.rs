//! Bumps a company's read-cache generation after a request that wrote to it, before the
//! response goes out: once a write has been answered, no request on this instance is
//! served a board or timesheet of that company computed before it. Only a request that
//! may write (any method but GET, HEAD and OPTIONS), was authenticated (the extractors
//! say for which company, see [`ActingFor`]) and succeeded counts; a failed login or a
//! refused form changes nothing, and one company's writes leave the others' caches alone.
//! See [`app::read_cache`].

use crate::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex, PoisonError};

/// The company an unsafe request acts for, noted by whatever authenticated it.
#[derive(Clone, Default)]
pub struct ActingFor(Arc<Mutex<Option<domain::CompanyId>>>);

impl ActingFor {
    /// Notes the company on the request (a no-op on requests that cannot write).
    pub fn note(parts: &Parts, company: domain::CompanyId) {
        if let Some(a) = parts.extensions.get::<Self>() {
            a.set(company);
        }
    }

    pub fn set(&self, company: domain::CompanyId) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(company);
    }

    fn get(&self) -> Option<domain::CompanyId> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// For handlers that authenticate by other means (a personal clock link).
impl<S: Send + Sync> FromRequestParts<S> for ActingFor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Self>().cloned().unwrap_or_default())
    }
}

pub async fn bump_after_writes(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let acting = ActingFor::default();
    if writes {
        req.extensions_mut().insert(acting.clone());
    }
    let res = next.run(req).await;
    let ok = res.status().is_success() || res.status().is_redirection();
    if let Some(company) = acting.get().filter(|_| writes && ok) {
        state.read_cache.bump(company);
    }
    res
}
