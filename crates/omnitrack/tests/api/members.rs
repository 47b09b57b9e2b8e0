use crate::both;
use crate::helpers::{error_of, link_in, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    invite_accept_and_roles_are_enforced_server_side,
    last_owner_is_protected
);

async fn token_for(app: &TestApp, email: &str, pw: &str) -> String {
    let res = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": email, "password": pw}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn invite_accept_and_roles_are_enforced_server_side(app: TestApp) {
    let owner = app.signup("own@acme.test").await;
    let res = app
        .post_json(
            "/api/v1/invites",
            Some(&owner.token),
            &json!({"email": "sup@acme.test", "role": "supervisor"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = app.outbox().pop().unwrap();
    assert!(mail.contains("To: sup@acme.test"));
    let link = link_in(&mail, "/invite/").unwrap();
    let path = link.trim_start_matches(&app.base).to_string();
    let (status, html) = app.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("supervisor"));
    let res = app.form(&path, &[("password", PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "accepting signs in");
    assert_eq!(
        app.form(&path, &[("password", PASSWORD)]).await.status(),
        StatusCode::NOT_FOUND,
        "a link works once"
    );

    let sup = token_for(&app, "sup@acme.test", PASSWORD).await;
    let me: Value = app.get_json("/api/v1/me", &sup).await;
    assert_eq!(me["role"], "supervisor");
    // A supervisor may read members but not invite or change roles.
    assert_eq!(
        app.get_api("/api/v1/users", &sup).await.status(),
        StatusCode::OK
    );
    let (status, code, _) = error_of(
        app.post_json(
            "/api/v1/invites",
            Some(&sup),
            &json!({"email": "x@acme.test", "role": "viewer"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let res = app
        .api
        .patch(app.url(&format!("/api/v1/users/{}", owner.user_id)))
        .bearer_auth(&sup)
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The owner demotes the supervisor to viewer; the change applies to existing tokens at once.
    let users: Value = app.get_json("/api/v1/users", &owner.token).await;
    let sup_id = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "sup@acme.test")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .api
        .patch(app.url(&format!("/api/v1/users/{sup_id}")))
        .bearer_auth(&owner.token)
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let me: Value = app.get_json("/api/v1/me", &sup).await;
    assert_eq!(me["role"], "viewer");
    // Viewers cannot change settings pages either (server-side, not just hidden buttons).
    app.browser_login("sup@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let res = app
        .form(
            "/settings/invites",
            &[
                ("csrf", &csrf),
                ("email", "y@acme.test"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Removal ends their access.
    let res = app
        .api
        .delete(app.url(&format!("/api/v1/users/{sup_id}")))
        .bearer_auth(&owner.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_api("/api/v1/me", &sup).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.page("/dashboard").await.0, StatusCode::SEE_OTHER);
}

async fn last_owner_is_protected(app: TestApp) {
    let owner = app.signup("solo@acme.test").await;
    let res = app
        .api
        .patch(app.url(&format!("/api/v1/users/{}", owner.user_id)))
        .bearer_auth(&owner.token)
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    let (status, code, msg) = error_of(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "rule_violated")
    );
    assert!(msg.contains("owner"));
}
