//! Company B's credentials on company A's resources: always 404 (not 403, which would
//! confirm the resource exists; never 200).

use crate::both;
use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

both!(another_companys_token_sees_nothing);

async fn another_companys_token_sees_nothing(app: TestApp) {
    let a = app.signup("a@a.test").await;
    let b = app.signup("b@b.test").await;
    let a_tokens: Value = app.get_json("/api/v1/tokens", &a.token).await;
    let a_token_id = a_tokens["tokens"][0]["id"].as_str().unwrap().to_string();

    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PATCH,
            format!("/api/v1/users/{}", a.user_id),
            Some(json!({"role": "viewer"})),
        ),
        (Method::DELETE, format!("/api/v1/users/{}", a.user_id), None),
        (Method::DELETE, format!("/api/v1/tokens/{a_token_id}"), None),
    ];
    for (method, path, body) in attempts {
        let mut req = app
            .api
            .request(method.clone(), app.url(&path))
            .bearer_auth(&b.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
    // B's listings never include A's data.
    let users: Value = app.get_json("/api/v1/users", &b.token).await;
    assert_eq!(users["users"].as_array().unwrap().len(), 1);
    assert!(!users.to_string().contains("a@a.test"));
    // A is untouched.
    let me: Value = app.get_json("/api/v1/me", &a.token).await;
    assert_eq!(me["role"], "owner");
}
