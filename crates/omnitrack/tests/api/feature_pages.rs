//! Issue 15 item 4: every API feature has its page — task edit and delete, the writes that
//! skipped the read-only check, audited task changes.

use crate::both;
use crate::clock::{employee, kiosk, task};
use crate::feature_pages_reports::viewer;
use crate::helpers::{TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    retry_and_weekly_target_forms_respect_a_read_only_company,
    task_changes_are_audited_from_the_api_and_the_pages,
    tasks_are_edited_and_deleted_from_their_page,
    owners_edit_the_company_and_login_emails,
);

/// The owner signed in in the browser; returns the company and a CSRF token.
pub async fn signed_in(app: &TestApp, email: &str) -> (crate::helpers::Company, String) {
    let c = app.signup(email).await;
    let res = app.browser_login(email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let csrf = app.csrf().await;
    (c, csrf)
}

/// The id of the company's member with `email`.
pub async fn member_id(app: &TestApp, token: &str, email: &str) -> String {
    let users: Value = app.get_json("/api/v1/users", token).await;
    users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The company's audit actions, newest first.
pub async fn audit_actions(app: &TestApp, company_id: &str) -> Vec<(String, String)> {
    let t = app
        .state
        .store
        .tenant_for_stripe(Some(company_id), None, None)
        .await
        .unwrap()
        .unwrap();
    app.state
        .store
        .audit_log(&t, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

async fn retry_and_weekly_target_forms_respect_a_read_only_company(app: TestApp) {
    let (c, csrf) = signed_in(&app, "boss@acme.test").await;
    let res = app
        .post_json("/api/v1/account/cancel", Some(&c.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .form("/timesheets/target", &[("csrf", &csrf), ("hours", "30")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("account is canceled"));
    let target: i64 = app
        .state
        .store
        .weekly_target_minutes(
            &app.state
                .store
                .tenant_for_stripe(Some(&c.company_id), None, None)
                .await
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    assert_ne!(target, 30 * 60, "the target did not change");
    // Refused for the account state before the job is even looked up.
    let job = uuid::Uuid::now_v7();
    let res = app
        .form(&format!("/dashboard/jobs/{job}/retry"), &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("account is canceled"));
}

async fn task_changes_are_audited_from_the_api_and_the_pages(app: TestApp) {
    let (c, csrf) = signed_in(&app, "boss@acme.test").await;
    let e = employee(&app, &c.token, "Ada", "ADA-001").await;
    let eid = e["id"].as_str().unwrap();
    let api_task = task(&app, &c.token, eid, "Write the report").await;
    let tid = api_task["id"].as_str().unwrap();
    let res = app
        .api
        .patch(app.url(&format!("/api/v1/tasks/{tid}")))
        .bearer_auth(&c.token)
        .json(&json!({"title": "Write the long report"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .api
        .delete(app.url(&format!("/api/v1/tasks/{tid}")))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let log = audit_actions(&app, &c.company_id).await;
    for action in ["task_created", "task_updated", "task_deleted"] {
        assert!(
            log.iter().any(|(a, d)| a == action && d == tid),
            "{action} of {tid} in {log:?}"
        );
    }
    // The same through the pages.
    let res = app
        .form(
            &format!("/employees/{eid}/tasks"),
            &[("csrf", &csrf), ("title", "Page task")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let tasks: Value = app.get_json("/api/v1/tasks", &c.token).await;
    let page_tid = tasks["tasks"][0]["id"].as_str().unwrap().to_string();
    let res = app
        .form(
            &format!("/employees/{eid}/tasks/{page_tid}/status"),
            &[("csrf", &csrf), ("status", "done")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let log = audit_actions(&app, &c.company_id).await;
    for action in ["task_created", "task_updated"] {
        assert!(
            log.iter().any(|(a, d)| a == action && *d == page_tid),
            "{action} of {page_tid} in {log:?}"
        );
    }
}

async fn tasks_are_edited_and_deleted_from_their_page(app: TestApp) {
    let (c, csrf) = signed_in(&app, "boss@acme.test").await;
    let ada = employee(&app, &c.token, "Ada", "ADA-001").await;
    let ada = ada["id"].as_str().unwrap();
    let bo = employee(&app, &c.token, "Bo", "BO-0001").await;
    let bo = bo["id"].as_str().unwrap();
    let t = task(&app, &c.token, ada, "Fix the login loop").await;
    let tid = t["id"].as_str().unwrap();

    let (_, html) = app.page(&format!("/employees/{ada}")).await;
    assert!(html.contains(&format!("/employees/{ada}/tasks/{tid}\"")));
    let (status, html) = app.page(&format!("/employees/{ada}/tasks/{tid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"Fix the login loop\""), "{html}");
    // A task is addressed under its own employee only.
    let (status, _) = app.page(&format!("/employees/{bo}/tasks/{tid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let path = format!("/employees/{ada}/tasks/{tid}");
    let res = app
        .form(
            &path,
            &[
                ("csrf", &csrf),
                ("title", " "),
                ("details", "x"),
                ("due_date", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("must not be empty"));
    let res = app
        .form(
            &path,
            &[
                ("csrf", &csrf),
                ("title", "Fix it"),
                ("details", "x"),
                ("due_date", "soon"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("2026-12-31"));
    let res = app
        .form(
            &path,
            &[
                ("csrf", &csrf),
                ("title", "Fix the login redirect loop"),
                ("details", "Safari only"),
                ("due_date", "2027-01-15"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let tasks: Value = app.get_json("/api/v1/tasks", &c.token).await;
    assert_eq!(tasks["tasks"][0]["title"], "Fix the login redirect loop");
    assert_eq!(tasks["tasks"][0]["details"], "Safari only");
    assert_eq!(tasks["tasks"][0]["due_date"], "2027-01-15");
    let res = app
        .form(
            &format!("/employees/{bo}/tasks/{tid}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not Bo's task");

    // A task no shift has seen is deleted for good.
    let fresh = task(&app, &c.token, ada, "Never started").await;
    let fresh = fresh["id"].as_str().unwrap();
    let res = app
        .form(
            &format!("/employees/{ada}/tasks/{fresh}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // One that a shift checked is archived: off the page, still in the history.
    let k = kiosk(&app, &c.token).await;
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&k),
            &json!({"id_code": "ADA-001", "standup": "Fixing the login redirect loop."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .form(&format!("{path}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let all: Value = app.get_json("/api/v1/tasks", &c.token).await;
    let all = all["tasks"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["id"], tid);
    assert_eq!(all[0]["status"], "archived");
    let (_, html) = app.page(&format!("/employees/{ada}")).await;
    assert!(!html.contains("Fix the login redirect loop"));
    // Viewers and other forms without the token are refused.
    let res = app
        .form(&format!("{path}/delete"), &[("csrf", "forged")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn owners_edit_the_company_and_login_emails(app: TestApp) {
    let (c, csrf) = signed_in(&app, "boss@acme.test").await;
    let (_, html) = app.page("/settings").await;
    assert!(html.contains("action=\"/settings/company\""));
    assert!(html.contains("value=\"Europe/Berlin\""));
    for (name, zone, says) in [
        (" ", "Europe/Berlin", "must not be empty"),
        ("Acme", "Mars/Olympus", "is not a known IANA time zone"),
        ("Acme", "", "must not be empty"),
    ] {
        let res = app
            .form(
                "/settings/company",
                &[("csrf", &csrf), ("company_name", name), ("timezone", zone)],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?} {zone:?}"
        );
        assert!(res.text().await.unwrap().contains(says), "{says}");
    }
    let res = app
        .form(
            "/settings/company",
            &[
                ("csrf", &csrf),
                ("company_name", "Acme Bakery"),
                ("timezone", "America/New_York"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/timesheets").await;
    assert!(html.contains("Acme Bakery"), "the name in the header");
    assert!(html.contains("times in America/New_York"));

    // Login emails: uniqueness and format come back next to the form; the old address is told.
    let (cookie, _) = viewer(&app, &c.token, "view@acme.test").await;
    let vid = member_id(&app, &c.token, "view@acme.test").await;
    let path = format!("/settings/members/{vid}/email");
    let other = app.signup("taken@other.test").await;
    for (email, says) in [
        (
            "taken@other.test",
            "already used by another OmniTrack account",
        ),
        ("not an email", "must be an email address"),
    ] {
        let res = app.form(&path, &[("csrf", &csrf), ("email", email)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(res.text().await.unwrap().contains(says), "{says}");
    }
    assert_eq!(
        app.get_with_cookie("/dashboard", &cookie).await.status(),
        StatusCode::OK
    );
    let res = app
        .form(&path, &[("csrf", &csrf), ("email", "Viewer.New@acme.test")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Their sessions ended with the old address; the owner who changed it stays signed in.
    let res = app.get_with_cookie("/dashboard", &cookie).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed out");
    assert_eq!(app.page("/dashboard").await.0, StatusCode::OK);
    let mail = app.outbox().pop().unwrap();
    assert!(mail.contains("To: view@acme.test"), "{mail}");
    assert!(mail.contains("login email was changed"), "{mail}");
    let token = |email: &'static str| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/tokens",
                None,
                &json!({"email": email, "password": PASSWORD}),
            )
            .await
            .status()
        }
    };
    assert_eq!(token("viewer.new@acme.test").await, StatusCode::CREATED);
    assert_eq!(token("view@acme.test").await, StatusCode::UNAUTHORIZED);
    let log = audit_actions(&app, &c.company_id).await;
    for action in ["company_renamed", "timezone_changed"] {
        assert!(log.iter().any(|(a, _)| a == action), "{action} in {log:?}");
    }
    assert!(log.iter().any(|(a, d)| a == "email_changed" && *d == vid));
    // Only owners; other companies' members are not found.
    let (cookie, vcsrf) = viewer(&app, &c.token, "view2@acme.test").await;
    let res = app
        .form_with_cookie(
            "/settings/company",
            &cookie,
            &[
                ("csrf", &vcsrf),
                ("company_name", "Mine now"),
                ("timezone", "UTC"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .form(
            &format!("/settings/members/{}/email", other.user_id),
            &[("csrf", &csrf), ("email", "stolen@acme.test")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The owner's own address too.
    let res = app
        .form(
            &format!("/settings/members/{}/email", c.user_id),
            &[("csrf", &csrf), ("email", "owner@acme.test")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/settings").await;
    assert!(html.contains("owner@acme.test"));
}
