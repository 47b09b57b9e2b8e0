//! Cancellation, reactivation, reminders and the purge, on both databases.

use crate::clock::company;
use crate::{both, now};
use domain::{Email, EmployeeName, IdCode, Role};
use jiff::{SignedDuration, Timestamp};
use store::{
    AuditEvent, NewInvite, NewMail, Principal, PurgeWhen, Store, StoreError, SubscriptionUpdate,
    PURGE_KEEPS,
};

const DAY: SignedDuration = SignedDuration::from_hours(24);

/// Puts a row into as many company tables as the public API reaches.
async fn fill(s: &Store, p: &Principal, tag: u8) {
    let t = &p.tenant;
    s.create_session(p, &[tag; 32], "csrf", Default::default(), now())
        .await
        .unwrap();
    s.create_api_token(p, "cli", &[tag + 1; 32], now())
        .await
        .unwrap();
    let invitee = Email::parse(&format!("inv{tag}@x.test")).unwrap();
    s.create_invite(
        t,
        NewInvite {
            email: &invitee,
            role: Role::Viewer,
            token_hash: &[tag + 2; 32],
            invited_by: p.user_id().unwrap(),
            expires_at: now() + DAY,
        },
        now(),
    )
    .await
    .unwrap();
    let email = s.users(t).await.unwrap()[0].email.clone();
    let login = s
        .login_user(&Email::parse(&email).unwrap())
        .await
        .unwrap()
        .unwrap();
    s.create_password_reset(&login, &[tag + 3; 32], now(), now() + DAY)
        .await
        .unwrap();
    s.audit(
        Some(t),
        AuditEvent {
            action: "login",
            detail: "",
            actor: p.user_id(),
            ip: Some("127.0.0.1"),
        },
        now(),
    )
    .await
    .unwrap();
    s.create_employee(
        t,
        &EmployeeName::parse("Ada Lovelace").unwrap(),
        &IdCode::parse(&format!("AB-{tag}0")).unwrap(),
        None,
        now(),
    )
    .await
    .unwrap();
    s.enqueue_mail(
        Some(t),
        &NewMail {
            to: &email,
            subject: "hello",
            text: "text",
            html: None,
            secret_until: None,
        },
        now(),
    )
    .await
    .unwrap();
    let sub = format!("sub_{tag}");
    s.apply_checkout_completed(
        &format!("evt_c{tag}"),
        t,
        &format!("cus_{tag}"),
        &sub,
        now(),
    )
    .await
    .unwrap();
    s.apply_subscription_event(
        &format!("evt_s{tag}"),
        1,
        t,
        &SubscriptionUpdate {
            customer_id: &format!("cus_{tag}"),
            subscription_id: &sub,
            item_id: Some("si_1"),
            status: "active",
            seats: 3,
            current_period_end: None,
            cancel_at_period_end: false,
        },
        now(),
    )
    .await
    .unwrap();
    s.rate_hit(&format!("login:acct:{email}"), DAY, now())
        .await
        .unwrap();
}

both!(
    purge_deletes_every_company_row_in_every_table,
    cancel_keeps_dates_and_reactivate_restores,
    purge_reminder_is_sent_once,
    owner_request_purges_at_once,
);

async fn purge_deletes_every_company_row_in_every_table(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    fill(&s, &a, 10).await;
    fill(&s, &b, 20).await;
    let a_id = a.tenant.company_id();
    let b_before = s.company_row_counts(b.tenant.company_id()).await.unwrap();
    let a_before = s.company_row_counts(a_id).await.unwrap();
    for table in [
        "users",
        "sessions",
        "api_tokens",
        "invites",
        "password_resets",
        "audit_log",
        "employees",
        "outbox",
        "subscriptions",
        "stripe_events",
        "companies",
    ] {
        let n = a_before.iter().find(|(t, _)| t == table).map(|(_, n)| *n);
        assert!(
            n.unwrap_or(0) >= 1,
            "test data missing in {table}: {a_before:?}"
        );
    }

    let purge_at = now() + 30 * DAY;
    s.cancel_company(&a.tenant, now(), purge_at).await.unwrap();
    // Not due yet: nothing happens.
    assert!(s
        .companies_due_for_purge(now() + 29 * DAY)
        .await
        .unwrap()
        .is_empty());
    assert!(!s
        .purge_company(&a.tenant, PurgeWhen::DueBy(now() + 29 * DAY), now(), &[])
        .await
        .unwrap());
    assert_eq!(s.company_row_counts(a_id).await.unwrap(), a_before);
    // Due.
    let due = s.companies_due_for_purge(purge_at).await.unwrap();
    assert_eq!(due, vec![a.tenant]);
    assert!(s
        .purge_company(&a.tenant, PurgeWhen::DueBy(purge_at), purge_at, &[])
        .await
        .unwrap());
    for (table, n) in s.company_row_counts(a_id).await.unwrap() {
        if PURGE_KEEPS.contains(&table.as_str()) {
            assert_eq!(n, 1, "{table} keeps exactly the tombstone");
        } else {
            assert_eq!(n, 0, "{table} still holds rows of the purged company");
        }
    }
    let tomb = s.tombstone(a_id).await.unwrap().unwrap();
    assert_eq!(tomb.reason, "retention_expired");
    assert_eq!(tomb.canceled_at, Some(now()));
    // The other company is untouched.
    assert_eq!(
        s.company_row_counts(b.tenant.company_id()).await.unwrap(),
        b_before
    );
    assert!(s
        .login_user(&Email::parse("a@a.test").unwrap())
        .await
        .unwrap()
        .is_none());
    // The login counter naming the address went too; B's stayed.
    let hit = s.rate_hit("login:acct:a@a.test", DAY, now()).await.unwrap();
    assert_eq!(hit.count, 1);
    let hit = s.rate_hit("login:acct:b@b.test", DAY, now()).await.unwrap();
    assert_eq!(hit.count, 2);
    // Rerunning is harmless.
    assert!(!s
        .purge_company(&a.tenant, PurgeWhen::DueBy(purge_at), purge_at, &[])
        .await
        .unwrap());
    assert!(s
        .companies_due_for_purge(purge_at + DAY)
        .await
        .unwrap()
        .is_empty());
}

