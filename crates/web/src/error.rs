//! The web layer's errors, each mapped to a response exactly once. Internal causes are
//! logged with the request's id; people see a safe message.

use app::Error;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ValidationError;
use serde::Serialize;
use store::StoreError;

/// An API error: `{"error":{"code","message"}}` with the matching status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
    pub retry_after: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The input field at fault, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }
    pub fn unauthorized(m: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", m)
    }
    pub fn forbidden(m: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", m)
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }
    pub fn conflict(m: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", m)
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", m)
    }
    pub fn too_many(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many attempts; try again in {retry_after} seconds"),
            )
        }
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                field: self.field.map(str::to_string),
            },
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        res
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        Self {
            field: Some(e.field),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                e.to_string(),
            )
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found(),
            StoreError::Conflict(what) => Self::conflict(format!("{what} already exists")),
            StoreError::Rule(m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violated", m),
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "store unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    format!("{m}; please try again"),
                )
            }
            other => {
                tracing::error!(error = %other, "store error");
                Self::internal()
            }
        }
    }
}

/// Every failure of a use case, as the API answers it.
impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let msg = e.to_string();
        match e {
            Error::Invalid(v) => v.into(),
            Error::Rejected(m) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violated", m),
            Error::Conflict(m) => Self::conflict(m),
            Error::BadCredentials => Self::unauthorized(msg),
            Error::RateLimited { retry_after } | Error::Locked { retry_after } => {
                Self::too_many(retry_after)
            }
            Error::ReadOnly(m) => Self::new(StatusCode::FORBIDDEN, "read_only", m),
            Error::WrongPassword => Self::new(StatusCode::FORBIDDEN, "wrong_password", msg),
            Error::WrongCode => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "wrong_code", msg),
            Error::AlreadyIn { .. } | Error::AlreadyOnBreak | Error::NotOnBreak => {
                Self::conflict(msg)
            }
            Error::NotIn => Self::conflict("not clocked in: there is no open shift"),
            Error::BillingOff => Self::new(StatusCode::NOT_FOUND, "billing_off", msg),
            Error::AlreadySubscribed | Error::NoCustomer | Error::NotCanceled => {
                Self::conflict(msg)
            }
            Error::Stripe(_) => Self::new(StatusCode::BAD_GATEWAY, "billing_unavailable", msg),
            Error::PolicyTooSoon { .. } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violated", msg)
            }
            Error::Store(s) => s.into(),
            Error::Json(_) | Error::Internal => {
                tracing::error!(error = %msg, "internal error");
                Self::internal()
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with 'Content-Type: application/json'",
            ),
            JsonRejection::JsonSyntaxError(e) => {
                Self::bad_request(format!("the body is not valid JSON: {}", e.body_text()))
            }
            JsonRejection::JsonDataError(e) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("the JSON does not fit: {}", e.body_text()),
            ),
            JsonRejection::BytesRejection(e) => Self::new(e.status(), "bad_request", e.body_text()),
            other => Self::new(other.status(), "bad_request", other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        // A malformed id names nothing that exists.
        Self::not_found()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(format!("bad query string: {}", r.body_text()))
    }
}

/// An error on an HTML page.
#[derive(Debug)]
pub enum PageError {
    /// Send the visitor to the login page.
    LoginRequired,
    /// The company requires two-factor sign-in: send the visitor to enrol first.
    EnrolTwoFactor,
    Forbidden(String),
    NotFound,
    BadRequest(String),
    TooMany(u64),
    /// Something we depend on (Stripe) failed; nothing was changed.
    Unavailable(String),
    Internal,
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(what) => Self::BadRequest(format!("{what} already exists")),
            StoreError::Rule(m) => Self::BadRequest(m),
            StoreError::Unavailable(m) => {
                tracing::error!(error = %m, "store unavailable");
                Self::Unavailable(format!("{m}; please try again"))
            }
            other => {
                tracing::error!(error = %other, "store error");
                Self::Internal
            }
        }
    }
}

/// Every failure of a use case, as a page shows it (pages that show a failure next to a
/// field match the variant themselves first).
impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        match e {
            Error::Store(s) => s.into(),
            Error::RateLimited { retry_after } | Error::Locked { retry_after } => {
                Self::TooMany(retry_after)
            }
            Error::ReadOnly(m) => Self::Forbidden(m),
            Error::BillingOff => Self::NotFound,
            Error::Stripe(_) => Self::Unavailable(e.to_string()),
            Error::Json(_) | Error::Internal => {
                tracing::error!(error = %e, "internal error");
                Self::Internal
            }
            Error::NotIn => Self::BadRequest("not clocked in: there is no open shift".into()),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

impl From<FormRejection> for PageError {
    fn from(r: FormRejection) -> Self {
        Self::BadRequest(format!("the form could not be read: {}", r.body_text()))
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "template error");
        Self::Internal
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::LoginRequired => return Redirect::to("/login").into_response(),
            PageError::EnrolTwoFactor => {
                return Redirect::to(crate::views::ENROL_PATH).into_response()
            }
            PageError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing at this address.".into(),
            ),
            PageError::BadRequest(m) => (StatusCode::BAD_REQUEST, "That did not work", m),
            PageError::TooMany(s) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Slow down",
                format!("Too many attempts. Try again in {s} seconds."),
            ),
            PageError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "Please try again", m),
            PageError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side. It has been logged; please try again.".into(),
            ),
        };
        let page = crate::views::ErrorPage {
            nav: crate::views::Nav::anonymous(),
            title,
            message: &message,
        };
        let html = askama::Template::render(&page).unwrap_or_else(|_| message.clone());
        (status, axum::response::Html(html)).into_response()
    }
}
