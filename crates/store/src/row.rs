//! Row decoding shared by both backends: a row type bound that says "SQLite or PostgreSQL
//! row with the column types OmniTrack uses", so one mapping function serves both.

use sqlx::{Decode, Row, Type};

pub(crate) trait AnyRow: Row
where
    Self: for<'c> RowGet<'c>,
{
}

/// The column types OmniTrack reads.
pub(crate) trait RowGet<'c>: Row {
    fn uuid(&'c self, col: &str) -> Result<uuid::Uuid, sqlx::Error>;
    fn opt_uuid(&'c self, col: &str) -> Result<Option<uuid::Uuid>, sqlx::Error>;
    fn string(&'c self, col: &str) -> Result<String, sqlx::Error>;
    fn opt_string(&'c self, col: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&'c self, col: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&'c self, col: &str) -> Result<Option<i64>, sqlx::Error>;
    fn boolean(&'c self, col: &str) -> Result<bool, sqlx::Error>;
}

impl<'c, R> RowGet<'c> for R
where
    R: Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    uuid::Uuid: Decode<'c, R::Database> + Type<R::Database>,
    String: Decode<'c, R::Database> + Type<R::Database>,
    i64: Decode<'c, R::Database> + Type<R::Database>,
    bool: Decode<'c, R::Database> + Type<R::Database>,
{
    fn uuid(&'c self, col: &str) -> Result<uuid::Uuid, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_uuid(&'c self, col: &str) -> Result<Option<uuid::Uuid>, sqlx::Error> {
        self.try_get(col)
    }
    fn string(&'c self, col: &str) -> Result<String, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_string(&'c self, col: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(col)
    }
    fn int(&'c self, col: &str) -> Result<i64, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_int(&'c self, col: &str) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(col)
    }
    fn boolean(&'c self, col: &str) -> Result<bool, sqlx::Error> {
        self.try_get(col)
    }
}

impl<R> AnyRow for R where R: Row + for<'c> RowGet<'c> {}
