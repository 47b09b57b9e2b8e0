//! Browser checks of single pages, beside the journey in `e2e.rs` (same driver, same
//! rules): billing hands over to Stripe's hosted pages, the navigation's layout on a
//! desktop and on a phone, and a kiosk left idle.

use crate::billing_support::{spawn, Setup};
use crate::e2e::{
    assert_no_console_errors, click, confirm_dialog, path_of, text_of, type_into, wait_for,
    wait_for_text, Driver, Screen, DESKTOP, WAIT,
};
use crate::helpers::{spawn_app, PASSWORD};
use fantoccini::Client;
use serde_json::{json, Value};
use std::time::Instant;
use store::StoreKind;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const OWNER: &str = "owner@acme.test";

pub(crate) async fn log_in(b: &Client, base: &str, email: &str) {
    b.goto(&format!("{base}/login")).await.unwrap();
    type_into(b, "#email", email).await;
    type_into(b, "#password", PASSWORD).await;
    click(b, "form[action='/login'] button[type=submit]").await;
    wait_for(b, "nav.site-nav a[href='/employees']").await;
}

/// Waits until the browser is on `url` (its scheme, host, port and path).
async fn wait_for_url(b: &Client, url: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = b.current_url().await.unwrap();
        if now.as_str().starts_with(url) {
            return;
        }
        assert!(Instant::now() < deadline, "still on {now}, not {url}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Subscribe and Manage billing post to OmniTrack, which answers with a 303 to Stripe's
/// hosted page. Chromium applies the page's CSP `form-action` to that redirect, so this
/// fails unless the policy allows the Stripe origin (here the fake's, which serves its
/// hosted pages from the configured API base).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_and_manage_billing_reach_stripes_pages() {
    let Some(mut driver) = Driver::start("subscribe_and_manage_billing_reach_stripes_pages").await
    else {
        return;
    };
    let Some(c) = spawn(StoreKind::Sqlite, Setup::Billing).await else {
        return;
    };
    let stripe = c.stripe.as_ref().unwrap();
    let checkout = format!("{}/c/cs_test_1", stripe.uri());
    let portal = format!("{}/p/bps_1", stripe.uri());
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "cs_test_1", "url": checkout})),
        )
        .expect(1)
        .mount(stripe)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/billing_portal/sessions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "bps_1", "url": portal})),
        )
        .mount(stripe)
        .await;
    for (page, title) in [
        ("/c/cs_test_1", "Fake Stripe Checkout"),
        ("/p/bps_1", "Fake Stripe Portal"),
    ] {
        Mock::given(method("GET"))
            .and(path(page))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                format!("<!doctype html><title>{title}</title><h1>{title}</h1>"),
                "text/html",
            ))
            .mount(stripe)
            .await;
    }
    let co = c.app.signup(OWNER).await;
    let b = driver.session().await;
    log_in(&b, &c.app.base, OWNER).await;
    click(&b, "nav.site-nav a[href='/billing']").await;
    wait_for_text(&b, "h1", "Billing").await;
    assert_no_console_errors(&b, "the billing page").await;
    click(&b, "form[action='/billing/subscribe'] button[type=submit]").await;
    wait_for_url(&b, &checkout).await;
    assert_eq!(text_of(&b, "h1").await, "Fake Stripe Checkout");

    // Stripe confirms; the customer now manages billing in the Portal.
    c.subscribed(&co.company_id, 1).await;
    b.goto(&c.app.url("/billing")).await.unwrap();
    wait_for_text(&b, "span", "active").await;
    assert_eq!(path_of(&b).await, "/billing");
    click(&b, "form[action='/billing/portal'] button[type=submit]").await;
    wait_for_url(&b, &portal).await;
    assert_eq!(text_of(&b, "h1").await, "Fake Stripe Portal");
    b.close().await.unwrap();
}

/// Where the header's parts are, in CSS pixels of the viewport.
#[derive(Debug)]
struct NavLayout {
    viewport: f64,
    page_width: f64,
    header_height: f64,
    /// `(text, top, left, right, visible)` of each main navigation link.
    links: Vec<(String, f64, f64, f64, bool)>,
    toggle_shown: bool,
}

async fn nav_layout(b: &Client) -> NavLayout {
    let v = b
        .execute(
            "const box = e => e.getBoundingClientRect();
             const shown = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
             const toggle = document.querySelector('.nav-toggle');
             return {
               viewport: window.innerWidth,
               page: document.documentElement.scrollWidth,
               header: box(document.querySelector('.site-header')).height,
               toggle: !!toggle && shown(toggle),
               links: [...document.querySelectorAll('nav.site-nav a')].map(a => [
                 a.textContent.trim(), box(a).top, box(a).left, box(a).right, shown(a)]),
             };",
            vec![],
        )
        .await
        .unwrap();
    let f = |v: &Value| v.as_f64().unwrap();
    NavLayout {
        viewport: f(&v["viewport"]),
        page_width: f(&v["page"]),
        header_height: f(&v["header"]),
        links: v["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l[0].as_str().unwrap().to_string(),
                    f(&l[1]),
                    f(&l[2]),
                    f(&l[3]),
                    l[4].as_bool().unwrap(),
                )
            })
            .collect(),
        toggle_shown: v["toggle"].as_bool().unwrap(),
    }
}

const NAV: [&str; 6] = [
    "Dashboard",
    "Timesheets",
    "Employees",
    "Kiosks",
    "Settings",
    "Billing",
];

