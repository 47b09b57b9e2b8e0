//! Extractors whose rejections speak the API's error format.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// `axum::Json` with errors as `{"error":{…}}`: 415 without the JSON content type, 400 for
/// broken JSON, 422 when the JSON does not fit the expected shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(axum::Json::<T>::from_request(req, state).await?.0))
    }
}

/// [`ApiJson`] that also keeps the SHA-256 of the raw body: an idempotent endpoint tells
/// a retry (same body) from a reused key (another body) by it.
pub struct HashedJson<T> {
    pub value: T,
    pub sha256: [u8; 32],
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for HashedJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use sha2::{Digest, Sha256};
        let (parts, body) = req.into_parts();
        let headers = parts.headers.clone();
        // Through `Bytes`' extractor, so the body limit applies as for any JSON body.
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| ApiError::new(e.status(), "bad_request", e.body_text()))?;
        let sha256 = Sha256::digest(&bytes).into();
        // The same request again, so the rejections are exactly `ApiJson`'s.
        let mut again = Request::new(axum::body::Body::from(bytes));
        *again.headers_mut() = headers;
        let ApiJson(value) = ApiJson::<T>::from_request(again, state).await?;
        Ok(Self { value, sha256 })
    }
}

/// `axum::extract::Path` where a malformed id is simply "not found".
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            axum::extract::Path::<T>::from_request_parts(parts, state)
                .await?
                .0,
        ))
    }
}

/// `axum::extract::Query` with errors as `{"error":{…}}` (400), like every other refusal
/// of the API — not axum's plain-text rejection.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            axum::extract::Query::<T>::from_request_parts(parts, state)
                .await?
                .0,
        ))
    }
}
