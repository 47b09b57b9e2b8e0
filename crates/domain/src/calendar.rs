//! Which day and week a moment belongs to, in a company's IANA time zone. Durations are
//! always differences of UTC instants, so DST changes never add or lose an hour of work;
//! only the *labels* (workday, week) depend on the zone.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The calendar day of `at` in `tz`. A shift belongs to the day it started, so an
/// overnight shift counts for the evening it began.
pub fn workday(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned(tz.clone()).date()
}

/// 1 = Monday … 7 = Sunday (ISO 8601), the form stored per company.
pub fn weekday_from_iso(n: i16) -> Weekday {
    Weekday::from_monday_one_offset(n.clamp(1, 7) as i8).unwrap_or(Weekday::Monday)
}

/// The first day of the week containing `day`, for weeks starting on `start`.
pub fn week_start(day: Date, start: Weekday) -> Date {
    let back =
        (day.weekday().to_monday_zero_offset() - start.to_monday_zero_offset()).rem_euclid(7);
    day.checked_sub(i64::from(back).days()).unwrap_or(day)
}

/// The UTC instants bounding local days `[from, to]` (inclusive) in `tz`: from the start of
/// `from` to the start of the day after `to`. Uses the zone's real day starts, so a DST day
/// is 23 or 25 hours long.
pub fn day_range(from: Date, to: Date, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    let start = from.to_zoned(tz.clone()).ok()?.timestamp();
    let end = to
        .checked_add(1.day())
        .ok()?
        .to_zoned(tz.clone())
        .ok()?
        .timestamp();
    Some((start, end))
}

