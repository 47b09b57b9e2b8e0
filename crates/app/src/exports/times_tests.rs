//! The remembered offsets and days against jiff itself, instant by instant: DST changes,
//! half-hour and 45-minute offsets, negative offsets, midnights, and the cases the fast
//! digits hand to jiff.

use super::*;
use proptest::prelude::*;

/// A calendar in `zone` (the row writer's tests use it too).
pub(in crate::exports) fn calendar(zone: &str) -> Calendar {
    Calendar {
        tz: TimeZone::get(zone).unwrap_or(TimeZone::UTC),
        zone: zone.to_string(),
        week_start: jiff::civil::Weekday::Monday,
        created_at: Timestamp::UNIX_EPOCH,
    }
}

/// The local time as jiff writes it: the reference for the remembered offsets.
pub(in crate::exports) fn jiff_local(cal: &Calendar, t: Timestamp) -> String {
    t.to_zoned(cal.tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

fn ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Every instant through one `Times`, in the given order: each must be jiff's text.
fn check(zone: &str, instants: impl IntoIterator<Item = Timestamp>) {
    let cal = calendar(zone);
    let mut times = Times::default();
    let mut s = String::new();
    for t in instants {
        s.clear();
        times.local(&mut s, &cal, t);
        assert_eq!(s, jiff_local(&cal, t), "{zone} {t}");
        s.clear();
        times.utc(&mut s, t);
        assert_eq!(s, t.to_string(), "UTC {t}");
    }
}

/// Each second from `secs` before `t` to `secs` after it.
fn around(t: &str, secs: i64) -> impl Iterator<Item = Timestamp> {
    let t = at(t);
    (-secs..=secs).map(move |d| t + SignedDuration::from_secs(d))
}

#[test]
fn written_as_jiff_writes_them() {
    let cal = calendar("America/St_Johns");
    let mut s = String::new();
    let mut times = Times::default();
    // Newfoundland: -02:30 in summer, -03:30 in winter.
    times.local(&mut s, &cal, at("2026-07-01T12:00:00Z"));
    assert_eq!(s, "2026-07-01T09:30:00-02:30");
    s.clear();
    times.local(&mut s, &cal, at("2026-01-01T03:29:59Z"));
    assert_eq!(s, "2025-12-31T23:59:59-03:30");
    s.clear();
    times.utc(&mut s, at("2026-01-01T00:00:00Z"));
    assert_eq!(s, "2026-01-01T00:00:00Z");
}

#[test]
fn across_dst_changes_second_by_second() {
    // Spring forward and fall back, each second of the hour around the change, forwards.
    check("Europe/Berlin", around("2026-03-29T01:00:00Z", 3700));
    check("Europe/Berlin", around("2026-10-25T01:00:00Z", 3700));
    check("America/St_Johns", around("2026-03-08T05:30:00Z", 3700));
    check("America/St_Johns", around("2026-11-01T04:30:00Z", 3700));
    // Lord Howe moves by half an hour; Chatham sits at +12:45 / +13:45.
    check("Australia/Lord_Howe", around("2026-04-04T15:00:00Z", 2000));
    check("Pacific/Chatham", around("2026-04-04T14:00:00Z", 4000));
    // Backwards through a change: the remembered span must not answer for earlier times.
    check(
        "America/Los_Angeles",
        around("2026-11-01T09:00:00Z", 3700)
            .collect::<Vec<_>>()
            .into_iter()
            .rev(),
    );
}

#[test]
fn midnights_in_half_hour_and_negative_zones() {
    for zone in [
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "America/St_Johns",
        "America/Los_Angeles",
        "UTC",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
    ] {
        // Local midnight is a UTC instant off the hour in these zones: walk a whole day of
        // minutes on both sides of a year's end and of a leap day.
        let minutes = |start: &str| {
            let t = at(start);
            (0..2 * 24 * 60).map(move |m| t + SignedDuration::from_secs(m * 60 - 1))
        };
        check(zone, minutes("2027-12-31T00:00:00Z"));
        check(zone, minutes("2028-02-28T12:00:00Z"));
    }
}

#[test]
fn a_year_of_shifts_in_time_order() {
    // What an export does: instants in order, two per shift, for every zone kind.
    for zone in [
        "Europe/Berlin",
        "America/St_Johns",
        "Asia/Kathmandu",
        "Pacific/Chatham",
        "America/Sao_Paulo",
        "UTC",
    ] {
        let start = at("2025-12-01T00:00:00Z");
        check(
            zone,
            (0..3000).flat_map(|i| {
                let t = start + SignedDuration::from_secs(i * 3 * 3600 + i % 59);
                [t, t + SignedDuration::from_secs(8 * 3600 + 17)]
            }),
        );
    }
}

#[test]
fn what_the_digits_do_not_cover_goes_to_jiff() {
    // Monrovia's old offset had seconds (-00:44:30); years outside 1000–9999; fractions,
    // before 1970 too (its second is the one below).
    check(
        "Africa/Monrovia",
        [
            at("1960-06-01T12:00:00Z"),
            at("1972-06-01T12:00:00Z"),
            at("1960-06-01T12:00:00Z"),
        ],
    );
    check(
        "Europe/Berlin",
        [
            at("0999-12-31T22:59:59Z"),
            at("0999-12-31T23:00:00Z"),
            at("9999-12-31T22:59:59Z"),
            at("9999-12-31T23:30:00Z"),
            ms(-1),
            ms(-86_399_500),
            ms(1_774_746_000_123),
            Timestamp::MIN,
            Timestamp::MAX,
        ],
    );
}

#[test]
fn another_calendar_starts_afresh() {
    let (berlin, tokyo) = (calendar("Europe/Berlin"), calendar("Asia/Tokyo"));
    let mut times = Times::default();
    let t = at("2026-06-01T22:30:00Z");
    let mut s = String::new();
    times.local(&mut s, &berlin, t);
    s.push(' ');
    times.local(&mut s, &tokyo, t);
    assert_eq!(s, "2026-06-02T00:30:00+02:00 2026-06-02T07:30:00+09:00");
}

const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "America/St_Johns",
    "Asia/Kathmandu",
    "UTC",
    "America/Los_Angeles",
    "Australia/Lord_Howe",
    "Africa/Monrovia",
    "Pacific/Chatham",
];

proptest! {
    /// Random instants of years 1–3000, in random order through one `Times`.
    #[test]
    fn any_order_matches_jiff(
        ts in proptest::collection::vec(-62_135_596_800_000i64..32_503_680_000_000, 1..40),
        near in proptest::collection::vec(-90_000_000i64..90_000_000, 1..40),
        zone in 0usize..ZONES.len(),
        whole in any::<bool>(),
    ) {
        let base = ts[0];
        let instants = ts.iter().copied().chain(near.iter().map(|d| base + d)).map(|t| {
            ms(if whole { t - t.rem_euclid(1000) } else { t })
        });
        check(ZONES[zone], instants);
    }
}
