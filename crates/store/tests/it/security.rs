//! Issue 14's storage parts: erasure and purge leave nothing about a person, clock links
//! expire, one-time links do not outlive their mail, idempotency records are per principal
//! and per body, and a rate-limit check that does not count.

use crate::{both, now};
use domain::{Email, EmployeeName, IdCode};
use jiff::civil::date;
use jiff::SignedDuration;
use store::{
    AuditEvent, IdempotencyKey, JobKind, NewAnalysis, NewCompany, NewMail, NewSummary, Principal,
    PurgeWhen, RequestKind, Store,
};

const DAY: SignedDuration = SignedDuration::from_hours(24);

async fn company(s: &Store, email: &str, name: &str) -> Principal {
    s.create_company(
        NewCompany {
            name,
            timezone: "UTC",
            owner_email: &Email::parse(email).unwrap(),
            owner_password_hash: "h",
        },
        now(),
    )
    .await
    .unwrap()
}

async fn person(s: &Store, p: &Principal, name: &str, code: &str) -> store::Employee {
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
    erasure_leaves_nothing_about_the_person_in_any_table,
    purge_leaves_nothing_about_the_company_in_any_table,
    clock_links_expire_and_a_new_one_replaces_the_old,
    mail_with_a_one_time_link_is_blanked_once_sent_and_dropped_once_expired,
    idempotency_records_belong_to_one_principal_and_one_body,
    peeking_at_a_rate_limit_does_not_count,
    employees_cannot_lengthen_an_auto_closed_shift_unchecked,
);

async fn erasure_leaves_nothing_about_the_person_in_any_table(s: Store) {
    let a = company(&s, "owner@a.test", "Acme").await;
    let t = &a.tenant;
    let e = person(&s, &a, "Zelda Quuxington", "ZQ-4711").await;
    let other = person(&s, &a, "Otto Other", "OO-1000").await;
    let kiosk = s.create_kiosk(t, "Door", now()).await.unwrap();
    let shift = s
        .clock_in(t, e.id, "standup", date(2026, 5, 1), now())
        .await
        .unwrap();
    s.clock_out(t, e.id, "report", now() + SignedDuration::from_hours(8))
        .await
        .unwrap();
    s.clock_in(t, other.id, "kept", date(2026, 5, 1), now())
        .await
        .unwrap();
    let seeded_shift = seed_personal_rows(&s, &a, &e, "ZQ-4711").await;
    // Wrong PINs against their code, a stored punch answer, their clock link, audit
    // entries naming them and their shift.
    s.record_failure(t, &store::code_lock_key(t, "ZQ-4711"), now())
        .await
        .unwrap();
    let body = format!(
        "{{\"shift_id\":\"{}\",\"employee_id\":\"{}\"}}",
        shift.id, e.id
    );
    s.store_idempotent_response(
        t,
        IdempotencyKey {
            principal: &format!("kiosk:{}", kiosk_id(&kiosk)),
            key: "clock-in:k1",
            request_hash: &[7; 32],
        },
        Some(e.id),
        201,
        &body,
        now(),
    )
    .await
    .unwrap();
    s.create_clock_link(t, e.id, &[9; 32], now(), now() + DAY)
        .await
        .unwrap();
    for detail in [
        e.id.to_string(),
        shift.id.to_string(),
        format!("{} -> viewer", e.id),
    ] {
        s.audit(
            Some(t),
            AuditEvent {
                action: "employee_updated",
                detail: &detail,
                actor: a.user_id(),
                ip: Some("192.0.2.1"),
            },
            now(),
        )
        .await
        .unwrap();
    }
    let needles = ["Zelda Quuxington", "ZQ-4711"];
    let ids = [e.id.0, shift.id.0, seeded_shift.0];
    let before = store::testing::find_anywhere(&s, &needles, &ids)
        .await
        .unwrap();
    for table in [
        "shifts",
        "analyses",
        "jobs",
        "idempotency",
        "lockouts",
        "clock_links",
        "audit_log",
        "employee_requests",
    ] {
        assert!(
            before.iter().any(|h| h.starts_with(&format!("{table}."))),
            "the search finds the person in {table} before the erasure: {before:?}"
        );
    }

    s.delete_employee(t, e.id).await.unwrap();

    let left = store::testing::find_anywhere(&s, &needles, &ids)
        .await
        .unwrap();
    assert!(left.is_empty(), "left after erasure: {left:?}");
    // The colleague and the audit entries themselves stay.
    assert!(
        !store::testing::find_anywhere(&s, &["Otto Other"], &[other.id.0])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s
        .audit_log(t, 10)
        .await
        .unwrap()
        .iter()
        .any(|a| a.detail == "erased -> viewer"));
}

