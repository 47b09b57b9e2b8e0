//! `POST /webhooks/stripe`: the raw body is verified against `Stripe-Signature` (300 s
//! tolerance, against the app clock) before anything else, then parsed and applied once
//! per event id (a replay answers 200 and changes nothing).

use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

pub async fn stripe(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let Some(client) = &state.billing else {
        return Err(ApiError::not_found());
    };
    let Some(sig) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_signature",
            "the Stripe-Signature header is missing",
        ));
    };
    if let Err(e) = client
        .config()
        .verify_webhook(sig, &body, state.clock.now().as_second())
    {
        tracing::warn!(error = %e, "Stripe webhook with a bad signature refused");
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_signature",
            format!("the webhook signature does not verify: {e}"),
        ));
    }
    let event = ::billing::parse_event(&body).map_err(|e| {
        tracing::error!(error = %e, "verified Stripe webhook could not be parsed");
        // Any non-2xx makes Stripe deliver again later.
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_event",
            "the event could not be read",
        )
    })?;
    let id = event.id.clone();
    let outcome = state.apply_stripe_event(event).await?;
    tracing::info!(event = %id, ?outcome, "Stripe webhook handled");
    Ok(Json(json!({ "received": true })))
}
