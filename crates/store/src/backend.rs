//! The [`Store`] handle and the seam between the two engines: [`Backend`] and
//! [`on_pool!`]. SQLite's own connections (pool and fast paths) are set up in
//! [`crate::sqlite`].

use crate::hot_cache::HotCache;
use crate::sqlite::{self, inline_read::InlineReader, writer::Writer};
use crate::{Result, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Which engine a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub(crate) enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(PgPool),
}

/// The one handle the rest of OmniTrack uses for persistence. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    /// Short-lived copies of rows read on every request (tokens, companies, settings).
    pub(crate) cache: Arc<HotCache>,
}

/// Runs the same body against whichever pool backs the store. The body is type-checked
/// once per backend, so each arm gets its concrete row and argument types.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::backend::Backend::Sqlite(db) => {
                let $pool = &db.pool;
                $body
            }
            $crate::backend::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Store {
    /// Opens `url`: `postgres://…` selects PostgreSQL, anything else is an SQLite file path
    /// or `sqlite:` URL (created if missing; see [`crate::sqlite`]).
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts =
                PgConnectOptions::from_str(url).map_err(|e| StoreError::Url(e.to_string()))?;
            Self::postgres(opts).await
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Self::sqlite(path).await
        }
    }

    /// PostgreSQL with every connection's `search_path` set to `schema` — used to give each
    /// test its own empty schema in one database.
    pub async fn connect_postgres_in_schema(url: &str, schema: &str) -> Result<Self> {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Url(e.to_string()))?
            .options([("search_path", schema)]);
        Self::postgres(opts).await
    }

    async fn postgres(opts: PgConnectOptions) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Self {
            backend: Backend::Postgres(pool),
            cache: Arc::default(),
        })
    }

    async fn sqlite(path: &str) -> Result<Self> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::connect(path).await?),
            cache: Arc::default(),
        })
    }

    /// SQLite only: the group-commit writer the hot writes go through.
    pub(crate) fn writer(&self) -> Option<&Writer> {
        match &self.backend {
            Backend::Sqlite(db) => Some(&db.writer),
            Backend::Postgres(_) => None,
        }
    }

    /// SQLite only: point reads on the calling thread.
    pub(crate) fn inline(&self) -> Option<&Arc<InlineReader>> {
        match &self.backend {
            Backend::Sqlite(db) => Some(&db.inline),
            Backend::Postgres(_) => None,
        }
    }

    pub fn kind(&self) -> StoreKind {
        match self.backend {
            Backend::Sqlite(_) => StoreKind::Sqlite,
            Backend::Postgres(_) => StoreKind::Postgres,
        }
    }

    /// Readiness: the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, p => { sqlx::query("SELECT 1").execute(p).await?; });
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }

    /// Every table with its column names, sorted — lets tests prove the two schemas match
    /// and lets the purge check discover every table that holds company data.
    pub async fn schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        use sqlx::Row;
        let rows: Vec<(String, String)> = match &self.backend {
            Backend::Sqlite(db) => sqlx::query(
                "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.name",
            )
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?,
            Backend::Postgres(p) => sqlx::query(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() ORDER BY 1, 2",
            )
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, sqlx::Error>>()?,
        };
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (table, column) in rows {
            match out.last_mut() {
                Some((t, cols)) if *t == table => cols.push(column),
                _ => out.push((table, vec![column])),
            }
        }
        Ok(out)
    }
}
