//! HTTP tests: the real application, started exactly as in production, on a random port,
//! against a fresh database. Every test runs on SQLite and on PostgreSQL (`both!`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod analysis_settings;
mod analyzer;
mod bad_input;
mod bad_query;
mod billing;
mod billing_support;
mod board_freshness;
mod browser_sessions;
mod cli;
mod clock;
mod dashboard;
mod e2e;
mod e2e_pages;
mod e2e_self_service;
mod e2e_two_factor;
mod export_fast_path;
mod exports;
mod feature_pages;
mod feature_pages_reports;
mod kiosk_pages;
mod lifecycle;
mod mail_outbox;
mod members;
mod openapi;
mod seats;
mod security;
mod security_page;
mod self_service;
mod smtp_peer;
mod summaries;
mod tenancy;
mod timezones;
mod tls;
mod trial;
mod two_factor;
mod two_instances_postgres;

pub mod helpers;

/// Generates `<name>::sqlite` and `<name>::postgres` from one `async fn name(TestApp)`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::helpers::spawn_app(store::StoreKind::Sqlite).await { super::$name(app).await }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::helpers::spawn_app(store::StoreKind::Postgres).await { super::$name(app).await }
            }
        }
    )*};
}
pub(crate) use both;
