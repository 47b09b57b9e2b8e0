//! Charts as server-rendered SVG: pure functions from numbers to markup, no JavaScript.
//! Styling comes only from the stylesheet's classes (`.bar`, `.bar.alt`, `.axis`,
//! `.gridline`, `.line`, `.point`, `.label`) — the CSP forbids inline styles, in SVG too.
//! Every chart has a `viewBox` (it scales), a `<title>` and a `<desc>` for screen readers,
//! and a `<title>` per bar or point with the exact figure. All text is escaped.

use std::fmt::Write as _;

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

pub use app::reports::Series;

/// One line; `None` leaves a gap (no score that day).
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub points: Vec<Option<f64>>,
}

/// Escapes text for SVG/XML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An id safe in an attribute and as a fragment (letters, digits, dashes).
fn safe_id(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        "chart".into()
    } else {
        s
    }
}

/// The smallest "nice" axis maximum (1, 2, 2.5, 5 × 10ⁿ) at or above `v`.
pub fn nice_max(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v - 1e-9 {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Axis tick labels: whole numbers stay whole.
fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn open(out: &mut String, id: &str, title: &str, desc: &str) -> String {
    let id = safe_id(id);
    let _ = write!(
        out,
        r#"<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(desc)
    );
    id
}

fn close(out: &mut String, caption: &str) {
    let _ = write!(
        out,
        "</svg><figcaption>{}</figcaption></figure>",
        escape(caption)
    );
}

fn empty(out: &mut String) {
    let _ = write!(
        out,
        r#"<text class="label" x="{}" y="{}" text-anchor="middle">No data yet</text>"#,
        W / 2.0,
        H / 2.0
    );
}

/// Y gridlines with labels and the two axes, for values up to `max`.
fn frame(out: &mut String, max: f64, unit: &str) {
    let plot_h = H - TOP - BOTTOM;
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = TOP + plot_h - plot_h * f64::from(i) / 4.0;
        if i > 0 {
            let _ = write!(
                out,
                r#"<line class="gridline" x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}"/>"#,
                W - RIGHT
            );
        }
        let _ = write!(
            out,
            r#"<text class="label" x="{}" y="{:.1}" text-anchor="end">{}{}</text>"#,
            LEFT - 6.0,
            y + 4.0,
            num(v),
            escape(if i == 4 { unit } else { "" })
        );
    }
    let _ = write!(
        out,
        r#"<path class="axis" d="M{LEFT} {TOP}V{}H{}"/>"#,
        H - BOTTOM,
        W - RIGHT
    );
}

/// X labels under `n` slots, thinned so they never overlap.
fn x_labels(out: &mut String, labels: &[String], slot: f64) {
    let every = ((labels.len() as f64 * 44.0) / (W - LEFT - RIGHT))
        .ceil()
        .max(1.0) as usize;
    for (i, l) in labels.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let x = LEFT + slot * (i as f64 + 0.5);
        let _ = write!(
            out,
            r#"<text class="label" x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
            H - BOTTOM + 16.0,
            escape(l)
        );
    }
}

/// Bars per category, stacked by series (series alternate `.bar` / `.bar.alt`).
pub fn stacked_bars(
    id: &str,
    title: &str,
    desc: &str,
    categories: &[String],
    series: &[Series],
    unit: &str,
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    let totals: Vec<f64> = (0..categories.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0).max(0.0))
                .sum()
        })
        .collect();
    let top = totals.iter().copied().fold(0.0, f64::max);
    if categories.is_empty() || top <= 0.0 {
        empty(&mut out);
        close(&mut out, desc);
        return out;
    }
    let max = nice_max(top);
    frame(&mut out, max, unit);
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / categories.len() as f64;
    let bar_w = (slot * 0.7).max(1.0);
    for (i, cat) in categories.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut base = 0.0;
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0.0).max(0.0);
            if v <= 0.0 {
                continue;
            }
            let y = TOP + plot_h - (base + v) / max * plot_h;
            let h = v / max * plot_h;
            base += v;
            let _ = write!(
                out,
                r#"<rect class="bar{}" x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}"><title>{} · {}: {} {}</title></rect>"#,
                if k % 2 == 1 { " alt" } else { "" },
                escape(&s.name),
                escape(cat),
                num((v * 10.0).round() / 10.0),
                escape(unit)
            );
        }
    }
    x_labels(&mut out, categories, slot);
    close(&mut out, desc);
    out
}

/// Simple bars, one per labelled value (e.g. the task status mix).
pub fn bars(id: &str, title: &str, desc: &str, items: &[(String, f64)], unit: &str) -> String {
    let categories: Vec<String> = items.iter().map(|(l, _)| l.clone()).collect();
    let series = [Series {
        name: title.to_string(),
        values: items.iter().map(|(_, v)| *v).collect(),
    }];
    stacked_bars(id, title, desc, &categories, &series, unit)
}

