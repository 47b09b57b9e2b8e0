//! Weekly figures (the only input a summary ever gets) and the local, template-written summary.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::{AnalysisError, BlockerTheme};

/// Aggregated, anonymised weekly figures — no names, id codes, emails, company name or raw
/// note text may be representable here. Blockers arrive as fixed [`BlockerTheme`]s, and the
/// one string, `week_start`, must be a date (see [`WeeklyFigures::validate`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct WeeklyFigures {
    /// First day of the week, `YYYY-MM-DD`.
    pub week_start: String,
    pub employees_active: u32,
    pub shifts: u32,
    pub total_hours: f64,
    pub avg_hours_per_employee: f64,
    /// Mean score of scored shifts, 0–100; `None` when nothing was scored.
    pub avg_score: Option<f64>,
    /// Scored shifts in the bands 0–19, 20–39, 40–59, 60–79, 80–100.
    pub score_buckets: [u32; 5],
    pub tasks_done: u32,
    pub tasks_progress: u32,
    pub tasks_blocked: u32,
    pub tasks_none: u32,
    /// Shifts closed by the system because nobody clocked out.
    pub auto_closed_shifts: u32,
    pub blocker_themes: Vec<(BlockerTheme, u32)>,
    pub previous_week_avg_score: Option<f64>,
    pub previous_week_hours: Option<f64>,
    /// Fewer than [`MIN_GROUP`] people worked: only team totals are kept (see
    /// [`WeeklyFigures::team_totals_only`]).
    #[serde(default)]
    pub small_group: bool,
}

/// The fewest people a week's scores, task outcomes and blockers are summarised for: with
/// fewer, a band or a blocker points to one person, so only team totals are given.
pub const MIN_GROUP: u32 = 5;

const BUCKETS: [&str; 5] = ["0–19", "20–39", "40–59", "60–79", "80–100"];

impl WeeklyFigures {
    /// Keeps the team's totals (people, shifts, hours) and drops everything that could
    /// describe one person in a small group: scores, task outcomes, blockers, auto-closed
    /// shifts, and the previous week's score.
    pub fn team_totals_only(self) -> Self {
        Self {
            avg_score: None,
            score_buckets: [0; 5],
            tasks_done: 0,
            tasks_progress: 0,
            tasks_blocked: 0,
            tasks_none: 0,
            auto_closed_shifts: 0,
            blocker_themes: Vec::new(),
            previous_week_avg_score: None,
            small_group: true,
            ..self
        }
    }

    /// Refuses a `week_start` that is not a plain `YYYY-MM-DD` date (the only free-form
    /// field, so nothing else can ride along in it) and non-finite or negative numbers.
    pub fn validate(&self) -> Result<(), AnalysisError> {
        let b = self.week_start.as_bytes();
        let date_shape = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !date_shape {
            return Err(AnalysisError::InvalidInput(
                "week_start must be YYYY-MM-DD".into(),
            ));
        }
        let numbers = [
            Some(self.total_hours),
            Some(self.avg_hours_per_employee),
            self.avg_score,
            self.previous_week_avg_score,
            self.previous_week_hours,
        ];
        if numbers.iter().flatten().any(|n| !n.is_finite() || *n < 0.0) {
            return Err(AnalysisError::InvalidInput(
                "weekly figures must be finite and not negative".into(),
            ));
        }
        Ok(())
    }
}