fn kiosk_id(p: &Principal) -> String {
    match p.kind {
        store::PrincipalKind::Kiosk { kiosk_id } => kiosk_id.to_string(),
        _ => unreachable!(),
    }
}

/// Puts a row about the person into every table that holds their personal data, so a purge
/// or an erasure that forgot one would leave a finding: shift, analysis, job, stored punch
/// answer, lockout, a request they filed.
async fn seed_personal_rows(
    s: &Store,
    p: &Principal,
    e: &store::Employee,
    code: &str,
) -> domain::ShiftId {
    let t = &p.tenant;
    let shift = s
        .clock_in(
            t,
            e.id,
            "standup by Zelda Quuxington",
            date(2026, 5, 1),
            now(),
        )
        .await
        .unwrap();
    s.save_analysis(
        t,
        NewAnalysis {
            shift: shift.id,
            kind: JobKind::Standup,
            analyzer: "local",
            model: "m",
            prompt_version: 1,
            fallback: false,
            provisional: false,
            result: "{\"note\": \"Zelda Quuxington\"}",
            score: Some(50),
            breakdown: None,
        },
        now(),
    )
    .await
    .unwrap();
    s.enqueue_job(t, shift.id, JobKind::Report, now())
        .await
        .unwrap();
    s.store_idempotent_response(
        t,
        IdempotencyKey {
            principal: "user:x",
            key: &format!("clock-in:{code}"),
            request_hash: &[3; 32],
        },
        Some(e.id),
        201,
        &format!("{{\"employee_id\":\"{}\"}}", e.id),
        now(),
    )
    .await
    .unwrap();
    s.record_failure(t, &store::code_lock_key(t, code), now())
        .await
        .unwrap();
    s.create_request(
        t,
        e.id,
        Some(shift.id),
        RequestKind::Correction,
        "Zelda Quuxington left at five",
        now(),
    )
    .await
    .unwrap();
    shift.id
}

async fn purge_leaves_nothing_about_the_company_in_any_table(s: Store) {
    let a = company(&s, "zed.owner@purge.test", "Quuxcorp Unlimited").await;
    let keep = company(&s, "b@b.test", "Bystander").await;
    let t = &a.tenant;
    let e = person(&s, &a, "Zelda Quuxington", "ZQ-4711").await;
    let seeded_shift = seed_personal_rows(&s, &a, &e, "ZQ-4711").await;
    // A summary is anonymous by construction; this one names the company, as a model's
    // text might, and the purge must take it too.
    s.save_summary(
        t,
        NewSummary {
            week_start: "2026-04-27",
            figures: "{}",
            body: "A week at Quuxcorp Unlimited.",
            analyzer: "local",
            model: "m",
            fallback: false,
        },
        now(),
    )
    .await
    .unwrap();
    for key in [
        "login:acct:zed.owner@purge.test",
        "login:acct:zed.owner@purge.test:ip:192.0.2.1",
    ] {
        s.rate_hit(key, DAY, now()).await.unwrap();
    }
    s.enqueue_mail(
        Some(t),
        &NewMail {
            to: "zed.owner@purge.test",
            subject: "Quuxcorp Unlimited",
            text: "hello Zelda Quuxington",
            html: None,
            secret_until: None,
        },
        now(),
    )
    .await
    .unwrap();
    let needles = [
        "Quuxcorp Unlimited",
        "zed.owner@purge.test",
        "Zelda Quuxington",
        "ZQ-4711",
    ];
    // The shift's id finds the rows that hang off it (its job, its analysis).
    let ids = [e.id.0, a.user_id().unwrap().0, seeded_shift.0];
    let before = store::testing::find_anywhere(&s, &needles, &ids)
        .await
        .unwrap();
    for table in [
        "shifts",
        "analyses",
        "jobs",
        "idempotency",
        "summaries",
        "lockouts",
        "rate_limits",
        "outbox",
        "employee_requests",
    ] {
        assert!(
            before.iter().any(|h| h.starts_with(&format!("{table}."))),
            "the test seeds {table}: {before:?}"
        );
    }
    // The deletion confirmation is queued by the purge itself, to the owner.
    let farewell = NewMail {
        to: "zed.owner@purge.test",
        subject: "Your OmniTrack account has been deleted",
        text: "Quuxcorp Unlimited was deleted.",
        html: None,
        secret_until: Some(now() + 7 * DAY),
    };
    assert!(s
        .purge_company(t, PurgeWhen::OwnerRequest, now(), &[farewell])
        .await
        .unwrap());
    let left = store::testing::find_anywhere(&s, &needles, &ids)
        .await
        .unwrap();
    assert!(
        left.iter().all(|h| h.starts_with("outbox.")) && !left.is_empty(),
        "only the confirmation holds the address until it is sent: {left:?}"
    );
    let queued = s
        .claim_mail(now(), SignedDuration::from_secs(60), 10, None)
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0].to.as_str(), queued[0].company_id),
        ("zed.owner@purge.test", None)
    );
    s.mail_sent(queued[0].id, now()).await.unwrap();
    let left = store::testing::find_anywhere(&s, &needles, &ids)
        .await
        .unwrap();
    assert!(
        left.is_empty(),
        "left after the purge and its mail: {left:?}"
    );
    assert_eq!(s.company(&keep.tenant).await.unwrap().name, "Bystander");
}

