//! Billing against a fake Stripe: checkout, webhooks (signature, replay, order), seats,
//! and what each subscription status allows.

use crate::billing_support::{
    both_with, checkout_completed, invoice, subscription, Ctx, Setup, WHSEC,
};
use crate::helpers::error_of;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

both_with!(Setup::Billing =>
    subscribe_then_webhooks_activate_and_seats_follow_employees,
    replayed_and_out_of_order_webhooks_end_in_the_right_state,
    bad_or_old_signatures_are_refused,
    past_due_keeps_access_for_seven_days_then_read_only,
    cancel_with_billing_cancels_the_stripe_subscription,
    pages_may_send_forms_on_to_stripes_hosted_pages,
);

both_with!(Setup::Plain => billing_off_means_no_billing_and_full_access);

fn now(c: &Ctx) -> i64 {
    c.app.clock.now().as_second()
}

async fn invite_status(c: &Ctx, token: &str, email: &str) -> StatusCode {
    c.app
        .post_json(
            "/api/v1/invites",
            Some(token),
            &json!({"email": email, "role": "viewer"}),
        )
        .await
        .status()
}

async fn subscribe_then_webhooks_activate_and_seats_follow_employees(c: Ctx) {
    let stripe = c.stripe.as_ref().unwrap();
    let co = c.app.signup("owner@acme.test").await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(body_string_contains("line_items%5B0%5D%5Bquantity%5D=1&"))
        .and(body_string_contains(
            "line_items%5B0%5D%5Bprice%5D=price_seat",
        ))
        .and(body_string_contains(format!(
            "client_reference_id={}",
            co.company_id
        )))
        .and(body_string_contains("mode=subscription"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": "cs_test_1", "url": "https://checkout.stripe.test/c/cs_test_1"}),
        ))
        .expect(1)
        .mount(stripe)
        .await;
    let before = c.billing(&co.token).await;
    assert_eq!(before["enabled"], true);
    assert_eq!(before["status"], Value::Null);
    assert_eq!(before["seats_needed"], 1);
    let res = c
        .app
        .post_json("/api/v1/billing/checkout", Some(&co.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["url"], "https://checkout.stripe.test/c/cs_test_1");

    let t = now(&c);
    assert_eq!(
        c.webhook(&checkout_completed("evt_c1", t, &co.company_id))
            .await,
        StatusCode::OK
    );
    assert_eq!(c.billing(&co.token).await["status"], "incomplete");
    assert_eq!(
        c.webhook(&subscription(
            "evt_s1",
            "updated",
            t + 1,
            &co.company_id,
            "active",
            1
        ))
        .await,
        StatusCode::OK
    );
    let b = c.billing(&co.token).await;
    assert_eq!(
        (b["status"].as_str(), b["seats"].as_u64()),
        (Some("active"), Some(1))
    );
    assert_eq!(b["write_allowed"], true);
    // Already subscribed: no second checkout.
    let (status, code, _) = error_of(
        c.app
            .post_json("/api/v1/billing/checkout", Some(&co.token), &json!({}))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "conflict"));

    // Seats following employees: `seats.rs`.

    // Portal for the linked customer.
    Mock::given(method("POST"))
        .and(path("/v1/billing_portal/sessions"))
        .and(body_string_contains("customer=cus_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "bps_1", "url": "https://billing.stripe.test/p/1"})),
        )
        .mount(stripe)
        .await;
    let res = c
        .app
        .post_json("/api/v1/billing/portal", Some(&co.token), &json!({}))
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["url"],
        "https://billing.stripe.test/p/1"
    );
}

