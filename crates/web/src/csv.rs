//! A tiny CSV writer (RFC 4180): fields with commas, quotes or line breaks are quoted and
//! inner quotes doubled; lines end in CRLF. Every text cell also passes the formula-
//! injection guard: a spreadsheet would run a cell starting with `=`, `+`, `-`, `@`, tab or
//! carriage return as a formula, so such cells get a leading `'`.

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell made safe to open in a spreadsheet.
pub fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Appends one field, quoted when needed.
fn push_field(out: &mut String, cell: &str) {
    if cell.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// Appends one record of text cells (guarded) to `out`.
pub fn write_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, &guard(c.as_ref()));
    }
    out.push_str("\r\n");
}

/// One record as a string.
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut s = String::new();
    write_row(&mut s, cells);
    s
}

/// Numbers are written as numbers: a negative one must stay `-5`, not `'-5`.
pub enum Cell {
    Text(String),
    Num(String),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }
    pub fn num(n: impl std::fmt::Display) -> Self {
        Self::Num(n.to_string())
    }
    pub fn opt_num<N: std::fmt::Display>(n: Option<N>) -> Self {
        Self::Num(n.map(|n| n.to_string()).unwrap_or_default())
    }
    pub fn bool(b: bool) -> Self {
        Self::Num(if b { "true" } else { "false" }.into())
    }
}

/// Appends one record of typed cells: text is guarded, numbers are not.
pub fn write_cells(out: &mut String, cells: &[Cell]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match c {
            Cell::Text(s) => push_field(out, &guard(s)),
            Cell::Num(s) => push_field(out, s),
        }
    }
    out.push_str("\r\n");
}

/// Writes one record's cells straight into `out` — the same bytes as [`write_cells`], without
/// a `String` per cell (the streamed exports write hundreds of thousands of rows).
pub struct RowWriter<'a> {
    out: &'a mut String,
    scratch: &'a mut String,
    first: bool,
}

impl<'a> RowWriter<'a> {
    /// `scratch` is a reusable buffer for formatted cells.
    pub fn new(out: &'a mut String, scratch: &'a mut String) -> Self {
        Self {
            out,
            scratch,
            first: true,
        }
    }

    fn sep(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// A text cell (guarded, quoted when needed).
    pub fn text(&mut self, s: &str) {
        self.sep();
        push_field(self.out, &guard(s));
    }

    /// A text cell from anything displayable (guarded, quoted when needed).
    pub fn text_fmt(&mut self, v: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.sep();
        push_field(self.out, &guard(self.scratch));
    }

    /// A number cell (not guarded).
    pub fn num(&mut self, v: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.sep();
        push_field(self.out, self.scratch);
    }

    pub fn opt_num<N: std::fmt::Display>(&mut self, v: Option<N>) {
        match v {
            Some(v) => self.num(v),
            None => self.sep(),
        }
    }

    pub fn bool(&mut self, b: bool) {
        self.sep();
        self.out.push_str(if b { "true" } else { "false" });
    }

    /// Ends the record.
    pub fn end(self) {
        self.out.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_stay_plain() {
        assert_eq!(row(&["a", "b c", "1.5"]), "a,b c,1.5\r\n");
        assert_eq!(row::<&str>(&[]), "\r\n");
    }

    #[test]
    fn commas_quotes_and_newlines_are_quoted() {
        assert_eq!(row(&["a,b"]), "\"a,b\"\r\n");
        assert_eq!(row(&["say \"hi\""]), "\"say \"\"hi\"\"\"\r\n");
        assert_eq!(row(&["line1\nline2", "x"]), "\"line1\nline2\",x\r\n");
        assert_eq!(row(&["crlf\r\nend"]), "\"crlf\r\nend\"\r\n");
        assert_eq!(row(&[""]), "\r\n");
    }

    #[test]
    fn formula_cells_are_defused() {
        for bad in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(guard(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(row(&["=cmd|' /C calc'!A0"]), "'=cmd|' /C calc'!A0\r\n");
        // The quote goes inside the quoting.
        assert_eq!(row(&["=a,b"]), "\"'=a,b\"\r\n");
        // Not at the start: harmless.
        assert_eq!(guard("a=b"), "a=b");
        assert_eq!(guard("ünïcode"), "ünïcode");
    }

    #[test]
    fn numbers_are_not_guarded() {
        let mut s = String::new();
        write_cells(
            &mut s,
            &[
                Cell::num(-5),
                Cell::text("-5"),
                Cell::opt_num::<i64>(None),
                Cell::bool(true),
            ],
        );
        assert_eq!(s, "-5,'-5,,true\r\n");
    }

    #[test]
    fn row_writer_matches_write_cells() {
        let mut a = String::new();
        write_cells(
            &mut a,
            &[
                Cell::num(-5),
                Cell::text("-5"),
                Cell::opt_num::<i64>(None),
                Cell::bool(true),
                Cell::text("a,\"b\""),
                Cell::text(""),
                Cell::num(format!("{:.3}", 0.5)),
                Cell::text("=x"),
            ],
        );
        let (mut b, mut scratch) = (String::new(), String::new());
        let mut w = RowWriter::new(&mut b, &mut scratch);
        w.num(-5);
        w.text("-5");
        w.opt_num::<i64>(None);
        w.bool(true);
        w.text_fmt("a,\"b\"");
        w.text("");
        w.num(format_args!("{:.3}", 0.5));
        w.text("=x");
        w.end();
        assert_eq!(a, b);
    }
}