async fn clock_links_expire_and_a_new_one_replaces_the_old(s: Store) {
    let a = company(&s, "a@a.test", "Acme").await;
    let e = person(&s, &a, "Ada", "E-001").await;
    s.create_clock_link(&a.tenant, e.id, &[1; 32], now(), now() + DAY)
        .await
        .unwrap();
    assert!(s.clock_link(&[1; 32], now()).await.unwrap().is_some());
    assert!(
        s.clock_link(&[1; 32], now() + DAY).await.unwrap().is_none(),
        "expired"
    );
    assert_eq!(
        s.clock_link_expiry(&a.tenant, e.id).await.unwrap(),
        Some(now() + DAY)
    );
    // Rotation: the new link works, the old one no longer.
    s.create_clock_link(&a.tenant, e.id, &[2; 32], now(), now() + DAY * 90)
        .await
        .unwrap();
    assert!(s.clock_link(&[1; 32], now()).await.unwrap().is_none());
    assert!(s
        .clock_link(&[2; 32], now() + DAY * 89)
        .await
        .unwrap()
        .is_some());
}

async fn mail_with_a_one_time_link_is_blanked_once_sent_and_dropped_once_expired(s: Store) {
    let mail = |subject: &'static str, secret| NewMail {
        to: "x@y.test",
        subject,
        text: "Choose a password: https://ot.test/invite/otl_secret",
        html: Some("<a href=\"https://ot.test/invite/otl_secret\">link</a>"),
        secret_until: secret,
    };
    let plain = s
        .enqueue_mail(None, &mail("receipt", None), now())
        .await
        .unwrap();
    let secret = s
        .enqueue_mail(None, &mail("invite", Some(now() + DAY * 3)), now())
        .await
        .unwrap();
    let unsent = s
        .enqueue_mail(
            None,
            &mail("reset", Some(now() + SignedDuration::from_hours(1))),
            now(),
        )
        .await
        .unwrap();
    for id in [plain, secret] {
        let claimed = s
            .claim_mail(now(), SignedDuration::from_secs(60), 10, Some(id))
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        s.mail_sent(id, now()).await.unwrap();
    }
    let all = s.outbox().await.unwrap();
    let row = |id| all.iter().find(|m| m.id == id).unwrap();
    assert!(
        row(plain).text.contains("otl_secret"),
        "ordinary mail keeps its text"
    );
    assert_eq!(row(secret).text, "");
    assert_eq!(row(secret).html, None);
    assert_eq!(row(secret).subject, "invite", "the envelope stays");
    assert!(row(unsent).text.contains("otl_secret"), "not delivered yet");

    // Two hours on: the reset link is dead, delivered or not; the rest stays for a week.
    let later = now() + SignedDuration::from_hours(2);
    let gone = s.prune_sent_mail(later - DAY * 7, later).await.unwrap();
    assert_eq!(gone, vec![unsent]);
    let gone = s
        .prune_sent_mail(now() + DAY * 4 - DAY * 7, now() + DAY * 4)
        .await
        .unwrap();
    assert_eq!(gone, vec![secret]);
    assert_eq!(
        s.mail_known(&[plain, secret, unsent]).await.unwrap(),
        vec![plain]
    );
}

