//! `omnitrack demo` and `omnitrack bench-seed`: a realistic company — employees with
//! tasks, weekday shifts with breaks, varied standups and reports analysed by the local
//! analyzer and scored by the formula, a few people in right now, an auto-closed shift,
//! kiosk alerts, and weekly summaries — written with batched inserts so it is quick.
//!
//! One file (past 500 lines) on purpose: it is one generator — the options, one seeded
//! random source and the batches it writes — read top to bottom as the story of the demo
//! company; split up, each part would need the others to make sense.

use analysis::{local_report, local_standup};
use app::App;
use domain::score::{score_report, ScoreWeights};
use domain::{Email, EmployeeId, ShiftId, TaskId};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::collections::HashMap;
use store::seed::{SeedAnalysis, SeedEmployee, SeedShift, SeedTask};
use store::{JobKind, NewCompany, TaskState, Tenant};

pub const DEMO_EMAIL: &str = "owner@demo.omnitrack.example";
pub const DEMO_PASSWORD: &str = "demo-password-2026";

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub email: String,
    pub password: String,
    pub company: String,
    pub timezone: String,
    pub employees: usize,
    /// Total shifts to write (spread over as many past weekdays as that takes).
    pub shifts: usize,
    /// Write weekly summaries for the seeded weeks.
    pub summaries: bool,
}

impl SeedOptions {
    pub fn demo() -> Self {
        Self {
            email: DEMO_EMAIL.into(),
            password: DEMO_PASSWORD.into(),
            company: "Northwind Field Services".into(),
            timezone: "Europe/Berlin".into(),
            employees: 40,
            // 8 weeks of weekdays, most people in most days.
            shifts: 40 * 40,
            summaries: true,
        }
    }
}

#[derive(Debug)]
pub struct SeedReport {
    pub employees: usize,
    pub shifts: usize,
    pub summaries: usize,
    pub elapsed: std::time::Duration,
}

/// A small deterministic generator (xorshift64*): the same demo every time, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

