//! Webhook bookkeeping and the mail outbox, on both databases.

use crate::clock::company;
use crate::{both, now};
use jiff::SignedDuration;
use store::{EventOutcome, NewMail, Store, SubscriptionUpdate};

fn update(status: &str, seats: u32) -> SubscriptionUpdate<'_> {
    SubscriptionUpdate {
        customer_id: "cus_1",
        subscription_id: "sub_1",
        item_id: Some("si_1"),
        status,
        seats,
        current_period_end: Some(1_800_000_000),
        cancel_at_period_end: false,
    }
}

both!(
    subscription_events_are_deduplicated_and_ordered,
    webhook_company_is_resolved_from_ids,
    outbox_claims_retries_and_marks_sent,
);

async fn subscription_events_are_deduplicated_and_ordered(s: Store) {
    let a = company(&s, "a@a.test").await;
    let t = &a.tenant;
    assert_eq!(
        s.apply_checkout_completed("evt_1", t, "cus_1", "sub_1", now())
            .await
            .unwrap(),
        EventOutcome::Applied
    );
    assert_eq!(
        s.apply_checkout_completed("evt_1", t, "cus_1", "sub_1", now())
            .await
            .unwrap(),
        EventOutcome::Duplicate
    );
    let sub = s.subscription(t).await.unwrap().unwrap();
    assert_eq!(sub.status, "incomplete");
    assert_eq!(sub.subscription_id.as_deref(), Some("sub_1"));

    let apply = |id: &'static str, created: i64, status: &'static str, seats: u32| {
        let s = s.clone();
        let t = *t;
        async move {
            s.apply_subscription_event(id, created, &t, &update(status, seats), now())
                .await
                .unwrap()
        }
    };
    assert_eq!(
        apply("evt_2", 100, "active", 3).await,
        EventOutcome::Applied
    );
    // Older event arriving late: ignored.
    assert_eq!(
        apply("evt_3", 90, "incomplete", 1).await,
        EventOutcome::Stale
    );
    assert_eq!(
        apply("evt_2", 100, "active", 3).await,
        EventOutcome::Duplicate
    );
    let sub = s.subscription(t).await.unwrap().unwrap();
    assert_eq!((sub.status.as_str(), sub.seats), ("active", 3));
    assert_eq!(sub.item_id.as_deref(), Some("si_1"));

    // past_due remembers when it started, across further past_due updates.
    assert_eq!(
        apply("evt_4", 200, "past_due", 3).await,
        EventOutcome::Applied
    );
    assert_eq!(
        apply("evt_5", 300, "past_due", 4).await,
        EventOutcome::Applied
    );
    let sub = s.subscription(t).await.unwrap().unwrap();
    assert_eq!(sub.past_due_since.map(|t| t.as_second()), Some(200));
    assert_eq!(sub.seats, 4);
    assert_eq!(
        apply("evt_6", 400, "active", 4).await,
        EventOutcome::Applied
    );
    assert_eq!(
        s.subscription(t).await.unwrap().unwrap().past_due_since,
        None
    );

    // Canceled is final for that subscription, whatever arrives later.
    assert_eq!(
        apply("evt_7", 500, "canceled", 4).await,
        EventOutcome::Applied
    );
    assert_eq!(apply("evt_8", 600, "active", 4).await, EventOutcome::Stale);
    assert_eq!(s.subscription(t).await.unwrap().unwrap().status, "canceled");
    // A new checkout after cancellation starts over with the new subscription.
    assert_eq!(
        s.apply_checkout_completed("evt_9", t, "cus_1", "sub_2", now())
            .await
            .unwrap(),
        EventOutcome::Applied
    );
    let sub = s.subscription(t).await.unwrap().unwrap();
    assert_eq!(
        (sub.subscription_id.as_deref(), sub.status.as_str()),
        (Some("sub_2"), "incomplete")
    );

    // Plain events: recorded once, with their mail queued once.
    let mail = NewMail {
        to: "a@a.test",
        subject: "Receipt",
        text: "paid",
        html: None,
        secret_until: None,
    };
    for _ in 0..3 {
        s.record_stripe_event("evt_inv", Some(t), std::slice::from_ref(&mail), now())
            .await
            .unwrap();
    }
    assert_eq!(s.outbox().await.unwrap().len(), 1);
}