async fn replayed_and_out_of_order_webhooks_end_in_the_right_state(c: Ctx) {
    let co = c.app.signup("owner@acme.test").await;
    let t = now(&c);
    let events = [
        subscription("evt_upd", "updated", t + 20, &co.company_id, "active", 5),
        invoice("evt_paid", "paid", t + 15),
        subscription(
            "evt_new",
            "created",
            t + 10,
            &co.company_id,
            "incomplete",
            1,
        ),
        checkout_completed("evt_chk", t + 11, &co.company_id),
    ];
    for _ in 0..10 {
        for e in &events {
            assert_eq!(c.webhook(e).await, StatusCode::OK);
        }
    }
    let b = c.billing(&co.token).await;
    assert_eq!(
        (b["status"].as_str(), b["seats"].as_u64()),
        (Some("active"), Some(5))
    );
    let receipts: Vec<String> = c
        .app
        .outbox()
        .into_iter()
        .filter(|m| m.contains("Subject: Your OmniTrack receipt"))
        .collect();
    assert_eq!(
        receipts.len(),
        1,
        "one receipt, however often Stripe delivers"
    );
    assert!(receipts[0].contains("To: owner@acme.test"));
    assert!(receipts[0].contains("36.00 EUR"));
    // A late, older cancellation does not undo the newer state; a newer one does.
    assert_eq!(
        c.webhook(&subscription(
            "evt_old",
            "updated",
            t + 5,
            &co.company_id,
            "past_due",
            5
        ))
        .await,
        StatusCode::OK
    );
    assert_eq!(c.billing(&co.token).await["status"], "active");
    assert_eq!(
        c.webhook(&subscription(
            "evt_del",
            "deleted",
            t + 30,
            &co.company_id,
            "canceled",
            5
        ))
        .await,
        StatusCode::OK
    );
    for _ in 0..3 {
        c.webhook(&subscription(
            "evt_upd",
            "updated",
            t + 20,
            &co.company_id,
            "active",
            5,
        ))
        .await;
    }
    let b = c.billing(&co.token).await;
    assert_eq!(b["status"], "canceled");
    assert_eq!(b["write_allowed"], false);
    // A failed payment mails the owner once.
    for _ in 0..3 {
        c.webhook(&invoice("evt_fail", "payment_failed", t + 31))
            .await;
    }
    let failed = c
        .app
        .outbox()
        .into_iter()
        .filter(|m| m.contains("Subject: Your OmniTrack payment failed"))
        .count();
    assert_eq!(failed, 1);
    // Events for nobody we know are acknowledged and ignored.
    let stranger = subscription("evt_x", "updated", t, "not-a-company", "active", 1);
    let mut stranger = stranger;
    stranger["data"]["object"]["id"] = json!("sub_other");
    stranger["data"]["object"]["customer"] = json!("cus_other");
    assert_eq!(c.webhook(&stranger).await, StatusCode::OK);
}

