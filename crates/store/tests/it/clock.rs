//! The store's clock paths on both engines: punches, breaks, corrections, approvals,
//! auto-close. (Long: the cases share one fixture company, kept together on purpose.)

use crate::{both, now};
use domain::{Email, EmployeeName, IdCode, TaskTitle};
use jiff::civil::date;
use jiff::SignedDuration;
use store::{
    EmployeeChanges, JobKind, NewAnalysis, NewCompany, Principal, ShiftCorrection, ShiftFilter,
    Store, StoreError, TaskState,
};

pub(crate) async fn company(s: &Store, email: &str) -> Principal {
    let email = Email::parse(email).unwrap();
    s.create_company(
        NewCompany {
            name: "Acme",
            timezone: "UTC",
            owner_email: &email,
            owner_password_hash: "h",
        },
        now(),
    )
    .await
    .unwrap()
}

pub(crate) async fn employee(s: &Store, p: &Principal, code: &str) -> store::Employee {
    s.create_employee(
        &p.tenant,
        &EmployeeName::parse("Ada").unwrap(),
        &IdCode::parse(code).unwrap(),
        None,
        now(),
    )
    .await
    .unwrap()
}

both!(
    id_codes_are_unique_per_company_only,
    concurrent_clock_ins_yield_one_shift,
    clock_out_needs_an_open_shift_and_breaks_are_excluded,
    corrections_are_audited_and_approved_weeks_locked,
    overdue_shifts_are_auto_closed_at_the_usual_length,
    lockouts_grow_and_clear,
    punches_can_claim_their_analysis_job,
    punches_return_what_was_stored,
    many_concurrent_punches_each_get_their_own_answer,
    employee_erasure_removes_everything_about_them,
    other_tenants_cannot_touch_clock_data,
);

async fn id_codes_are_unique_per_company_only(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    employee(&s, &a, "E-100").await;
    let dup = s
        .create_employee(
            &a.tenant,
            &EmployeeName::parse("Bo").unwrap(),
            &IdCode::parse("e-100").unwrap(),
            None,
            now(),
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict("id_code"))));
    employee(&s, &b, "E-100").await;
    assert_eq!(s.active_employee_count(&a.tenant).await.unwrap(), 1);
}

