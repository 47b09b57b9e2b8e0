use crate::both;
use crate::helpers::{csrf_in, TestApp, PASSWORD};
use reqwest::StatusCode;

both!(
    signup_form_sets_one_httponly_lax_cookie,
    login_rotates_the_session_token,
    logout_revokes_the_session,
    sessions_expire_when_idle,
    forms_without_csrf_token_are_refused,
    cross_site_posts_are_refused,
    password_change_ends_other_sessions,
    form_errors_are_shown_next_to_fields_and_input_kept,
    html_in_input_is_escaped,
);

fn session_cookie(res: &reqwest::Response) -> String {
    let cookies: Vec<_> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert_eq!(cookies.len(), 1, "exactly one cookie: {cookies:?}");
    cookies[0].clone()
}

async fn signup_form_sets_one_httponly_lax_cookie(app: TestApp) {
    let res = app
        .form(
            "/signup",
            &[
                ("company_name", "Acme"),
                ("email", "web@acme.test"),
                ("password", PASSWORD),
                ("timezone", "America/New_York"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/dashboard");
    let cookie = session_cookie(&res);
    assert!(cookie.starts_with("omnitrack_session=ots_"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: no Secure flag");
    let (status, html) = app.page("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("America/New_York"));
}

async fn login_rotates_the_session_token(app: TestApp) {
    app.signup("rot@acme.test").await;
    let first = session_cookie(&app.browser_login("rot@acme.test", PASSWORD).await);
    let second = session_cookie(&app.browser_login("rot@acme.test", PASSWORD).await);
    assert_ne!(first, second, "a new token at every login");
    let old_token = first.split(';').next().unwrap().to_string();
    let res = app
        .api
        .get(app.url("/dashboard"))
        .header("cookie", old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the pre-login session no longer works"
    );
}

async fn logout_revokes_the_session(app: TestApp) {
    app.signup("out@acme.test").await;
    let cookie = session_cookie(&app.browser_login("out@acme.test", PASSWORD).await);
    let raw = cookie.split(';').next().unwrap().to_string();
    let csrf = app.csrf().await;
    let res = app.form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(session_cookie(&res).contains("Max-Age=0"));
    // Even a client that keeps the old cookie is out.
    let res = app
        .api
        .get(app.url("/dashboard"))
        .header("cookie", raw)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
}

async fn sessions_expire_when_idle(app: TestApp) {
    app.signup("idle@acme.test").await;
    app.browser_login("idle@acme.test", PASSWORD).await;
    assert_eq!(app.page("/dashboard").await.0, StatusCode::OK);
    app.clock.advance(jiff::SignedDuration::from_hours(11));
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::OK,
        "used within 12 h"
    );
    app.clock.advance(jiff::SignedDuration::from_hours(13));
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::SEE_OTHER,
        "idle for 13 h"
    );
}

async fn forms_without_csrf_token_are_refused(app: TestApp) {
    app.signup("csrf@acme.test").await;
    app.browser_login("csrf@acme.test", PASSWORD).await;
    let res = app.form("/settings/tokens", &[("name", "x")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .form("/settings/tokens", &[("name", "x"), ("csrf", "forged")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let csrf = app.csrf().await;
    let res = app
        .form("/settings/tokens", &[("name", "x"), ("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text().await.unwrap().contains("otk_"),
        "the new token is shown once"
    );
}

async fn cross_site_posts_are_refused(app: TestApp) {
    app.signup("xs@acme.test").await;
    app.browser_login("xs@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let evil = app
        .browser
        .post(app.url("/settings/tokens"))
        .header("origin", "https://evil.example")
        .form(&[("name", "x"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    let evil = app
        .browser
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("email", "xs@acme.test"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        evil.status(),
        StatusCode::FORBIDDEN,
        "login CSRF is refused too"
    );
}

async fn password_change_ends_other_sessions(app: TestApp) {
    app.signup("pw@acme.test").await;
    app.browser_login("pw@acme.test", PASSWORD).await;
    let other = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    other
        .post(app.url("/login"))
        .form(&[("email", "pw@acme.test"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        other
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let csrf = app.csrf().await;
    let wrong = app
        .form(
            "/settings/password",
            &[
                ("csrf", &csrf),
                ("current_password", "nope nope nope"),
                ("new_password", "another fine passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("is not your current password"));
    let ok = app
        .form(
            "/settings/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "another fine passphrase"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::OK,
        "the session that changed it stays"
    );
    assert_eq!(
        other
            .get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER,
        "others end"
    );
}

async fn form_errors_are_shown_next_to_fields_and_input_kept(app: TestApp) {
    let res = app
        .form(
            "/signup",
            &[
                ("company_name", "Kept Co"),
                ("email", "kept@acme.test"),
                ("password", "short"),
                ("timezone", "UTC"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"password-error\"") && html.contains("at least 10 characters"));
    assert!(
        html.contains("value=\"Kept Co\"") && html.contains("value=\"kept@acme.test\""),
        "nothing typed is lost"
    );
    let res = app
        .form(
            "/signup",
            &[
                ("company_name", "X"),
                ("email", "tz@acme.test"),
                ("password", PASSWORD),
                ("timezone", "Mars/Base"),
            ],
        )
        .await;
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("not a known IANA time zone"));
    let res = app.browser_login("nobody@acme.test", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("email or password is not right"));
}

async fn html_in_input_is_escaped(app: TestApp) {
    let res = app
        .form(
            "/signup",
            &[
                ("company_name", "<script>alert(1)</script>"),
                ("email", "xss@acme.test"),
                ("password", PASSWORD),
                ("timezone", "UTC"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/dashboard").await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("&lt;script&gt;"),
        "escaped"
    );
    assert!(csrf_in(&html).is_some());
}