/// Lines over shared x labels; y runs from 0 to `y_max` (e.g. 100 for scores).
pub fn line_chart(
    id: &str,
    title: &str,
    desc: &str,
    x: &[String],
    lines: &[Line],
    y_max: f64,
    unit: &str,
) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    let any = lines
        .iter()
        .any(|l| l.points.iter().any(|p| p.is_some_and(f64::is_finite)));
    if x.is_empty() || !any {
        empty(&mut out);
        close(&mut out, desc);
        return out;
    }
    let max = if y_max > 0.0 { y_max } else { 1.0 };
    frame(&mut out, max, unit);
    let plot_h = H - TOP - BOTTOM;
    let slot = (W - LEFT - RIGHT) / x.len() as f64;
    for (k, line) in lines.iter().enumerate() {
        let alt = if k % 2 == 1 { " alt" } else { "" };
        let pts: Vec<(f64, f64, f64, &str)> = line
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let v = p.filter(|v| v.is_finite())?.clamp(0.0, max);
                let label = x.get(i).map(String::as_str).unwrap_or("");
                Some((
                    LEFT + slot * (i as f64 + 0.5),
                    TOP + plot_h - v / max * plot_h,
                    v,
                    label,
                ))
            })
            .collect();
        if pts.len() > 1 {
            let d: Vec<String> = pts
                .iter()
                .enumerate()
                .map(|(i, (px, py, _, _))| {
                    format!("{}{px:.1} {py:.1}", if i == 0 { "M" } else { "L" })
                })
                .collect();
            let _ = write!(
                out,
                r#"<path class="line{alt}" d="{}"><title>{}</title></path>"#,
                d.join(""),
                escape(&line.name)
            );
        }
        for (px, py, v, label) in &pts {
            let _ = write!(
                out,
                r#"<circle class="point{alt}" cx="{px:.1}" cy="{py:.1}" r="3.5"><title>{} · {}: {}{}</title></circle>"#,
                escape(&line.name),
                escape(label),
                num((v * 10.0).round() / 10.0),
                escape(unit)
            );
        }
    }
    x_labels(&mut out, x, slot);
    close(&mut out, desc);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("D{i}")).collect()
    }

    #[test]
    fn labels_are_escaped() {
        let s = stacked_bars(
            "hours",
            "Hours <b>",
            "desc & more",
            &["Mon".into()],
            &[Series {
                name: "<script>alert('x')</script>".into(),
                values: vec![8.0],
            }],
            "h",
        );
        assert!(!s.contains("<script>"), "{s}");
        assert!(s.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(s.contains("Hours &lt;b&gt;"));
        assert!(s.contains("desc &amp; more"));
        assert!(!s.contains("style="), "no inline styles");
    }

    #[test]
    fn every_chart_has_title_desc_and_viewbox() {
        for s in [
            stacked_bars(
                "a",
                "T",
                "D",
                &days(3),
                &[Series {
                    name: "x".into(),
                    values: vec![1.0, 2.0, 3.0],
                }],
                "h",
            ),
            line_chart(
                "b",
                "T",
                "D",
                &days(3),
                &[Line {
                    name: "x".into(),
                    points: vec![Some(1.0), None, Some(3.0)],
                }],
                100.0,
                "",
            ),
            bars("c", "T", "D", &[("done".into(), 3.0)], ""),
        ] {
            assert!(s.contains("viewBox=\"0 0 640 240\""), "{s}");
            assert!(s.contains("<title id="), "{s}");
            assert!(s.contains("<desc id="), "{s}");
            assert!(s.starts_with("<figure class=\"chart\">") && s.ends_with("</figure>"));
        }
    }

    #[test]
    fn empty_data_says_so() {
        let s = stacked_bars("a", "T", "D", &[], &[], "h");
        assert!(s.contains("No data yet") && !s.contains("<rect"));
        let s = stacked_bars(
            "a",
            "T",
            "D",
            &days(2),
            &[Series {
                name: "x".into(),
                values: vec![0.0, 0.0],
            }],
            "h",
        );
        assert!(s.contains("No data yet"));
        let s = line_chart(
            "b",
            "T",
            "D",
            &days(2),
            &[Line {
                name: "x".into(),
                points: vec![None, None],
            }],
            100.0,
            "",
        );
        assert!(s.contains("No data yet") && !s.contains("<circle"));
    }

    #[test]
    fn stacks_scale_to_the_tallest_total() {
        // 6 + 2 = 8 is the tallest day; the axis goes to 10 and 8 h is 80% of the plot.
        let s = stacked_bars(
            "a",
            "T",
            "D",
            &days(2),
            &[
                Series {
                    name: "a".into(),
                    values: vec![6.0, 1.0],
                },
                Series {
                    name: "b".into(),
                    values: vec![2.0, 1.0],
                },
            ],
            "h",
        );
        let plot_h = H - TOP - BOTTOM;
        assert!(
            s.contains(&format!("height=\"{:.1}\"", 6.0 / 10.0 * plot_h)),
            "{s}"
        );
        assert!(
            s.contains(&format!("y=\"{:.1}\"", TOP + plot_h - 0.8 * plot_h)),
            "{s}"
        );
        assert_eq!(s.matches("<rect").count(), 4);
        assert_eq!(
            s.matches("class=\"bar alt\"").count(),
            2,
            "second series is .alt"
        );
        assert!(s.contains(">10h<"), "axis maximum labelled");
    }

    #[test]
    fn nice_maxima() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(8.0), 10.0);
        assert_eq!(nice_max(10.0), 10.0);
        assert_eq!(nice_max(42.0), 50.0);
        assert_eq!(nice_max(180.0), 200.0);
        assert_eq!(nice_max(0.3), 0.5);
        assert_eq!(nice_max(f64::NAN), 1.0);
    }

    #[test]
    fn lines_clamp_and_skip_gaps() {
        let s = line_chart(
            "b",
            "T",
            "D",
            &days(3),
            &[Line {
                name: "team".into(),
                points: vec![Some(150.0), None, Some(50.0)],
            }],
            100.0,
            "",
        );
        assert_eq!(s.matches("<circle").count(), 2);
        assert!(
            s.contains(&format!("cy=\"{TOP:.1}\"")),
            "150 is clamped to the top: {s}"
        );
    }
}
