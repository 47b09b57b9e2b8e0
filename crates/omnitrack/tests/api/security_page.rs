//! The security page over HTTP: live sessions with their browser and address, revoking
//! one, signing out everywhere (with the API tokens if asked), the company's tokens for an
//! owner; and `GET /api/v1/tasks` in pages.

use crate::both;
use crate::clock::{employee, task};
use crate::helpers::{audit_actions, csrf_in, error_of, join_as, TestApp, PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

both!(
    the_page_lists_sessions_and_one_can_be_revoked,
    signing_out_everywhere_ends_every_session_and_optionally_the_tokens,
    an_owner_sees_and_revokes_the_companys_tokens,
    task_listing_comes_in_pages_of_at_most_a_thousand,
);

/// A second browser (its own cookie jar) logged in as `email`, with a user agent.
async fn second_browser(app: &TestApp, email: &str, agent: &str) -> Client {
    let other = Client::builder()
        .cookie_store(true)
        .user_agent(agent)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = other
        .post(app.url("/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/dashboard");
    other
}

/// A page's HTML as `client` sees it.
async fn page_of(client: &Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Posts the security page's token revoke as `client` (its CSRF token from `html`).
async fn revoke_as(client: &Client, app: &TestApp, html: &str, id: &str) -> StatusCode {
    client
        .post(app.url(&format!("/settings/security/tokens/{id}/revoke")))
        .form(&[("csrf", csrf_in(html).unwrap())])
        .send()
        .await
        .unwrap()
        .status()
}

async fn status_of(client: &Client, app: &TestApp, path: &str) -> StatusCode {
    client.get(app.url(path)).send().await.unwrap().status()
}

/// The session ids in the page's revoke forms.
fn session_ids(html: &str) -> Vec<String> {
    html.split("/settings/security/sessions/")
        .skip(1)
        .map(|s| s.split('/').next().unwrap().to_string())
        .collect()
}

async fn the_page_lists_sessions_and_one_can_be_revoked(app: TestApp) {
    let me = app.signup("me@acme.test").await;
    app.browser_login("me@acme.test", PASSWORD).await;
    let phone = second_browser(&app, "me@acme.test", "PhoneBrowser/1.0").await;
    let (status, html) = app.page("/settings/security").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("PhoneBrowser/1.0"), "{html}");
    assert!(
        html.contains("127.0.0.1"),
        "the address, as the audit log has it"
    );
    assert!(html.contains("(this browser)"));
    let ids = session_ids(&html);
    assert_eq!(ids.len(), 2, "{html}");
    // The phone's row is the one not marked as this browser.
    let phone_row = html
        .split("<tr class=\"session-row\">")
        .find(|r| r.contains("PhoneBrowser/1.0"))
        .unwrap();
    let phone_id = session_ids(phone_row).remove(0);
    let csrf = csrf_in(&html).unwrap();
    let res = app
        .form(
            &format!("/settings/security/sessions/{phone_id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&phone, &app, "/dashboard").await,
        StatusCode::SEE_OTHER,
        "the phone is out"
    );
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::OK,
        "this browser is not"
    );
    // Gone, or not one's own: nothing to revoke.
    let res = app
        .form(
            &format!("/settings/security/sessions/{phone_id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let other = second_browser(&app, "me@acme.test", "Other/2").await;
    app.signup("else@other.test").await;
    let stranger = second_browser(&app, "else@other.test", "Stranger/3").await;
    let html = page_of(&stranger, &app, "/settings/security").await;
    let stranger_id = session_ids(&html).remove(0);
    let res = app
        .form(
            &format!("/settings/security/sessions/{stranger_id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another company's session"
    );
    assert_eq!(
        status_of(&stranger, &app, "/dashboard").await,
        StatusCode::OK
    );
    assert_eq!(status_of(&other, &app, "/dashboard").await, StatusCode::OK);
    assert!(audit_actions(&app, &me.token)
        .await
        .contains(&"session_revoked".to_string()));
    let res = app
        .form("/settings/security/sessions/zz/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "a malformed id");
    let res = app
        .form(
            &format!("/settings/security/sessions/{stranger_id}/revoke"),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn signing_out_everywhere_ends_every_session_and_optionally_the_tokens(app: TestApp) {
    let c = app.signup("all@acme.test").await;
    app.browser_login("all@acme.test", PASSWORD).await;
    let phone = second_browser(&app, "all@acme.test", "Phone/1").await;
    let csrf = app.csrf().await;
    let res = app
        .form("/settings/security/sign-out-everywhere", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?done=logout");
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::SEE_OTHER,
        "this browser too"
    );
    assert_eq!(
        status_of(&phone, &app, "/dashboard").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.get_api("/api/v1/me", &c.token).await.status(),
        StatusCode::OK,
        "tokens kept unless asked"
    );
    // Again, with the tokens.
    app.browser_login("all@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let res = app
        .form(
            "/settings/security/sign-out-everywhere",
            &[("csrf", &csrf), ("tokens", "on")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_api("/api/v1/me", &c.token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "all@acme.test", "password": PASSWORD}),
        )
        .await;
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let audit = audit_actions(&app, &token).await;
    assert_eq!(
        audit
            .iter()
            .filter(|a| *a == "signed_out_everywhere")
            .count(),
        2,
        "{audit:?}"
    );
}

async fn an_owner_sees_and_revokes_the_companys_tokens(app: TestApp) {
    let owner = app.signup("boss@acme.test").await;
    // A supervisor of the same company, with a token of their own.
    let csrf_owner = {
        app.browser_login("boss@acme.test", PASSWORD).await;
        app.csrf().await
    };
    let sup = join_as(
        &app,
        &csrf_owner,
        "sup@acme.test",
        "supervisor",
        "/dashboard",
    )
    .await;
    let res = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "sup@acme.test", "password": PASSWORD, "name": "sup script"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let sup_token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    // The supervisor sees only their own token.
    let sup_html = page_of(&sup, &app, "/settings/security").await;
    assert!(
        sup_html.contains("sup script") && !sup_html.contains("boss@acme.test"),
        "{sup_html}"
    );
    // The owner sees both people's and revokes the supervisor's.
    let (_, html) = app.page("/settings/security").await;
    assert!(
        html.contains("sup script") && html.contains("sup@acme.test"),
        "{html}"
    );
    let row = html
        .split("<tr>")
        .find(|r| r.contains("sup script"))
        .unwrap();
    let id = row
        .split("/settings/security/tokens/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    // Another company's owner cannot, nor can the supervisor revoke the owner's.
    app.signup("else@other.test").await;
    let stranger = second_browser(&app, "else@other.test", "Stranger/1").await;
    let html = page_of(&stranger, &app, "/settings/security").await;
    let res = revoke_as(&stranger, &app, &html, id).await;
    assert_eq!(res, StatusCode::NOT_FOUND, "another company's token");
    let owners: Value = app.get_json("/api/v1/tokens", &owner.token).await;
    let owners_id = owners["tokens"][0]["id"].as_str().unwrap();
    let res = revoke_as(&sup, &app, &sup_html, owners_id).await;
    assert_eq!(
        res,
        StatusCode::NOT_FOUND,
        "a supervisor, the owner's token"
    );
    assert_eq!(
        app.get_api("/api/v1/me", &owner.token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get_api("/api/v1/me", &sup_token).await.status(),
        StatusCode::OK
    );
    let res = app
        .form(
            &format!("/settings/security/tokens/{id}/revoke"),
            &[("csrf", &csrf_owner)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get_api("/api/v1/me", &sup_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get_api("/api/v1/me", &owner.token).await.status(),
        StatusCode::OK
    );
    assert!(audit_actions(&app, &owner.token)
        .await
        .contains(&"token_revoked".to_string()));
}

async fn task_listing_comes_in_pages_of_at_most_a_thousand(app: TestApp) {
    let c = app.signup("tasks@acme.test").await;
    let e = employee(&app, &c.token, "Di", "DI-0001").await;
    for i in 0..5 {
        task(
            &app,
            &c.token,
            e["id"].as_str().unwrap(),
            &format!("Task {i}"),
        )
        .await;
    }
    let all: Value = app.get_json("/api/v1/tasks", &c.token).await;
    assert_eq!(all["tasks"].as_array().unwrap().len(), 5);
    assert_eq!(all["next_cursor"], Value::Null);
    let (mut seen, mut pages) = (Vec::new(), 0);
    let mut url = "/api/v1/tasks?limit=2".to_string();
    loop {
        let page: Value = app.get_json(&url, &c.token).await;
        pages += 1;
        let tasks = page["tasks"].as_array().unwrap();
        assert!(tasks.len() <= 2);
        seen.extend(tasks.iter().map(|t| t["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(cur) => url = format!("/api/v1/tasks?limit=2&cursor={cur}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let ids: Vec<Value> = all["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].clone())
        .collect();
    assert_eq!(seen, ids, "every task once, in order");
    for bad in [
        "limit=0",
        "limit=1001",
        "cursor=nonsense",
        "cursor=5:not-a-uuid",
    ] {
        let (status, _, message) =
            error_of(app.get_api(&format!("/api/v1/tasks?{bad}"), &c.token).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {message}");
    }
}
