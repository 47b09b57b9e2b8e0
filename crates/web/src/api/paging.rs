//! Keyset paging shared by the long listings (`/shifts`, `/tasks`, `/audit`): a `limit` of 1 to
//! 1,000 (default 200) and an opaque `cursor` of the last row's `<ms>:<uuid>`.

use domain::ValidationError;
use uuid::Uuid;

/// Rows per page when the request does not say.
pub const DEFAULT_PAGE: u32 = 200;
/// The most rows one request may ask for.
pub const MAX_PAGE: u32 = 1000;

/// The requested page size, checked.
pub fn limit(asked: Option<u32>) -> Result<u32, ValidationError> {
    let limit = asked.unwrap_or(DEFAULT_PAGE);
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(ValidationError::new("limit", "must be 1 to 1000"))
    }
}

/// A `next_cursor` given back: the last row's instant (ms) and id.
pub fn cursor(s: Option<&str>) -> Result<Option<(i64, Uuid)>, ValidationError> {
    let Some(s) = s else { return Ok(None) };
    let bad = || ValidationError::new("cursor", "is not a next_cursor of this listing");
    let (ms, id) = s.split_once(':').ok_or_else(bad)?;
    Ok(Some((
        ms.parse().map_err(|_| bad())?,
        Uuid::parse_str(id).map_err(|_| bad())?,
    )))
}

/// The cursor of a page's last row, when there are more rows after it.
pub fn next_cursor(last: Option<(i64, Uuid)>, more: bool) -> Option<String> {
    last.filter(|_| more).map(|(ms, id)| format!("{ms}:{id}"))
}
