//! Store tests. Every test runs on SQLite and on PostgreSQL (see `both!`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod billing;
mod board_figures;
mod clock;
mod export_figures;
mod lifecycle;
mod punch;
mod reports;
mod schema;
mod seat_sync;
mod security;

use store::{Store, StoreKind};

/// Generates `<name>::sqlite` and `<name>::postgres` tests from one `async fn name(Store)`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                if let Some((s, _)) = store::testing::fresh(store::StoreKind::Sqlite).await { super::$name(s).await }
            }
            #[tokio::test]
            async fn postgres() {
                if let Some((s, _)) = store::testing::fresh(store::StoreKind::Postgres).await { super::$name(s).await }
            }
        }
    )*};
}
pub(crate) use both;

pub(crate) async fn fresh(kind: StoreKind) -> Store {
    store::testing::fresh(kind).await.expect("database").0
}

pub(crate) fn now() -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_790_000_000).unwrap()
}
