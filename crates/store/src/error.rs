/// What can go wrong in the store. The web edge maps these to HTTP statuses once.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist *for this tenant* (another company's row is also "not found").
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was hit; the payload names what clashed (e.g. "email").
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A business rule held by the store, with a message for people.
    #[error("{0}")]
    Rule(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// SQLite through the group-commit writer's own connection.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database cannot take the write right now (the batch did not commit, or the
    /// writer stopped); nothing of it was saved, and a retry is safe.
    #[error("{0}")]
    Unavailable(String),
    #[error("migration {version} failed: {source}")]
    Migration {
        version: i64,
        #[source]
        source: sqlx::Error,
    },
    #[error("bad database URL: {0}")]
    Url(String),
}

impl StoreError {
    /// Maps a unique violation to `Conflict(what)`, anything else through unchanged.
    pub(crate) fn unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
        move |e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
            _ => StoreError::Database(e),
        }
    }
}
