#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The client against a fake Stripe (wiremock): exact wire format, retries and errors;
//! property tests of the webhook signature check in `signature_props`.
//! (Long: the fake Stripe's fixtures are shared by every case here.)

mod signature_props;

use std::time::Duration;

use billing::{
    BillingError, ClientOptions, StripeClient, StripeConfig, StripeErrorType, SubscriptionStatus,
    STRIPE_API_VERSION,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

fn config(base: String) -> StripeConfig {
    StripeConfig::from_env_values(
        Some(KEY.into()),
        Some("whsec_test_secret".into()),
        Some("price_1PAbCdLkdIwHu7ixSeat0001".into()),
        Some(base),
    )
    .unwrap()
    .unwrap()
}

fn client_with(base: String, max_retries: u32, timeout: Duration) -> StripeClient {
    StripeClient::with_options(
        config(base),
        ClientOptions {
            timeout,
            max_retries,
            retry_base_delay: Duration::from_millis(1),
        },
    )
    .unwrap()
}

fn client(server: &MockServer) -> StripeClient {
    client_with(server.uri(), 2, Duration::from_secs(5))
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).map(|v| v.to_str().unwrap())
}

fn form(req: &Request) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(&req.body).unwrap()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Headers every request must carry.
fn assert_common_headers(req: &Request) {
    assert_eq!(
        header(req, "authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    assert_eq!(header(req, "stripe-version"), Some(STRIPE_API_VERSION));
}

/// Headers every POST must carry; returns its idempotency key.
fn assert_post_headers(req: &Request) -> String {
    assert_common_headers(req);
    assert_eq!(
        header(req, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    header(req, "idempotency-key")
        .expect("POST without Idempotency-Key")
        .to_owned()
}

fn subscription_json() -> serde_json::Value {
    let event: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/subscription_created_basil.json")).unwrap();
    event["data"]["object"].clone()
}

fn stripe_error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("Request-Id", "req_T3stR3qu3st")
        .set_body_json(serde_json::json!({
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": message,
                "param": "line_items[0][price]",
                "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
                "request_log_url": "https://dashboard.stripe.com/test/logs/req_T3stR3qu3st"
            }
        }))
}

fn checkout_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "id": "cs_test_a1b2c3",
        "object": "checkout.session",
        "mode": "subscription",
        "url": "https://checkout.stripe.com/c/pay/cs_test_a1b2c3#fidkdWxOYHwnPyd1blpxYHZxWjA0"
    }))
}

async fn checkout(
    client: &StripeClient,
    key: Option<&str>,
) -> Result<billing::CheckoutSession, BillingError> {
    client
        .create_checkout_session(
            "company_42",
            "owner@acme.example",
            12,
            "https://app.omnitrack.example/billing?success=1&session={CHECKOUT_SESSION_ID}",
            "https://app.omnitrack.example/billing?canceled=1",
            key,
        )
        .await
}

#[tokio::test]
async fn checkout_session_exact_form_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(checkout_ok())
        .expect(1)
        .mount(&server)
        .await;

    let session = checkout(&client(&server), Some("checkout-company_42-7"))
        .await
        .unwrap();
    assert_eq!(session.id, "cs_test_a1b2c3");
    assert!(session.url.starts_with("https://checkout.stripe.com/"));

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(assert_post_headers(req), "checkout-company_42-7");
    assert_eq!(
        form(req),
        pairs(&[
            ("mode", "subscription"),
            ("line_items[0][price]", "price_1PAbCdLkdIwHu7ixSeat0001"),
            ("line_items[0][quantity]", "12"),
            ("client_reference_id", "company_42"),
            ("customer_email", "owner@acme.example"),
            ("metadata[company_id]", "company_42"),
            ("subscription_data[metadata][company_id]", "company_42"),
            (
                "success_url",
                "https://app.omnitrack.example/billing?success=1&session={CHECKOUT_SESSION_ID}"
            ),
            (
                "cancel_url",
                "https://app.omnitrack.example/billing?canceled=1"
            ),
        ])
    );
    // Brackets and the URL's own `&`/`=` are percent-encoded, not sent raw.
    let raw = String::from_utf8(req.body.clone()).unwrap();
    assert!(
        raw.starts_with("mode=subscription&line_items%5B0%5D%5Bprice%5D=price_"),
        "{raw}"
    );
    assert!(
        raw.contains("success%3D1%26session%3D%7BCHECKOUT_SESSION_ID%7D"),
        "{raw}"
    );
}

#[tokio::test]
async fn generated_idempotency_keys_are_fresh_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(checkout_ok())
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    checkout(&c, None).await.unwrap();
    checkout(&c, None).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    let a = assert_post_headers(&reqs[0]);
    let b = assert_post_headers(&reqs[1]);
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a, b);
}

