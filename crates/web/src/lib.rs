//! OmniTrack's HTTP edge. Handlers are thin: parse input into domain types, call the store,
//! render. Errors are mapped to responses once, in [`error`].

mod accounts;
pub mod api;
pub mod auth;
pub mod charts;
pub mod clock;
pub mod clocking;
pub mod csv;
mod export_fast;
pub mod export_rows;
pub mod export_stream;
pub mod exports;
pub mod read_cache;
pub mod reports;
pub mod subscriptions;
pub mod summaries;
pub use accounts::{FlowError, SignupInput};
pub mod error;
pub mod lifecycle;
pub mod mail;
pub mod middleware;
pub mod outbox;
pub mod pages;
pub mod pipeline;
mod router;
pub mod state;
mod static_files;
mod webhooks;
mod writes;

pub use clock::Clock;
pub use mail::{FileMailer, Mail, Mailer, SendError, SendFuture};
pub use router::router;
pub use state::{AppState, WebConfig};