async fn concurrent_clock_ins_yield_one_shift(s: Store) {
    let a = company(&s, "a@a.test").await;
    let e = employee(&s, &a, "E-001").await;
    let mut handles = Vec::new();
    for _ in 0..20 {
        let (s, t) = (s.clone(), a.tenant);
        handles.push(tokio::spawn(async move {
            s.clock_in(&t, e.id, "standup", date(2026, 5, 1), now())
                .await
        }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict("open shift")) => {}
            Err(other) => panic!("unexpected: {other}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(
        s.shifts(&a.tenant, ShiftFilter::default(), now())
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn clock_out_needs_an_open_shift_and_breaks_are_excluded(s: Store) {
    let a = company(&s, "a@a.test").await;
    let e = employee(&s, &a, "E-001").await;
    assert!(matches!(
        s.clock_out(&a.tenant, e.id, "r", now()).await,
        Err(StoreError::NotFound)
    ));
    let t0 = now();
    s.clock_in(&a.tenant, e.id, "s", date(2026, 5, 1), t0)
        .await
        .unwrap();
    s.start_break(&a.tenant, e.id, t0 + SignedDuration::from_hours(2))
        .await
        .unwrap();
    assert!(matches!(
        s.start_break(&a.tenant, e.id, t0 + SignedDuration::from_hours(2))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let mid = s
        .end_break(&a.tenant, e.id, t0 + SignedDuration::from_mins(150))
        .await
        .unwrap();
    assert_eq!(mid.break_ms, 30 * 60_000);
    let done = s
        .clock_out(
            &a.tenant,
            e.id,
            "report",
            t0 + SignedDuration::from_hours(8),
        )
        .await
        .unwrap();
    assert_eq!(done.worked(t0).as_mins(), 7 * 60 + 30);
    assert_eq!(done.report.as_deref(), Some("report"));
    assert!(s
        .open_shift(&a.tenant, e.id, now())
        .await
        .unwrap()
        .is_none());
}

async fn corrections_are_audited_and_approved_weeks_locked(s: Store) {
    let a = company(&s, "a@a.test").await;
    let by = a.user_id().unwrap();
    let e = employee(&s, &a, "E-001").await;
    let t0 = jiff::Timestamp::from_second(1_780_000_000).unwrap();
    let day = domain::calendar::workday(t0, &jiff::tz::TimeZone::UTC);
    s.clock_in(&a.tenant, e.id, "s", day, t0).await.unwrap();
    let sh = s
        .clock_out(&a.tenant, e.id, "r", t0 + SignedDuration::from_hours(8))
        .await
        .unwrap();
    let fix = ShiftCorrection {
        clock_out_at: Some(t0 + SignedDuration::from_hours(9)),
        ..Default::default()
    };
    let bad = ShiftCorrection {
        clock_out_at: Some(t0 - SignedDuration::from_hours(1)),
        ..Default::default()
    };
    assert!(matches!(
        s.correct_shift(&a.tenant, sh.id, &bad, "oops", by, now())
            .await,
        Err(StoreError::Rule(_))
    ));
    let fixed = s
        .correct_shift(&a.tenant, sh.id, &fix, "forgot to clock out", by, now())
        .await
        .unwrap();
    assert!(fixed.corrected);
    let changes = s.shift_changes(&a.tenant, sh.id).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field, "clock_out_at");
    assert_eq!(changes[0].reason, "forgot to clock out");
    assert_eq!(changes[0].changed_by, Some(by));
    assert_eq!(
        changes[0].old_value.as_deref(),
        Some((t0 + SignedDuration::from_hours(8)).to_string().as_str())
    );
    let week = domain::calendar::week_start(day, jiff::civil::Weekday::Monday);
    assert_eq!(
        s.approve_week(&a.tenant, e.id, week, by, now())
            .await
            .unwrap(),
        1
    );
    assert!(s.week_approved(&a.tenant, e.id, week).await.unwrap());
    assert!(matches!(
        s.correct_shift(&a.tenant, sh.id, &fix, "again", by, now())
            .await,
        Err(StoreError::Rule(_))
    ));
    s.unlock_week(&a.tenant, e.id, week).await.unwrap();
    let fix2 = ShiftCorrection {
        standup: Some("better standup".into()),
        ..Default::default()
    };
    assert_eq!(
        s.correct_shift(&a.tenant, sh.id, &fix2, "typo", by, now())
            .await
            .unwrap()
            .standup,
        "better standup"
    );
}

async fn overdue_shifts_are_auto_closed_at_the_usual_length(s: Store) {
    let a = company(&s, "a@a.test").await;
    let e = employee(&s, &a, "E-001").await;
    let day = date(2026, 5, 1);
    let mut t = now();
    for len in [6, 7, 7] {
        s.clock_in(&a.tenant, e.id, "s", day, t).await.unwrap();
        s.clock_out(&a.tenant, e.id, "r", t + SignedDuration::from_hours(len))
            .await
            .unwrap();
        t += SignedDuration::from_hours(24);
    }
    s.clock_in(&a.tenant, e.id, "forgot", day, t).await.unwrap();
    let max = SignedDuration::from_hours(16);
    assert!(s
        .auto_close_overdue(
            t + SignedDuration::from_hours(15),
            max,
            SignedDuration::from_hours(8)
        )
        .await
        .unwrap()
        .is_empty());
    let closed = s
        .auto_close_overdue(
            t + SignedDuration::from_hours(17),
            max,
            SignedDuration::from_hours(8),
        )
        .await
        .unwrap();
    assert_eq!(closed.len(), 1);
    let sh = s.shift(&a.tenant, closed[0].1, now()).await.unwrap();
    assert!(sh.auto_closed && !sh.end_confirmed);
    assert_eq!(
        sh.clock_out_at,
        Some(t + SignedDuration::from_hours(7)),
        "median of 6, 7, 7"
    );
    assert_eq!(
        s.unconfirmed_shift(&a.tenant, e.id, now())
            .await
            .unwrap()
            .unwrap()
            .id,
        sh.id
    );
    let later = t + SignedDuration::from_hours(20);
    let fixed = s
        .confirm_shift_end(
            &a.tenant,
            e.id,
            sh.id,
            Some(t + SignedDuration::from_hours(9)),
            later,
        )
        .await
        .unwrap();
    assert!(fixed.shift.end_confirmed && !fixed.needs_approval);
    assert!(s
        .unconfirmed_shift(&a.tenant, e.id, later)
        .await
        .unwrap()
        .is_none());
    assert_eq!(s.shift_changes(&a.tenant, sh.id).await.unwrap().len(), 1);
    // Running again closes nothing twice.
    assert!(s
        .auto_close_overdue(later, max, SignedDuration::from_hours(8))
        .await
        .unwrap()
        .is_empty());
}

async fn lockouts_grow_and_clear(s: Store) {
    let a = company(&s, "a@a.test").await;
    let key = "kiosk:test";
    let t = now();
    for i in 1..=5 {
        let l = s.record_failure(&a.tenant, key, t).await.unwrap();
        assert_eq!((l.failures, l.locked_until), (i, None));
    }
    let l6 = s.record_failure(&a.tenant, key, t).await.unwrap();
    let l7 = s.record_failure(&a.tenant, key, t).await.unwrap();
    let d6 = l6.locked_until.unwrap().duration_since(t);
    let d7 = l7.locked_until.unwrap().duration_since(t);
    assert_eq!(d6, SignedDuration::from_secs(30));
    assert_eq!(
        d7,
        SignedDuration::from_secs(60),
        "each failure doubles the lock"
    );
    assert!(s.locked_until(key, t).await.unwrap().is_some());
    assert!(s
        .locked_until(key, t + SignedDuration::from_secs(61))
        .await
        .unwrap()
        .is_none());
    s.clear_failures(key).await.unwrap();
    assert_eq!(
        s.record_failure(&a.tenant, key, t).await.unwrap().failures,
        1
    );
}

/// The clock path's shortcuts: the job claimed in the punch's transaction, result and
/// job completion in one commit, both lockout checks in one query.
async fn punches_can_claim_their_analysis_job(s: Store) {
    let a = company(&s, "a@a.test").await;
    let e = employee(&s, &a, "E-001").await;
    let t = now();
    let lease = SignedDuration::from_secs(33);
    let (shift, job) = s
        .clock_in_claiming(&a.tenant, e.id, "s", date(2026, 5, 1), t, lease)
        .await
        .unwrap();
    let job = job.expect("the punch hands over its claimed job");
    assert_eq!(
        (job.shift_id, job.kind, job.attempts),
        (shift.id, JobKind::Standup, 0)
    );
    assert!(
        s.claim_jobs(t, lease, 10).await.unwrap().is_empty(),
        "a claimed job is not the worker's while its lease runs"
    );
    let taken = s
        .claim_jobs(t + SignedDuration::from_secs(34), lease, 10)
        .await
        .unwrap();
    assert_eq!(
        taken.len(),
        1,
        "an abandoned claim comes back to the worker"
    );
    assert_eq!(taken[0].id, job.id);
    let row = NewAnalysis {
        shift: shift.id,
        kind: JobKind::Standup,
        analyzer: "local",
        model: "m",
        prompt_version: 1,
        fallback: false,
        provisional: false,
        result: "{}",
        score: None,
        breakdown: None,
    };
    s.save_analysis_finishing(&job, row, t).await.unwrap();
    assert!(s
        .analysis(&a.tenant, shift.id, JobKind::Standup)
        .await
        .unwrap()
        .is_some());
    assert!(
        s.claim_jobs(t + SignedDuration::from_hours(1), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "a finished job is done for good"
    );
    let (out, job) = s
        .clock_out_claiming(&a.tenant, e.id, "r", t, lease)
        .await
        .unwrap();
    assert_eq!(out.id, shift.id);
    assert_eq!(job.unwrap().kind, JobKind::Report);
    // Without a claim the job waits for the worker, as before.
    s.clock_in(&a.tenant, e.id, "s", date(2026, 5, 2), t)
        .await
        .unwrap();
    assert_eq!(s.claim_jobs(t, lease, 10).await.unwrap().len(), 1);

    let code_key = "code:x:E-001";
    assert!(s.lockouts(&["kiosk:k", code_key]).await.unwrap().is_empty());
    s.record_failure(&a.tenant, code_key, t).await.unwrap();
    let rows = s.lockouts(&["kiosk:k", code_key]).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, code_key);
    assert!(rows[0].1 <= t, "one failure does not lock");
}

async fn employee_erasure_removes_everything_about_them(s: Store) {
    let a = company(&s, "a@a.test").await;
    let e = employee(&s, &a, "E-001").await;
    let keep = employee(&s, &a, "E-002").await;
    s.create_task(
        &a.tenant,
        e.id,
        &TaskTitle::parse("Fix login").unwrap(),
        None,
        None,
        now(),
    )
    .await
    .unwrap();
    s.clock_in(&a.tenant, e.id, "secret standup", date(2026, 5, 1), now())
        .await
        .unwrap();
    s.start_break(&a.tenant, e.id, now()).await.unwrap();
    s.clock_in(&a.tenant, keep.id, "kept", date(2026, 5, 1), now())
        .await
        .unwrap();
    s.delete_employee(&a.tenant, e.id).await.unwrap();
    assert!(matches!(
        s.employee(&a.tenant, e.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(s.tasks(&a.tenant, None, None).await.unwrap().is_empty());
    let left = s
        .shifts(&a.tenant, ShiftFilter::default(), now())
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].standup, "kept");
    // Deactivation is the non-destructive alternative.
    let off = s
        .update_employee(
            &a.tenant,
            keep.id,
            EmployeeChanges {
                active: Some(false),
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert!(!off.active);
    assert_eq!(s.employees(&a.tenant, false).await.unwrap().len(), 0);
    assert_eq!(s.employees(&a.tenant, true).await.unwrap().len(), 1);
    assert_eq!(
        s.tasks(&a.tenant, None, Some(TaskState::Open))
            .await
            .unwrap()
            .len(),
        0
    );
}

async fn other_tenants_cannot_touch_clock_data(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    let e = employee(&s, &a, "E-001").await;
    let sh = s
        .clock_in(&a.tenant, e.id, "s", date(2026, 5, 1), now())
        .await
        .unwrap();
    let task = s
        .create_task(
            &a.tenant,
            e.id,
            &TaskTitle::parse("T").unwrap(),
            None,
            None,
            now(),
        )
        .await
        .unwrap();
    assert!(matches!(
        s.employee(&b.tenant, e.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.shift(&b.tenant, sh.id, now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.task(&b.tenant, task.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.delete_employee(&b.tenant, e.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.clock_out(&b.tenant, e.id, "r", now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.create_task(
            &b.tenant,
            e.id,
            &TaskTitle::parse("T").unwrap(),
            None,
            None,
            now()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    let by = b.user_id().unwrap();
    assert!(matches!(
        s.correct_shift(
            &b.tenant,
            sh.id,
            &ShiftCorrection::default(),
            "x",
            by,
            now()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert!(s
        .open_shift(&a.tenant, e.id, now())
        .await
        .unwrap()
        .is_some());
}

/// The shift a punch returns is built from what it wrote (clock-in) or read inside its
/// transaction (clock-out); it must equal a fresh read, including a break closed by the
/// clock-out.
async fn punches_return_what_was_stored(s: Store) {
    let a = company(&s, "a@a.test").await;
    let e = employee(&s, &a, "E-001").await;
    // Sub-millisecond digits: instants are stored in whole milliseconds.
    let t0 = now() + SignedDuration::from_micros(123);
    let opened = s
        .clock_in(&a.tenant, e.id, "plan", date(2026, 5, 1), t0)
        .await
        .unwrap();
    assert_eq!(opened, s.shift(&a.tenant, opened.id, t0).await.unwrap());
    s.start_break(&a.tenant, e.id, t0 + SignedDuration::from_hours(3))
        .await
        .unwrap();
    let end = t0 + SignedDuration::from_hours(4);
    let closed = s.clock_out(&a.tenant, e.id, "done", end).await.unwrap();
    assert!(!closed.on_break, "clocking out ends the break");
    assert_eq!(closed.break_ms, 60 * 60_000);
    assert_eq!(closed, s.shift(&a.tenant, closed.id, end).await.unwrap());
}

/// Concurrent punches of many employees (batched into shared transactions on SQLite):
/// each caller gets its own shift or its own conflict, and exactly what was acknowledged
/// is stored.
async fn many_concurrent_punches_each_get_their_own_answer(s: Store) {
    let a = company(&s, "a@a.test").await;
    let mut people = Vec::new();
    for i in 0..40 {
        people.push(employee(&s, &a, &format!("E-{i:03}")).await);
    }
    let mut handles = Vec::new();
    for (i, e) in people.iter().enumerate() {
        // Every employee twice: one of the pair must be refused.
        for _ in 0..2 {
            let (s, t, id) = (s.clone(), a.tenant, e.id);
            handles.push(tokio::spawn(async move {
                (
                    id,
                    s.clock_in(&t, id, &format!("standup {i}"), date(2026, 5, 1), now())
                        .await,
                )
            }));
        }
    }
    let mut opened = std::collections::HashMap::new();
    let mut refused = 0;
    for h in handles {
        match h.await.unwrap() {
            (id, Ok(shift)) => {
                assert_eq!(shift.employee_id, id);
                assert!(
                    opened.insert(id, shift.id).is_none(),
                    "two shifts for one person"
                );
            }
            (_, Err(StoreError::Conflict("open shift"))) => refused += 1,
            (_, Err(other)) => panic!("unexpected: {other}"),
        }
    }
    assert_eq!((opened.len(), refused), (40, 40));
    let stored = s
        .shifts(&a.tenant, ShiftFilter::default(), now())
        .await
        .unwrap();
    assert_eq!(stored.len(), 40);
    for sh in stored {
        assert_eq!(opened.get(&sh.employee_id), Some(&sh.id));
    }
}
