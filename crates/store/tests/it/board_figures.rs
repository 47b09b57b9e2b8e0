//! The board's and timesheet's aggregated reads: the `tasks_*` columns follow every write of
//! an analysis result (migration 0005's triggers), the team figures add up what the shifts
//! say, and the board's lists carry names and pick out standups that missed tasks.

use crate::{both, now};
use domain::{Email, EmployeeName, IdCode, ShiftId};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use store::{
    EmployeeChanges, EmployeeTotals, JobKind, NewAnalysis, NewCompany, Principal, Store, Tenant,
};

both!(
    task_columns_follow_the_result,
    team_figures_add_up_the_period,
    board_lists_carry_names_and_missed_standups,
    provisional_result_stands_until_a_final_one_replaces_it,
);

async fn company(s: &Store, email: &str) -> Principal {
    s.create_company(
        NewCompany {
            name: "Acme",
            timezone: "Europe/Berlin",
            owner_email: &Email::parse(email).unwrap(),
            owner_password_hash: "h",
        },
        now(),
    )
    .await
    .unwrap()
}

async fn employee(s: &Store, t: &Tenant, name: &str, code: &str) -> store::Employee {
    s.create_employee(
        t,
        &EmployeeName::parse(name).unwrap(),
        &IdCode::parse(code).unwrap(),
        None,
        now(),
    )
    .await
    .unwrap()
}

