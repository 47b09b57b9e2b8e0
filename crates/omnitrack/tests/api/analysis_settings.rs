use crate::both;
use crate::clock::{employee, task};
use crate::helpers::{error_of, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(company_weights_change_the_formula_and_objection_can_mean_no_analysis);

async fn put(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.api
        .put(app.url("/api/v1/settings/analysis"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn company_weights_change_the_formula_and_objection_can_mean_no_analysis(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let got: Value = app.get_json("/api/v1/settings/analysis", &c.token).await;
    assert_eq!(
        got,
        json!({"score_weights": {"tasks": 0.85, "unplanned": 0.15, "blocked_credit": 0.25}, "objection_mode": "local"})
    );
    let (status, _, msg) = error_of(put(&app, &c.token, json!({"score_weights": {"tasks": 0.0, "unplanned": 0.0, "blocked_credit": 0.1}, "objection_mode": "local"})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{msg}");
    let (status, _, _) = error_of(put(&app, &c.token, json!({"score_weights": {"tasks": 1.0, "unplanned": 0.0, "blocked_credit": 0.0}, "objection_mode": "maybe"})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Only tasks count, blocked earns nothing.
    let ok = put(&app, &c.token, json!({"score_weights": {"tasks": 1.0, "unplanned": 0.0, "blocked_credit": 0.0}, "objection_mode": "none"})).await;
    assert_eq!(ok.status(), StatusCode::OK);

    let e = employee(&app, &c.token, "Wei", "WEI-001").await;
    let eid = e["id"].as_str().unwrap();
    task(&app, &c.token, eid, "Reconcile March invoices").await;
    task(&app, &c.token, eid, "Update the price list").await;
    app.post_json(
        "/api/v1/clock-in",
        Some(&c.token),
        &json!({"id_code": "WEI-001", "standup": "invoices"}),
    )
    .await;
    let out: Value = app
        .post_json("/api/v1/clock-out", Some(&c.token), &json!({"id_code": "WEI-001", "report": "Reconciled the March invoices, all done. Nothing on the price list."}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        out["score"], 50,
        "1 of 2 done with tasks weighted 1.0: {out}"
    );

    // With objection mode 'none' an objecting employee's notes are not analysed at all.
    let e2 = employee(&app, &c.token, "Obi", "OBI-001").await;
    let e2id = e2["id"].as_str().unwrap();
    app.api
        .patch(app.url(&format!("/api/v1/employees/{e2id}")))
        .bearer_auth(&c.token)
        .json(&json!({"objected": true}))
        .send()
        .await
        .unwrap();
    let r: Value = app
        .post_json(
            "/api/v1/clock-in",
            Some(&c.token),
            &json!({"id_code": "OBI-001", "standup": "x"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(r["standup_check"].is_null());
    let r: Value = app
        .post_json(
            "/api/v1/clock-out",
            Some(&c.token),
            &json!({"id_code": "OBI-001", "report": "x"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(r["score"].is_null());
    app.state.run_due_jobs().await.unwrap();
    let shifts: Value = app
        .get_json(&format!("/api/v1/shifts?employee_id={e2id}"), &c.token)
        .await;
    assert!(
        shifts["shifts"][0]["score"].is_null() && shifts["shifts"][0]["standup_check"].is_null()
    );
    assert_eq!(
        app.state.store.pending_jobs().await.unwrap(),
        0,
        "the jobs are finished, not left hanging"
    );
}
