//! The row writer against the one it replaced: cells built one `String` at a time, the
//! analyses parsed into the domain types, local times through `strftime`.

use super::*;
use crate::exports::csv::{write_cells, Cell};
use crate::exports::times::tests::{calendar, jiff_local as old_local};
use domain::score::{compute, ScoreBreakdown, ScoreWeights};
use domain::{EmployeeId, ShiftId, StandupCheck, TaskMention, TaskStatus};
use proptest::prelude::*;
use store::{ExportShift, Shift};

/// The shifts.csv row as it was written before this module.
fn old_shift_row(out: &mut String, r: &ExportShift, cal: &Calendar, now: Timestamp) {
    let s = &r.shift;
    let b: Option<ScoreBreakdown> = r
        .breakdown
        .as_deref()
        .and_then(|b| serde_json::from_str(b).ok());
    let missed = r
        .standup_result
        .as_deref()
        .and_then(|j| serde_json::from_str::<StandupCheck>(j).ok())
        .map(|c| c.missed().collect::<Vec<_>>().join("; "))
        .unwrap_or_default();
    let duration = s
        .clock_out_at
        .map(|o| minutes(o.duration_since(s.clock_in_at).as_millis() as i64));
    let mut cells = vec![
        Cell::text(s.id.to_string()),
        Cell::text(s.employee_id.to_string()),
        Cell::text(&r.employee_name),
        Cell::text(&r.employee_code),
        Cell::text(&s.workday),
        Cell::text(s.clock_in_at.to_string()),
        Cell::text(s.clock_out_at.map(|t| t.to_string()).unwrap_or_default()),
        Cell::text(old_local(cal, s.clock_in_at)),
        Cell::text(
            s.clock_out_at
                .map(|t| old_local(cal, t))
                .unwrap_or_default(),
        ),
        Cell::text(&cal.zone),
        Cell::opt_num(duration),
        Cell::num(minutes(s.break_ms)),
        Cell::num(minutes(s.worked(now).as_millis() as i64)),
        Cell::text(&s.standup),
        Cell::text(missed),
        Cell::text(s.report.clone().unwrap_or_default()),
        Cell::opt_num(r.override_score.or(r.score)),
        Cell::opt_num(r.score),
        Cell::text(r.override_reason.clone().unwrap_or_default()),
    ];
    match &b {
        Some(b) => cells.extend([
            Cell::num(b.formula_version),
            Cell::num(format!("{:.3}", b.task_component)),
            Cell::num(format!("{:.3}", b.unplanned_component)),
            Cell::num(b.tasks_total),
            Cell::num(b.done),
            Cell::num(b.progress),
            Cell::num(b.blocked),
            Cell::num(b.none),
            Cell::num(b.unplanned),
        ]),
        None => cells.extend((0..9).map(|_| Cell::opt_num::<u32>(None))),
    }
    cells.extend([Cell::bool(s.auto_closed), Cell::bool(s.corrected)]);
    write_cells(out, &cells);
}

/// The scores.csv row as it was written before this module.
fn old_score_row(out: &mut String, r: &ExportShift) {
    let Some(b) = r
        .breakdown
        .as_deref()
        .and_then(|b| serde_json::from_str::<ScoreBreakdown>(b).ok())
    else {
        return;
    };
    let s = &r.shift;
    write_cells(
        out,
        &[
            Cell::text(s.id.to_string()),
            Cell::text(s.employee_id.to_string()),
            Cell::text(&r.employee_name),
            Cell::text(&r.employee_code),
            Cell::text(&s.workday),
            Cell::opt_num(r.override_score.or(r.score)),
            Cell::opt_num(r.score),
            Cell::text(r.override_reason.clone().unwrap_or_default()),
            Cell::num(b.formula_version),
            Cell::num(b.tasks_total),
            Cell::num(b.done),
            Cell::num(b.progress),
            Cell::num(b.blocked),
            Cell::num(b.none),
            Cell::num(b.unplanned),
            Cell::num(format!("{:.3}", b.task_component)),
            Cell::num(format!("{:.3}", b.unplanned_component)),
            Cell::text(b.reasons.join("; ")),
        ],
    );
}

fn ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn check_json(tasks: &[(&str, bool)]) -> String {
    let c = StandupCheck {
        tasks: tasks
            .iter()
            .map(|(t, m)| TaskMention {
                task: t.to_string(),
                mentioned: *m,
                evidence: m.then(|| format!("about {t}")),
            })
            .collect(),
    };
    serde_json::to_string(&c).unwrap_or_default()
}

fn breakdown_json(reasons: &[&str]) -> String {
    let mut b = compute(
        &[TaskStatus::Done, TaskStatus::Blocked, TaskStatus::None],
        1,
        ScoreWeights::default(),
    );
    b.reasons = reasons.iter().map(|r| r.to_string()).collect();
    serde_json::to_string(&b).unwrap_or_default()
}

