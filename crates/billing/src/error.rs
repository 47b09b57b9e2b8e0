//! Errors of the billing adapter. Signature failures have their own type
//! ([`crate::SignatureError`]) because the web edge answers them differently (400, no retry
//! worth having) from Stripe API failures.

/// What can go wrong talking to Stripe or reading what it sent.
#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    /// Billing is misconfigured (missing or malformed env values). Fatal at start-up.
    #[error("billing configuration: {0}")]
    Config(String),
    /// A caller passed something Stripe would reject or that would corrupt the request
    /// (empty id, id with `/`, zero seats, over-long idempotency key...).
    #[error("invalid billing input: {0}")]
    InvalidInput(String),
    /// Stripe answered with its documented error body (boxed: keeps `Result`s small).
    #[error("{0}")]
    Api(Box<StripeApiError>),
    /// Stripe (or something in front of it) answered an error status without a Stripe error body.
    #[error("Stripe answered HTTP {status} without an error body")]
    Http {
        status: u16,
        request_id: Option<String>,
    },
    /// The request never got an answer: connection refused, reset, timed out.
    #[error("could not reach Stripe: {0}")]
    Transport(#[source] reqwest::Error),
    /// A 2xx answer (or a webhook body) that is not the JSON we expect.
    #[error("unexpected Stripe payload: {0}")]
    Decode(String),
}

impl BillingError {
    /// The HTTP status Stripe answered, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            BillingError::Api(e) => Some(e.status),
            BillingError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Stripe's `{"error": {"type", "code", "message", "param"}}`, plus the HTTP status and the
/// `Request-Id` header (what Stripe support asks for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeApiError {
    pub status: u16,
    pub kind: StripeErrorType,
    /// Machine-readable code such as `resource_missing`; absent for many errors.
    pub code: Option<String>,
    /// Human-readable, in English, safe to log (Stripe never puts secrets in it).
    pub message: String,
    /// The request parameter at fault, e.g. `line_items[0][price]`.
    pub param: Option<String>,
    pub request_id: Option<String>,
}

impl std::fmt::Display for StripeApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stripe {} (HTTP {})", self.kind.as_str(), self.status)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(param) = &self.param {
            write!(f, " (param {param})")?;
        }
        Ok(())
    }
}

/// Stripe's documented error `type` values; anything newer lands in `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeErrorType {
    ApiError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    Other(String),
}

impl StripeErrorType {
    pub fn from_stripe(s: &str) -> Self {
        match s {
            "api_error" => Self::ApiError,
            "card_error" => Self::CardError,
            "idempotency_error" => Self::IdempotencyError,
            "invalid_request_error" => Self::InvalidRequestError,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::ApiError => "api_error",
            Self::CardError => "card_error",
            Self::IdempotencyError => "idempotency_error",
            Self::InvalidRequestError => "invalid_request_error",
            Self::Other(s) => s,
        }
    }
}
