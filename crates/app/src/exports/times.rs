//! The export's two timestamp formats, written as bytes: UTC as jiff prints it
//! (`2026-05-04T06:15:00Z`) and local time in the company's zone as
//! `%Y-%m-%dT%H:%M:%S%:z` (`2026-05-04T08:15:00+02:00`). A million-row export writes four
//! per row, so [`Times`] remembers the zone's offset between two transitions (exports
//! run in time order, so one lookup serves months of rows) and the date text of the last
//! day; only the time of day is computed per cell. What the fast digits do not cover — a
//! year outside 1000–9999, an offset with seconds, a fraction of a second before 1970 —
//! goes through jiff, so the bytes are always jiff's.

use crate::reports::Calendar;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

const DAY: i64 = 86_400;

/// Seconds since the epoch of 1000-01-01T00:00:00 and of 10000-01-01T00:00:00 (civil,
/// any offset): the range the four-digit year covers.
const FIRST: i64 = -30_610_224_000;
const END: i64 = 253_402_300_800;

/// An offset and the instants it holds for: `[from, until)` with no transition inside.
#[derive(Clone, Copy)]
struct Span {
    from: Timestamp,
    until: Option<Timestamp>,
    offset: Offset,
    /// `+hh:mm`, or `None` when the offset has seconds (jiff writes those).
    text: Option<[u8; 6]>,
}

/// The date text (`YYYY-MM-DD`) of one civil day, by days since the epoch.
#[derive(Clone, Copy)]
struct Day {
    number: i64,
    text: [u8; 10],
}

/// What one export remembers between cells. Tied to one zone: [`Times::local`] starts
/// afresh when given a calendar of another.
#[derive(Default)]
pub struct Times {
    zone: String,
    span: Option<Span>,
    local_day: Option<Day>,
    utc_day: Option<Day>,
}

fn two(b: &mut [u8], n: i64) {
    b[0] = b'0' + (n / 10) as u8;
    b[1] = b'0' + (n % 10) as u8;
}

/// `YYYY-MM-DD` of a civil day (days since 1970-01-01); `None` outside years 1000–9999.
fn date_text(day: i64) -> Option<[u8; 10]> {
    let d = Offset::UTC.to_datetime(Timestamp::from_second(day.checked_mul(DAY)?).ok()?);
    let y = i64::from(d.year());
    if !(1000..=9999).contains(&y) {
        return None;
    }
    let mut b = *b"0000-00-00";
    two(&mut b[0..2], y / 100);
    two(&mut b[2..4], y % 100);
    two(&mut b[5..7], i64::from(d.month()));
    two(&mut b[8..10], i64::from(d.day()));
    Some(b)
}

/// `+hh:mm` of an offset in whole minutes.
fn offset_text(offset: Offset) -> Option<[u8; 6]> {
    let secs = i64::from(offset.seconds());
    if secs % 60 != 0 {
        return None;
    }
    let m = secs.abs() / 60;
    let mut b = *b"+00:00";
    if secs < 0 {
        b[0] = b'-';
    }
    two(&mut b[1..3], m / 60);
    two(&mut b[4..6], m % 60);
    Some(b)
}

/// The date of `secs` (local seconds since the epoch), from `cache` when it is that day.
fn day_of(cache: &mut Option<Day>, secs: i64) -> Option<[u8; 10]> {
    let number = secs.div_euclid(DAY);
    if let Some(d) = cache {
        if d.number == number {
            return Some(d.text);
        }
    }
    let text = date_text(number)?;
    *cache = Some(Day { number, text });
    Some(text)
}

/// `YYYY-MM-DDTHH:MM:SS` of local seconds since the epoch.
fn date_time(out: &mut [u8; 25], date: [u8; 10], secs: i64) {
    let s = secs.rem_euclid(DAY);
    out[..10].copy_from_slice(&date);
    out[10] = b'T';
    two(&mut out[11..13], s / 3600);
    out[13] = b':';
    two(&mut out[14..16], s / 60 % 60);
    out[16] = b':';
    two(&mut out[17..19], s % 60);
}

/// Whole seconds of `t` when the fast digits apply to it (not before 1970 with a fraction:
/// its second is the one below, which `as_second` does not give).
fn whole_seconds(t: Timestamp) -> Option<i64> {
    (t.subsec_nanosecond() >= 0).then(|| t.as_second())
}

impl Times {
    /// The offset of `tz` at `t`, from the remembered span when `t` is in it.
    fn span(&mut self, cal: &Calendar, t: Timestamp) -> Span {
        if self.zone != cal.zone {
            *self = Self {
                zone: cal.zone.clone(),
                ..Self::default()
            };
        }
        let tz = &cal.tz;
        if let Some(s) = self.span {
            if s.from <= t && s.until.is_none_or(|u| t < u) {
                return s;
            }
        }
        let offset = tz.to_offset(t);
        // The last transition at or before `t` and the first after it: no other lies
        // between, so `offset` holds for the whole span.
        let at_or_before = t
            .checked_add(SignedDuration::from_nanos(1))
            .unwrap_or(Timestamp::MAX);
        let from = tz
            .preceding(at_or_before)
            .next()
            .map_or(Timestamp::MIN, |x| x.timestamp());
        let until = tz.following(t).next().map(|x| x.timestamp());
        let s = Span {
            from,
            until,
            offset,
            text: offset_text(offset),
        };
        self.span = Some(s);
        s
    }

    /// Appends `t` in the calendar's zone as `%Y-%m-%dT%H:%M:%S%:z` (e.g.
    /// `2026-05-04T08:15:00+02:00`).
    pub fn local(&mut self, out: &mut String, cal: &Calendar, t: Timestamp) {
        let span = self.span(cal, t);
        let fast = span.text.zip(whole_seconds(t)).and_then(|(offset, secs)| {
            let local = secs + i64::from(span.offset.seconds());
            if !(FIRST..END).contains(&local) {
                return None;
            }
            let date = day_of(&mut self.local_day, local)?;
            let mut b = [0u8; 25];
            date_time(&mut b, date, local);
            b[19..].copy_from_slice(&offset);
            Some(b)
        });
        match fast {
            Some(b) => out.push_str(std::str::from_utf8(&b).unwrap_or_default()),
            None => slow_local(out, &cal.tz, t),
        }
    }

    /// Appends `t` in UTC as jiff prints it (RFC 3339, `Z`, a fraction only when present).
    pub fn utc(&mut self, out: &mut String, t: Timestamp) {
        let fast = (t.subsec_nanosecond() == 0)
            .then(|| t.as_second())
            .filter(|s| (FIRST..END).contains(s))
            .and_then(|secs| {
                let date = day_of(&mut self.utc_day, secs)?;
                let mut b = [0u8; 25];
                date_time(&mut b, date, secs);
                b[19] = b'Z';
                Some(b)
            });
        match fast {
            Some(b) => out.push_str(std::str::from_utf8(&b[..20]).unwrap_or_default()),
            None => {
                use std::fmt::Write as _;
                let _ = write!(out, "{t}");
            }
        }
    }
}

/// `t` in `tz` through jiff's `strftime`: the reference the fast digits must equal.
fn slow_local(out: &mut String, tz: &TimeZone, t: Timestamp) {
    use std::fmt::Write as _;
    let _ = write!(
        out,
        "{}",
        t.to_zoned(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z")
    );
}

/// [`Times::local`] for one cell (nothing to remember).
pub fn local_time(out: &mut String, cal: &Calendar, t: Timestamp) {
    Times::default().local(out, cal, t);
}

#[cfg(test)]
#[path = "times_tests.rs"]
pub(super) mod tests;
