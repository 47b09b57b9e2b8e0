//! Report reads: keyset-paged exports, weekly summaries (once per week), the weekly target,
//! unconfirmed shifts, approvals — each scoped to its company.

use crate::{both, now};
use domain::{Email, EmployeeName, IdCode};
use jiff::SignedDuration;
use store::{ExportCursor, NewCompany, NewSummary, Principal, ShiftFilter, Store, StoreError};

async fn company(s: &Store, email: &str) -> Principal {
    let email = Email::parse(email).unwrap();
    s.create_company(
        NewCompany {
            name: "Acme",
            timezone: "Europe/Berlin",
            owner_email: &email,
            owner_password_hash: "h",
        },
        now(),
    )
    .await
    .unwrap()
}

async fn employee(s: &Store, p: &Principal, name: &str, code: &str) -> store::Employee {
    s.create_employee(
        &p.tenant,
        &EmployeeName::parse(name).unwrap(),
        &IdCode::parse(code).unwrap(),
        None,
        now(),
    )
    .await
    .unwrap()
}

both!(
    export_pages_cover_every_shift_once_in_order,
    summaries_are_stored_once_per_week_and_company,
    weekly_target_defaults_to_40_hours_and_is_validated,
    unconfirmed_shifts_and_approvals_are_listed,
);

async fn export_pages_cover_every_shift_once_in_order(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    let ada = employee(&s, &a, "Ada", "ADA-1").await;
    let bo = employee(&s, &a, "Bo", "BO-01").await;
    let other = employee(&s, &b, "Other", "OT-01").await;
    let mut t = now();
    for i in 0..5 {
        for e in [&ada, &bo] {
            // Same clock-in instant for both: the id breaks the tie in the keyset.
            s.clock_in(
                &a.tenant,
                e.id,
                &format!("standup {i}"),
                jiff::civil::date(2026, 1, 1),
                t,
            )
            .await
            .unwrap();
            s.clock_out(
                &a.tenant,
                e.id,
                "report",
                t.checked_add(SignedDuration::from_hours(8)).unwrap(),
            )
            .await
            .unwrap();
        }
        s.clock_in(&b.tenant, other.id, "x", jiff::civil::date(2026, 1, 1), t)
            .await
            .unwrap();
        s.clock_out(
            &b.tenant,
            other.id,
            "y",
            t.checked_add(SignedDuration::from_hours(8)).unwrap(),
        )
        .await
        .unwrap();
        t = t.checked_add(SignedDuration::from_hours(24)).unwrap();
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .export_shifts(&a.tenant, ShiftFilter::default(), after, 3, t)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        let last = page.last().unwrap();
        after = Some(ExportCursor {
            clock_in_at: last.shift.clock_in_at,
            id: last.shift.id,
        });
        seen.extend(page);
    }
    assert_eq!(
        seen.len(),
        10,
        "every shift of the company once, none of the other's"
    );
    assert!(
        seen.windows(2)
            .all(|w| (w[0].shift.clock_in_at, w[0].shift.id)
                < (w[1].shift.clock_in_at, w[1].shift.id))
    );
    assert!(seen
        .iter()
        .all(|r| r.employee_name == "Ada" || r.employee_name == "Bo"));
    assert_eq!(seen[0].shift.break_ms, 0);
    // Filters: one employee, a time range.
    let f = ShiftFilter {
        employee: Some(bo.id),
        ..Default::default()
    };
    let only_bo = s.export_shifts(&a.tenant, f, None, 100, t).await.unwrap();
    assert_eq!(only_bo.len(), 5);
    assert!(only_bo.iter().all(|r| r.employee_code == "BO-01"));
    let f = ShiftFilter {
        from: Some(now().checked_add(SignedDuration::from_hours(24)).unwrap()),
        to: None,
        employee: None,
    };
    assert_eq!(
        s.export_shifts(&a.tenant, f, None, 100, t)
            .await
            .unwrap()
            .len(),
        8
    );
    // Another company's employee filter finds nothing.
    let f = ShiftFilter {
        employee: Some(other.id),
        ..Default::default()
    };
    assert!(s
        .export_shifts(&a.tenant, f, None, 100, t)
        .await
        .unwrap()
        .is_empty());
}