async fn idempotency_records_belong_to_one_principal_and_one_body(s: Store) {
    let a = company(&s, "a@a.test", "Acme").await;
    let t = &a.tenant;
    let e = person(&s, &a, "Ada", "E-001").await;
    let key = |principal, hash| IdempotencyKey {
        principal,
        key: "clock-in:same",
        request_hash: hash,
    };
    s.store_idempotent_response(
        t,
        key("kiosk:1", &[1; 32]),
        Some(e.id),
        201,
        "{\"a\":1}",
        now(),
    )
    .await
    .unwrap();
    // Another device with the same key: its own record, not the first one's answer.
    assert_eq!(
        s.idempotent_response(t, key("kiosk:2", &[1; 32]))
            .await
            .unwrap(),
        None
    );
    s.store_idempotent_response(
        t,
        key("kiosk:2", &[2; 32]),
        Some(e.id),
        201,
        "{\"b\":2}",
        now(),
    )
    .await
    .unwrap();
    let first = s
        .idempotent_response(t, key("kiosk:1", &[1; 32]))
        .await
        .unwrap()
        .unwrap();
    assert!(first.same_request);
    assert_eq!((first.status, first.body.as_str()), (201, "{\"a\":1}"));
    let reused = s
        .idempotent_response(t, key("kiosk:1", &[3; 32]))
        .await
        .unwrap()
        .unwrap();
    assert!(!reused.same_request, "another body under the same key");
    // Erasing the employee removes the answers about them.
    s.delete_employee(t, e.id).await.unwrap();
    assert_eq!(
        s.idempotent_response(t, key("kiosk:1", &[1; 32]))
            .await
            .unwrap(),
        None
    );
}

async fn peeking_at_a_rate_limit_does_not_count(s: Store) {
    let w = SignedDuration::from_secs(900);
    assert_eq!(s.rate_peek("k", w, now()).await.unwrap().count, 0);
    s.rate_hit("k", w, now()).await.unwrap();
    s.rate_hit("k", w, now()).await.unwrap();
    for _ in 0..5 {
        assert_eq!(s.rate_peek("k", w, now()).await.unwrap().count, 2);
    }
    assert_eq!(s.rate_hit("k", w, now()).await.unwrap().count, 3);
    // A new window starts at zero.
    assert_eq!(s.rate_peek("k", w, now() + w).await.unwrap().count, 0);
}

async fn employees_cannot_lengthen_an_auto_closed_shift_unchecked(s: Store) {
    let a = company(&s, "a@a.test", "Acme").await;
    let t = &a.tenant;
    let e = person(&s, &a, "Ada", "E-001").await;
    let h = SignedDuration::from_hours;
    let start = now();
    // Forgotten twice; closed at the default 8 hours each time.
    let mut auto_closed = Vec::new();
    for day in 0..2 {
        let at = start + h(24 * day);
        s.clock_in(t, e.id, "s", date(2026, 5, 1), at)
            .await
            .unwrap();
        let closed = s.auto_close_overdue(at + h(17), h(16), h(8)).await.unwrap();
        auto_closed.push(closed[0].1);
    }
    let later = start + h(48);
    // Up to two hours past the automatic end: applied.
    let ok = s
        .confirm_shift_end(t, e.id, auto_closed[0], Some(start + h(10)), later)
        .await
        .unwrap();
    assert!(!ok.needs_approval);
    assert_eq!(ok.shift.clock_out_at, Some(start + h(10)));
    // "23:59": not applied; recorded and raised for a supervisor.
    let second = start + h(24);
    let asked = s
        .confirm_shift_end(
            t,
            e.id,
            auto_closed[1],
            Some(second + h(15) + SignedDuration::from_mins(59)),
            later,
        )
        .await
        .unwrap();
    assert!(asked.needs_approval);
    assert!(asked.shift.end_confirmed, "the employee is not asked again");
    assert_eq!(asked.shift.clock_out_at, Some(second + h(8)));
    let changes = s.shift_changes(t, auto_closed[1]).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field, "clock_out_at_requested");
    let alerts = s.kiosk_alerts(t, later, h(24)).await.unwrap();
    assert!(alerts
        .iter()
        .any(|a| a.kind == "end_correction" && a.detail.contains(&auto_closed[1].to_string())));
}
