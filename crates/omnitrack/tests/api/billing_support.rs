//! Apps with billing / SMTP configured, a fake Stripe (wiremock) and signed webhooks.

use crate::helpers::TestApp;
use app::{App, Clock};
use omnitrack::{Application, Config, ServeArgs};
use reqwest::{Client, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use store::StoreKind;
use wiremock::MockServer;

pub const WHSEC: &str = "whsec_test_secret";

/// A running app plus its state (to run workers by hand) and, with billing, the fake Stripe.
pub struct Ctx {
    pub app: TestApp,
    pub state: App,
    pub stripe: Option<MockServer>,
}

pub enum Setup {
    Plain,
    Billing,
    Smtp(String),
}

pub async fn spawn(kind: StoreKind, setup: Setup) -> Option<Ctx> {
    let (store, _db) = store::testing::fresh(kind).await?;
    let data_dir =
        std::env::temp_dir().join(format!("omnitrack-app-{}", uuid::Uuid::new_v4().simple()));
    let mut args = ServeArgs {
        bind: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data_dir.clone()),
        base_url: Some("http://127.0.0.1:0".parse().unwrap()),
        ..Default::default()
    };
    let mut stripe = None;
    match setup {
        Setup::Plain => {}
        Setup::Billing => {
            let server = MockServer::start().await;
            args.stripe_secret_key = Some(SecretString::from("sk_test_123".to_string()));
            args.stripe_webhook_secret = Some(SecretString::from(WHSEC.to_string()));
            args.stripe_price_id = Some("price_seat".into());
            args.stripe_api_base = Some(server.uri());
            stripe = Some(server);
        }
        Setup::Smtp(url) => args.smtp_url = Some(SecretString::from(url)),
    }
    let config = Config::resolve(args).unwrap();
    let clock = Clock::system();
    let app = Application::build_with_store(config, store, clock.clone())
        .await
        .unwrap();
    let state = app.app().clone();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run());
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let api = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Some(Ctx {
        app: TestApp {
            base,
            browser,
            api,
            clock,
            data_dir,
            kind,
            state: state.clone(),
        },
        state,
        stripe,
    })
}

/// Generates `<name>::sqlite` and `<name>::postgres` from one `async fn name(Ctx)`.
macro_rules! both_with {
    ($setup:expr => $($name:ident),* $(,)?) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(c) = $crate::billing_support::spawn(store::StoreKind::Sqlite, $setup).await { super::$name(c).await }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(c) = $crate::billing_support::spawn(store::StoreKind::Postgres, $setup).await { super::$name(c).await }
            }
        }
    )*};
}
pub(crate) use both_with;

impl Ctx {
    /// Posts a webhook signed now (by the app's clock).
    pub async fn webhook(&self, event: &Value) -> StatusCode {
        let body = serde_json::to_vec(event).unwrap();
        let sig = billing::sign_for_tests(WHSEC, self.app.clock.now().as_second(), &body);
        self.webhook_raw(&body, &sig).await
    }

    pub async fn webhook_raw(&self, body: &[u8], sig: &str) -> StatusCode {
        self.app
            .api
            .post(self.app.url("/webhooks/stripe"))
            .header("stripe-signature", sig)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap()
            .status()
    }

    /// Stripe's webhooks for a finished Checkout: the customer linked, the subscription
    /// active with `seats`.
    pub async fn subscribed(&self, company: &str, seats: u32) {
        let t = self.app.clock.now().as_second();
        assert_eq!(
            self.webhook(&checkout_completed("evt_c1", t, company))
                .await,
            StatusCode::OK
        );
        assert_eq!(
            self.webhook(&subscription(
                "evt_s1",
                "updated",
                t + 1,
                company,
                "active",
                seats
            ))
            .await,
            StatusCode::OK
        );
    }

    pub async fn billing(&self, token: &str) -> Value {
        let res = self.app.get_api("/api/v1/billing", token).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    pub async fn rows_of(&self, company_id: &str) -> Vec<(String, i64)> {
        let id = domain::CompanyId(uuid::Uuid::parse_str(company_id).unwrap());
        self.state.store.company_row_counts(id).await.unwrap()
    }
}

pub fn checkout_completed(id: &str, created: i64, company: &str) -> Value {
    json!({"id": id, "object": "event", "created": created, "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "object": "checkout.session", "mode": "subscription",
            "client_reference_id": company, "customer": "cus_1", "subscription": "sub_1"}}})
}

pub fn subscription(
    id: &str,
    kind: &str,
    created: i64,
    company: &str,
    status: &str,
    seats: u32,
) -> Value {
    json!({"id": id, "object": "event", "created": created, "type": format!("customer.subscription.{kind}"),
        "data": {"object": {"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status,
            "cancel_at_period_end": false, "current_period_end": created + 30 * 86400,
            "metadata": {"company_id": company},
            "items": {"object": "list", "data": [{"id": "si_1", "object": "subscription_item", "quantity": seats,
                "price": {"id": "price_seat"}}]}}}})
}

pub fn invoice(id: &str, kind: &str, created: i64) -> Value {
    json!({"id": id, "object": "event", "created": created, "type": format!("invoice.{kind}"),
        "data": {"object": {"id": "in_1", "object": "invoice", "customer": "cus_1", "subscription": "sub_1",
            "amount_paid": 3600, "amount_due": 3600, "currency": "eur",
            "hosted_invoice_url": "https://invoice.stripe.test/i/1", "attempt_count": 1,
            "next_payment_attempt": created + 3 * 86400}}})
}