async fn summaries_are_stored_once_per_week_and_company(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    let new = |body: &'static str| NewSummary {
        week_start: "2026-03-02",
        figures: "{}",
        body,
        analyzer: "local",
        model: "m",
        fallback: false,
    };
    let id = s
        .save_summary(&a.tenant, new("first"), now())
        .await
        .unwrap()
        .expect("stored");
    assert!(
        s.save_summary(&a.tenant, new("second"), now())
            .await
            .unwrap()
            .is_none(),
        "one per week"
    );
    assert!(
        s.save_summary(&b.tenant, new("b's"), now())
            .await
            .unwrap()
            .is_some(),
        "per company"
    );
    assert_eq!(s.summary(&a.tenant, id).await.unwrap().body, "first");
    assert!(matches!(
        s.summary(&b.tenant, id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(s.summaries(&a.tenant, 10).await.unwrap().len(), 1);
    assert!(s
        .summary_for_week(&a.tenant, "2026-03-02")
        .await
        .unwrap()
        .is_some());
    assert!(s
        .summary_for_week(&a.tenant, "2026-03-09")
        .await
        .unwrap()
        .is_none());
    let companies = s.report_companies().await.unwrap();
    assert_eq!(companies.len(), 2);
    assert_eq!(companies[0].week_start, 1);
    assert_eq!(companies[0].timezone, "Europe/Berlin");
}

async fn weekly_target_defaults_to_40_hours_and_is_validated(s: Store) {
    let a = company(&s, "a@a.test").await;
    assert_eq!(s.weekly_target_minutes(&a.tenant).await.unwrap(), 2400);
    s.set_weekly_target_minutes(&a.tenant, 37 * 60 + 30)
        .await
        .unwrap();
    assert_eq!(s.weekly_target_minutes(&a.tenant).await.unwrap(), 2250);
    assert!(matches!(
        s.set_weekly_target_minutes(&a.tenant, -1).await,
        Err(StoreError::Rule(_))
    ));
    assert!(matches!(
        s.set_weekly_target_minutes(&a.tenant, 169 * 60).await,
        Err(StoreError::Rule(_))
    ));
}

async fn unconfirmed_shifts_and_approvals_are_listed(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    let ada = employee(&s, &a, "Ada", "ADA-1").await;
    let other = employee(&s, &b, "Other", "OT-01").await;
    s.clock_in(&a.tenant, ada.id, "x", jiff::civil::date(2026, 1, 1), now())
        .await
        .unwrap();
    s.clock_in(
        &b.tenant,
        other.id,
        "x",
        jiff::civil::date(2026, 1, 1),
        now(),
    )
    .await
    .unwrap();
    let later = now().checked_add(SignedDuration::from_hours(20)).unwrap();
    let closed = s
        .auto_close_overdue(
            later,
            SignedDuration::from_hours(16),
            SignedDuration::from_hours(8),
        )
        .await
        .unwrap();
    assert_eq!(closed.len(), 2);
    let un = s.unconfirmed_shifts(&a.tenant, later).await.unwrap();
    assert_eq!(un.len(), 1);
    assert_eq!(un[0].employee_id, ada.id);
    assert!(un[0].auto_closed && !un[0].end_confirmed);

    let user = match &a.kind {
        store::PrincipalKind::User { user_id, .. } => *user_id,
        _ => unreachable!(),
    };
    s.approve_week(
        &a.tenant,
        ada.id,
        jiff::civil::date(2025, 12, 29),
        user,
        later,
    )
    .await
    .unwrap();
    let ap = s
        .approvals_between(&a.tenant, "2025-12-01", "2026-01-31")
        .await
        .unwrap();
    assert_eq!(ap, vec![(ada.id, "2025-12-29".to_string())]);
    assert!(s
        .approvals_between(&b.tenant, "2025-12-01", "2026-01-31")
        .await
        .unwrap()
        .is_empty());
    assert!(s
        .approvals_between(&a.tenant, "2026-02-01", "2026-02-28")
        .await
        .unwrap()
        .is_empty());
}
