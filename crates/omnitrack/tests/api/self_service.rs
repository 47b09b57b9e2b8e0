//! Issue 15 item 3: employees see and act on their own data at the kiosk and on their
//! personal link — scoped to themselves, ticketed (no second cookie, two idle minutes),
//! CSRF-checked, PIN-gated with the clock's lockouts — and their requests reach the board.

use crate::both;
use crate::helpers::{csrf_in, TestApp, PASSWORD};
use crate::kiosk_pages::new_clock_link;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    kiosk_self_service_is_own_data_only_and_requests_reach_the_board,
    personal_link_asks_for_the_code_and_pin_again,
);

/// The value of the first `name="…" value="…"` in a page.
fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} in {html}"));
    html[start..].split('"').next().unwrap().to_string()
}

/// An employee with a PIN (through the API) and one finished shift with a report.
async fn worker(app: &TestApp, token: &str, name: &str, code: &str, pin: Option<&str>) -> String {
    let res = app
        .post_json(
            "/api/v1/employees",
            Some(token),
            &json!({"name": name, "id_code": code, "pin": pin}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    crate::clock::task(app, token, &id, "Bake the rye bread").await;
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(token),
            &json!({"id_code": code, "pin": pin, "standup": "Bake the rye bread"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.clock.advance(SignedDuration::from_hours(8));
    let res = app
        .post_json(
            "/api/v1/clock-out",
            Some(token),
            &json!({"id_code": code, "pin": pin, "report": format!("Baked the rye bread. {name} note.")}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    id
}

async fn audit_actions(app: &TestApp, token: &str) -> Vec<String> {
    let p = app
        .state
        .store
        .principal_by_token(&app::credentials::token::hash(token), app.clock.now())
        .await
        .unwrap()
        .unwrap();
    app.state
        .store
        .audit_log(&p.tenant, 200)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect()
}

async fn kiosk_self_service_is_own_data_only_and_requests_reach_the_board(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let ada = worker(&app, &c.token, "Ada Lovelace", "ADA-100", Some("4321")).await;
    worker(&app, &c.token, "Bob Builder", "BOB-200", None).await;
    let bob_shift = app.get_json("/api/v1/shifts", &c.token).await["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["employee_id"] != ada.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // This browser becomes a kiosk (its cookie used explicitly from here on).
    app.browser_login("boss@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let res = app
        .form("/kiosks/enrol", &[("csrf", &csrf), ("name", "Front door")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let kiosk = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let screen = app
        .get_with_cookie("/kiosk", &kiosk)
        .await
        .text()
        .await
        .unwrap();
    let kcsrf = csrf_in(&screen).unwrap();
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let kiosk = kiosk.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.form_with_cookie("/kiosk/me", &kiosk, &fields).await
        }
    };
    // One self-service step with the kiosk's CSRF token.
    let act = |ticket: String, action: &'static str, mut extra: Vec<(&'static str, String)>| {
        extra.extend([
            ("csrf", kcsrf.clone()),
            ("ticket", ticket),
            ("action", action.into()),
        ]);
        post(extra)
    };
    let identify = |code: &'static str, pin: &'static str| {
        let app = &app;
        let kiosk = kiosk.clone();
        let kcsrf = kcsrf.clone();
        async move {
            let res = app
                .form_with_cookie(
                    "/kiosk/identify",
                    &kiosk,
                    &[("csrf", &kcsrf), ("id_code", code), ("pin", pin)],
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            field(&res.text().await.unwrap(), "ticket")
        }
    };

    // Ada, after code and PIN: her shift, its score and why; nobody else's.
    let ticket = identify("ADA-100", "4321").await;
    let res = act(ticket, "open", vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers().get("set-cookie").is_none(),
        "no second cookie"
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("Your data, Ada"), "{page}");
    assert!(
        page.contains("Your recent shifts") && page.contains("8:00"),
        "{page}"
    );
    assert!(
        page.contains("assigned task"),
        "the score's reasons: {page}"
    );
    assert!(
        !page.contains("Bob") && !page.contains(&bob_shift),
        "only her data"
    );
    let ticket = field(&page, "ticket");
    // The first option is "none in particular", the second her shift.
    let her_shift = page
        .split("<option value=\"")
        .nth(2)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();

    // Without the kiosk's CSRF token: refused.
    let res = post(vec![
        ("csrf", "wrong".into()),
        ("ticket", ticket.clone()),
        ("action", "open".into()),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Her data as a zip (the supervisors' access-request export); the step stays usable.
    let res = act(ticket.clone(), "export", vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let zip = res.bytes().await.unwrap();
    assert!(zip.windows(13).any(|w| w == b"employee.json"));

    // A correction request needs words, and only her own shifts can be named.
    let res = act(ticket.clone(), "correction", vec![("text", "  ".into())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("must not be empty"), "{page}");
    let ticket = field(&page, "ticket");
    let res = act(
        ticket,
        "correction",
        vec![("shift", bob_shift.clone()), ("text", "Not mine".into())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Pick one of your shifts"), "{page}");
    let ticket = field(&page, "ticket");
    let res = act(
        ticket.clone(),
        "correction",
        vec![
            ("shift", her_shift.clone()),
            ("text", "I left at 17:30, not at 18:00.".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("sent to your supervisor") && page.contains("open"),
        "{page}"
    );
    // Each step used its ticket up.
    let res = act(ticket, "object", vec![]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ticket = field(&page, "ticket");

    // She objects to AI processing: in effect at once.
    let res = act(ticket, "object", vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("objection is recorded") && page.contains("You have objected"),
        "{page}"
    );
    let e: Value = app
        .get_json(&format!("/api/v1/employees/{ada}"), &c.token)
        .await;
    assert_eq!(e["objected"], true);

    // Two idle minutes end the view; leaving ends it at once.
    let ticket = field(&page, "ticket");
    app.clock.advance(SignedDuration::from_secs(121));
    let res = act(ticket, "open", vec![]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("took too long"));
    let ticket = identify("ADA-100", "4321").await;
    let res = act(ticket.clone(), "leave", vec![]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/kiosk");
    let res = act(ticket, "export", vec![]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Bob has no PIN: an ID code alone does not open anyone's data.
    let ticket = identify("BOB-200", "").await;
    let res = act(ticket, "open", vec![]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("only after a PIN") && !page.contains("Bake"),
        "{page}"
    );

    // The board lists both requests until the supervisor resolves them.
    app.browser_login("boss@acme.test", PASSWORD).await;
    let (_, board) = app.page("/dashboard").await;
    assert!(
        board.contains("I left at 17:30, not at 18:00.") && board.contains("Ada Lovelace"),
        "{board}"
    );
    assert!(board.contains("objection"), "{board}");
    assert!(board.contains(&format!("/shifts/{her_shift}")));
    let start = board.find("/dashboard/requests/").unwrap() + "/dashboard/requests/".len();
    let id = &board[start..start + 36];
    let bcsrf = csrf_in(&board).unwrap();
    let res = app
        .form(
            &format!("/dashboard/requests/{id}/resolve"),
            &[("csrf", &bcsrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .form(
            &format!("/dashboard/requests/{id}/resolve"),
            &[("csrf", &bcsrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "resolved once");
    let (_, board) = app.page("/dashboard").await;
    assert!(
        !board.contains("I left at 17:30"),
        "resolved: off the board"
    );

    // The API lists what the board lists, and resolves the same way, for this company only.
    let app = &app;
    let open = |token: String| async move {
        let v: Value = app.get_json("/api/v1/requests", &token).await;
        v["requests"].as_array().unwrap().clone()
    };
    let left = open(c.token.clone()).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_ne!(left[0]["id"].as_str(), Some(id), "the resolved one is gone");
    assert_eq!(left[0]["employee_name"], "Ada Lovelace", "{left:?}");
    let other = app.signup("boss@other.test").await;
    assert!(
        open(other.token.clone()).await.is_empty(),
        "another company sees nothing"
    );
    let url = format!(
        "/api/v1/requests/{}/resolve",
        left[0]["id"].as_str().unwrap()
    );
    let resolve = |token: String| {
        let url = &url;
        async move { app.post_json(url, Some(&token), &json!({})).await.status() }
    };
    assert_eq!(resolve(other.token.clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(resolve(c.token.clone()).await, StatusCode::NO_CONTENT);
    assert_eq!(resolve(c.token.clone()).await, StatusCode::NOT_FOUND);
    assert!(open(c.token.clone()).await.is_empty());

    let actions = audit_actions(app, &c.token).await;
    for a in [
        "correction_requested",
        "ai_objection_recorded",
        "export_own_data",
        "request_resolved",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
}

async fn personal_link_asks_for_the_code_and_pin_again(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let bea = worker(&app, &c.token, "Bea Baker", "BEA-001", Some("2468")).await;
    worker(&app, &c.token, "Cid Cook", "CID-002", Some("1357")).await;
    app.browser_login("boss@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let (path, _) = new_clock_link(&app, &csrf, &bea).await;
    let phone = reqwest::Client::new();
    let me = app.url(&format!("{path}/me"));
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let phone = phone.clone();
        let me = me.clone();
        async move { phone.post(me).form(&fields).send().await.unwrap() }
    };
    let res = post(vec![("action", "open")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("enter your ID code and PIN again") && !page.contains("Bake"),
        "{page}"
    );
    // Someone else's right code and PIN do not open Bea's link.
    let res = post(vec![
        ("action", "verify"),
        ("id_code", "CID-002"),
        ("pin", "1357"),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = post(vec![
        ("action", "verify"),
        ("id_code", "BEA-001"),
        ("pin", "2468"),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Your data, Bea") && page.contains("8:00"),
        "{page}"
    );
    assert!(!page.contains("Cid"), "{page}");
    // Wrong PINs lock the code like at the clock.
    let mut last = StatusCode::OK;
    for _ in 0..7 {
        last = post(vec![
            ("action", "verify"),
            ("id_code", "BEA-001"),
            ("pin", "0000"),
        ])
        .await
        .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let res = post(vec![
        ("action", "verify"),
        ("id_code", "BEA-001"),
        ("pin", "2468"),
    ])
    .await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "locked, even with the right PIN"
    );
}
