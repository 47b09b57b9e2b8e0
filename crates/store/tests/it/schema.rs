use crate::fresh;
use store::StoreKind;

/// The two backends' migrations must produce the same tables and columns; otherwise code
/// that works on one database breaks on the other.
#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = fresh(StoreKind::Sqlite).await.schema().await.unwrap();
    let Some((pg, _)) = store::testing::fresh(StoreKind::Postgres).await else {
        return;
    };
    let pg = pg.schema().await.unwrap();
    assert!(
        sqlite.iter().any(|(t, _)| t == "companies"),
        "schema listing works"
    );
    assert_eq!(sqlite, pg, "SQLite and PostgreSQL schemas differ");
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let s = fresh(StoreKind::Sqlite).await;
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
}