#[tokio::test]
async fn portal_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/billing_portal/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "bps_1PWmJ5LkdIwHu7ix",
            "object": "billing_portal.session",
            "customer": "cus_QNz1ZtXbYq8yAa",
            "livemode": false,
            "return_url": "https://app.omnitrack.example/billing",
            "url": "https://billing.stripe.com/p/session/test_YWNjdF8x"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let portal = client(&server)
        .create_portal_session(
            "cus_QNz1ZtXbYq8yAa",
            "https://app.omnitrack.example/billing",
        )
        .await
        .unwrap();
    assert_eq!(
        portal.url,
        "https://billing.stripe.com/p/session/test_YWNjdF8x"
    );
    let reqs = server.received_requests().await.unwrap();
    assert_post_headers(&reqs[0]);
    assert_eq!(
        form(&reqs[0]),
        pairs(&[
            ("customer", "cus_QNz1ZtXbYq8yAa"),
            ("return_url", "https://app.omnitrack.example/billing"),
        ])
    );
}

#[tokio::test]
async fn get_subscription_reads_item_period() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/subscriptions/sub_1RBc3cLkdIwHu7ixBasil001"))
        .respond_with(ResponseTemplate::new(200).set_body_json(subscription_json()))
        .expect(1)
        .mount(&server)
        .await;
    let sub = client(&server)
        .get_subscription("sub_1RBc3cLkdIwHu7ixBasil001")
        .await
        .unwrap();
    assert_eq!(sub.id, "sub_1RBc3cLkdIwHu7ixBasil001");
    assert_eq!(sub.customer_id, "cus_S5x9BasilCust");
    assert_eq!(sub.company_id.as_deref(), Some("company_7"));
    assert_eq!(sub.status, SubscriptionStatus::Trialing);
    assert_eq!(sub.seats, 3);
    assert_eq!(sub.item_id.as_deref(), Some("si_S5x9BasilItem"));
    assert_eq!(sub.current_period_end, Some(1_747_591_990));
    let reqs = server.received_requests().await.unwrap();
    assert_common_headers(&reqs[0]);
    assert_eq!(header(&reqs[0], "idempotency-key"), None);
    assert!(reqs[0].body.is_empty());
}

#[tokio::test]
async fn set_seat_quantity_exact_form() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/subscription_items/si_QNz1Pq0vWcR9xK"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "si_QNz1Pq0vWcR9xK",
            "object": "subscription_item",
            "price": { "id": "price_1PAbCdLkdIwHu7ixSeat0001", "object": "price" },
            "quantity": 15,
            "subscription": "sub_1PWmJ1LkdIwHu7ixZ3kR4YtU"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let item = client(&server)
        .set_seat_quantity("si_QNz1Pq0vWcR9xK", 15, Some("seats-company_42-15-audit_9"))
        .await
        .unwrap();
    assert_eq!(item.quantity, 15);
    assert_eq!(
        item.subscription_id.as_deref(),
        Some("sub_1PWmJ1LkdIwHu7ixZ3kR4YtU")
    );
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(assert_post_headers(&reqs[0]), "seats-company_42-15-audit_9");
    assert_eq!(
        form(&reqs[0]),
        pairs(&[
            ("quantity", "15"),
            ("proration_behavior", "create_prorations")
        ])
    );
}

