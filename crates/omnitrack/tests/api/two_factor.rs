//! Two-factor sign-in over HTTP: enrolment, the login's second step, reused and wrong
//! codes, recovery codes, API token exchange, and the company's requirement. Codes are
//! computed here from the secret the enrolment page shows, at instants the test pins.

use crate::both;
use crate::helpers::{csrf_in, error_of, join_as, TestApp, PASSWORD};
use app::credentials::totp::{base32_decode, code_at, step_at};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::json;

both!(
    enrolment_then_login_asks_for_the_code,
    a_code_is_refused_the_second_time_and_a_wrong_one_always,
    a_recovery_code_works_once,
    a_pending_login_is_no_session_and_runs_out_of_attempts,
    api_token_exchange_needs_the_code,
    turning_off_needs_password_and_code,
    a_company_requirement_holds_people_at_enrolment,
    the_requirement_follows_a_role_change,
);

const T0: &str = "2026-03-02T09:00:10Z";

pub(crate) fn code(secret: &str, at: Timestamp) -> String {
    format!(
        "{:06}",
        code_at(&base32_decode(secret).unwrap(), step_at(at))
    )
}

fn now(app: &TestApp) -> Timestamp {
    app.clock.now()
}

/// Text between `start` and the next `<` in `html`.
fn text_after<'h>(html: &'h str, start: &str) -> Option<&'h str> {
    let i = html.find(start)? + start.len();
    html[i..].split('<').next()
}

/// Signs up, logs the browser in and turns two-factor on; returns (secret, recovery codes).
async fn enrolled(app: &TestApp, email: &str) -> (String, Vec<String>) {
    app.set_clock(T0);
    app.signup(email).await;
    app.browser_login(email, PASSWORD).await;
    enrol(app).await
}

