//! Browser check of two-factor sign-in (same driver and rules as `e2e.rs`): from Settings to
//! the security page to enrolment, a code typed from the shown key, the recovery codes, log
//! out, and log in again with password and then a code.

use crate::e2e::{
    assert_no_console_errors, click, path_of, screenshot, text_of, type_into, wait_for, Driver,
};
use crate::e2e_pages::log_in;
use crate::helpers::{spawn_app, PASSWORD};
use crate::two_factor::code;
use jiff::SignedDuration;
use store::StoreKind;

const OWNER: &str = "owner@acme.test";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrol_in_two_factor_log_out_and_log_in_with_a_code() {
    let Some(mut driver) =
        Driver::start("enrol_in_two_factor_log_out_and_log_in_with_a_code").await
    else {
        return;
    };
    let Some(app) = spawn_app(StoreKind::Sqlite).await else {
        return;
    };
    // A pinned clock: the test computes the codes for the instants the app sees.
    app.set_clock("2026-03-02T09:00:10Z");
    app.signup(OWNER).await;
    let b = driver.session().await;
    log_in(&b, &app.base, OWNER).await;

    b.goto(&app.url("/settings")).await.unwrap();
    click(&b, "a[href='/settings/security']").await;
    click(&b, "a[href='/settings/two-factor']").await;
    let secret = text_of(&b, "#totp-secret").await;
    let uri = text_of(&b, "#totp-uri").await;
    assert!(
        uri.starts_with("otpauth://totp/OmniTrack:") && uri.contains(&secret),
        "{uri}"
    );
    screenshot(&b, "two-factor-enrol").await;
    type_into(&b, "#code", &code(&secret, app.clock.now())).await;
    click(
        &b,
        "form[action='/settings/two-factor/enable'] button[type=submit]",
    )
    .await;
    let codes = text_of(&b, "#recovery-codes").await;
    assert_eq!(codes.lines().count(), 10, "{codes}");

    click(&b, "form[action='/logout'] button[type=submit]").await;
    wait_for(&b, "form[action='/login']").await;
    type_into(&b, "#email", OWNER).await;
    type_into(&b, "#password", PASSWORD).await;
    click(&b, "form[action='/login'] button[type=submit]").await;
    wait_for(&b, "form[action='/login/two-factor']").await;
    assert_eq!(path_of(&b).await, "/login/two-factor");
    screenshot(&b, "login-two-factor").await;
    // The app's next code (the enrolment used this step's).
    app.clock.advance(SignedDuration::from_secs(30));
    type_into(&b, "#code", &code(&secret, app.clock.now())).await;
    click(&b, "form[action='/login/two-factor'] button[type=submit]").await;
    wait_for(&b, "nav.site-nav a[href='/employees']").await;
    assert_eq!(path_of(&b).await, "/dashboard");
    b.goto(&app.url("/settings/security")).await.unwrap();
    wait_for(&b, "form[action='/settings/security/sign-out-everywhere']").await;
    screenshot(&b, "security-page").await;
    assert_no_console_errors(&b, "the owner's browser").await;
    b.close().await.unwrap();
}
