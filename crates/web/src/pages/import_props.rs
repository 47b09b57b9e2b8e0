//! Property tests of the employee CSV import parser (`forms::parse_import`): any pasted
//! text gives rows or per-line errors — never a panic — with line numbers that point at the
//! real lines; and rows written by a spreadsheet (quoted where needed, CRLF or LF, header
//! with or without Excel's byte-order mark, blank lines) come back exactly.

use super::forms::parse_import;
use proptest::prelude::*;

/// A field as a spreadsheet would hold it: no line breaks, no padding (the parser trims).
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z .'-]{0,20}[A-Za-z]",
        "[A-Z0-9-]{4,12}",
        "[^\r\n\u{feff}]{0,16}".prop_map(|s| s.trim().to_string()),
        Just(String::new()),
    ]
}

/// RFC 4180: quote a field holding a comma, a quote or padding; double inner quotes.
fn quote(f: &str, always: bool) -> String {
    if always || f.contains([',', '"']) || f.trim() != f {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

fn text_lines(text: &str) -> usize {
    text.lines().count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_text_gives_rows_with_real_line_numbers(text in any::<String>()) {
        let rows = parse_import(&text);
        let lines: Vec<&str> = text.lines().collect();
        let mut last = 0;
        for (n, row) in &rows {
            prop_assert!(*n > last && *n <= lines.len(), "line {} of {}", n, lines.len());
            last = *n;
            prop_assert!(!lines[n - 1].trim().is_empty(), "blank lines are skipped");
            match row {
                Ok((name, code)) => {
                    prop_assert_eq!(name.trim(), name.as_str());
                    prop_assert_eq!(code.trim(), code.as_str());
                }
                Err(e) => prop_assert!(!e.is_empty()),
            }
        }
        prop_assert!(rows.len() <= text_lines(&text));
    }

    #[test]
    fn spreadsheet_rows_round_trip(
        rows in prop::collection::vec((field(), field()), 1..20),
        header in any::<bool>(),
        bom in any::<bool>(),
        crlf in any::<bool>(),
        always_quote in any::<bool>(),
        blank_every in 0usize..5,
    ) {
        // A first data row named "name" would be taken for the header.
        prop_assume!(!rows[0].0.eq_ignore_ascii_case("name"));
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        let mut expected = Vec::new();
        let mut line = 0;
        if header {
            text.push_str("name,id_code");
            text.push_str(eol);
            line += 1;
        }
        for (i, (name, code)) in rows.iter().enumerate() {
            if blank_every > 0 && i % blank_every == 0 {
                text.push_str(eol);
                line += 1;
            }
            text.push_str(&quote(name, always_quote));
            text.push(',');
            text.push_str(&quote(code, always_quote));
            text.push_str(eol);
            line += 1;
            expected.push((line, Ok((name.clone(), code.clone()))));
        }
        prop_assert_eq!(parse_import(&text), expected, "{:?}", text);
    }
}

#[test]
fn excel_utf8_header_with_byte_order_mark_is_a_header() {
    let rows = parse_import("\u{feff}name,id_code\r\nAda Lovelace,ADA-1\r\n");
    assert_eq!(rows, vec![(2, Ok(("Ada Lovelace".into(), "ADA-1".into())))]);
}
