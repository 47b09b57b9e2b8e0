//! Seats that cannot be lost (issue 15): employee changes through the API queue a seat
//! sync that survives Stripe outages and reaches Stripe once per final state; the daily
//! reconcile fixes a quantity that drifted; a refused change is shown in Billing. The
//! clock is pinned, so a sync runs exactly when the test moves time past its due time.

use crate::billing_support::{both_with, subscription, Ctx, Setup};
use crate::clock::employee;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use store::Tenant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

both_with!(Setup::Billing =>
    seat_changes_survive_an_outage_and_reach_stripe_once_per_final_state,
    a_refused_seat_change_is_shown_in_billing_and_not_repeated,
    daily_reconcile_fixes_a_quantity_that_drifted,
    people_added_while_checkout_is_open_are_billed_when_it_completes,
);

/// One call to `POST /v1/subscription_items/si_1` as Stripe saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeatCall {
    quantity: u32,
    key: String,
    status: u16,
}

/// Stripe's subscription-item endpoint: fails the next `fail` calls with `fail_status`
/// (Stripe's error body), then answers like Stripe, with the quantity it was sent.
#[derive(Clone)]
struct FakeItems {
    fail: Arc<AtomicUsize>,
    fail_status: u16,
    calls: Arc<Mutex<Vec<SeatCall>>>,
}

impl FakeItems {
    async fn mount(c: &Ctx, fail_status: u16) -> Self {
        let me = Self {
            fail: Arc::new(AtomicUsize::new(0)),
            fail_status,
            calls: Arc::default(),
        };
        Mock::given(method("POST"))
            .and(path("/v1/subscription_items/si_1"))
            .respond_with(me.clone())
            .mount(c.stripe.as_ref().unwrap())
            .await;
        me
    }

    fn fail_next(&self, n: usize) {
        self.fail.store(n, Ordering::SeqCst);
    }

    fn calls(&self) -> Vec<SeatCall> {
        self.calls.lock().unwrap().clone()
    }

    /// The quantities Stripe accepted, in order.
    fn accepted(&self) -> Vec<u32> {
        self.calls()
            .into_iter()
            .filter(|c| c.status == 200)
            .map(|c| c.quantity)
            .collect()
    }
}

impl Respond for FakeItems {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&req.body).to_string();
        let quantity = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("quantity="))
            .and_then(|q| q.parse().ok())
            .unwrap_or_else(|| panic!("no quantity in {body}"));
        assert!(
            body.contains("proration_behavior=create_prorations"),
            "{body}"
        );
        let key = req
            .headers
            .get("idempotency-key")
            .expect("every seat change carries an idempotency key")
            .to_str()
            .unwrap()
            .to_string();
        let failing = self
            .fail
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let status = if failing { self.fail_status } else { 200 };
        self.calls.lock().unwrap().push(SeatCall {
            quantity,
            key,
            status,
        });
        if failing {
            let (kind, message) = if status >= 500 {
                ("api_error", "An unknown error occurred")
            } else {
                ("invalid_request_error", "No such subscription item: 'si_1'")
            };
            return ResponseTemplate::new(status)
                .set_body_json(json!({"error": {"type": kind, "message": message}}));
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "si_1", "object": "subscription_item", "quantity": quantity,
            "subscription": "sub_1", "price": {"id": "price_seat", "object": "price"}}))
    }
}

async fn tenant(c: &Ctx, company: &str) -> Tenant {
    c.state
        .store
        .tenant_for_stripe(Some(company), None, None)
        .await
        .unwrap()
        .unwrap()
}