async fn cancel_keeps_dates_and_reactivate_restores(s: Store) {
    let a = company(&s, "a@a.test").await;
    fill(&s, &a, 30).await;
    let before = s.company_row_counts(a.tenant.company_id()).await.unwrap();
    let c = s
        .cancel_company(&a.tenant, now(), now() + 30 * DAY)
        .await
        .unwrap();
    assert_eq!(c.status, "canceled");
    assert_eq!(c.purge_at, Some(now() + 30 * DAY));
    // A second cancel (double submit) does not move the dates.
    let c2 = s
        .cancel_company(&a.tenant, now() + DAY, now() + 31 * DAY)
        .await
        .unwrap();
    assert_eq!(c2.purge_at, c.purge_at);
    let r = s.reactivate_company(&a.tenant).await.unwrap();
    assert_eq!(r.status, "active");
    assert_eq!(r.purge_at, None);
    assert_eq!(
        s.company_row_counts(a.tenant.company_id()).await.unwrap(),
        before
    );
    assert!(matches!(
        s.reactivate_company(&a.tenant).await,
        Err(StoreError::Rule(_))
    ));
    // Reactivated: a purge run after the old date does nothing.
    assert!(!s
        .purge_company(&a.tenant, PurgeWhen::DueBy(now() + 40 * DAY), now(), &[])
        .await
        .unwrap());
}

async fn purge_reminder_is_sent_once(s: Store) {
    let a = company(&s, "a@a.test").await;
    let purge_at = now() + 30 * DAY;
    s.cancel_company(&a.tenant, now(), purge_at).await.unwrap();
    let horizon = |t: Timestamp| t + 7 * DAY;
    assert!(s
        .companies_due_for_reminder(now(), horizon(now()))
        .await
        .unwrap()
        .is_empty());
    let at = now() + 23 * DAY + SignedDuration::from_hours(1);
    let due = s.companies_due_for_reminder(at, horizon(at)).await.unwrap();
    assert_eq!(due, vec![(a.tenant, purge_at)]);
    let mail = NewMail {
        to: "a@a.test",
        subject: "reminder",
        text: "t",
        html: Some("<p>t</p>"),
        secret_until: None,
    };
    assert!(s
        .send_purge_reminder(&a.tenant, std::slice::from_ref(&mail), at)
        .await
        .unwrap());
    assert!(!s.send_purge_reminder(&a.tenant, &[mail], at).await.unwrap());
    assert!(s
        .companies_due_for_reminder(at, horizon(at))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(s.outbox().await.unwrap().len(), 1);
}

async fn owner_request_purges_at_once(s: Store) {
    let a = company(&s, "a@a.test").await;
    fill(&s, &a, 40).await;
    assert!(s
        .purge_company(&a.tenant, PurgeWhen::OwnerRequest, now(), &[])
        .await
        .unwrap());
    let left: i64 = s
        .company_row_counts(a.tenant.company_id())
        .await
        .unwrap()
        .iter()
        .filter(|(t, _)| !PURGE_KEEPS.contains(&t.as_str()))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(left, 0);
    assert_eq!(
        s.tombstone(a.tenant.company_id())
            .await
            .unwrap()
            .unwrap()
            .reason,
        "owner_request"
    );
}
