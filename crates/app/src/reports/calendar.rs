//! A company's calendar (its zone and week start) and how durations are shown.

use crate::App;
use domain::calendar::{day_range, local_time, week_start, weekday_from_iso};
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use store::{StoreError, Tenant};

/// A company's calendar: its zone and the day its weeks start.
#[derive(Clone)]
pub struct Calendar {
    pub tz: TimeZone,
    pub zone: String,
    pub week_start: Weekday,
    pub created_at: Timestamp,
}

impl Calendar {
    pub async fn of(app: &App, t: &Tenant) -> Result<Self, StoreError> {
        let c = app.store.company(t).await?;
        // The zone was validated at sign-up; an unknown one (tz database change) falls back to UTC.
        let tz = TimeZone::get(&c.timezone).unwrap_or(TimeZone::UTC);
        Ok(Self {
            tz,
            zone: c.timezone,
            week_start: weekday_from_iso(c.week_start),
            created_at: c.created_at,
        })
    }

    pub fn today(&self, now: Timestamp) -> Date {
        domain::calendar::workday(now, &self.tz)
    }

    pub fn week_of(&self, d: Date) -> Date {
        week_start(d, self.week_start)
    }

    /// UTC bounds of local days `[from, to]`.
    pub fn range(&self, from: Date, to: Date) -> (Timestamp, Timestamp) {
        day_range(from, to, &self.tz).unwrap_or((Timestamp::MIN, Timestamp::MAX))
    }

    pub fn local(&self, t: Timestamp) -> String {
        local_time(t, &self.tz)
    }

    pub fn clock(&self, t: Timestamp) -> String {
        t.to_zoned(self.tz.clone()).strftime("%H:%M").to_string()
    }
}

/// Whole minutes from milliseconds, rounded to the nearest minute (sums are rounded once,
/// at the end, so they match the parts).
pub fn minutes(ms: i64) -> i64 {
    (ms + 30_000).div_euclid(60_000)
}

/// `7:05` from minutes.
pub fn hm(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.abs();
    format!("{sign}{}:{:02}", m / 60, m % 60)
}
