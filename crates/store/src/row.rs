//! Row decoding shared by every way OmniTrack reads rows — sqlx's SQLite and PostgreSQL rows
//! and the synchronous SQLite connections of the hot paths ([`crate::writer`],
//! [`crate::inline_read`]) — so one mapping function (`shift`, `employee`, …) serves all.

use crate::{Result, StoreError};
use sqlx::Row;

/// An sqlx row of either engine: mapping functions that also need `try_get` bound on this.
pub(crate) trait AnyRow: Row + RowGet {}

impl<R: Row + RowGet> AnyRow for R {}

/// The column types OmniTrack reads.
pub(crate) trait RowGet {
    fn uuid(&self, col: &str) -> Result<uuid::Uuid>;
    fn opt_uuid(&self, col: &str) -> Result<Option<uuid::Uuid>>;
    fn string(&self, col: &str) -> Result<String>;
    fn opt_string(&self, col: &str) -> Result<Option<String>>;
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn boolean(&self, col: &str) -> Result<bool>;
}

macro_rules! sqlx_row_get {
    ($row:ty) => {
        impl RowGet for $row {
            fn uuid(&self, col: &str) -> Result<uuid::Uuid> {
                Ok(self.try_get(col)?)
            }
            fn opt_uuid(&self, col: &str) -> Result<Option<uuid::Uuid>> {
                Ok(self.try_get(col)?)
            }
            fn string(&self, col: &str) -> Result<String> {
                Ok(self.try_get(col)?)
            }
            fn opt_string(&self, col: &str) -> Result<Option<String>> {
                Ok(self.try_get(col)?)
            }
            fn int(&self, col: &str) -> Result<i64> {
                Ok(self.try_get(col)?)
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>> {
                Ok(self.try_get(col)?)
            }
            fn boolean(&self, col: &str) -> Result<bool> {
                Ok(self.try_get(col)?)
            }
        }
    };
}

sqlx_row_get!(sqlx::sqlite::SqliteRow);
sqlx_row_get!(sqlx::postgres::PgRow);

/// sqlx stores a UUID in SQLite as its 16 bytes; read it the same way.
fn uuid_from_blob(bytes: &[u8]) -> Result<uuid::Uuid> {
    uuid::Uuid::from_slice(bytes).map_err(|e| StoreError::Rule(format!("bad stored id: {e}")))
}

impl RowGet for rusqlite::Row<'_> {
    fn uuid(&self, col: &str) -> Result<uuid::Uuid> {
        uuid_from_blob(&self.get::<_, Vec<u8>>(col)?)
    }
    fn opt_uuid(&self, col: &str) -> Result<Option<uuid::Uuid>> {
        self.get::<_, Option<Vec<u8>>>(col)?
            .map(|b| uuid_from_blob(&b))
            .transpose()
    }
    fn string(&self, col: &str) -> Result<String> {
        Ok(self.get(col)?)
    }
    fn opt_string(&self, col: &str) -> Result<Option<String>> {
        Ok(self.get(col)?)
    }
    fn int(&self, col: &str) -> Result<i64> {
        Ok(self.get(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        Ok(self.get(col)?)
    }
    fn boolean(&self, col: &str) -> Result<bool> {
        Ok(self.get(col)?)
    }
}
