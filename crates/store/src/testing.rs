//! Fresh, migrated databases for tests: an SQLite file in the temp dir, or an empty
//! PostgreSQL schema in the test database. Shared by every crate's test suite so the same
//! tests run on both backends.
//!
//! PostgreSQL comes from `OMNITRACK_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it cannot be reached the PostgreSQL
//! variant of a test is skipped with a loud message — unless `OMNITRACK_REQUIRE_PG` or `CI`
//! is set, in which case it fails: CI must never skip the second database silently.

use crate::{Store, StoreKind};
use std::time::{SystemTime, UNIX_EPOCH};

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database URL plus what it takes to open the same database again (a second app
/// instance in a test).
#[derive(Debug, Clone)]
pub struct TestDb {
    pub kind: StoreKind,
    pub url: String,
    /// PostgreSQL schema holding this test's tables.
    pub schema: Option<String>,
}

impl TestDb {
    pub async fn open(&self) -> Store {
        let store = match &self.schema {
            Some(schema) => Store::connect_postgres_in_schema(&self.url, schema).await,
            None => Store::connect(&self.url).await,
        };
        match store {
            Ok(s) => s,
            Err(e) => panic!("cannot open test database {}: {e}", self.url),
        }
    }
}

fn unique_suffix() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{secs}_{}", uuid::Uuid::new_v4().simple())
}

fn pg_required() -> bool {
    std::env::var_os("OMNITRACK_REQUIRE_PG").is_some() || std::env::var_os("CI").is_some()
}

/// A fresh, empty, migrated database of `kind`, or `None` when PostgreSQL is unavailable
/// and not required.
pub async fn fresh(kind: StoreKind) -> Option<(Store, TestDb)> {
    fresh_through(kind, i64::MAX).await
}

/// [`fresh`], migrated up to and including migration `last` only.
pub async fn fresh_through(kind: StoreKind, last: i64) -> Option<(Store, TestDb)> {
    let db = match kind {
        StoreKind::Sqlite => {
            let path = std::env::temp_dir().join(format!("omnitrack-test-{}.db", unique_suffix()));
            TestDb {
                kind,
                url: path.display().to_string(),
                schema: None,
            }
        }
        StoreKind::Postgres => {
            let url = std::env::var("OMNITRACK_TEST_PG_URL")
                .unwrap_or_else(|_| DEFAULT_PG_URL.to_string());
            let schema = format!("t_{}", unique_suffix());
            let admin = match Store::connect(&url).await {
                Ok(s) => s,
                Err(e) if !pg_required() => {
                    eprintln!("SKIPPING PostgreSQL variant: cannot reach {url}: {e} (set OMNITRACK_REQUIRE_PG=1 to fail instead)");
                    return None;
                }
                Err(e) => panic!("PostgreSQL is required (CI / OMNITRACK_REQUIRE_PG) but {url} is unreachable: {e}"),
            };
            if let Err(e) = admin.create_schema_dropping_stale(&schema).await {
                panic!("cannot create test schema {schema}: {e}");
            }
            admin.close().await;
            TestDb {
                kind,
                url,
                schema: Some(schema),
            }
        }
    };
    let store = db.open().await;
    if let Err(e) = store.migrate_through(last).await {
        panic!("migrations failed on {kind:?}: {e}");
    }
    Some((store, db))
}

impl Store {
    /// Creates `schema` and drops test schemas older than two hours, so repeated runs on a
    /// long-lived PostgreSQL do not pile up.
    async fn create_schema_dropping_stale(&self, schema: &str) -> crate::Result<()> {
        use crate::backend::Backend;
        let Backend::Postgres(p) = &self.backend else {
            return Ok(());
        };
        let names: Vec<String> =
            sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 't\\_%'")
                .fetch_all(p)
                .await?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        for name in names {
            let ts = name.split('_').nth(1).and_then(|s| s.parse::<u64>().ok());
            if ts.is_some_and(|t| now.saturating_sub(t) > 7200) {
                let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                    .execute(p)
                    .await;
            }
        }
        // The name is ours (letters, digits, underscores), so interpolation is safe here.
        sqlx::query(&format!("CREATE SCHEMA \"{schema}\""))
            .execute(p)
            .await?;
        Ok(())
    }
}

/// Every `table.column` (from the live schema, so tables added later are searched too)
/// whose value contains one of `texts`, or holds one of `ids` in any form (a UUID column,
/// a 16-byte blob, or the hyphenated text inside a longer string). What erasure and purge
/// tests use to prove nothing about a person is left.
pub async fn find_anywhere(
    store: &Store,
    texts: &[&str],
    ids: &[uuid::Uuid],
) -> crate::Result<Vec<String>> {
    use crate::backend::Backend;
    let mut needles: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
    needles.extend(ids.iter().map(|i| i.to_string()));
    let mut hits = Vec::new();
    for (table, columns) in store.schema().await? {
        for column in columns {
            let q = format!("\"{table}\".\"{column}\"");
            let mut found = false;
            match &store.backend {
                Backend::Sqlite(p) => {
                    // hex() sees text and blobs alike.
                    let mut forms: Vec<String> = needles
                        .iter()
                        .map(|n| hex(n.as_bytes()).to_uppercase())
                        .collect();
                    forms.extend(ids.iter().map(|i| hex(i.as_bytes()).to_uppercase()));
                    for f in forms {
                        let sql =
                            format!("SELECT COUNT(*) FROM \"{table}\" WHERE hex({q}) LIKE $1");
                        let n: i64 = sqlx::query_scalar(&sql)
                            .bind(format!("%{f}%"))
                            .fetch_one(&p.pool)
                            .await?;
                        found |= n > 0;
                    }
                }
                Backend::Postgres(p) => {
                    for n in &needles {
                        let sql = format!(
                            "SELECT COUNT(*) FROM \"{table}\" WHERE CAST({q} AS TEXT) LIKE $1"
                        );
                        let c: i64 = sqlx::query_scalar(&sql)
                            .bind(format!("%{n}%"))
                            .fetch_one(p)
                            .await?;
                        found |= c > 0;
                    }
                    for i in ids {
                        let sql = format!(
                            "SELECT COUNT(*) FROM \"{table}\" WHERE CAST({q} AS TEXT) LIKE $1"
                        );
                        let c: i64 = sqlx::query_scalar(&sql)
                            .bind(format!("%{}%", hex(i.as_bytes())))
                            .fetch_one(p)
                            .await?;
                        found |= c > 0;
                    }
                }
            }
            if found {
                hits.push(format!("{table}.{column}"));
            }
        }
    }
    Ok(hits)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
