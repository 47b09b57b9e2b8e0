use crate::both;
use crate::helpers::{error_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    signup_returns_a_working_token,
    duplicate_email_is_refused_with_a_message,
    tokens_from_password_list_and_revoke,
    wrong_password_is_401_and_rate_limited_with_retry_after,
    health_and_readiness,
    security_headers_on_every_response,
    password_reset_by_mailed_link,
);

async fn signup_returns_a_working_token(app: TestApp) {
    let c = app.signup("owner@acme.test").await;
    let me: Value = app.get_json("/api/v1/me", &c.token).await;
    assert_eq!(me["email"], "owner@acme.test");
    assert_eq!(me["role"], "owner");
    assert_eq!(me["company_id"], c.company_id.as_str());
    assert_eq!(me["user_id"], c.user_id.as_str());
}

async fn duplicate_email_is_refused_with_a_message(app: TestApp) {
    app.signup("dup@acme.test").await;
    let res = app
        .post_json(
            "/api/v1/signup",
            None,
            &json!({"company_name": "B", "email": "DUP@acme.test", "password": PASSWORD}),
        )
        .await;
    let (status, code, msg) = error_of(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert!(msg.contains("already has an account"), "{msg}");
}

async fn tokens_from_password_list_and_revoke(app: TestApp) {
    let c = app.signup("t@acme.test").await;
    let res = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "t@acme.test", "password": PASSWORD, "name": "cli"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let list: Value = app.get_json("/api/v1/tokens", &token).await;
    let tokens = list["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2, "sign-up token and cli token");
    assert!(
        !list.to_string().contains(&token),
        "a token is never shown again"
    );
    let cli_id = tokens.iter().find(|t| t["name"] == "cli").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let del = app
        .api
        .delete(app.url(&format!("/api/v1/tokens/{cli_id}")))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_api("/api/v1/me", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get_api("/api/v1/me", &c.token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.api
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn wrong_password_is_401_and_rate_limited_with_retry_after(app: TestApp) {
    app.signup("rl@acme.test").await;
    // Ten failures lock the account; this address then gets three tries of its own (the
    // right password would still work from here — see security.rs) before it is refused
    // too, right password or not.
    for i in 0..13 {
        let res = app
            .post_json(
                "/api/v1/tokens",
                None,
                &json!({"email": "rl@acme.test", "password": "wrong password!"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let res = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "rl@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "this address has used up its tries against the locked account"
    );
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    let (_, code, _) = error_of(res).await;
    assert_eq!(code, "rate_limited");
    // Another account from the same IP is not locked by this one.
    app.signup("other@acme.test").await;
    let ok = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "other@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    // The window passes.
    app.clock.advance(jiff::SignedDuration::from_mins(16));
    let ok = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "rl@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
}

async fn health_and_readiness(app: TestApp) {
    assert_eq!(
        app.api
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.api
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ready"
    );
}

async fn security_headers_on_every_response(app: TestApp) {
    for path in [
        "/",
        "/login",
        "/api/v1/me",
        "/no-such-page",
        "/static/style.css",
    ] {
        let res = app.api.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS over plain http"
        );
        assert!(h.contains_key("x-request-id"));
    }
}

async fn password_reset_by_mailed_link(app: TestApp) {
    app.signup("reset@acme.test").await;
    // A logged-in session elsewhere, which the reset must end.
    assert_eq!(
        app.browser_login("reset@acme.test", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = anon
        .post(app.url("/password-reset"))
        .form(&[("email", "reset@acme.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Unknown emails get the same answer and no mail.
    let res = anon
        .post(app.url("/password-reset"))
        .form(&[("email", "nobody@acme.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mails = app.outbox();
    assert_eq!(mails.len(), 1, "one mail, to the real account");
    assert!(mails[0].contains("To: reset@acme.test"));
    let link = crate::helpers::link_in(&mails[0], "/password-reset/").unwrap();
    let path = link.trim_start_matches(&app.base).to_string();
    let weak = anon
        .post(app.url(&path))
        .form(&[("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = anon
        .post(app.url(&path))
        .form(&[("password", "a brand new passphrase")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = anon
        .post(app.url(&path))
        .form(&[("password", "another new passphrase")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a link works once"
    );
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::SEE_OTHER,
        "old session ended"
    );
    let old = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "reset@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "reset@acme.test", "password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(new.status(), StatusCode::CREATED);
}

/// The privacy policy names the operator's configured address wherever it says "contact
/// us", and its section 11 is not left empty.
mod privacy_page_names_the_operators_contact {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(store::StoreKind::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(store::StoreKind::Postgres).await
    }
    async fn run(kind: store::StoreKind) {
        let Some(app) = crate::helpers::spawn_app_with(kind, |c| {
            c.privacy_contact = domain::Email::parse("privacy@acme-ops.example").unwrap();
        })
        .await
        else {
            return;
        };
        let (status, html) = app.page("/privacy").await;
        assert_eq!(status, reqwest::StatusCode::OK);
        let mailto = r#"<a href="mailto:privacy@acme-ops.example">privacy@acme-ops.example</a>"#;
        assert!(!html.contains("[email"), "no placeholder address left");
        let contact = html.split("<h2>11. Contact Us</h2>").nth(1).unwrap();
        assert!(contact.contains(mailto), "section 11 names it: {contact}");
        for section in ["<h2>5. Data Retention</h2>", "<h2>7. Your Rights</h2>"] {
            let text = html
                .split(section)
                .nth(1)
                .unwrap()
                .split("<h2>")
                .next()
                .unwrap();
            assert!(text.contains(mailto), "{section}: {text}");
        }
    }
}