const FIRST: &[&str] = &[
    "Ada", "Ben", "Carla", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Julia", "Kofi",
    "Lena", "Mateo", "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wen", "Ximena", "Yusuf", "Zoe", "Anton", "Bea", "Chen", "Dara",
];
const LAST: &[&str] = &[
    "Lovelace", "Okafor", "Schmidt", "Petrov", "Yilmaz", "Haddad", "Lind", "Sato", "Novak",
    "Rossi", "Mensah", "Weber", "García", "Berg", "Khan", "Sharma", "Dubois", "Moreno", "Nieminen",
    "Walsh", "Farouk", "Costa", "Li", "Ortega", "Demir", "Keller",
];
const TASKS: &[&str] = &[
    "Update inventory spreadsheet",
    "Service the forklift",
    "Call back supplier about late order",
    "Prepare quarterly safety audit",
    "Fix conveyor belt sensor",
    "Train new warehouse staff",
    "Reconcile shipping invoices",
    "Clean up customer database",
    "Write monthly operations report",
    "Replace lighting in loading bay",
    "Review delivery routes",
    "Install new label printer",
    "Organise returns shelf",
    "Draft onboarding checklist",
    "Test backup generator",
    "Schedule van maintenance",
    "Migrate timesheets to new template",
    "Answer open support tickets",
    "Calibrate the scales",
    "Plan stocktake for next month",
];
const BLOCKERS: &[&str] = &[
    "waiting for VPN access",
    "the label printer is broken",
    "no reply from the supplier yet",
    "missing the delivery schedule",
    "the ERP system was down all morning",
    "waiting on sign-off from finance",
    "my laptop would not start",
];
const UNPLANNED: &[&str] = &[
    "Also helped a customer with an urgent call.",
    "Covered the front desk for an hour.",
    "Unplanned: unloaded an extra delivery.",
    "Also fixed a jammed door at the back entrance.",
];

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn standup(rng: &mut Rng, tasks: &[String]) -> String {
    let mentioned: Vec<&String> = tasks.iter().filter(|_| rng.chance(75)).collect();
    match mentioned.as_slice() {
        [] => rng
            .pick(&[
                "Catching up on email and paperwork today.",
                "Team meeting, then whatever comes up.",
            ])
            .to_string(),
        [a] => format!(
            "{} {}.",
            rng.pick(&["Today I will", "Plan:", "Focusing on"]),
            lower_first(a)
        ),
        [a, rest @ ..] => format!(
            "First {}, then {}.",
            lower_first(a),
            rest.iter()
                .map(|t| lower_first(t))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    }
}

fn report(rng: &mut Rng, tasks: &[String]) -> String {
    let mut parts = Vec::new();
    for t in tasks {
        let t = lower_first(t);
        match rng.below(10) {
            0..=3 => parts.push(format!("Finished: {t}.")),
            4..=6 => parts.push(format!("Made progress on {t}, about halfway there.")),
            7 => parts.push(format!("Blocked on {t}: {}.", rng.pick(BLOCKERS))),
            _ => {}
        }
    }
    if rng.chance(30) {
        parts.push(rng.pick(UNPLANNED).to_string());
    }
    if parts.is_empty() {
        parts.push("Quiet day, mostly admin.".into());
    }
    parts.join(" ")
}

/// An analysed note: the standup check's JSON, or for a report the model with the
/// extraction's JSON, the score and the breakdown's JSON.
type Analysed = (String, Option<(String, u8, String)>);

/// Runs the local analyzer on one note, as the app would.
fn analyse(tasks: &[String], text: &str, report: bool) -> Analysed {
    if report {
        let r = local_report(tasks, text);
        let b = score_report(&r.value, ScoreWeights::default());
        let result = serde_json::to_string(&r.value).unwrap_or_default();
        (
            r.model.clone(),
            Some((
                result,
                b.score,
                serde_json::to_string(&b).unwrap_or_default(),
            )),
        )
    } else {
        let s = local_standup(tasks, text);
        (serde_json::to_string(&s.value).unwrap_or_default(), None)
    }
}

/// Different standups / reports written per set of open tasks before notes repeat.
const STANDUPS_PER_SET: usize = 24;
const REPORTS_PER_SET: usize = 64;

/// Notes with their analyses, a bounded pool per set of open task titles: a million-shift
/// benchmark company then runs the analyzer some tens of thousands of times instead of
/// two million, and memory stays bounded. Everyone still has dozens of different days.
#[derive(Default)]
struct Notes {
    pools: HashMap<Vec<String>, Pool>,
}

#[derive(Default)]
struct Pool {
    standups: Vec<(String, String)>,
    reports: Vec<(String, Analysed)>,
}

impl Notes {
    /// A standup and its check's JSON.
    fn standup(&mut self, rng: &mut Rng, titles: &[String]) -> (String, String) {
        let pool = self.pools.entry(titles.to_vec()).or_default();
        if pool.standups.len() < STANDUPS_PER_SET {
            let text = standup(rng, titles);
            let json = analyse(titles, &text, false).0;
            pool.standups.push((text, json));
        }
        pool.standups[rng.below(pool.standups.len())].clone()
    }

    /// A report and its analysis.
    fn report(&mut self, rng: &mut Rng, titles: &[String]) -> (String, Analysed) {
        let pool = self.pools.entry(titles.to_vec()).or_default();
        if pool.reports.len() < REPORTS_PER_SET {
            let text = report(rng, titles);
            let analysed = analyse(titles, &text, true);
            pool.reports.push((text, analysed));
        }
        pool.reports[rng.below(pool.reports.len())].clone()
    }
}

/// A batch of seeded shifts (with their breaks) and their analyses.
type Batch = (Vec<SeedShift>, Vec<SeedAnalysis>);

/// Where batches go: on an SQLite file, a writer on its own thread (prepared statements,
/// one transaction per batch) while the next batch is generated; elsewhere the store's
/// multi-row inserts.
enum Writer {
    Thread {
        tx: tokio::sync::mpsc::Sender<Batch>,
        done: tokio::task::JoinHandle<store::Result<()>>,
    },
    Store,
}

impl Writer {
    fn start(state: &App, t: &Tenant) -> anyhow::Result<Self> {
        let Some(mut seeder) = state.store.sqlite_seeder(t)? else {
            return Ok(Self::Store);
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
        let done = tokio::task::spawn_blocking(move || {
            while let Some((shifts, analyses)) = rx.blocking_recv() {
                seeder.write(&shifts, &analyses)?;
            }
            Ok(())
        });
        Ok(Self::Thread { tx, done })
    }

    async fn write(&self, state: &App, t: &Tenant, batch: Batch) -> anyhow::Result<()> {
        match self {
            // A closed channel means the writer stopped on an error; `finish` reports it.
            Self::Thread { tx, .. } => {
                let _ = tx.send(batch).await;
            }
            Self::Store => {
                state.store.seed_shifts(t, &batch.0).await?;
                state.store.seed_analyses(t, &batch.1).await?;
            }
        }
        Ok(())
    }

    /// Waits until everything is written.
    async fn finish(self) -> anyhow::Result<()> {
        if let Self::Thread { tx, done } = self {
            drop(tx);
            done.await??;
        }
        Ok(())
    }
}

fn at(day: Date, minutes: i64, tz: &jiff::tz::TimeZone) -> Timestamp {
    day.at(0, 0, 0, 0)
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .checked_add(SignedDuration::from_mins(minutes))
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Seeds a company. Fails when the owner's email already has an account.
pub async fn seed(state: &App, o: &SeedOptions) -> anyhow::Result<SeedReport> {
    let started = std::time::Instant::now();
    let email = Email::parse(&o.email)?;
    if state.store.login_user(&email).await?.is_some() {
        anyhow::bail!("{} already has an account: the demo is seeded already (log in with it, or use a fresh database)", o.email);
    }
    let tz_name = domain::TimeZoneName::parse(&o.timezone)?;
    let tz = tz_name.tz();
    let hash = app::credentials::password::hash(o.password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("password hash: {e}"))?;
    let now = state.clock.now();
    let today = domain::calendar::workday(now, &tz);
    // Backdate the company so every seeded week counts as its own.
    let principal = state
        .store
        .create_company(
            NewCompany {
                name: &o.company,
                timezone: tz_name.as_str(),
                owner_email: &email,
                owner_password_hash: &hash,
            },
            now,
        )
        .await?;
    let t: Tenant = principal.tenant;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    let n = o.employees.max(1);
    // About 94 % of the team works a given weekday: a few days more than that needs.
    let weekdays_needed = (o.shifts * 1000).div_ceil(n * 935).max(1);
    // Past weekdays, oldest first, ending yesterday; plus today for the live board.
    let mut days = Vec::new();
    let mut d = today.checked_sub(1.day())?;
    while days.len() < weekdays_needed {
        if d.weekday().to_monday_one_offset() <= 5 {
            days.push(d);
        }
        d = d.checked_sub(1.day())?;
    }
    days.reverse();
    let first_day = days.first().copied().unwrap_or(today);
    let created = at(first_day.checked_sub(7.days())?, 0, &tz);
    // The company "existed" from before the first seeded week.
    state.store.backdate_company_for_seed(&t, created).await?;

    let mut employees = Vec::with_capacity(n);
    let mut tasks = Vec::new();
    let mut open_titles: Vec<Vec<String>> = Vec::with_capacity(n);
    for i in 0..n {
        let name = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            LAST[(i * 7 + i / FIRST.len()) % LAST.len()]
        );
        let id = EmployeeId::new();
        employees.push(SeedEmployee {
            id,
            name,
            id_code: format!("NW-{:04}", i + 1),
            created_at: created,
        });
        let mut mine = Vec::new();
        for k in 0..4 {
            let title = TASKS[(i * 3 + k * 5 + rng.below(3)) % TASKS.len()].to_string();
            if mine.contains(&title) {
                continue;
            }
            // The last one is already done: the task history has both states.
            let state = if k == 3 {
                TaskState::Done
            } else {
                TaskState::Open
            };
            if state == TaskState::Open {
                mine.push(title.clone());
            }
            tasks.push(SeedTask {
                id: TaskId::new(),
                employee_id: id,
                title,
                state,
                created_at: created,
            });
        }
        open_titles.push(mine);
    }
    state.store.seed_employees(&t, &employees).await?;
    state.store.seed_tasks(&t, &tasks).await?;

    let writer = Writer::start(state, &t)?;
    let mut notes = Notes::default();
    // Who works which day: about 6 % are off sick or on leave. Decided up front, so the
    // oldest days give up the surplus and exactly `o.shifts` are written, recent days full.
    let mut present: Vec<bool> = (0..days.len() * n).map(|_| !rng.chance(6)).collect();
    let mut surplus = present
        .iter()
        .filter(|p| **p)
        .count()
        .saturating_sub(o.shifts);
    for p in present.iter_mut().filter(|p| **p) {
        if surplus == 0 {
            break;
        }
        *p = false;
        surplus -= 1;
    }
    let mut shifts = Vec::with_capacity(4096);
    let mut analyses = Vec::with_capacity(8192);
    let mut written = 0usize;
    for (d, day) in days.iter().enumerate() {
        for (i, e) in employees.iter().enumerate() {
            if !present[d * n + i] {
                continue;
            }
            let start = 7 * 60 + 15 + rng.below(150) as i64;
            let len = 7 * 60 + 30 + rng.below(120) as i64;
            let clock_in = at(*day, start, &tz);
            let clock_out = clock_in.checked_add(SignedDuration::from_mins(len))?;
            let b_start = clock_in.checked_add(SignedDuration::from_mins(len / 2))?;
            let b_end =
                b_start.checked_add(SignedDuration::from_mins(30 + rng.below(16) as i64))?;
            let titles = &open_titles[i];
            let (st, standup_json) = notes.standup(&mut rng, titles);
            let (rp, (model, scored)) = notes.report(&mut rng, titles);
            let auto = rng.chance(1);
            let id = ShiftId::new();
            analyses.push(SeedAnalysis {
                shift: id,
                kind: JobKind::Standup,
                analyzer: "local".into(),
                model: model.clone(),
                result: standup_json,
                score: None,
                breakdown: None,
                created_at: clock_in,
            });
            if let Some((result, score, breakdown)) = scored {
                analyses.push(SeedAnalysis {
                    shift: id,
                    kind: JobKind::Report,
                    analyzer: "local".into(),
                    model,
                    result,
                    score: Some(score),
                    breakdown: Some(breakdown),
                    created_at: clock_out,
                });
            }
            shifts.push(SeedShift {
                id,
                employee_id: e.id,
                workday: day.to_string(),
                clock_in_at: clock_in,
                clock_out_at: Some(clock_out),
                standup: st,
                report: Some(rp),
                auto_closed: auto,
                end_confirmed: !auto || day < &today.checked_sub(3.days())?,
                locked: day < &today.checked_sub(14.days())?,
                breaks: vec![(b_start, Some(b_end))],
            });
            written += 1;
            if shifts.len() >= 4000 {
                let batch = (
                    std::mem::replace(&mut shifts, Vec::with_capacity(4096)),
                    std::mem::replace(&mut analyses, Vec::with_capacity(8192)),
                );
                writer.write(state, &t, batch).await?;
            }
        }
    }
    // Today: about a third of the team is in right now, one of them on a break.
    {
        for (i, e) in employees.iter().enumerate().take(n.div_ceil(3)) {
            let clock_in =
                now.checked_sub(SignedDuration::from_mins(30 + (i as i64 * 17) % 240))?;
            let titles = &open_titles[i];
            let (st, standup_json) = notes.standup(&mut rng, titles);
            let id = ShiftId::new();
            let model = analysis::Analyzer::local().model().to_string();
            analyses.push(SeedAnalysis {
                shift: id,
                kind: JobKind::Standup,
                analyzer: "local".into(),
                model,
                result: standup_json,
                score: None,
                breakdown: None,
                created_at: clock_in,
            });
            let on_break = i == 1;
            shifts.push(SeedShift {
                id,
                employee_id: e.id,
                workday: domain::calendar::workday(clock_in, &tz).to_string(),
                clock_in_at: clock_in,
                clock_out_at: None,
                standup: st,
                report: None,
                auto_closed: false,
                end_confirmed: true,
                locked: false,
                breaks: if on_break {
                    vec![(now.checked_sub(SignedDuration::from_mins(10))?, None)]
                } else {
                    vec![]
                },
            });
        }
    }
    writer.write(state, &t, (shifts, analyses)).await?;
    writer.finish().await?;
    state.store.analyze_after_seed().await?;
    for (kind, detail) in [
        (
            "lockout",
            "Five wrong ID codes in a row at the front door kiosk; locked for 30 seconds.",
        ),
        (
            "burst",
            "Three different ID codes within a minute at the front door kiosk.",
        ),
    ] {
        state
            .store
            .add_kiosk_alert(
                &t,
                None,
                kind,
                detail,
                now.checked_sub(SignedDuration::from_hours(2))?,
            )
            .await?;
    }
    let mut summaries = 0;
    if o.summaries {
        let this_week = domain::calendar::week_start(today, jiff::civil::Weekday::Monday);
        let mut w = domain::calendar::week_start(first_day, jiff::civil::Weekday::Monday);
        while w < this_week {
            if let app::summaries::Outcome::Created(_) =
                app::summaries::summarize_week(state, &t, w).await?
            {
                summaries += 1;
            }
            w = w.checked_add(7.days())?;
        }
    }
    Ok(SeedReport {
        employees: n,
        shifts: written,
        summaries,
        elapsed: started.elapsed(),
    })
}
