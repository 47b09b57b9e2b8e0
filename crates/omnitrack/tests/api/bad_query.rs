//! Malformed query strings get the API's JSON error body (found by schemathesis: axum's own
//! rejection answered in plain text, which the OpenAPI document does not promise).

use crate::both;
use crate::helpers::{error_of, TestApp};
use reqwest::StatusCode;

both!(malformed_query_strings_are_json_400s);

async fn malformed_query_strings_are_json_400s(app: TestApp) {
    let c = app.signup("query@acme.test").await;
    for path in [
        "/api/v1/employees?include_inactive=maybe",
        "/api/v1/shifts?employee_id=not-a-uuid",
        "/api/v1/tasks?employee_id=%00",
        "/api/v1/exports/shifts.csv?from=2026-05-01&from=2026-05-02",
    ] {
        let res = app.get_api(path, &c.token).await;
        assert_eq!(res.headers()["content-type"], "application/json", "{path}");
        let (status, code, message) = error_of(res).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(code, "bad_request", "{path}");
        assert!(!message.is_empty(), "{path}");
    }
    // Well-formed ones still work.
    let res = app
        .get_api("/api/v1/employees?include_inactive=true", &c.token)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}