/// Every link shown, inside the viewport, and nothing wider than the screen.
fn assert_usable(l: &NavLayout, screen: &str) {
    let texts: Vec<&str> = l.links.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(texts, NAV, "{screen}: {l:#?}");
    for (text, _, left, right, visible) in &l.links {
        assert!(*visible, "{screen}: {text} is shown: {l:#?}");
        assert!(
            *left >= 0.0 && *right <= l.viewport,
            "{screen}: {text} inside the viewport: {l:#?}"
        );
    }
    assert!(
        l.page_width <= l.viewport,
        "{screen}: no sideways scrolling: {l:#?}"
    );
}

/// The owner of a company with a long name and address, billing on (every link there is).
async fn long_named_owner(c: &crate::billing_support::Ctx) -> &'static str {
    const EMAIL: &str = "operations.manager@baeckerei-mueller-und-soehne.example";
    let res = c
        .app
        .post_json(
            "/api/v1/signup",
            None,
            &json!({"company_name": "Bäckerei Müller & Söhne, Filiale Innenstadt", "email": EMAIL,
                "password": PASSWORD, "timezone": "Europe/Berlin"}),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    EMAIL
}

/// At 1280 px the navigation is one row however long the email and company name; on a
/// 390 px phone it folds behind Menu (with JS) or wraps (without), every link reachable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn navigation_fits_a_desktop_and_a_phone() {
    let Some(mut driver) = Driver::start("navigation_fits_a_desktop_and_a_phone").await else {
        return;
    };
    let Some(c) = spawn(StoreKind::Sqlite, Setup::Billing).await else {
        return;
    };
    let email = long_named_owner(&c).await;

    let b = driver.session().await;
    log_in(&b, &c.app.base, email).await;
    let l = nav_layout(&b).await;
    assert_eq!(l.viewport, f64::from(DESKTOP.width), "{l:#?}");
    assert_usable(&l, "desktop");
    assert!(!l.toggle_shown, "no Menu button on a desktop: {l:#?}");
    let top = l.links[0].1;
    assert!(
        l.links.iter().all(|x| x.1 == top),
        "one row of links at 1280 px: {l:#?}"
    );
    assert!(l.header_height <= 72.0, "a one-row header: {l:#?}");
    assert_no_console_errors(&b, "the desktop").await;
    b.close().await.unwrap();

    let p = driver
        .session_on(Screen {
            width: 390,
            height: 844,
            phone: true,
        })
        .await;
    log_in(&p, &c.app.base, email).await;
    let folded = nav_layout(&p).await;
    assert_eq!(folded.viewport, 390.0, "{folded:#?}");
    assert!(folded.toggle_shown, "a Menu button on a phone: {folded:#?}");
    assert!(
        folded.links.iter().all(|x| !x.4),
        "the links wait behind Menu: {folded:#?}"
    );
    assert!(folded.page_width <= folded.viewport, "{folded:#?}");
    click(&p, "button.nav-toggle").await;
    let expanded = p
        .find(fantoccini::Locator::Css("button.nav-toggle"))
        .await
        .unwrap()
        .attr("aria-expanded")
        .await
        .unwrap();
    assert_eq!(expanded.as_deref(), Some("true"));
    assert_usable(&nav_layout(&p).await, "phone, menu open");
    click(&p, "nav.site-nav a[href='/employees']").await;
    wait_for_text(&p, "h1", "Employees").await;
    assert_eq!(path_of(&p).await, "/employees");
    assert_no_console_errors(&p, "the phone").await;

    // Without JS (WebDriver itself needs it, so undo the one thing app.js does): the
    // markup's hidden Menu button stays hidden and the links simply wrap.
    p.execute(
        "document.documentElement.classList.remove('nav-folds');
         document.querySelector('.nav-toggle').hidden = true;",
        vec![],
    )
    .await
    .unwrap();
    let plain = nav_layout(&p).await;
    assert!(!plain.toggle_shown, "{plain:#?}");
    assert_usable(&plain, "phone without JS");
    click(&p, "nav.site-nav a[href='/kiosks']").await;
    wait_for_text(&p, "h1", "Kiosks").await;
    p.close().await.unwrap();
}

/// A browser enrolled as a kiosk, left alone past the supervisor's idle (12 h) and
/// absolute (14 days) limits, still shows the code screen; the supervisor's browser of the
/// same age is back at the login.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_left_idle_stays_enrolled() {
    let Some(mut driver) = Driver::start("kiosk_left_idle_stays_enrolled").await else {
        return;
    };
    let Some(app) = spawn_app(StoreKind::Sqlite).await else {
        return;
    };
    app.signup(OWNER).await;
    let boss = driver.session().await;
    log_in(&boss, &app.base, OWNER).await;
    let k = driver.session().await;
    log_in(&k, &app.base, OWNER).await;
    click(&k, "nav.site-nav a[href='/kiosks']").await;
    type_into(&k, "form[action='/kiosks/enrol'] #name", "Front door").await;
    click(&k, "form[action='/kiosks/enrol'] button[type=submit]").await;
    confirm_dialog(&k).await;
    wait_for(&k, "form[action='/kiosk/identify'] #id_code").await;

    for days in [0, 15] {
        app.clock
            .advance(jiff::SignedDuration::from_hours(13 + 24 * days));
        k.goto(&app.url("/kiosk")).await.unwrap();
        wait_for(&k, "form[action='/kiosk/identify'] #id_code").await;
        assert_eq!(path_of(&k).await, "/kiosk", "after {days} days and 13 h");
    }
    boss.goto(&app.url("/dashboard")).await.unwrap();
    wait_for(&boss, "form[action='/login']").await;
    assert_eq!(path_of(&boss).await, "/login");
    assert_no_console_errors(&k, "the kiosk").await;
    k.close().await.unwrap();
    boss.close().await.unwrap();
}