/// Enrols the browser's user (already signed in).
pub(crate) async fn enrol(app: &TestApp) -> (String, Vec<String>) {
    let (status, html) = app.page("/settings/two-factor").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let secret = text_after(&html, "id=\"totp-secret\">")
        .unwrap()
        .to_string();
    assert!(html.contains("otpauth://totp/OmniTrack:"), "{html}");
    let qr = html.split("id=\"totp-qr\"").nth(1).expect("a QR code");
    assert!(
        qr.contains("<svg") && qr.contains("<path") && !qr.contains("<?xml"),
        "an inline SVG QR code: {qr}"
    );
    let csrf = csrf_in(&html).unwrap();
    let res = app
        .form(
            "/settings/two-factor/enable",
            &[("csrf", &csrf), ("code", &code(&secret, now(app)))],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let list = html.split("id=\"recovery-codes\">").nth(1).unwrap();
    let list = list.split("</ul>").next().unwrap();
    let codes: Vec<String> = list
        .split("<code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{html}");
    (secret, codes)
}

/// The owner's switch, through the browser.
async fn require_it(app: &TestApp, csrf: &str) {
    let res = app
        .form(
            "/settings/two-factor/require",
            &[("csrf", csrf), ("required", "on")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

async fn logout(app: &TestApp) {
    let csrf = app.csrf().await;
    assert_eq!(
        app.form("/logout", &[("csrf", &csrf)]).await.status(),
        StatusCode::SEE_OTHER
    );
}

/// The password step; asserts it leads to the second step.
async fn password_step(app: &TestApp, email: &str) {
    let res = app.browser_login(email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login/two-factor");
    let cookies: Vec<_> = res.headers().get_all("set-cookie").iter().collect();
    assert_eq!(cookies.len(), 1);
    let c = cookies[0].to_str().unwrap();
    assert!(
        c.starts_with("omnitrack_pending_login=otp_")
            && c.contains("HttpOnly")
            && c.contains("Path=/login"),
        "{c}"
    );
}

async fn second_step(app: &TestApp, code: &str) -> reqwest::Response {
    app.form("/login/two-factor", &[("code", code)]).await
}

async fn enrolment_then_login_asks_for_the_code(app: TestApp) {
    let (secret, _) = enrolled(&app, "tf@acme.test").await;
    let (_, html) = app.page("/settings/two-factor").await;
    assert!(!html.contains(&secret), "the secret is never shown again");
    assert!(html.contains("10 unused recovery codes"), "{html}");
    logout(&app).await;

    password_step(&app, "tf@acme.test").await;
    assert_eq!(app.page("/login/two-factor").await.0, StatusCode::OK);
    app.clock.advance(SignedDuration::from_secs(30));
    let res = second_step(&app, &code(&secret, now(&app))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/dashboard");
    let set: Vec<_> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        set.iter().any(|c| c.starts_with("omnitrack_session=ots_")),
        "{set:?}"
    );
    assert!(
        set.iter()
            .any(|c| c.starts_with("omnitrack_pending_login=;") && c.contains("Max-Age=0")),
        "{set:?}"
    );
    assert_eq!(app.page("/dashboard").await.0, StatusCode::OK);
    // The log says "login" only once the code was accepted; the password step alone is
    // "login_password_ok".
    let (_, log) = app.page("/settings/audit").await;
    let actions: Vec<&str> = log
        .split("<code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(actions[..2], ["login", "login_password_ok"], "{actions:?}");
    assert!(log.contains("with a second factor"), "{log}");
}

async fn a_code_is_refused_the_second_time_and_a_wrong_one_always(app: TestApp) {
    let (secret, _) = enrolled(&app, "re@acme.test").await;
    logout(&app).await;
    password_step(&app, "re@acme.test").await;
    // The enrolment used this step's code: within its window it does not work again.
    let res = second_step(&app, &code(&secret, now(&app))).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("was used already"));
    let wrong = format!(
        "{:06}",
        (code(&secret, now(&app)).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let res = second_step(&app, &wrong).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("is not right"));
    let res = second_step(&app, "12ab").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("must be the 6 digits"));
    // One step later the app's next code works, once.
    app.clock.advance(SignedDuration::from_secs(30));
    let fresh = code(&secret, now(&app));
    assert_eq!(
        second_step(&app, &fresh).await.status(),
        StatusCode::SEE_OTHER
    );
    logout(&app).await;
    password_step(&app, "re@acme.test").await;
    let res = second_step(&app, &fresh).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "replayed in a new login"
    );
    // Nor does an older code once a newer one was used (one step back is still in the
    // ±1 window, but before the last used step).
    app.clock.advance(SignedDuration::from_secs(30));
    assert_eq!(
        second_step(&app, &fresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn a_recovery_code_works_once(app: TestApp) {
    let (_, codes) = enrolled(&app, "rc@acme.test").await;
    logout(&app).await;
    password_step(&app, "rc@acme.test").await;
    let res = second_step(&app, &codes[3].to_uppercase()).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "case and dashes do not matter"
    );
    let (_, html) = app.page("/settings/two-factor").await;
    assert!(html.contains("9 unused recovery codes"), "{html}");
    logout(&app).await;
    password_step(&app, "rc@acme.test").await;
    let res = second_step(&app, &codes[3]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        second_step(&app, &codes[4]).await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn a_pending_login_is_no_session_and_runs_out_of_attempts(app: TestApp) {
    let (secret, _) = enrolled(&app, "pl@acme.test").await;
    logout(&app).await;
    password_step(&app, "pl@acme.test").await;
    let (status, _) = app.page("/dashboard").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the pending login opens nothing"
    );
    app.clock.advance(SignedDuration::from_secs(30));
    for _ in 0..5 {
        assert_eq!(
            second_step(&app, "000000").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = second_step(&app, &code(&secret, now(&app))).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the sixth try, even right, is refused"
    );
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("enter your password again"));
    // A new password step gets new tries, but the user's wrong codes still count: after
    // ten in the window even the right code is 429.
    password_step(&app, "pl@acme.test").await;
    for _ in 0..5 {
        second_step(&app, "000000").await;
    }
    password_step(&app, "pl@acme.test").await;
    let res = second_step(&app, &code(&secret, now(&app))).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // A pending login also ends by time.
    app.clock.advance(SignedDuration::from_mins(16));
    password_step(&app, "pl@acme.test").await;
    app.clock.advance(SignedDuration::from_mins(6));
    let res = second_step(&app, &code(&secret, now(&app))).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("enter your password again"));
}

async fn api_token_exchange_needs_the_code(app: TestApp) {
    let (secret, _) = enrolled(&app, "api@acme.test").await;
    let body = json!({"email": "api@acme.test", "password": PASSWORD});
    let (status, _, message) = error_of(app.post_json("/api/v1/tokens", None, &body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message.contains("two-factor"), "{message}");
    app.clock.advance(SignedDuration::from_secs(30));
    let body =
        json!({"email": "api@acme.test", "password": PASSWORD, "code": code(&secret, now(&app))});
    let res = app.post_json("/api/v1/tokens", None, &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let token: serde_json::Value = res.json().await.unwrap();
    // The token itself is not asked for a code.
    let me = app
        .get_api("/api/v1/me", token["token"].as_str().unwrap())
        .await;
    assert_eq!(me.status(), StatusCode::OK);
}

async fn turning_off_needs_password_and_code(app: TestApp) {
    let (secret, _) = enrolled(&app, "off@acme.test").await;
    app.clock.advance(SignedDuration::from_secs(30));
    let csrf = app.csrf().await;
    let res = app
        .form(
            "/settings/two-factor/disable",
            &[
                ("csrf", &csrf),
                ("password", "wrong wrong wrong"),
                ("code", &code(&secret, now(&app))),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("is not your password"));
    app.clock.advance(SignedDuration::from_secs(30));
    let res = app
        .form(
            "/settings/two-factor/disable",
            &[("csrf", &csrf), ("password", PASSWORD), ("code", "123")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .form(
            "/settings/two-factor/disable",
            &[
                ("csrf", &csrf),
                ("password", PASSWORD),
                ("code", &code(&secret, now(&app))),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    logout(&app).await;
    let res = app.browser_login("off@acme.test", PASSWORD).await;
    assert_eq!(
        res.headers()["location"],
        "/dashboard",
        "no second step any more"
    );
}

async fn a_company_requirement_holds_people_at_enrolment(app: TestApp) {
    app.set_clock(T0);
    let c = app.signup("own@acme.test").await;
    app.browser_login("own@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    require_it(&app, &csrf).await;
    // The owner has no two-factor: this very session is held at enrolment now.
    for path in [
        "/dashboard",
        "/settings",
        "/employees",
        "/settings/security",
    ] {
        let res = app.browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers()["location"], "/settings/two-factor", "{path}");
    }
    let (status, html) = app.page("/settings/two-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Your company requires two-factor sign-in"));
    // Forms elsewhere do nothing either.
    let csrf = csrf_in(&html).unwrap();
    let res = app
        .form("/settings/tokens", &[("csrf", &csrf), ("name", "sneaky")])
        .await;
    assert_eq!(res.headers()["location"], "/settings/two-factor");
    assert!(
        app.get_json("/api/v1/tokens", &c.token).await["tokens"]
            .as_array()
            .unwrap()
            .len()
            == 1,
        "only the sign-up token"
    );
    // A password-for-token exchange is refused until enrolled; existing tokens still work.
    let body = json!({"email": "own@acme.test", "password": PASSWORD});
    let (status, _, message) = error_of(app.post_json("/api/v1/tokens", None, &body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
    assert!(message.contains("requires two-factor"), "{message}");
    assert_eq!(
        app.get_api("/api/v1/me", &c.token).await.status(),
        StatusCode::OK
    );
    // A fresh login lands on the enrolment page too.
    let res = app.browser_login("own@acme.test", PASSWORD).await;
    assert_eq!(res.headers()["location"], "/settings/two-factor");
    enrol(&app).await;
    assert_eq!(app.page("/dashboard").await.0, StatusCode::OK);
    // While required, it cannot be turned off.
    let (_, html) = app.page("/settings/two-factor").await;
    assert!(html.contains("cannot be turned off"), "{html}");
}

async fn the_requirement_follows_a_role_change(app: TestApp) {
    let (_, _) = enrolled(&app, "boss@acme.test").await;
    let csrf = app.csrf().await;
    require_it(&app, &csrf).await;
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::OK,
        "the owner has it on"
    );
    // A viewer joins: not asked for two-factor.
    let viewer = join_as(&app, &csrf, "view@acme.test", "viewer", "/dashboard").await;
    let dashboard = || async { viewer.get(app.url("/dashboard")).send().await.unwrap() };
    assert_eq!(dashboard().await.status(), StatusCode::OK);
    let (_, html) = app.page("/settings").await;
    let id = html
        .split("/settings/members/")
        .find_map(|s| s.split_once("/role").map(|(id, _)| id.to_string()))
        .unwrap();
    let promote = |role: &'static str| {
        let (app, csrf, id) = (&app, csrf.clone(), id.clone());
        async move {
            let res = app
                .form(
                    &format!("/settings/members/{id}/role"),
                    &[("csrf", &csrf), ("role", role)],
                )
                .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
        }
    };
    promote("supervisor").await;
    let res = dashboard().await;
    assert_eq!(
        res.headers()["location"],
        "/settings/two-factor",
        "held as a supervisor"
    );
    promote("viewer").await;
    assert_eq!(
        dashboard().await.status(),
        StatusCode::OK,
        "released as a viewer"
    );
}