async fn webhook_company_is_resolved_from_ids(s: Store) {
    let a = company(&s, "a@a.test").await;
    let id = a.tenant.company_id().to_string();
    assert_eq!(
        s.tenant_for_stripe(Some(&id), None, None).await.unwrap(),
        Some(a.tenant)
    );
    assert_eq!(
        s.tenant_for_stripe(Some("company_42"), None, None)
            .await
            .unwrap(),
        None
    );
    let ghost = uuid::Uuid::now_v7().to_string();
    assert_eq!(
        s.tenant_for_stripe(Some(&ghost), Some("sub_1"), None)
            .await
            .unwrap(),
        None
    );
    s.apply_checkout_completed("evt_1", &a.tenant, "cus_1", "sub_1", now())
        .await
        .unwrap();
    assert_eq!(
        s.tenant_for_stripe(None, Some("sub_1"), None)
            .await
            .unwrap(),
        Some(a.tenant)
    );
    assert_eq!(
        s.tenant_for_stripe(None, None, Some("cus_1"))
            .await
            .unwrap(),
        Some(a.tenant)
    );
    assert_eq!(
        s.tenant_for_stripe(None, Some("sub_x"), Some("cus_x"))
            .await
            .unwrap(),
        None
    );
}

async fn outbox_claims_retries_and_marks_sent(s: Store) {
    let lease = SignedDuration::from_secs(60);
    let m = |subject: &'static str| NewMail {
        to: "x@y.test",
        subject,
        text: "t",
        html: Some("<p>t</p>"),
        secret_until: None,
    };
    let first = s.enqueue_mail(None, &m("one"), now()).await.unwrap();
    let second = s.enqueue_mail(None, &m("two"), now()).await.unwrap();
    // Claim just one by id.
    let claimed = s.claim_mail(now(), lease, 10, Some(second)).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id, second);
    assert_eq!(claimed[0].attempts, 1);
    // A second worker gets only what is not leased.
    let rest = s.claim_mail(now(), lease, 10, None).await.unwrap();
    assert_eq!(rest.iter().map(|m| m.id).collect::<Vec<_>>(), vec![first]);
    assert!(s
        .claim_mail(now(), lease, 10, None)
        .await
        .unwrap()
        .is_empty());
    // Failure: retried at the given time, error kept.
    let retry = now() + SignedDuration::from_secs(30);
    s.mail_failed(first, "connection refused", Some(retry))
        .await
        .unwrap();
    assert!(s
        .claim_mail(now(), lease, 10, Some(first))
        .await
        .unwrap()
        .is_empty());
    let again = s.claim_mail(retry, lease, 10, None).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].last_error.as_deref(), Some("connection refused"));
    s.mail_sent(first, retry).await.unwrap();
    // A lease that runs out (worker died) makes the row claimable again.
    let later = now() + SignedDuration::from_secs(120);
    let stolen = s.claim_mail(later, lease, 10, None).await.unwrap();
    assert_eq!(
        stolen.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![second]
    );
    s.mail_sent(second, later).await.unwrap();
    // Sent mail is never claimed again; permanent failures neither.
    assert!(s
        .claim_mail(later + lease * 10, lease, 10, None)
        .await
        .unwrap()
        .is_empty());
    let third = s.enqueue_mail(None, &m("three"), now()).await.unwrap();
    s.claim_mail(later, lease, 10, Some(third)).await.unwrap();
    s.mail_failed(third, "550 no such user", None)
        .await
        .unwrap();
    assert!(s
        .claim_mail(later + lease * 100, lease, 10, None)
        .await
        .unwrap()
        .is_empty());
    let all = s.outbox().await.unwrap();
    assert_eq!(all.iter().filter(|m| m.sent_at.is_some()).count(), 2);
    assert_eq!(
        s.prune_sent_mail(later + lease, later + lease)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(s.outbox().await.unwrap().len(), 1);
}