/// Rows that exercise every cell: quoting, the formula guard, escapes inside the stored
/// JSON, unparsable analyses, open shifts and breaks, fractional seconds.
fn rows() -> Vec<ExportShift> {
    let shift = |i: i64, clock_in: i64, out: Option<i64>, break_ms: i64| Shift {
        id: ShiftId(uuid::Uuid::from_u128(
            0x1234_5678_9abc_def0_u128 + i as u128,
        )),
        employee_id: EmployeeId(uuid::Uuid::from_u128(0xfeed_u128 * (i as u128 + 1))),
        workday: "2026-03-29".into(),
        clock_in_at: ms(clock_in),
        clock_out_at: out.map(ms),
        standup: ["Plan: fix, then \"ship\"", "=1+1", "", "-dash\r\nline"][i as usize % 4].into(),
        report: [Some("Done, mostly."), None, Some("@me"), Some("plain")][i as usize % 4]
            .map(str::to_string),
        auto_closed: i % 3 == 0,
        end_confirmed: true,
        corrected: i % 2 == 0,
        locked: false,
        break_ms,
        on_break: false,
    };
    let standups = [
        Some(check_json(&[("Fix \"the\" login", false), ("Ship, then rest", true), ("Überprüfen", false)])),
        Some(check_json(&[("", false), ("b", false)])),
        Some("{\"tasks\":[{\"task\":\"caf\\u00e9 \\\"x\\\"\",\"mentioned\":false,\"evidence\":null}]}".into()),
        Some("not json".into()),
        None,
    ];
    let breakdowns = [
        Some(breakdown_json(&[
            "1 of 3 done",
            "a \"quoted\" reason, with comma",
        ])),
        Some(breakdown_json(&[])),
        Some(breakdown_json(&["=formula", "caf\u{e9}"]).replace('é', "\\u00e9")),
        Some("{\"score\": 300}".into()),
        None,
    ];
    let times = [
        (1_774_746_000_000, Some(1_774_774_800_000)), // across the spring DST change
        (1_774_746_000_123, Some(1_774_774_800_999)), // fractional seconds
        (1_761_440_400_000, None),                    // open, autumn DST day
        (-86_399_500, Some(-1)),                      // before 1970
        (1_700_000_000_000, Some(1_700_000_000_000)), // zero length
    ];
    let mut out = Vec::new();
    for i in 0..25i64 {
        let (a, b) = times[i as usize % times.len()];
        out.push(ExportShift {
            shift: shift(i, a, b, (i % 4) * 61_000 + 29_999),
            employee_name: ["Zed, \"the\" Boss", "+Amy", "Ünal Öz", ""][i as usize % 4].into(),
            employee_code: ["Z-1", "-7", "A,1", "x"][i as usize % 4].into(),
            export: store::ExportFigures::from_json(
                standups[i as usize % standups.len()].as_deref(),
                breakdowns[(i as usize / 2) % breakdowns.len()].as_deref(),
            ),
            standup_result: standups[i as usize % standups.len()].clone(),
            report_result: None,
            score: (i % 3 != 0).then_some(40 + i),
            override_score: (i % 5 == 0).then_some(-1),
            override_reason: (i % 5 == 0).then(|| "Manager: \"fair\", adjusted".into()),
            breakdown: breakdowns[(i as usize / 2) % breakdowns.len()].clone(),
        });
    }
    out
}

#[test]
fn shift_rows_are_the_bytes_of_the_old_writer() {
    let now = ms(1_774_800_000_000);
    for zone in [
        "Europe/Berlin",
        "America/St_Johns",
        "Asia/Kathmandu",
        "UTC",
        "Pacific/Chatham",
    ] {
        let cal = calendar(zone);
        let (mut old, mut new, mut scratch) = (String::new(), String::new(), RowScratch::default());
        for r in rows() {
            old_shift_row(&mut old, &r, &cal, now);
            shift_row(&mut new, &mut scratch, &r.row_ref(), &cal, now);
        }
        assert_eq!(old, new, "{zone}");
    }
}

#[test]
fn score_rows_are_the_bytes_of_the_old_writer() {
    let (mut old, mut new, mut scratch) = (String::new(), String::new(), RowScratch::default());
    for r in rows() {
        old_score_row(&mut old, &r);
        score_row(&mut new, &mut scratch, &r.row_ref());
    }
    assert!(new.lines().count() >= 10, "most rows are scored: {new}");
    assert_eq!(old, new);
}

const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "America/St_Johns",
    "Asia/Kathmandu",
    "UTC",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Africa/Monrovia",
    "Europe/Amsterdam",
];

proptest! {
    /// Years 1 to 3000 in zones with half-hour, 45-minute and (historic) seconds offsets.
    #[test]
    fn local_and_utc_times_match_jiff(t in -62_135_596_800_000i64..32_503_680_000_000, zone in 0usize..ZONES.len(), whole in any::<bool>()) {
        let t = if whole { t - t.rem_euclid(1000) } else { t };
        let cal = calendar(ZONES[zone]);
        let ts = ms(t);
        let (mut s, mut times) = (String::new(), crate::exports::times::Times::default());
        times.local(&mut s, &cal, ts);
        prop_assert_eq!(&s, &old_local(&cal, ts));
        s.clear();
        times.utc(&mut s, ts);
        prop_assert_eq!(s, ts.to_string());
    }
}

#[test]
fn remembered_components_are_the_formatted_values() {
    let mut known = HashMap::default();
    let f = |task_component, unplanned_component| BreakdownFigures {
        formula_version: 1,
        task_component,
        unplanned_component,
        tasks_total: 0,
        done: 0,
        progress: 0,
        blocked: 0,
        none: 0,
        unplanned: 0,
    };
    // Many distinct values: the memory is emptied on the way, never wrong.
    for i in 0..3 * REMEMBERED {
        let (a, b) = (i as f64 / 7.0, 1.0 - i as f64 / 3001.0);
        assert_eq!(
            components(&mut known, &f(a, b)),
            (format!("{a:.3}").as_str(), format!("{b:.3}").as_str())
        );
        assert!(known.len() <= REMEMBERED);
    }
    // -0.0 and 0.0 differ in bits and in text.
    assert_eq!(components(&mut known, &f(-0.0, 0.0)), ("-0.000", "0.000"));
}