/// The company's local date of an instant.
fn workday(at: Timestamp) -> jiff::civil::Date {
    at.to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date()
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

/// A closed shift of `len` from `start`.
async fn shift(
    s: &Store,
    t: &Tenant,
    e: &store::Employee,
    start: Timestamp,
    len: SignedDuration,
) -> ShiftId {
    let sh = s
        .clock_in(t, e.id, "s", workday(start), start)
        .await
        .unwrap();
    s.clock_out(t, e.id, "r", start + len).await.unwrap();
    sh.id
}

async fn save(
    s: &Store,
    t: &Tenant,
    shift: ShiftId,
    kind: JobKind,
    result: &str,
    score: Option<u8>,
) {
    s.save_analysis(
        t,
        NewAnalysis {
            shift,
            kind,
            analyzer: "local",
            model: "m",
            prompt_version: 1,
            fallback: false,
            provisional: false,
            result,
            score,
            breakdown: None,
        },
        now(),
    )
    .await
    .unwrap();
}

fn report(statuses: &[&str]) -> String {
    let tasks: Vec<String> = statuses
        .iter()
        .enumerate()
        .map(|(i, st)| format!(r#"{{"task":"T{i}","status":"{st}","evidence":null}}"#))
        .collect();
    format!(
        r#"{{"tasks":[{}],"blockers":[],"unplanned":[]}}"#,
        tasks.join(",")
    )
}

fn standup(mentioned: &[bool]) -> String {
    let tasks: Vec<String> = mentioned
        .iter()
        .enumerate()
        .map(|(i, m)| format!(r#"{{"task":"T{i}","mentioned":{m},"evidence":null}}"#))
        .collect();
    format!(r#"{{"tasks":[{}]}}"#, tasks.join(","))
}

/// The day's task counts as the timesheet reads them.
async fn day_tasks(s: &Store, t: &Tenant, from: Timestamp) -> [i64; 4] {
    let f = s
        .team_figures(t, from, from + hours(24), from + hours(24), 8)
        .await
        .unwrap();
    f.days.iter().fold([0; 4], |mut acc, d| {
        for (a, n) in acc.iter_mut().zip(d.tasks) {
            *a += n;
        }
        acc
    })
}

async fn task_columns_follow_the_result(s: Store) {
    let a = company(&s, "a@a.test").await;
    let t = &a.tenant;
    let ada = employee(&s, t, "Ada", "ADA-1").await;
    let start = now();
    let id = shift(&s, t, &ada, start, hours(8)).await;
    save(
        &s,
        t,
        id,
        JobKind::Report,
        &report(&["done", "done", "blocked", "none", "progress"]),
        Some(50),
    )
    .await;
    assert_eq!(day_tasks(&s, t, start).await, [2, 1, 1, 1]);
    // Re-analysis replaces the result (an upsert): the counts follow.
    save(&s, t, id, JobKind::Report, &report(&["blocked"]), Some(10)).await;
    assert_eq!(day_tasks(&s, t, start).await, [0, 0, 1, 0]);
    // A result that is not JSON is stored (never a failed write) and counts no tasks.
    save(&s, t, id, JobKind::Report, "not json", None).await;
    assert_eq!(day_tasks(&s, t, start).await, [0, 0, 0, 0]);
    assert_eq!(
        s.analysis(t, id, JobKind::Report)
            .await
            .unwrap()
            .unwrap()
            .result,
        "not json"
    );
    // Standups do not count as report tasks.
    save(&s, t, id, JobKind::Standup, &standup(&[false, true]), None).await;
    assert_eq!(day_tasks(&s, t, start).await, [0, 0, 0, 0]);
}

async fn team_figures_add_up_the_period(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    let t = &a.tenant;
    let ada = employee(&s, t, "Ada", "ADA-1").await;
    let bo = employee(&s, t, "Bo", "BO-01").await;
    let cy = employee(&s, t, "Cy", "CY-01").await;
    let dee = employee(&s, t, "Dee", "DEE-1").await;
    let other = employee(&s, &b.tenant, "Other", "OT-01").await;
    let from = now();
    let to = from + hours(24 * 7);
    // Ada: 8 h with a 30 min break, then 6 h two days later; one shift after the period.
    let ada1 = s
        .clock_in(t, ada.id, "s", workday(from + hours(1)), from + hours(1))
        .await
        .unwrap()
        .id;
    s.start_break(t, ada.id, from + hours(3)).await.unwrap();
    s.end_break(t, ada.id, from + hours(3) + SignedDuration::from_mins(30))
        .await
        .unwrap();
    s.clock_out(t, ada.id, "r", from + hours(9)).await.unwrap();
    let ada2 = shift(&s, t, &ada, from + hours(49), hours(6)).await;
    shift(&s, t, &ada, to + hours(1), hours(5)).await;
    // Cy worked 3 h, then left the company (inactive but listed: worked in the period).
    shift(&s, t, &cy, from + hours(2), hours(3)).await;
    s.update_employee(
        t,
        cy.id,
        EmployeeChanges {
            name: None,
            id_code: None,
            pin_hash: None,
            active: Some(false),
            objected: None,
        },
        now(),
    )
    .await
    .unwrap();
    // Bo is still in: 2 h so far, 15 min of it on an open break.
    let bo_in = from + hours(50);
    let now = bo_in + hours(2);
    s.clock_in(t, bo.id, "s", workday(bo_in), bo_in)
        .await
        .unwrap();
    s.start_break(t, bo.id, now - SignedDuration::from_mins(15))
        .await
        .unwrap();
    // Another company's shift in the same period is not counted.
    shift(&s, &b.tenant, &other, from + hours(1), hours(9)).await;
    save(
        &s,
        t,
        ada1,
        JobKind::Report,
        &report(&["done", "blocked"]),
        Some(60),
    )
    .await;
    save(
        &s,
        t,
        ada2,
        JobKind::Report,
        &report(&["progress"]),
        Some(80),
    )
    .await;
    let user = match &a.kind {
        store::PrincipalKind::User { user_id, .. } => *user_id,
        _ => unreachable!(),
    };
    s.override_score(t, ada2, 90, "great week", user)
        .await
        .unwrap();

    let f = s.team_figures(t, from, to, now, 8).await.unwrap();
    let by_name: Vec<(&str, i64)> = f
        .employees
        .iter()
        .map(|e| (e.name.as_str(), e.shifts))
        .collect();
    assert_eq!(
        by_name,
        [("Ada", 2), ("Bo", 1), ("Cy", 1), ("Dee", 0)],
        "everyone active plus inactive people who worked, by name"
    );
    let ada_row = &f.employees[0];
    assert_eq!(
        ada_row,
        &EmployeeTotals {
            employee_id: ada.id,
            name: "Ada".into(),
            shifts: 2,
            worked_ms: SignedDuration::from_mins(13 * 60 + 30).as_millis() as i64,
            break_ms: SignedDuration::from_mins(30).as_millis() as i64,
            locked: 0,
            score_sum: 60 + 90,
            scored: 2,
        },
        "the override counts, not the computed score"
    );
    let bo_row = &f.employees[1];
    assert_eq!(
        bo_row.worked_ms,
        SignedDuration::from_mins(105).as_millis() as i64
    );
    assert_eq!(
        bo_row.break_ms,
        SignedDuration::from_mins(15).as_millis() as i64
    );
    assert_eq!((bo_row.score_sum, bo_row.scored), (0, 0));
    assert_eq!(f.employees[3].worked_ms, 0);
    assert_eq!(f.employees[3].employee_id, dee.id);

    // Per workday: the team's totals and task counts, every day in order.
    let total_days: i64 = f.days.iter().map(|d| d.shifts).sum();
    assert_eq!(total_days, 4);
    assert!(f.days.windows(2).all(|w| w[0].workday < w[1].workday));
    let worked: i64 = f.days.iter().map(|d| d.worked_ms).sum();
    assert_eq!(worked, f.employees.iter().map(|e| e.worked_ms).sum::<i64>());
    let tasks = f.days.iter().fold([0; 4], |mut acc, d| {
        for (x, n) in acc.iter_mut().zip(d.tasks) {
            *x += n;
        }
        acc
    });
    assert_eq!(tasks, [1, 1, 1, 0]);
    let scored: i64 = f.days.iter().map(|d| d.scored).sum();
    assert_eq!(scored, 2);

    // The chart's top employees: the one with the most hours, per day.
    let top = s.team_figures(t, from, to, now, 1).await.unwrap().top;
    assert_eq!(top.len(), 2, "Ada's two days: {top:?}");
    assert!(top.iter().all(|d| d.employee_id == ada.id));
    assert_eq!(
        top.iter().map(|d| d.worked_ms).sum::<i64>(),
        ada_row.worked_ms
    );

    // Another company sees only its own.
    let fb = s.team_figures(&b.tenant, from, to, now, 8).await.unwrap();
    assert_eq!(fb.employees.len(), 1);
    assert_eq!(fb.employees[0].worked_ms, hours(9).as_millis() as i64);
}

async fn board_lists_carry_names_and_missed_standups(s: Store) {
    let a = company(&s, "a@a.test").await;
    let t = &a.tenant;
    let ada = employee(&s, t, "Ada", "ADA-1").await;
    let bo = employee(&s, t, "Bo", "BO-01").await;
    let start = now();
    let ada_shift = s
        .clock_in(t, ada.id, "s", date(2026, 1, 1), start)
        .await
        .unwrap();
    let bo_shift = s
        .clock_in(t, bo.id, "s", date(2026, 1, 1), start + hours(1))
        .await
        .unwrap();
    save(
        &s,
        t,
        ada_shift.id,
        JobKind::Standup,
        &standup(&[true, false]),
        None,
    )
    .await;
    save(
        &s,
        t,
        bo_shift.id,
        JobKind::Standup,
        &standup(&[true, true]),
        None,
    )
    .await;
    let now = start + hours(2);

    let present = s.present_shifts(t, now).await.unwrap();
    let names: Vec<&str> = present.iter().map(|p| p.employee_name.as_str()).collect();
    assert_eq!(names, ["Ada", "Bo"], "earliest first");
    assert_eq!(present[0].shift.id, ada_shift.id);
    assert_eq!(present[0].shift.worked(now), hours(2));

    let missed = s
        .missed_standups(t, start, start + hours(24))
        .await
        .unwrap();
    assert_eq!(missed.len(), 1, "only the standup that left a task out");
    assert_eq!(
        (missed[0].shift_id, missed[0].employee_name.as_str()),
        (ada_shift.id, "Ada")
    );
    assert!(missed[0].result.contains(r#""mentioned":false"#));
    assert!(s
        .missed_standups(t, start + hours(24), start + hours(48))
        .await
        .unwrap()
        .is_empty());

    // Another company's board lists are empty.
    let b = company(&s, "b@b.test").await;
    assert!(s.present_shifts(&b.tenant, now).await.unwrap().is_empty());
    assert!(s
        .missed_standups(&b.tenant, start, start + hours(24))
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .unconfirmed_named(&b.tenant, now)
        .await
        .unwrap()
        .is_empty());
}

fn row<'a>(shift: ShiftId, analyzer: &'a str, provisional: bool, score: u8) -> NewAnalysis<'a> {
    NewAnalysis {
        shift,
        kind: JobKind::Report,
        analyzer,
        model: "m",
        prompt_version: 1,
        fallback: false,
        provisional,
        result: "{}",
        score: Some(score),
        breakdown: None,
    }
}

/// A provisional (local) result is written where nothing stands, listed on the board,
/// replaced in place by the final one, and never written over a final one.
async fn provisional_result_stands_until_a_final_one_replaces_it(s: Store) {
    let a = company(&s, "a@a.test").await;
    let t = &a.tenant;
    let ada = employee(&s, t, "Ada", "ADA-1").await;
    let sh = shift(&s, t, &ada, now(), hours(8)).await;
    assert!(s
        .save_analysis(t, row(sh, "local", true, 40), now())
        .await
        .unwrap());
    let listed = s.provisional_results(t).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].shift_id,
            listed[0].employee_name.as_str(),
            listed[0].kind.as_str(),
            listed[0].score
        ),
        (sh, "Ada", "report", Some(40))
    );
    // The final answer replaces it: same row, no longer provisional, gone from the board.
    assert!(s
        .save_analysis(t, row(sh, "claude", false, 70), now())
        .await
        .unwrap());
    let stored = s.analysis(t, sh, JobKind::Report).await.unwrap().unwrap();
    assert_eq!(
        (stored.analyzer.as_str(), stored.provisional, stored.score),
        ("claude", false, Some(70))
    );
    assert!(s.provisional_results(t).await.unwrap().is_empty());
    // A late provisional write (the final answer landed first) changes nothing.
    assert!(!s
        .save_analysis(t, row(sh, "local", true, 40), now())
        .await
        .unwrap());
    let stored = s.analysis(t, sh, JobKind::Report).await.unwrap().unwrap();
    assert_eq!(
        (stored.analyzer.as_str(), stored.provisional, stored.score),
        ("claude", false, Some(70))
    );
    assert_eq!(
        s.analyses_for(t, &[sh]).await.unwrap().len(),
        1,
        "one row per shift and kind"
    );
}
