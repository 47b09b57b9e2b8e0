//! Mistakes get a 4xx with a sentence a person understands — never a 5xx.

use crate::both;
use crate::helpers::{error_of, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;

both!(bad_requests_get_clear_4xx);

async fn bad_requests_get_clear_4xx(app: TestApp) {
    let signup = app.url("/api/v1/signup");
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (app.api.post(&signup).header("content-type", "application/json").body("{not json"), StatusCode::BAD_REQUEST, "not valid JSON"),
        (app.api.post(&signup).header("content-type", "text/plain").body("{}"), StatusCode::UNSUPPORTED_MEDIA_TYPE, "Content-Type"),
        (app.api.post(&signup).json(&json!({"email": "x@y.test"})), StatusCode::UNPROCESSABLE_ENTITY, "missing field"),
        (app.api.post(&signup).json(&json!({"company_name": "", "email": "x@y.test", "password": PASSWORD})), StatusCode::UNPROCESSABLE_ENTITY, "must not be empty"),
        (app.api.post(&signup).json(&json!({"company_name": "A", "email": "not-an-email", "password": PASSWORD})), StatusCode::UNPROCESSABLE_ENTITY, "email"),
        (app.api.post(&signup).json(&json!({"company_name": "A", "email": "x@y.test", "password": PASSWORD, "timezone": "Moon/Base"})), StatusCode::UNPROCESSABLE_ENTITY, "time zone"),
        (app.api.post(&signup).json(&json!({"company_name": "A".repeat(500), "email": "x@y.test", "password": PASSWORD})), StatusCode::UNPROCESSABLE_ENTITY, "at most 120"),
        (app.api.post(&signup).json(&json!({"company_name": "A\u{0}B", "email": "x@y.test", "password": PASSWORD})), StatusCode::UNPROCESSABLE_ENTITY, "control characters"),
        (app.api.post(&signup).json(&json!({"company_name": "A", "email": "x@y.test", "password": "password123"})), StatusCode::UNPROCESSABLE_ENTITY, "common"),
        (app.api.post(&signup).json(&json!({"company_name": 5, "email": "x@y.test", "password": PASSWORD})), StatusCode::UNPROCESSABLE_ENTITY, "invalid type"),
        (app.api.post(&signup).header("content-type", "application/json").body(vec![b' '; 300 * 1024]), StatusCode::PAYLOAD_TOO_LARGE, ""),
        (app.api.get(app.url("/api/v1/nope")), StatusCode::NOT_FOUND, "no such resource"),
        (app.api.delete(app.url("/api/v1/tokens/not-a-uuid")).bearer_auth("otk_x"), StatusCode::UNAUTHORIZED, "invalid"),
        (app.api.get(app.url("/api/v1/me")).header("authorization", "Basic abc"), StatusCode::UNAUTHORIZED, "Bearer"),
    ];
    for (i, (req, want, needle)) in cases.into_iter().enumerate() {
        let res = req.send().await.unwrap();
        let (status, _, msg) = error_of(res).await;
        assert_eq!(status, want, "case {i}: {msg}");
        assert!(
            msg.contains(needle),
            "case {i}: '{msg}' should mention '{needle}'"
        );
    }
    // Malformed ids on authenticated routes are a plain 404.
    let c = app.signup("bad@acme.test").await;
    let res = app
        .api
        .delete(app.url("/api/v1/tokens/not-a-uuid"))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Broken forms are a 4xx page, not a crash.
    let res = app
        .browser
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}
