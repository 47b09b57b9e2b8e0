//! OmniTrack's HTTP edge: the router, extractors, authentication, middleware, the JSON API
//! with its OpenAPI document, and the askama pages. Handlers are thin: parse the request
//! into domain types, call one use case of the [`app`] crate, render what it returns.
//! Errors are mapped to responses once, in [`error`].

pub mod api;
pub mod auth;
pub mod charts;
mod download;
pub mod error;
pub mod middleware;
pub mod pages;
mod router;
pub mod state;
mod static_files;
pub mod views;

pub use router::router;
pub use state::{AppState, WebConfig};