/// A deterministic plain-English summary: the same figures always give the same text.
pub fn write_summary(f: &WeeklyFigures) -> String {
    if f.shifts == 0 {
        return format!(
            "No shifts were recorded in the week starting {}.{}",
            f.week_start,
            f.previous_week_hours
                .filter(|h| *h > 0.0)
                .map(|h| format!(" The week before, the team logged {} hours.", hours(h)))
                .unwrap_or_default()
        );
    }
    if f.small_group {
        return format!(
            "{}\n\nScores, task outcomes and blockers are left out this week: fewer than \
             {MIN_GROUP} people worked, and with so few they would point to individuals.",
            activity(f)
        );
    }
    [activity(f), scores(f), tasks_and_blockers(f)]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn activity(f: &WeeklyFigures) -> String {
    let mut p = format!(
        "In the week starting {}, {} worked {} for a total of {} hours, {} hours per person on average.",
        f.week_start,
        count(f.employees_active, "employee", "employees"),
        count(f.shifts, "shift", "shifts"),
        hours(f.total_hours),
        hours(f.avg_hours_per_employee),
    );
    if let Some(prev) = f.previous_week_hours.filter(|h| *h > 0.0) {
        let change = (f.total_hours - prev) / prev * 100.0;
        if change.abs() < 0.5 {
            let _ = write!(
                p,
                " That is about the same as the previous week ({} hours).",
                hours(prev)
            );
        } else {
            let dir = if change > 0.0 { "up" } else { "down" };
            let _ = write!(
                p,
                " That is {dir} {:.0}% on the previous week's {} hours.",
                change.abs(),
                hours(prev)
            );
        }
    }
    p
}

fn scores(f: &WeeklyFigures) -> String {
    let scored: u32 = f.score_buckets.iter().sum();
    let Some(avg) = f.avg_score else {
        return "No shifts were scored this week.".to_owned();
    };
    let mut p = format!("The average score was {avg:.0}");
    match f.previous_week_avg_score {
        Some(prev) if (avg - prev).abs() < 0.5 => {
            let _ = write!(p, ", level with the week before");
        }
        Some(prev) => {
            let dir = if avg > prev { "up" } else { "down" };
            let _ = write!(
                p,
                ", {dir} {:.0} points from {prev:.0} the week before",
                (avg - prev).abs()
            );
        }
        None => {}
    }
    p.push('.');
    if scored > 0 {
        // First band with the highest count, so ties resolve the same way every time.
        let (top, top_n) = f
            .score_buckets
            .iter()
            .enumerate()
            .fold(
                (0, 0),
                |best, (i, n)| if *n > best.1 { (i, *n) } else { best },
            );
        let _ = write!(
            p,
            " Most scored shifts fell in the {} band ({top_n} of {scored})",
            BUCKETS.get(top).copied().unwrap_or("")
        );
        let low = f.score_buckets[0] + f.score_buckets[1];
        let high = f.score_buckets[4];
        match (low, high) {
            (0, 0) => p.push('.'),
            (0, h) => {
                let _ = write!(p, "; {} scored 80 or more.", count(h, "shift", "shifts"));
            }
            (l, 0) => {
                let _ = write!(p, "; {} scored below 40.", count(l, "shift", "shifts"));
            }
            (l, h) => {
                let _ = write!(p, "; {h} scored 80 or more and {l} below 40.");
            }
        }
    }
    p
}

fn tasks_and_blockers(f: &WeeklyFigures) -> String {
    let mut sentences = Vec::new();
    let total = f.tasks_done + f.tasks_progress + f.tasks_blocked + f.tasks_none;
    if total > 0 {
        sentences.push(format!(
            "End-of-day reports covered {}: {} done ({}%), {} in progress, {} blocked and {} not worked on.",
            count(total, "assigned task", "assigned tasks"),
            f.tasks_done,
            (f64::from(f.tasks_done) / f64::from(total) * 100.0).round(),
            f.tasks_progress,
            f.tasks_blocked,
            f.tasks_none,
        ));
    }
    let mut themes: Vec<(BlockerTheme, u32)> = f
        .blocker_themes
        .iter()
        .copied()
        .filter(|(_, n)| *n > 0)
        .collect();
    themes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    match themes.as_slice() {
        [] => {}
        [(t, n)] => sentences.push(format!(
            "The blockers reported were about {} ({n}).",
            t.describe()
        )),
        [first, rest @ ..] => {
            let others: Vec<String> = rest
                .iter()
                .take(2)
                .map(|(t, n)| format!("{} ({n})", t.describe()))
                .collect();
            sentences.push(format!(
                "The most common blocker was {} ({}), followed by {}.",
                first.0.describe(),
                first.1,
                others.join(" and ")
            ));
        }
    }
    if f.auto_closed_shifts > 0 {
        sentences.push(format!(
            "{} closed automatically because nobody clocked out; those hours may need checking.",
            if f.auto_closed_shifts == 1 {
                "One shift was".to_owned()
            } else {
                format!("{} shifts were", f.auto_closed_shifts)
            }
        ));
    }
    sentences.join(" ")
}

fn count(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whole hours stay whole ("40"), others get one decimal ("37.5").
fn hours(h: f64) -> String {
    let r = (h * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn figures() -> WeeklyFigures {
        WeeklyFigures {
            week_start: "2025-03-03".into(),
            employees_active: 12,
            shifts: 48,
            total_hours: 356.5,
            avg_hours_per_employee: 29.708,
            avg_score: Some(71.2),
            score_buckets: [1, 2, 10, 20, 15],
            tasks_done: 40,
            tasks_progress: 30,
            tasks_blocked: 8,
            tasks_none: 12,
            auto_closed_shifts: 2,
            blocker_themes: vec![
                (BlockerTheme::AccessOrPermissions, 3),
                (BlockerTheme::WaitingOnPeople, 5),
                (BlockerTheme::Other, 1),
                (BlockerTheme::Equipment, 1),
            ],
            previous_week_avg_score: Some(68.0),
            previous_week_hours: Some(342.8),
            small_group: false,
        }
    }

    #[test]
    fn small_group_gives_totals_only_and_says_why() {
        let mut f = figures();
        f.employees_active = 3;
        let f = f.team_totals_only();
        assert_eq!(
            (f.shifts, f.total_hours, f.employees_active),
            (48, 356.5, 3)
        );
        assert_eq!(
            (f.avg_score, f.score_buckets, f.tasks_blocked),
            (None, [0; 5], 0)
        );
        assert!(f.blocker_themes.is_empty());
        let s = write_summary(&f);
        assert!(
            s.starts_with("In the week starting 2025-03-03, 3 employees worked 48 shifts"),
            "{s}"
        );
        assert!(s.contains("fewer than 5 people worked"), "{s}");
        assert!(
            !s.contains("average score") && !s.contains("blocker was"),
            "{s}"
        );
    }

    #[test]
    fn full_week_reads_well() {
        let s = write_summary(&figures());
        assert_eq!(
            s,
            "In the week starting 2025-03-03, 12 employees worked 48 shifts for a total of 356.5 hours, 29.7 hours per person on average. That is up 4% on the previous week's 342.8 hours.\n\n\
The average score was 71, up 3 points from 68 the week before. Most scored shifts fell in the 60–79 band (20 of 48); 15 scored 80 or more and 3 below 40.\n\n\
End-of-day reports covered 90 assigned tasks: 40 done (44%), 30 in progress, 8 blocked and 12 not worked on. The most common blocker was waiting on other people (5), followed by access or permissions (3) and equipment (1). 2 shifts were closed automatically because nobody clocked out; those hours may need checking."
        );
        assert_eq!(s, write_summary(&figures()), "deterministic");
    }

    #[test]
    fn sparse_weeks() {
        let mut f = figures();
        f.shifts = 0;
        assert_eq!(
            write_summary(&f),
            "No shifts were recorded in the week starting 2025-03-03. The week before, the team logged 342.8 hours."
        );
        let mut f = figures();
        f.employees_active = 1;
        f.shifts = 1;
        f.total_hours = 8.0;
        f.avg_hours_per_employee = 8.0;
        f.avg_score = None;
        f.score_buckets = [0; 5];
        f.tasks_done = 0;
        f.tasks_progress = 0;
        f.tasks_blocked = 0;
        f.tasks_none = 0;
        f.blocker_themes = vec![(BlockerTheme::SystemOrToolDown, 1)];
        f.auto_closed_shifts = 1;
        f.previous_week_hours = None;
        let s = write_summary(&f);
        assert!(
            s.starts_with(
                "In the week starting 2025-03-03, 1 employee worked 1 shift for a total of 8 hours"
            ),
            "{s}"
        );
        assert!(s.contains("No shifts were scored this week."), "{s}");
        assert!(
            s.contains("The blockers reported were about systems or tools being down (1)."),
            "{s}"
        );
        assert!(s.contains("One shift was closed automatically"), "{s}");
    }

    #[test]
    fn validation() {
        assert!(figures().validate().is_ok());
        let mut f = figures();
        f.week_start = "Acme Corp".into();
        assert!(f.validate().is_err());
        let mut f = figures();
        f.total_hours = f64::NAN;
        assert!(f.validate().is_err());
    }
}