async fn bad_or_old_signatures_are_refused(c: Ctx) {
    let co = c.app.signup("owner@acme.test").await;
    let event = subscription("evt_s", "updated", now(&c), &co.company_id, "active", 2);
    let body = serde_json::to_vec(&event).unwrap();
    let t = now(&c);
    let wrong = billing::sign_for_tests("whsec_wrong", t, &body);
    assert_eq!(c.webhook_raw(&body, &wrong).await, StatusCode::BAD_REQUEST);
    let old = billing::sign_for_tests(WHSEC, t - 301, &body);
    assert_eq!(c.webhook_raw(&body, &old).await, StatusCode::BAD_REQUEST);
    let res = c
        .app
        .api
        .post(c.app.url("/webhooks/stripe"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let good = billing::sign_for_tests(WHSEC, t, &body);
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    assert_eq!(
        c.webhook_raw(&tampered, &good).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.billing(&co.token).await["status"],
        Value::Null,
        "nothing applied"
    );
    // The same event, properly signed, goes through (it was not marked seen by the failures).
    assert_eq!(c.webhook_raw(&body, &good).await, StatusCode::OK);
    assert_eq!(c.billing(&co.token).await["status"], "active");
    // A signed body that is not an event: 4xx, never 500.
    let junk = b"{\"hello\":1}";
    let sig = billing::sign_for_tests(WHSEC, t, junk);
    assert_eq!(
        c.webhook_raw(junk, &sig).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

async fn past_due_keeps_access_for_seven_days_then_read_only(c: Ctx) {
    let co = c.app.signup("owner@acme.test").await;
    let t = now(&c);
    c.webhook(&checkout_completed("evt_c", t, &co.company_id))
        .await;
    c.webhook(&subscription(
        "evt_a",
        "updated",
        t,
        &co.company_id,
        "active",
        1,
    ))
    .await;
    c.webhook(&subscription(
        "evt_pd",
        "updated",
        t + 1,
        &co.company_id,
        "past_due",
        1,
    ))
    .await;
    assert_eq!(
        invite_status(&c, &co.token, "a@acme.test").await,
        StatusCode::ACCEPTED
    );
    c.app.clock.advance(SignedDuration::from_hours(24 * 6));
    assert_eq!(
        invite_status(&c, &co.token, "b@acme.test").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(c.billing(&co.token).await["write_allowed"], true);
    c.app.clock.advance(SignedDuration::from_hours(24 * 2));
    let (status, code, msg) = error_of(
        c.app
            .post_json(
                "/api/v1/invites",
                Some(&co.token),
                &json!({"email": "c@acme.test", "role": "viewer"}),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "read_only")
    );
    assert!(msg.contains("past due"), "{msg}");
    assert_eq!(c.billing(&co.token).await["write_allowed"], false);
    // Viewing still works.
    assert_eq!(
        c.app.get_api("/api/v1/users", &co.token).await.status(),
        StatusCode::OK
    );
    // Paid again: writable again.
    let t2 = now(&c);
    c.webhook(&subscription(
        "evt_ok",
        "updated",
        t2,
        &co.company_id,
        "active",
        1,
    ))
    .await;
    assert_eq!(
        invite_status(&c, &co.token, "d@acme.test").await,
        StatusCode::ACCEPTED
    );
}

async fn cancel_with_billing_cancels_the_stripe_subscription(c: Ctx) {
    let stripe = c.stripe.as_ref().unwrap();
    let co = c.app.signup("owner@acme.test").await;
    let t = now(&c);
    c.webhook(&checkout_completed("evt_c", t, &co.company_id))
        .await;
    c.webhook(&subscription(
        "evt_a",
        "updated",
        t,
        &co.company_id,
        "active",
        1,
    ))
    .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/subscriptions/sub_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "canceled",
            "items": {"object": "list", "data": [{"id": "si_1", "quantity": 1}]}})))
        .expect(1)
        .mount(stripe)
        .await;
    let res = c
        .app
        .post_json("/api/v1/account/cancel", Some(&co.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "canceled");
    // Twice is harmless and does not call Stripe again.
    let res = c
        .app
        .post_json("/api/v1/account/cancel", Some(&co.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

fn form_action(res: &reqwest::Response) -> String {
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    csp.split(';')
        .map(str::trim)
        .find(|d| d.starts_with("form-action "))
        .unwrap_or_else(|| panic!("no form-action in {csp}"))
        .to_string()
}

/// `/billing/subscribe` and `/billing/portal` answer a form post with a 303 to Stripe;
/// browsers check that redirect against `form-action` (the browser test proves it).
async fn pages_may_send_forms_on_to_stripes_hosted_pages(c: Ctx) {
    let fake = c.stripe.as_ref().unwrap().uri();
    for page in ["/login", "/billing"] {
        let res = c.app.api.get(c.app.url(page)).send().await.unwrap();
        assert_eq!(
            form_action(&res),
            format!(
                "form-action 'self' https://checkout.stripe.com https://billing.stripe.com {fake}"
            ),
            "{page}"
        );
    }
}

async fn billing_off_means_no_billing_and_full_access(c: Ctx) {
    let co = c.app.signup("owner@acme.test").await;
    let res = c.app.api.get(c.app.url("/login")).send().await.unwrap();
    assert_eq!(
        form_action(&res),
        "form-action 'self'",
        "no Stripe to go to"
    );
    let b = c.billing(&co.token).await;
    assert_eq!(b["enabled"], false);
    assert_eq!(b["write_allowed"], true);
    let (status, code, _) = error_of(
        c.app
            .post_json("/api/v1/billing/checkout", Some(&co.token), &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "billing_off")
    );
    assert_eq!(
        c.webhook(&json!({"id": "evt"})).await,
        StatusCode::NOT_FOUND
    );
    let tenant = c
        .state
        .store
        .tenant_for_stripe(Some(&co.company_id), None, None)
        .await
        .unwrap()
        .unwrap();
    // Employees come and go without a seat sync queued, and no trial runs out.
    crate::clock::employee(&c.app, &co.token, "Ada", "ADA-1").await;
    assert_eq!(c.state.store.seat_sync_state(&tenant).await.unwrap(), None);
    c.app.clock.advance(SignedDuration::from_hours(24 * 60));
    crate::clock::employee(&c.app, &co.token, "Grace", "GRA-1").await;
    // No billing link or page.
    c.app
        .browser_login("owner@acme.test", crate::helpers::PASSWORD)
        .await;
    let (_, html) = c.app.page("/dashboard").await;
    assert!(!html.contains("href=\"/billing\""));
    assert!(!html.contains("account-notice"), "no trial banner");
    assert_eq!(c.app.page("/billing").await.0, StatusCode::NOT_FOUND);
}