/// Formats an instant as local wall time for people, e.g. `2026-03-29 09:05`.
pub fn local_time(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The value of an `<input type="datetime-local">` showing `at` in `tz`: `2026-03-29T09:05`.
pub fn input_value(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Reads a local date and time as a `datetime-local` field sends it (`2026-05-01T08:00`,
/// seconds optional) in the company's zone `tz`. Around a DST change:
///
/// * a time the clocks skip (spring forward, e.g. 02:30 on 29 March in Berlin) does not
///   exist: an error that says so;
/// * a time the clocks pass twice (fall back) means its **first** occurrence, still on
///   summer time — the documented choice; enter a later minute for the second.
pub fn parse_local_input(
    field: &'static str,
    value: &str,
    tz: &TimeZone,
) -> Result<Timestamp, crate::ValidationError> {
    let malformed =
        || crate::ValidationError::new(field, "must be a date and time like 2026-05-01T08:00");
    let value = value.trim();
    // A date alone would parse as midnight; the field always sends a time.
    if !value.contains('T') {
        return Err(malformed());
    }
    let dt: jiff::civil::DateTime = value.parse().map_err(|_| malformed())?;
    let ambiguous = tz.to_ambiguous_timestamp(dt);
    if let jiff::tz::AmbiguousOffset::Gap { .. } = ambiguous.offset() {
        return Err(crate::ValidationError::new(
            field,
            format!(
                "{} does not exist in {}: the clocks go forward at that hour",
                dt.strftime("%Y-%m-%d %H:%M"),
                tz.iana_name().unwrap_or("the company's time zone"),
            ),
        ));
    }
    ambiguous
        .earlier()
        .map_err(|_| crate::ValidationError::new(field, "is outside the supported range of dates"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn local_input_round_trips_and_handles_dst() {
        let berlin = tz("Europe/Berlin");
        let at = ts("2026-05-04T06:30:00Z");
        assert_eq!(input_value(at, &berlin), "2026-05-04T08:30");
        assert_eq!(
            parse_local_input("f", "2026-05-04T08:30", &berlin).unwrap(),
            at
        );
        assert_eq!(
            parse_local_input("f", "2026-01-05T08:30:15", &berlin).unwrap(),
            ts("2026-01-05T07:30:15Z")
        );
        let gap = parse_local_input("f", "2026-03-29T02:30", &berlin).unwrap_err();
        assert_eq!(gap.field, "f");
        assert!(
            gap.message
                .contains("2026-03-29 02:30 does not exist in Europe/Berlin"),
            "{}",
            gap.message
        );
        // Fall back: 02:30 happens twice; the first is still summer time (+02:00).
        assert_eq!(
            parse_local_input("f", "2026-10-25T02:30", &berlin).unwrap(),
            ts("2026-10-25T00:30:00Z")
        );
        for bad in [
            "",
            "2026-05-04",
            "08:30",
            "2026-05-04T08:30:00Z",
            "yesterday",
        ] {
            assert!(parse_local_input("f", bad, &berlin).is_err(), "{bad}");
        }
    }

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn overnight_shift_belongs_to_the_evening_it_started() {
        // 23:30 in Berlin on 14 March is 22:30 UTC; the shift ends the next morning.
        assert_eq!(
            workday(ts("2026-03-14T22:30:00Z"), &tz("Europe/Berlin")),
            date(2026, 3, 14)
        );
        // Just after local midnight it is the next day, though UTC still says the 14th.
        assert_eq!(
            workday(ts("2026-03-14T23:30:00Z"), &tz("Europe/Berlin")),
            date(2026, 3, 15)
        );
    }

    #[test]
    fn dst_days_are_23_and_25_hours_long() {
        let berlin = tz("Europe/Berlin");
        let (a, b) = day_range(date(2026, 3, 29), date(2026, 3, 29), &berlin).unwrap();
        assert_eq!(b.duration_since(a).as_hours(), 23, "spring forward");
        let (a, b) = day_range(date(2026, 10, 25), date(2026, 10, 25), &berlin).unwrap();
        assert_eq!(b.duration_since(a).as_hours(), 25, "fall back");
        let ny = tz("America/New_York");
        let (a, b) = day_range(date(2026, 3, 8), date(2026, 3, 8), &ny).unwrap();
        assert_eq!(b.duration_since(a).as_hours(), 23);
        let (a, b) = day_range(date(2026, 11, 1), date(2026, 11, 1), &ny).unwrap();
        assert_eq!(b.duration_since(a).as_hours(), 25);
    }

    #[test]
    fn a_shift_across_the_spring_change_is_its_real_length() {
        // 22:00 local on 28 March to 07:00 local on 29 March in Berlin: 8 real hours.
        let berlin = tz("Europe/Berlin");
        let start = date(2026, 3, 28)
            .at(22, 0, 0, 0)
            .to_zoned(berlin.clone())
            .unwrap()
            .timestamp();
        let end = date(2026, 3, 29)
            .at(7, 0, 0, 0)
            .to_zoned(berlin.clone())
            .unwrap()
            .timestamp();
        assert_eq!(end.duration_since(start).as_hours(), 8);
        assert_eq!(workday(start, &berlin), date(2026, 3, 28));
    }

    #[test]
    fn half_hour_offset_zone() {
        let kolkata = tz("Asia/Kolkata"); // UTC+5:30, no DST
        assert_eq!(
            workday(ts("2026-06-01T18:29:00Z"), &kolkata),
            date(2026, 6, 1)
        );
        assert_eq!(
            workday(ts("2026-06-01T18:30:00Z"), &kolkata),
            date(2026, 6, 2)
        );
        assert_eq!(
            local_time(ts("2026-06-01T03:30:00Z"), &kolkata),
            "2026-06-01 09:00"
        );
        // Adelaide: +9:30 / +10:30 with DST.
        let adelaide = tz("Australia/Adelaide");
        let (a, b) = day_range(date(2026, 4, 5), date(2026, 4, 5), &adelaide).unwrap();
        assert_eq!(b.duration_since(a).as_hours(), 25);
    }

    #[test]
    fn weeks_start_on_the_configured_day() {
        let wed = date(2026, 11, 25);
        assert_eq!(week_start(wed, Weekday::Monday), date(2026, 11, 23));
        assert_eq!(week_start(wed, Weekday::Sunday), date(2026, 11, 22));
        assert_eq!(
            week_start(date(2026, 11, 23), Weekday::Monday),
            date(2026, 11, 23)
        );
        assert_eq!(weekday_from_iso(7), Weekday::Sunday);
    }
}
