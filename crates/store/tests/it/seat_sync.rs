//! The seat-sync queue on both databases: coalescing, leases, a change during a run, retry
//! and refusal, and which companies the daily reconcile reads.

use crate::clock::company;
use crate::{both, now};
use jiff::SignedDuration;
use store::{Store, SubscriptionUpdate};

both!(
    requests_coalesce_and_a_change_during_a_run_is_not_lost,
    failures_retry_later_or_stay_refused_until_the_next_change,
    reconcile_reads_only_live_subscriptions_of_active_companies,
);

const LEASE: SignedDuration = SignedDuration::from_mins(2);

async fn requests_coalesce_and_a_change_during_a_run_is_not_lost(s: Store) {
    let a = company(&s, "a@a.test").await;
    let b = company(&s, "b@b.test").await;
    let t = &a.tenant;
    let soon = now() + SignedDuration::from_secs(5);
    for _ in 0..3 {
        s.request_seat_sync(t, soon).await.unwrap();
    }
    assert!(
        s.claim_seat_syncs(now(), LEASE, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let jobs = s.claim_seat_syncs(soon, LEASE, 10).await.unwrap();
    assert_eq!(jobs.len(), 1, "one row for three requests");
    let job = &jobs[0];
    assert_eq!((job.tenant, job.version, job.attempts), (*t, 3, 0));
    assert!(
        s.claim_seat_syncs(soon, LEASE, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased"
    );
    assert_eq!(
        s.seat_sync_state(&b.tenant).await.unwrap(),
        None,
        "per company"
    );

    // A change while Stripe is being called: finishing the old version keeps the new one.
    s.request_seat_sync(t, soon).await.unwrap();
    s.seat_sync_done(job).await.unwrap();
    let state = s.seat_sync_state(t).await.unwrap().expect("still pending");
    assert_eq!(state.lease_until, None);
    let again = s.claim_seat_syncs(soon, LEASE, 10).await.unwrap();
    assert_eq!(again[0].version, 4);
    s.seat_sync_done(&again[0]).await.unwrap();
    assert_eq!(s.seat_sync_state(t).await.unwrap(), None);

    // A worker that died: its lease runs out and the row comes back.
    s.request_seat_sync(t, soon).await.unwrap();
    assert_eq!(s.claim_seat_syncs(soon, LEASE, 10).await.unwrap().len(), 1);
    assert_eq!(
        s.claim_seat_syncs(soon + LEASE, LEASE, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn failures_retry_later_or_stay_refused_until_the_next_change(s: Store) {
    let a = company(&s, "a@a.test").await;
    let t = &a.tenant;
    s.request_seat_sync(t, now()).await.unwrap();
    let job = s
        .claim_seat_syncs(now(), LEASE, 10)
        .await
        .unwrap()
        .remove(0);
    let retry = now() + SignedDuration::from_secs(10);
    s.seat_sync_failed(&job, "HTTP 500", Some(retry), now())
        .await
        .unwrap();
    let state = s.seat_sync_state(t).await.unwrap().unwrap();
    assert_eq!(
        (
            state.attempts,
            state.last_error.as_deref(),
            state.run_at,
            state.failed_at
        ),
        (1, Some("HTTP 500"), retry, None)
    );
    assert!(s
        .claim_seat_syncs(now(), LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let job = s
        .claim_seat_syncs(retry, LEASE, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(job.attempts, 1);
    s.seat_sync_failed(&job, "HTTP 404: no such item", None, retry)
        .await
        .unwrap();
    let state = s.seat_sync_state(t).await.unwrap().unwrap();
    assert_eq!(state.failed_at, Some(retry));
    let later = retry + SignedDuration::from_hours(48);
    assert!(
        s.claim_seat_syncs(later, LEASE, 10)
            .await
            .unwrap()
            .is_empty(),
        "refused stays"
    );
    // The next change re-arms it with fresh attempts.
    s.request_seat_sync(t, later).await.unwrap();
    let state = s.seat_sync_state(t).await.unwrap().unwrap();
    assert_eq!(
        (state.attempts, state.failed_at, state.last_error),
        (0, None, None)
    );
    assert_eq!(s.claim_seat_syncs(later, LEASE, 10).await.unwrap().len(), 1);
}

async fn reconcile_reads_only_live_subscriptions_of_active_companies(s: Store) {
    let live = company(&s, "live@a.test").await;
    let ended = company(&s, "ended@a.test").await;
    let _none = company(&s, "none@a.test").await;
    let sub = |id: &'static str, status: &'static str| SubscriptionUpdate {
        customer_id: if id == "sub_1" { "cus_1" } else { "cus_2" },
        subscription_id: id,
        item_id: Some("si_1"),
        status,
        seats: 2,
        current_period_end: None,
        cancel_at_period_end: false,
    };
    s.apply_subscription_event("evt_1", 1, &live.tenant, &sub("sub_1", "active"), now())
        .await
        .unwrap();
    s.apply_subscription_event("evt_2", 1, &ended.tenant, &sub("sub_2", "canceled"), now())
        .await
        .unwrap();
    let all = s.subscribed_companies().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].tenant, all[0].subscription_id.as_str()),
        (live.tenant, "sub_1")
    );
}
