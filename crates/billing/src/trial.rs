//! The free trial: what a company without a subscription may do. Pure: the caller supplies
//! the clock and the trial's end.
//!
//! Supervisors' changes stop when the trial ends, so the owner notices; clocking goes on
//! for [`TRIAL_CLOCK_GRACE_SECS`] more (with a banner and a notice at the clock), because
//! the people at the kiosk cannot subscribe and must not be locked out without warning.

/// How long a new company may use everything without subscribing.
pub const TRIAL_SECS: i64 = 14 * 24 * 60 * 60;

/// After the trial, employees may still clock in and out this long.
pub const TRIAL_CLOCK_GRACE_SECS: i64 = 7 * 24 * 60 * 60;

/// Where a company without a subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrialPhase {
    /// Everything allowed.
    Running,
    /// Trial over: only clocking is still allowed.
    ClockingGrace,
    /// Trial and grace over: read-only.
    Over,
}

/// `ends_at` and `now` in unix seconds.
pub fn trial_phase(ends_at: i64, now: i64) -> TrialPhase {
    if now < ends_at {
        TrialPhase::Running
    } else if now < ends_at.saturating_add(TRIAL_CLOCK_GRACE_SECS) {
        TrialPhase::ClockingGrace
    } else {
        TrialPhase::Over
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const END: i64 = 1_700_000_000;

    #[test]
    fn running_until_the_end_then_clocking_grace_then_over() {
        assert_eq!(trial_phase(END, END - TRIAL_SECS), TrialPhase::Running);
        assert_eq!(trial_phase(END, END - 1), TrialPhase::Running);
        assert_eq!(trial_phase(END, END), TrialPhase::ClockingGrace);
        assert_eq!(
            trial_phase(END, END + TRIAL_CLOCK_GRACE_SECS - 1),
            TrialPhase::ClockingGrace
        );
        assert_eq!(
            trial_phase(END, END + TRIAL_CLOCK_GRACE_SECS),
            TrialPhase::Over
        );
        // Extreme values do not overflow.
        assert_eq!(trial_phase(i64::MAX, i64::MAX - 1), TrialPhase::Running);
        assert_eq!(trial_phase(i64::MIN, i64::MAX), TrialPhase::Over);
    }
}