/// Moves the pinned clock and lets the due syncs run (here or on the app's own worker,
/// whichever claims them), until none is running or due.
async fn after(c: &Ctx, t: &Tenant, secs: i64) {
    c.app.clock.advance(SignedDuration::from_secs(secs));
    for _ in 0..1000 {
        c.state.run_due_seat_syncs().await.unwrap();
        match c.state.store.seat_sync_state(t).await.unwrap() {
            None => return,
            Some(s)
                if s.lease_until.is_none()
                    && (s.failed_at.is_some() || s.run_at > c.app.clock.now()) =>
            {
                return
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
    }
    panic!("the seat sync did not settle");
}

async fn set_active(c: &Ctx, token: &str, id: &str, active: bool) {
    let res = c
        .app
        .api
        .patch(c.app.url(&format!("/api/v1/employees/{id}")))
        .bearer_auth(token)
        .json(&json!({ "active": active }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

async fn billing_page(c: &Ctx, email: &str) -> String {
    c.app.browser_login(email, crate::helpers::PASSWORD).await;
    let (status, html) = c.app.page("/billing").await;
    assert_eq!(status, StatusCode::OK);
    html
}

fn id(e: &Value) -> String {
    e["id"].as_str().unwrap().to_string()
}

async fn seat_changes_survive_an_outage_and_reach_stripe_once_per_final_state(c: Ctx) {
    c.app.set_clock("2026-03-02T09:00:00Z");
    let co = c.app.signup("owner@acme.test").await;
    c.subscribed(&co.company_id, 1).await;
    let t = tenant(&c, &co.company_id).await;
    let stripe = FakeItems::mount(&c, 500).await;

    // Three people added in a row: nothing is sent while the change settles.
    let _ada = employee(&c.app, &co.token, "Ada", "ADA-1").await;
    let _grace = employee(&c.app, &co.token, "Grace", "GRA-1").await;
    let linus = employee(&c.app, &co.token, "Linus", "LIN-1").await;
    after(&c, &t, 1).await;
    assert_eq!(stripe.calls(), []);

    // Stripe is down: the sync stays queued, and the owner sees why.
    stripe.fail_next(2);
    after(&c, &t, 5).await;
    assert_eq!(
        stripe
            .calls()
            .iter()
            .map(|c| (c.quantity, c.status))
            .collect::<Vec<_>>(),
        [(3, 500)]
    );
    let html = billing_page(&c, &co.email).await;
    assert!(html.contains("has not reached Stripe yet"), "{html}");
    let sync = &c.billing(&co.token).await["seat_sync"];
    assert_eq!(
        (sync["state"].as_str(), sync["attempts"].as_u64()),
        (Some("retrying"), Some(1)),
        "{sync}"
    );
    assert!(sync["next_attempt_at"].is_string(), "{sync}");
    assert!(
        sync["message"]
            .as_str()
            .is_some_and(|m| m.contains("has not reached Stripe yet")),
        "{sync}"
    );

    // Archived during the outage: the queued sync now carries 2 (read when it runs).
    set_active(&c, &co.token, &id(&linus), false).await;
    after(&c, &t, 5).await;
    assert_eq!(stripe.calls().len(), 2);
    assert_eq!(stripe.calls()[1].quantity, 2);
    // Retried after the backoff with the same key: Stripe cannot apply it twice.
    after(&c, &t, store::backoff(1).as_secs()).await;
    let calls = stripe.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!((calls[2].quantity, calls[2].status), (2, 200));
    assert_eq!(calls[1].key, calls[2].key);
    assert_eq!(c.billing(&co.token).await["seats"], 2);
    assert_eq!(c.state.store.seat_sync_state(&t).await.unwrap(), None);
    // Nothing more to send, however long we wait.
    after(&c, &t, 3600).await;
    assert_eq!(stripe.calls().len(), 3);

    // Re-activated, then another person erased: each final state is sent once, and the
    // return to 2 seats is a new operation (a new key), not a replay of the first.
    set_active(&c, &co.token, &id(&linus), true).await;
    after(&c, &t, 6).await;
    let res = c
        .app
        .api
        .delete(c.app.url(&format!("/api/v1/employees/{}", id(&_grace))))
        .bearer_auth(&co.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    after(&c, &t, 6).await;
    assert_eq!(stripe.accepted(), [2, 3, 2]);
    let calls = stripe.calls();
    assert_ne!(calls[4].key, calls[2].key);
    assert_eq!(c.billing(&co.token).await["seats"], 2);
    let html = billing_page(&c, &co.email).await;
    assert!(!html.contains("Stripe yet"), "the problem is gone");
    assert!(c.billing(&co.token).await["seat_sync"].is_null());
}

async fn a_refused_seat_change_is_shown_in_billing_and_not_repeated(c: Ctx) {
    c.app.set_clock("2026-03-02T09:00:00Z");
    let co = c.app.signup("owner@acme.test").await;
    c.subscribed(&co.company_id, 1).await;
    let t = tenant(&c, &co.company_id).await;
    let stripe = FakeItems::mount(&c, 404).await;
    stripe.fail_next(1);
    employee(&c.app, &co.token, "Ada", "ADA-1").await;
    employee(&c.app, &co.token, "Grace", "GRA-1").await;
    after(&c, &t, 6).await;
    let state = c.state.store.seat_sync_state(&t).await.unwrap().unwrap();
    assert!(state.failed_at.is_some(), "{state:?}");
    let html = billing_page(&c, &co.email).await;
    assert!(
        html.contains("Stripe refused the last seat change"),
        "{html}"
    );
    assert!(html.contains("No such subscription item"), "{html}");
    let sync = &c.billing(&co.token).await["seat_sync"];
    assert_eq!(sync["state"], "refused", "{sync}");
    assert!(sync["next_attempt_at"].is_null(), "{sync}");
    assert!(
        sync["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("No such subscription item")),
        "{sync}"
    );
    // Not retried: a request Stripe rejected would only be rejected again.
    after(&c, &t, 24 * 3600).await;
    assert_eq!(stripe.calls().len(), 1);
    let audit = c.state.store.audit_log(&t, 50).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "seat_sync_refused"));
    // The next change tries again (the owner may have fixed it in Stripe meanwhile).
    employee(&c.app, &co.token, "Linus", "LIN-1").await;
    after(&c, &t, 6).await;
    assert_eq!(stripe.accepted(), [3]);
    assert_eq!(c.state.store.seat_sync_state(&t).await.unwrap(), None);
}

async fn daily_reconcile_fixes_a_quantity_that_drifted(c: Ctx) {
    c.app.set_clock("2026-03-02T09:00:00Z");
    let co = c.app.signup("owner@acme.test").await;
    let t = tenant(&c, &co.company_id).await;
    employee(&c.app, &co.token, "Ada", "ADA-1").await;
    employee(&c.app, &co.token, "Grace", "GRA-1").await;
    c.subscribed(&co.company_id, 2).await;
    let stripe = FakeItems::mount(&c, 500).await;
    after(&c, &t, 6).await;
    assert_eq!(stripe.calls(), [], "in step: nothing to send");

    // Someone set 5 seats in Stripe's dashboard and the webhook never came.
    let at = c.app.clock.now().as_second();
    let drifted = subscription("evt_x", "updated", at, &co.company_id, "active", 5);
    let get = Mock::given(method("GET"))
        .and(path("/v1/subscriptions/sub_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&drifted["data"]["object"]))
        .expect(1)
        .named("reads the subscription back")
        .mount_as_scoped(c.stripe.as_ref().unwrap())
        .await;
    let r = c.state.reconcile_seats().await.unwrap();
    assert_eq!((r.checked, r.drifted, r.failed), (1, 1, 0));
    drop(get);
    // What Stripe bills is shown until the fix lands; the drift is audited.
    assert_eq!(c.billing(&co.token).await["seats"], 5);
    let audit = c.state.store.audit_log(&t, 50).await.unwrap();
    let entry = audit
        .iter()
        .find(|a| a.action == "seat_drift_found")
        .expect("drift audited");
    assert!(
        entry.detail.contains("5 seats, 2 needed"),
        "{}",
        entry.detail
    );
    after(&c, &t, 0).await;
    assert_eq!(stripe.accepted(), [2]);
    assert_eq!(c.billing(&co.token).await["seats"], 2);

    // The next day all is in step: Stripe is read, nothing is changed.
    let in_step = subscription("evt_y", "updated", at, &co.company_id, "active", 2);
    Mock::given(method("GET"))
        .and(path("/v1/subscriptions/sub_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&in_step["data"]["object"]))
        .expect(1)
        .mount(c.stripe.as_ref().unwrap())
        .await;
    let r = c.state.reconcile_seats().await.unwrap();
    assert_eq!((r.checked, r.drifted, r.failed), (1, 0, 0));
    after(&c, &t, 3600).await;
    assert_eq!(stripe.calls().len(), 1);
}

async fn people_added_while_checkout_is_open_are_billed_when_it_completes(c: Ctx) {
    c.app.set_clock("2026-03-02T09:00:00Z");
    let co = c.app.signup("owner@acme.test").await;
    let t = tenant(&c, &co.company_id).await;
    let stripe = FakeItems::mount(&c, 500).await;
    // Checkout was started for 1 seat; two people are added before Stripe confirms.
    employee(&c.app, &co.token, "Ada", "ADA-1").await;
    employee(&c.app, &co.token, "Grace", "GRA-1").await;
    after(&c, &t, 6).await;
    assert_eq!(stripe.calls(), [], "no subscription yet: nothing to send");
    c.subscribed(&co.company_id, 1).await;
    after(&c, &t, 6).await;
    assert_eq!(stripe.accepted(), [2]);
    assert_eq!(c.billing(&co.token).await["seats"], 2);
    // Stripe's own event for that change, and replays of it, send nothing more.
    let at = c.app.clock.now().as_second();
    for _ in 0..2 {
        c.webhook(&subscription(
            "evt_q",
            "updated",
            at,
            &co.company_id,
            "active",
            2,
        ))
        .await;
    }
    after(&c, &t, 6).await;
    assert_eq!(stripe.calls().len(), 1);
}
