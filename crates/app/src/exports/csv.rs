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
    push_cell(out, cell, false);
}

/// Whether a field holds `,`, `"`, CR or LF: eight bytes per step (the exported notes are
/// the bulk of a CSV's bytes), using the classic "has a zero byte" word test.
fn needs_quotes(s: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has = |w: u64, b: u8| {
        let x = w ^ (LO * u64::from(b));
        x.wrapping_sub(LO) & !x & HI
    };
    let mut words = s.chunks_exact(8);
    for c in &mut words {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(c).unwrap_or_default());
        if has(w, b',') | has(w, b'"') | has(w, b'\n') | has(w, b'\r') != 0 {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends one field — with the formula guard's leading `'` when `guard` is set and the
/// cell needs it — quoted when needed: the bytes of `push_field(out, &guard(cell))`,
/// without allocating.
fn push_cell(out: &mut String, cell: &str, guard: bool) {
    let formula = guard && cell.starts_with(FORMULA_START);
    let quote = needs_quotes(cell.as_bytes());
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        let mut parts = cell.split('"');
        if let Some(first) = parts.next() {
            out.push_str(first);
        }
        for part in parts {
            out.push_str("\"\"");
            out.push_str(part);
        }
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
            Cell::Text(s) => push_cell(out, s, true),
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
        push_cell(self.out, s, true);
    }

    /// A text cell written by `f` (guarded, quoted when needed). Written in place; only a
    /// cell that needs the guard or quotes is moved through the scratch buffer.
    pub fn text_with(&mut self, f: impl FnOnce(&mut String)) {
        self.sep();
        let at = self.out.len();
        f(self.out);
        let cell = self.out.get(at..).unwrap_or_default();
        if cell.starts_with(FORMULA_START) || needs_quotes(cell.as_bytes()) {
            self.scratch.clear();
            self.scratch.push_str(cell);
            self.out.truncate(at);
            push_cell(self.out, self.scratch, true);
        }
    }

    /// A text cell from anything displayable (guarded, quoted when needed).
    pub fn text_fmt(&mut self, v: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.sep();
        push_cell(self.out, self.scratch, true);
    }

    /// A number cell (not guarded).
    pub fn num(&mut self, v: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.sep();
        push_field(self.out, self.scratch);
    }

    /// An integer cell, digits written directly (the bytes of [`RowWriter::num`]).
    pub fn int(&mut self, v: i64) {
        self.sep();
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = v.unsigned_abs();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if v < 0 {
            self.out.push('-');
        }
        self.out
            .push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
    }

    pub fn opt_int(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.int(v),
            None => self.sep(),
        }
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

    /// The writer before it stopped allocating: guard, then quote with `replace`.
    fn reference(cell: &str) -> String {
        let g = guard(cell);
        if g.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", g.replace('"', "\"\""))
        } else {
            g.into_owned()
        }
    }

    #[test]
    fn cells_written_in_place_are_guarded_and_quoted() {
        for cell in ["", "plain", "a,b", "=a,b", "-1", "x\r\ny", "say \"hi\""] {
            let (mut a, mut b, mut scratch) = (String::new(), String::new(), String::new());
            let mut w = RowWriter::new(&mut a, &mut scratch);
            w.text("first");
            w.text(cell);
            w.end();
            let mut w = RowWriter::new(&mut b, &mut scratch);
            w.text("first");
            w.text_with(|s| s.push_str(cell));
            w.end();
            assert_eq!(a, b, "{cell:?}");
        }
    }

    #[test]
    fn int_cells_are_num_cells() {
        for v in [0, 7, -7, 10, 99, -100, 123_456_789, i64::MAX, i64::MIN] {
            let (mut a, mut b, mut scratch) = (String::new(), String::new(), String::new());
            let mut w = RowWriter::new(&mut a, &mut scratch);
            w.int(v);
            w.opt_int(None);
            w.opt_int(Some(v));
            w.end();
            let mut w = RowWriter::new(&mut b, &mut scratch);
            w.num(v);
            w.opt_num::<i64>(None);
            w.num(v);
            w.end();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn guarded_cells_are_guard_then_quote() {
        for cell in [
            "",
            "plain",
            "a,b",
            "=a,b",
            "-\"x\"",
            "\"",
            "\"\"",
            "x\r\ny",
            "@",
            "ü,\"é\"",
            "+",
            "\t,",
        ] {
            let mut b = String::new();
            push_cell(&mut b, cell, true);
            assert_eq!(reference(cell), b, "{cell:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn needs_quotes_finds_a_special_byte_anywhere(
            prefix in "[a-zé .;']{0,30}",
            special in proptest::option::of("[,\"\r\n]"),
            suffix in "[a-zü]{0,20}",
        ) {
            let cell = format!("{prefix}{}{suffix}", special.clone().unwrap_or_default());
            proptest::prop_assert_eq!(needs_quotes(cell.as_bytes()), special.is_some());
        }

        #[test]
        fn push_cell_is_guard_then_quote(cell in "[-=+@\t\r\n,\"a-c é]{0,40}") {
            let mut b = String::new();
            push_cell(&mut b, &cell, true);
            proptest::prop_assert_eq!(reference(&cell), b);
        }
    }
}