#[tokio::test]
async fn cancel_subscription_uses_delete() {
    let server = MockServer::start().await;
    let mut body = subscription_json();
    body["status"] = "canceled".into();
    Mock::given(method("DELETE"))
        .and(path("/v1/subscriptions/sub_1RBc3cLkdIwHu7ixBasil001"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let sub = client(&server)
        .cancel_subscription("sub_1RBc3cLkdIwHu7ixBasil001")
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Canceled);
    let reqs = server.received_requests().await.unwrap();
    assert_common_headers(&reqs[0]);
}

#[tokio::test]
async fn server_error_then_success_reuses_the_idempotency_key() {
    let server = MockServer::start().await;
    // Both with a caller key and with a generated one.
    for key in [Some("checkout-company_42-retry"), None] {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(checkout_ok())
            .with_priority(2)
            .mount(&server)
            .await;
        let session = checkout(&client(&server), key).await.unwrap();
        assert_eq!(session.id, "cs_test_a1b2c3");
        let reqs = server.received_requests().await.unwrap();
        assert_eq!(reqs.len(), 2, "one failure, one retry");
        let first = assert_post_headers(&reqs[0]);
        let second = assert_post_headers(&reqs[1]);
        assert_eq!(first, second, "retry must reuse the Idempotency-Key");
        if let Some(k) = key {
            assert_eq!(first, k);
        }
        assert_eq!(
            reqs[0].body, reqs[1].body,
            "retry must resend the same body"
        );
    }
}

#[tokio::test]
async fn should_retry_false_stops_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("Stripe-Should-Retry", "false")
                .set_body_json(serde_json::json!({
                    "error": { "type": "api_error", "message": "Replayed failure" }
                })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = checkout(&client(&server), None).await.unwrap_err();
    let BillingError::Api(e) = err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(e.status, 500);
    assert_eq!(e.kind, StripeErrorType::ApiError);
    assert_eq!(e.message, "Replayed failure");
}

#[tokio::test]
async fn should_retry_true_retries_a_client_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Stripe-Should-Retry", "true")
                .set_body_json(serde_json::json!({
                    "error": { "type": "invalid_request_error", "code": "lock_timeout",
                               "message": "This object cannot be accessed right now" }
                })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(checkout_ok())
        .with_priority(2)
        .mount(&server)
        .await;
    checkout(&client(&server), None).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn conflict_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(stripe_error(409, "concurrent request with the same key"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(checkout_ok())
        .with_priority(2)
        .mount(&server)
        .await;
    checkout(&client(&server), Some("k-409")).await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn bad_request_is_not_retried_and_carries_stripes_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(stripe_error(
            400,
            "No such price: 'price_1PAbCdLkdIwHu7ixSeat0001'",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = checkout(&client(&server), None).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    let BillingError::Api(e) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(e.kind, StripeErrorType::InvalidRequestError);
    assert_eq!(e.code.as_deref(), Some("resource_missing"));
    assert_eq!(e.param.as_deref(), Some("line_items[0][price]"));
    assert_eq!(e.request_id.as_deref(), Some("req_T3stR3qu3st"));
    assert!(err.to_string().contains("No such price"), "{err}");
}

#[tokio::test]
async fn persistent_failure_stops_after_two_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream unavailable"))
        .expect(3)
        .mount(&server)
        .await;
    // Asking for more retries than the ceiling changes nothing.
    let c = client_with(server.uri(), 10, Duration::from_secs(5));
    let err = c.get_subscription("sub_123").await.unwrap_err();
    assert!(
        matches!(err, BillingError::Http { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // And zero retries means exactly one attempt.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let c = client_with(server.uri(), 0, Duration::from_secs(5));
    c.get_subscription("sub_123").await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // `single_attempt` turns a retrying client into a one-attempt one (the seat queue retries).
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .single_attempt()
        .get_subscription("sub_123")
        .await
        .unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(checkout_ok().set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let c = client_with(server.uri(), 2, Duration::from_millis(150));
    let err = checkout(&c, Some("k-timeout")).await.unwrap_err();
    let BillingError::Transport(e) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert!(e.is_timeout());
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_eq!(header(r, "idempotency-key"), Some("k-timeout"));
    }
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = client_with(
        format!("http://127.0.0.1:{port}"),
        2,
        Duration::from_secs(2),
    );
    let err = c.get_subscription("sub_123").await.unwrap_err();
    assert!(matches!(err, BillingError::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn garbage_success_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>captive portal</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .get_subscription("sub_123")
        .await
        .unwrap_err();
    assert!(matches!(err, BillingError::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn invalid_input_never_reaches_stripe() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    for id in ["", "sub_1/../../v1/charges", "sub_1?expand[]=x"] {
        assert!(matches!(
            c.get_subscription(id).await,
            Err(BillingError::InvalidInput(_))
        ));
        assert!(matches!(
            c.cancel_subscription(id).await,
            Err(BillingError::InvalidInput(_))
        ));
    }
    assert!(matches!(
        c.set_seat_quantity("si_1", 0, None).await,
        Err(BillingError::InvalidInput(_))
    ));
    assert!(matches!(
        c.set_seat_quantity("si_1", 2, Some("bad key")).await,
        Err(BillingError::InvalidInput(_))
    ));
    assert!(matches!(
        c.create_checkout_session("company_1", "a@b.c", 0, "https://s", "https://c", None)
            .await,
        Err(BillingError::InvalidInput(_))
    ));
    assert!(matches!(
        c.create_portal_session("cus 1", "https://r").await,
        Err(BillingError::InvalidInput(_))
    ));
}

#[tokio::test]
async fn client_debug_hides_the_key() {
    let server = MockServer::start().await;
    let dbg = format!("{:?}", client(&server));
    assert!(!dbg.contains(KEY), "{dbg}");
    assert!(!dbg.contains("whsec_test_secret"), "{dbg}");
}

#[test]
fn signed_test_webhooks_verify_and_parse() {
    let body = include_bytes!("../fixtures/checkout_session_completed.json");
    let cfg = config("https://api.stripe.com".into());
    let now = 1_719_400_010;
    let header = billing::sign_for_tests("whsec_test_secret", now - 5, body);
    cfg.verify_webhook(&header, body, now).unwrap();
    let event = billing::parse_event(body).unwrap();
    assert!(matches!(
        event.kind,
        billing::EventKind::CheckoutCompleted { .. }
    ));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", "http://127.0.0.1:9/steal"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .get_subscription("sub_123")
        .await
        .unwrap_err();
    assert!(
        matches!(err, BillingError::Http { status: 302, .. }),
        "{err:?}"
    );
}
