//! Turning API-level errors into what a form shows: field errors next to the field, or a
//! whole-page error for things a person cannot fix in the form.

use crate::error::{ApiError, PageError};
use crate::pages::FieldErrors;
use axum::http::StatusCode;
use serde::Deserialize;

/// A form whose only field is its CSRF token (buttons that revoke, erase, confirm …).
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `?done=…` on the page a form redirects back to: which notice to show.
#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: Option<String>,
}

pub fn field_errors(e: ApiError) -> Result<FieldErrors, PageError> {
    match e.status {
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST => {
            let message = e
                .message
                .split_once(": ")
                .filter(|_| e.field.is_some())
                .map(|(_, m)| m.to_string())
                .unwrap_or(e.message);
            Ok(FieldErrors::one(e.field.unwrap_or("form"), message))
        }
        _ => Err(page_error(e)),
    }
}

pub fn page_error(e: ApiError) -> PageError {
    match e.status {
        StatusCode::NOT_FOUND => PageError::NotFound,
        StatusCode::FORBIDDEN => PageError::Forbidden(e.message),
        StatusCode::TOO_MANY_REQUESTS => PageError::TooMany(e.retry_after.unwrap_or(60)),
        s if s.is_client_error() => PageError::BadRequest(e.message),
        _ => PageError::Internal,
    }
}

/// One pasted row: its line number, and the (name, id_code) or what is wrong with it.
pub type ImportRow = (usize, Result<(String, String), String>);

/// Parses pasted CSV of `name,id_code` rows (header optional, quotes allowed). Returns the
/// rows with their line numbers; malformed lines become errors naming the line.
pub fn parse_import(text: &str) -> Vec<ImportRow> {
    // Excel's "CSV UTF-8" starts with a byte-order mark; it is not part of the first field.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields = split_csv_line(line);
        let Some(fields) = fields else {
            out.push((n, Err("unbalanced quotes".into())));
            continue;
        };
        let name = fields
            .first()
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let code = fields
            .get(1)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if n == 1 && name.eq_ignore_ascii_case("name") {
            continue;
        }
        if fields.len() > 2 {
            out.push((
                n,
                Err(format!(
                    "expected 2 columns (name, id_code), found {}",
                    fields.len()
                )),
            ));
            continue;
        }
        out.push((n, Ok((name, code))));
    }
    out
}

fn split_csv_line(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.trim().is_empty() => {
                cur.clear();
                quoted = true;
            }
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return None;
    }
    fields.push(cur);
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_rows_with_header_quotes_and_errors() {
        let rows =
            parse_import("name,id_code\nAda Lovelace,ADA-1\n\"Smith, Jo\",\n\"bad,row\nx,y,z\n");
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], (2, Ok(("Ada Lovelace".into(), "ADA-1".into()))));
        assert_eq!(rows[1], (3, Ok(("Smith, Jo".into(), "".into()))));
        assert_eq!(rows[2].0, 4);
        assert!(rows[2].1.as_ref().unwrap_err().contains("quotes"));
        assert!(rows[3].1.as_ref().unwrap_err().contains("3"));
    }

    #[test]
    fn escaped_quotes() {
        assert_eq!(
            split_csv_line(r#""a ""b"" c",d"#).unwrap(),
            vec!["a \"b\" c", "d"]
        );
    }
}
