//! Issue 15 item 4, continued: week approval and unlock from the timesheets and the shift
//! page, the exports page (viewers export too, audited), all weekly summaries a page at a
//! time, the owners' audit log with filters and its CSV.

use crate::both;
use crate::clock::{employee, kiosk, task};
use crate::feature_pages::{audit_actions, member_id, signed_in};
use crate::helpers::{csrf_in, link_in, TestApp, PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    weeks_are_approved_and_unlocked_from_the_pages,
    the_exports_page_serves_every_export_by_role,
    all_summaries_are_listed_a_page_at_a_time,
    the_audit_log_is_filtered_paged_and_exported,
);

/// A viewer of `owner_token`'s company, signed in: their session cookie and CSRF token.
pub(crate) async fn viewer(app: &TestApp, owner_token: &str, email: &str) -> (String, String) {
    let res = app
        .post_json(
            "/api/v1/invites",
            Some(owner_token),
            &json!({"email": email, "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = app.outbox().pop().unwrap();
    let link = link_in(&mail, "/invite/").unwrap();
    let path = link.trim_start_matches(&app.base).to_string();
    let res = app
        .api
        .post(app.url(&path))
        .header("sec-fetch-site", "same-origin")
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
    let cookie = set.split(';').next().unwrap().to_string();
    let html = app
        .get_with_cookie("/settings", &cookie)
        .await
        .text()
        .await
        .unwrap();
    (cookie, csrf_in(&html).unwrap())
}

/// Ada clocks in and out once today; returns her id.
async fn ada_with_a_shift(app: &TestApp, token: &str) -> String {
    let e = employee(app, token, "Ada", "ADA-001").await;
    let k = kiosk(app, token).await;
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&k),
            &json!({"id_code": "ADA-001", "standup": "Reviewing the pull requests."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post_json(
            "/api/v1/clock-out",
            Some(&k),
            &json!({"id_code": "ADA-001", "report": "Reviewed them all."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    e["id"].as_str().unwrap().to_string()
}

async fn weeks_are_approved_and_unlocked_from_the_pages(app: TestApp) {
    let (c, csrf) = signed_in(&app, "boss@acme.test").await;
    let ada = ada_with_a_shift(&app, &c.token).await;
    let shifts: Value = app.get_json("/api/v1/shifts", &c.token).await;
    let shift = shifts["shifts"][0]["id"].as_str().unwrap().to_string();
    let day = shifts["shifts"][0]["workday"].as_str().unwrap().to_string();

    let (status, html) = app.page("/timesheets?period=week").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("action=\"/timesheets/approve\""), "{html}");
    assert!(html.contains(&format!("<option value=\"{ada}\">Ada</option>")));
    let back = format!("/timesheets?period=week&date={day}");
    let res = app
        .form(
            "/timesheets/approve",
            &[
                ("csrf", &csrf),
                ("employee", &ada),
                ("week", &day),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], back.as_str());
    let (_, html) = app.page(&back).await;
    assert!(
        html.contains("Every shift of this week is approved."),
        "{html}"
    );
    let (_, html) = app.page(&format!("/employees/{ada}/timesheet")).await;
    assert!(html.contains("action=\"/timesheets/unlock\""), "{html}");
    // The shift page keeps its promise: the week can be unlocked from there.
    let (_, html) = app.page(&format!("/shifts/{shift}")).await;
    assert!(html.contains("Unlock the week"), "{html}");
    assert!(!html.contains("Save correction"));
    let res = app
        .form(
            "/timesheets/unlock",
            &[
                ("csrf", &csrf),
                ("employee", &ada),
                ("week", &day),
                ("back", "//evil.test/x"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/timesheets", "no open redirect");
    let (_, html) = app.page(&format!("/shifts/{shift}")).await;
    assert!(html.contains("Save correction"), "{html}");
    let log = audit_actions(&app, &c.company_id).await;
    assert!(log.iter().any(|(a, _)| a == "week_approved"), "{log:?}");
    assert!(log.iter().any(|(a, _)| a == "week_unlocked"), "{log:?}");
    // Bad input is a 4xx with a sentence, never a 500.
    let res = app
        .form(
            "/timesheets/approve",
            &[("csrf", &csrf), ("employee", "nobody"), ("week", &day)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = app
        .form(
            "/timesheets/approve",
            &[("csrf", &csrf), ("employee", &ada), ("week", "last week")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("2026-05-04"));
    // Viewers see no approval controls and cannot approve.
    let (cookie, vcsrf) = viewer(&app, &c.token, "view@acme.test").await;
    let html = app
        .get_with_cookie("/timesheets?period=week", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("/timesheets/approve"));
    let res = app
        .form_with_cookie(
            "/timesheets/approve",
            &cookie,
            &[("csrf", &vcsrf), ("employee", &ada), ("week", &day)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn the_exports_page_serves_every_export_by_role(app: TestApp) {
    let (c, _) = signed_in(&app, "boss@acme.test").await;
    let ada = ada_with_a_shift(&app, &c.token).await;
    task(&app, &c.token, &ada, "Review the pull requests").await;
    let (status, html) = app.page("/exports").await;
    assert_eq!(status, StatusCode::OK);
    for link in [
        "/exports/shifts.csv",
        "/exports/scores.csv",
        "/exports/tasks.csv",
        "/exports/company.zip",
        "/exports/employee.zip",
    ] {
        assert!(html.contains(link), "{link} on the owner's page");
    }
    let res = app
        .browser
        .get(app.url("/exports/company.zip"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let res = app
        .browser
        .get(app.url(&format!("/exports/employee.zip?employee={ada}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let (status, _) = app.page("/exports/employee.zip?employee=someone").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .page(&format!(
            "/exports/employee.zip?employee={}",
            uuid::Uuid::now_v7()
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.page("/exports/scores.csv?from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Viewers read everything, so they export the CSV files (page and API); not the zips.
    let (cookie, _) = viewer(&app, &c.token, "view@acme.test").await;
    let html = app
        .get_with_cookie("/exports", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("/exports/scores.csv"));
    assert!(!html.contains("/exports/company.zip"));
    assert!(!html.contains("/exports/employee.zip"));
    let res = app.get_with_cookie("/exports/scores.csv", &cookie).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().starts_with("shift_id,"));
    let res = app.get_with_cookie("/exports/tasks.csv", &cookie).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Review the pull requests"));
    for zip in [
        "/exports/company.zip".to_string(),
        format!("/exports/employee.zip?employee={ada}"),
    ] {
        assert_eq!(
            app.get_with_cookie(&zip, &cookie).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let vtoken = {
        let res = app
            .post_json(
                "/api/v1/tokens",
                None,
                &json!({"email": "view@acme.test", "password": PASSWORD}),
            )
            .await;
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let res = app.get_api("/api/v1/exports/shifts.csv", &vtoken).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Each export is audited, the viewer's too.
    let log = audit_actions(&app, &c.company_id).await;
    let csv = log.iter().filter(|(a, _)| a == "export_csv").count();
    assert_eq!(csv, 3, "{log:?}");
    assert!(log.iter().any(|(a, _)| a == "export_company"));
    assert!(log.iter().any(|(a, d)| a == "export_employee" && *d == ada));
}

async fn all_summaries_are_listed_a_page_at_a_time(app: TestApp) {
    let (c, _) = signed_in(&app, "boss@acme.test").await;
    let t = app
        .state
        .store
        .tenant_for_stripe(Some(&c.company_id), None, None)
        .await
        .unwrap()
        .unwrap();
    let first = jiff::civil::date(2025, 1, 6);
    for i in 0..25 {
        let week = first
            .checked_add(jiff::Span::new().weeks(i))
            .unwrap()
            .to_string();
        let s = store::NewSummary {
            week_start: &week,
            figures: "{}",
            body: "A steady week.",
            analyzer: "local",
            model: "template",
            fallback: false,
        };
        app.state
            .store
            .save_summary(&t, s, app.clock.now())
            .await
            .unwrap();
    }
    let (status, html) = app.page("/summaries").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<a href=\"/summaries/").count(), 20, "{html}");
    assert!(html.contains(">2025-06-23<"), "the newest week first");
    assert!(html.contains("href=\"/summaries?page=2\""));
    let (_, html) = app.page("/summaries?page=2").await;
    assert_eq!(html.matches("<a href=\"/summaries/").count(), 5);
    assert!(html.contains(">2025-01-06<"));
    assert!(html.contains("href=\"/summaries?page=1\""));
    assert!(!html.contains("page=3"));
    for bad in ["0", "two", "-1"] {
        let (status, _) = app.page(&format!("/summaries?page={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "page={bad}");
    }
    let (_, html) = app.page("/dashboard").await;
    assert!(html.contains("href=\"/summaries\""));
}

async fn the_audit_log_is_filtered_paged_and_exported(app: TestApp) {
    let (c, _) = signed_in(&app, "boss@acme.test").await;
    let e = employee(&app, &c.token, "Ada", "ADA-001").await;
    let ada = e["id"].as_str().unwrap();
    for i in 0..55 {
        task(&app, &c.token, ada, &format!("Task {i}")).await;
    }
    let (cookie, _) = viewer(&app, &c.token, "view@acme.test").await;
    assert_eq!(
        app.get_with_cookie("/exports/tasks.csv", &cookie)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get_with_cookie("/settings/audit", &cookie)
            .await
            .status(),
        StatusCode::FORBIDDEN,
        "owners only"
    );

    let (status, html) = app.page("/settings/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<code>").count(), 50, "one page");
    assert!(html.contains("<code>export_csv</code>"));
    assert!(html.contains("view@acme.test"));
    let next = html
        .split("rel=\"next\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let (status, page2) = app.page(&next.replace("&amp;", "&")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page2.matches("<code>").count() >= 5);

    // Filters: by action, by member, by days.
    let (_, html) = app.page("/settings/audit?action=export_csv").await;
    assert_eq!(html.matches("<code>").count(), 1, "{html}");
    let viewer_id = member_id(&app, &c.token, "view@acme.test").await;
    let (_, html) = app
        .page(&format!("/settings/audit?actor={viewer_id}"))
        .await;
    assert!(html.matches("<code>").count() >= 1);
    assert!(
        !html.contains("<code>task_created</code>"),
        "only the viewer's events"
    );
    let (_, html) = app
        .page("/settings/audit?from=2001-01-01&to=2001-01-02")
        .await;
    assert!(html.contains("No events match."));
    for bad in [
        "from=soon",
        "actor=x",
        "action=DROP%20TABLE",
        "from=2026-02-02&to=2026-02-01",
        "before=zzz",
    ] {
        let (status, _) = app.page(&format!("/settings/audit?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }

    // The filtered log as CSV, itself audited.
    let res = app
        .browser
        .get(app.url("/settings/audit.csv?action=task_created"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time_utc,time_local,actor,action,detail,ip"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 55);
    assert!(rows
        .iter()
        .all(|r| r.contains(",boss@acme.test,task_created,")));
    let log = audit_actions(&app, &c.company_id).await;
    assert_eq!(log[0].0, "export_audit");

    // The same log through the API: newest first, paged by cursor, the same filters.
    let page1 = app
        .get_json("/api/v1/audit?action=task_created&limit=50", &c.token)
        .await;
    let first = page1["entries"].as_array().unwrap();
    assert_eq!(first.len(), 50);
    assert!(first
        .iter()
        .all(|e| e["action"] == "task_created" && e["actor"] == "boss@acme.test"));
    let newest = log.iter().find(|(a, _)| a == "task_created").unwrap();
    assert_eq!(first[0]["detail"], newest.1, "newest first");
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = app
        .get_json(
            &format!("/api/v1/audit?action=task_created&limit=50&cursor={cursor}"),
            &c.token,
        )
        .await;
    let second = page2["entries"].as_array().unwrap();
    assert_eq!(second.len(), 5);
    assert!(page2["next_cursor"].is_null());
    let ids: std::collections::HashSet<&str> = first
        .iter()
        .chain(second)
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 55, "no entry twice");
    let mine = app
        .get_json(&format!("/api/v1/audit?actor={viewer_id}"), &c.token)
        .await;
    let mine = mine["entries"].as_array().unwrap();
    assert!(!mine.is_empty() && mine.iter().all(|e| e["actor"] == "view@acme.test"));
    for bad in ["from=soon", "action=DROP%20TABLE", "cursor=zzz", "limit=0"] {
        let res = app.get_api(&format!("/api/v1/audit?{bad}"), &c.token).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // A range that runs backwards matches nothing, as on /api/v1/shifts (the page, where a
    // person typed it, says why instead).
    // Days around the test clock's, so the company's zone cannot move an event out.
    let today = app.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let (before, after) = (today.yesterday().unwrap(), today.tomorrow().unwrap());
    let reversed = format!("from={after}&to={before}");
    let none = app
        .get_json(&format!("/api/v1/audit?{reversed}"), &c.token)
        .await;
    assert_eq!(none["entries"].as_array().map(Vec::len), Some(0), "{none}");
    let forward = app
        .get_json(&format!("/api/v1/audit?from={before}&to={after}"), &c.token)
        .await;
    assert!(
        !forward["entries"].as_array().unwrap().is_empty(),
        "the same days forwards hold today's events: {forward}"
    );
    // A cursor past every instant a timestamp holds starts before the newest entry.
    let far = app
        .get_json(
            "/api/v1/audit?action=task_created&limit=50&cursor=679089699189225:27d7fffa-7440-11d7-756a-0a08046c39af",
            &c.token,
        )
        .await;
    assert_eq!(far["entries"].as_array().map(Vec::len), Some(50), "{far}");
    let res = app
        .get_api(&format!("/api/v1/audit.csv?{reversed}"), &c.token)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap().lines().count(), 1, "header only");
    let res = app
        .get_api("/api/v1/audit.csv?action=task_created", &c.token)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap().lines().count(), 56);
    let log = audit_actions(&app, &c.company_id).await;
    assert_eq!(log[0].0, "export_audit", "the API's CSV is audited too");
    let other = app.signup("boss@other.test").await;
    let theirs = app
        .get_json("/api/v1/audit?action=task_created", &other.token)
        .await;
    assert!(
        theirs["entries"].as_array().unwrap().is_empty(),
        "company isolation"
    );
}
