//! Migrations embedded in the binary, one folder per backend, applied in order inside a
//! transaction each. A hand-rolled runner (30 lines) instead of sqlx's macro keeps a second
//! copy of both database drivers out of the proc-macro build.

use crate::backend::{on_pool, Backend, Store};
use crate::{Result, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_accounts"),
    migration!(2, "0002_clock"),
    migration!(3, "0003_billing_lifecycle"),
    migration!(4, "0004_reports"),
    migration!(5, "0005_board_figures"),
    migration!(6, "0006_security"),
    migration!(7, "0007_provisional_analyses"),
    migration!(8, "0008_two_factor"),
    migration!(9, "0009_employee_requests"),
    migration!(11, "0011_seat_sync_trial"),
    migration!(12, "0012_export_figures"),
    migration!(13, "0013_punch_fills_export_figures"),
    migration!(14, "0014_punch_lookups_skip_history"),
    migration!(15, "0015_export_plain_figures"),
];

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

impl Store {
    /// Brings the schema up to date, one transaction per migration. Safe to run from
    /// several instances at once: on PostgreSQL an advisory lock serialises them, and
    /// SQLite has a single writer anyway.
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_through(i64::MAX).await
    }

    /// [`Store::migrate`] up to and including `last`: for tests of a migration's backfill
    /// of rows stored before it.
    pub async fn migrate_through(&self, last: i64) -> Result<()> {
        let now = jiff::Timestamp::now().as_millisecond();
        let postgres = matches!(self.backend, Backend::Postgres(_));
        on_pool!(self, p => {
            for m in MIGRATIONS.iter().take_while(|m| m.version <= last) {
                let mut tx = p.begin().await?;
                if postgres {
                    sqlx::query("SELECT pg_advisory_xact_lock(7263011)").execute(&mut *tx).await?;
                }
                sqlx::query(CREATE_LEDGER).execute(&mut *tx).await?;
                let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional(&mut *tx)
                    .await?;
                if done.is_some() {
                    continue;
                }
                let sql = if postgres { m.postgres } else { m.sqlite };
                sqlx::raw_sql(sql)
                    .execute(&mut *tx)
                    .await
                    .map_err(|source| StoreError::Migration { version: m.version, source })?;
                sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                    .bind(m.version)
                    .bind(m.name)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                tracing::info!(version = m.version, name = m.name, "migration applied");
            }
        });
        Ok(())
    }
}
