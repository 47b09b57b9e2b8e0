//! Issue 14 over HTTP: forwarded addresses, idempotency scope, erasure and purge leaving
//! nothing, one-time links in mail, expiring clock links.

use crate::both;
use crate::clock::{employee, kiosk};
use crate::helpers::{error_of, link_in, TestApp, PASSWORD};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};

both!(
    a_forged_forwarded_for_does_not_escape_the_ip_limit,
    idempotency_keys_belong_to_one_device_and_one_body,
    erasure_leaves_nothing_about_the_person,
    deleting_the_company_leaves_no_row_and_no_mail_file,
    reset_links_leave_the_outbox_once_delivered_and_expired,
    personal_clock_links_expire,
    shift_listing_comes_in_pages_of_at_most_a_thousand,
    invite_links_are_checked_before_any_hashing_and_limited_per_address,
    invitations_are_capped_per_company_and_quote_the_name_as_data,
    the_right_password_gets_through_an_account_lock,
    wrong_current_passwords_are_limited,
    only_a_successful_authenticated_write_moves_its_own_companys_cache,
    exports_beyond_the_cap_are_429_with_retry_after,
);

/// The same app behind "our proxy" 127.0.0.1 (the test client's own address), so a test
/// can speak for many clients through `X-Forwarded-For`.
async fn behind_a_proxy(app: TestApp) -> TestApp {
    crate::helpers::spawn_app_with(app.kind, |c| {
        c.proxies.nets =
            web::middleware::client_ip::TrustedProxies::parse_list(&["127.0.0.1"]).unwrap();
    })
    .await
    .unwrap()
}

async fn a_forged_forwarded_for_does_not_escape_the_ip_limit(app: TestApp) {
    let app = behind_a_proxy(app).await;
    let mut last = StatusCode::OK;
    for i in 0..31 {
        // The client puts a fresh address in front each time; our proxy appends the
        // address it really saw.
        last = app
            .api
            .post(app.url("/password-reset"))
            .header("sec-fetch-site", "same-origin")
            .header(
                "x-forwarded-for",
                format!("10.9.{}.{}, 198.51.100.7", i / 250, i % 250),
            )
            .form(&[("email", "nobody@x.test")])
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "the 31st request from 198.51.100.7 is limited, whatever it claims to be"
    );
    // Another client behind the same proxy is not.
    let other = app
        .api
        .post(app.url("/password-reset"))
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", "198.51.100.8")
        .form(&[("email", "nobody@x.test")])
        .send()
        .await
        .unwrap();
    assert_ne!(other.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn idempotency_keys_belong_to_one_device_and_one_body(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    employee(&app, &c.token, "Di", "DI-0001").await;
    employee(&app, &c.token, "Ed", "ED-0001").await;
    let front = kiosk(&app, &c.token).await;
    let back = kiosk(&app, &c.token).await;
    let punch = |token: String, code: &'static str, standup: &'static str| {
        app.api
            .post(app.url("/api/v1/clock-in"))
            .bearer_auth(token)
            .header("idempotency-key", "1")
            .json(&json!({"id_code": code, "standup": standup}))
            .send()
    };
    let di = punch(front.clone(), "DI-0001", "hello").await.unwrap();
    assert_eq!(di.status(), StatusCode::CREATED);
    let di: Value = di.json().await.unwrap();
    // Another kiosk that picks the same key gets its own punch, not Di's answer.
    let ed = punch(back.clone(), "ED-0001", "hi").await.unwrap();
    assert_eq!(ed.status(), StatusCode::CREATED);
    let ed: Value = ed.json().await.unwrap();
    assert_ne!(ed["employee_id"], di["employee_id"]);
    // A retry is answered from the record; the same key with another body is refused.
    let again: Value = punch(front.clone(), "DI-0001", "hello")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, di);
    let (status, code, _) = error_of(
        punch(front.clone(), "DI-0001", "changed my mind")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    // Nobody is identified by a key: a wrong code with a used key is a wrong code.
    let (status, code, _) = error_of(punch(front, "NOPE-1", "hello").await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_code")
    );
    let list: Value = app.get_json("/api/v1/shifts", &c.token).await;
    assert_eq!(list["shifts"].as_array().unwrap().len(), 2);
}

async fn erasure_leaves_nothing_about_the_person(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let e = employee(&app, &c.token, "Zelda Quuxington", "ZQ-4711").await;
    let eid = e["id"].as_str().unwrap().to_string();
    let k = kiosk(&app, &c.token).await;
    let clock_in = app
        .api
        .post(app.url("/api/v1/clock-in"))
        .bearer_auth(&k)
        .header("idempotency-key", "in-1")
        .json(&json!({"id_code": "ZQ-4711", "standup": "Inventory"}))
        .send()
        .await
        .unwrap();
    assert_eq!(clock_in.status(), StatusCode::CREATED);
    let shift: Value = clock_in.json().await.unwrap();
    let sid = shift["shift_id"].as_str().unwrap().to_string();
    // A correction (audited with the shift id) and a lockout row on the code.
    let res = app
        .api
        .patch(app.url(&format!("/api/v1/shifts/{sid}")))
        .bearer_auth(&c.token)
        .json(&json!({"standup": "Inventory count", "reason": "typo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let t = tenant(&app, &c.company_id).await;
    app.state
        .store
        .record_failure(&t, &store::code_lock_key(&t, "ZQ-4711"), app.clock.now())
        .await
        .unwrap();
    let ids = [
        uuid::Uuid::parse_str(&eid).unwrap(),
        uuid::Uuid::parse_str(&sid).unwrap(),
    ];
    let needles = ["Zelda Quuxington", "ZQ-4711"];
    assert!(
        !store::testing::find_anywhere(&app.state.store, &needles, &ids)
            .await
            .unwrap()
            .is_empty()
    );

    let res = app
        .api
        .delete(app.url(&format!("/api/v1/employees/{eid}")))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let left = store::testing::find_anywhere(&app.state.store, &needles, &ids)
        .await
        .unwrap();
    assert!(left.is_empty(), "left after erasure: {left:?}");
    assert!(files_containing(&app.data_dir, &needles, &[&eid, &sid]).is_empty());
}

async fn tenant(app: &TestApp, company_id: &str) -> store::Tenant {
    app.state
        .store
        .tenant_for_stripe(Some(company_id), None, None)
        .await
        .unwrap()
        .unwrap()
}

/// Files under `dir` whose text contains any of the needles.
fn files_containing(dir: &std::path::Path, texts: &[&str], ids: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "db" || x == "db-wal" || x == "db-shm")
            {
                // The database is searched table by table instead.
            } else if let Ok(text) = std::fs::read(&p) {
                let text = String::from_utf8_lossy(&text);
                if texts.iter().chain(ids).any(|n| text.contains(n)) {
                    hits.push(p.display().to_string());
                }
            }
        }
    }
    hits
}

async fn deleting_the_company_leaves_no_row_and_no_mail_file(app: TestApp) {
    let res = app
        .post_json(
            "/api/v1/signup",
            None,
            &json!({"company_name": "Quuxcorp Unlimited", "email": "zed.owner@purge.test",
                    "password": PASSWORD, "timezone": "Europe/Berlin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    let token = v["token"].as_str().unwrap().to_string();
    let user_id = v["user_id"].as_str().unwrap().to_string();
    let company_id = v["company_id"].as_str().unwrap().to_string();
    let e = employee(&app, &token, "Zelda Quuxington", "ZQ-4711").await;
    let eid = e["id"].as_str().unwrap().to_string();
    // Mail that names the company: an invitation and a cancellation notice.
    let res = app
        .post_json(
            "/api/v1/invites",
            Some(&token),
            &json!({"email": "invitee@purge.test", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    app.post_json("/api/v1/account/cancel", Some(&token), &json!({}))
        .await;
    let texts = [
        "Quuxcorp Unlimited",
        "zed.owner@purge.test",
        "invitee@purge.test",
        "Zelda Quuxington",
    ];
    let ids = [&eid[..], &user_id, &company_id];
    assert!(
        !files_containing(&app.data_dir, &texts, &ids).is_empty(),
        "mail files exist"
    );

    let res = app
        .api
        .delete(app.url("/api/v1/account"))
        .bearer_auth(&token)
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let uuids: Vec<uuid::Uuid> = [&eid, &user_id]
        .iter()
        .map(|s| uuid::Uuid::parse_str(s).unwrap())
        .collect();
    let left = store::testing::find_anywhere(&app.state.store, &texts, &uuids)
        .await
        .unwrap();
    assert!(left.is_empty(), "rows left after the purge: {left:?}");
    let files = files_containing(&app.data_dir, &texts, &ids);
    assert!(files.is_empty(), "files left after the purge: {files:?}");
}

async fn reset_links_leave_the_outbox_once_delivered_and_expired(app: TestApp) {
    app.signup("boss@acme.test").await;
    let res = app
        .form("/password-reset", &[("email", "boss@acme.test")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let mail = app
        .outbox()
        .into_iter()
        .find(|m| m.contains("/password-reset/"))
        .unwrap();
    let link = link_in(&mail, "/password-reset/").unwrap();
    let token = link.rsplit('/').next().unwrap().to_string();
    // Delivered (a file): the database keeps the envelope only.
    let rows = app.state.store.outbox().await.unwrap();
    let row = rows.iter().find(|m| m.subject.contains("Reset")).unwrap();
    assert!(row.sent_at.is_some());
    assert!(!row.text.contains(&token) && row.html.is_none(), "{row:?}");
    // Past the link's hour the row and the file go.
    app.clock.advance(SignedDuration::from_mins(61));
    app.state.prune_mail().await.unwrap();
    assert!(app.outbox().iter().all(|m| !m.contains(&token)));
    assert!(app
        .state
        .store
        .outbox()
        .await
        .unwrap()
        .iter()
        .all(|m| !m.subject.contains("Reset")));
}

async fn personal_clock_links_expire(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let e = employee(&app, &c.token, "Bea", "BEA-001").await;
    let eid = e["id"].as_str().unwrap();
    app.browser_login("boss@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let (path, html) = crate::kiosk_pages::new_clock_link(&app, &csrf, eid).await;
    assert!(
        html.contains("it works until"),
        "the page says when it ends"
    );
    let phone = reqwest::Client::new();
    assert_eq!(
        phone.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::OK
    );
    app.clock.advance(SignedDuration::from_hours(24 * 91));
    assert_eq!(
        phone.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

async fn shift_listing_comes_in_pages_of_at_most_a_thousand(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    employee(&app, &c.token, "Di", "DI-0001").await;
    for _ in 0..5 {
        let res = app
            .post_json(
                "/api/v1/clock-in",
                Some(&c.token),
                &json!({"id_code": "DI-0001", "standup": "hello"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        app.clock.advance(SignedDuration::from_mins(5));
        let res = app
            .post_json(
                "/api/v1/clock-out",
                Some(&c.token),
                &json!({"id_code": "DI-0001", "report": "done"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        app.clock.advance(SignedDuration::from_mins(5));
    }
    let all: Value = app.get_json("/api/v1/shifts", &c.token).await;
    assert_eq!(all["shifts"].as_array().unwrap().len(), 5);
    assert_eq!(all["next_cursor"], Value::Null);
    let mut seen = Vec::new();
    let mut url = "/api/v1/shifts?limit=2".to_string();
    let mut pages = 0;
    loop {
        let page: Value = app.get_json(&url, &c.token).await;
        pages += 1;
        let shifts = page["shifts"].as_array().unwrap();
        assert!(shifts.len() <= 2);
        seen.extend(shifts.iter().map(|s| s["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(cur) => url = format!("/api/v1/shifts?limit=2&cursor={cur}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let ids: Vec<Value> = all["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    assert_eq!(seen, ids, "every shift once, in order");
    for bad in [
        "limit=0",
        "limit=1001",
        "cursor=nonsense",
        "cursor=5:not-a-uuid",
    ] {
        let (status, _, message) = error_of(
            app.get_api(&format!("/api/v1/shifts?{bad}"), &c.token)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {message}");
    }
}

async fn invite_links_are_checked_before_any_hashing_and_limited_per_address(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let (res, hashes) = app::credentials::password::counting(app.state.accept_invite(
        "otl_not-an-invitation",
        "correct horse battery staple",
        "192.0.2.1",
    ))
    .await;
    assert!(res.is_err());
    assert_eq!(hashes, 0, "no invitation, no Argon2");
    // A real one hashes once.
    let res = app
        .post_json(
            "/api/v1/invites",
            Some(&c.token),
            &json!({"email": "new@acme.test", "role": "viewer"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let mail = app
        .outbox()
        .into_iter()
        .find(|m| m.contains("/invite/"))
        .unwrap();
    let token = link_in(&mail, "/invite/")
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let (res, hashes) = app::credentials::password::counting(app.state.accept_invite(
        &token,
        "correct horse battery staple",
        "192.0.2.1",
    ))
    .await;
    assert!(res.is_ok());
    assert_eq!(hashes, 1);
    // Guessing links from one address runs into its limit.
    let mut last = StatusCode::OK;
    for i in 0..31 {
        last = app
            .form(
                &format!("/invite/otl_guess{i}"),
                &[("password", "correct horse battery staple")],
            )
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

async fn invitations_are_capped_per_company_and_quote_the_name_as_data(app: TestApp) {
    let res = app
        .post_json(
            "/api/v1/signup",
            None,
            &json!({"company_name": "Win a prize at https://evil.test", "email": "spam@evil.test",
                    "password": PASSWORD, "timezone": "Europe/Berlin"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let invite = |i: u32| {
        app.api
            .post(app.url("/api/v1/invites"))
            .bearer_auth(&token)
            .json(&json!({"email": format!("victim{i}@x.test"), "role": "viewer"}))
            .send()
    };
    assert_eq!(invite(0).await.unwrap().status(), StatusCode::ACCEPTED);
    let mail = app
        .outbox()
        .into_iter()
        .find(|m| m.contains("victim0"))
        .unwrap();
    assert!(
        !mail.contains("href=\"https://evil.test"),
        "the company's words are not a link: {mail}"
    );
    assert!(
        mail.contains("“Win a prize at https://evil.test”"),
        "{mail}"
    );
    assert!(
        mail.contains("<a href=\"http://127.0.0.1"),
        "our own link is"
    );
    for i in 1..app::accounts::INVITES_PER_DAY {
        assert_eq!(invite(i).await.unwrap().status(), StatusCode::ACCEPTED);
    }
    let res = invite(999).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // The next day the company may invite again.
    app.clock.advance(SignedDuration::from_hours(24));
    assert_eq!(invite(1000).await.unwrap().status(), StatusCode::ACCEPTED);
}

async fn the_right_password_gets_through_an_account_lock(app: TestApp) {
    let app = behind_a_proxy(app).await;
    app.signup("boss@acme.test").await;
    let login = |ip: &'static str, password: &'static str| {
        app.api
            .post(app.url("/api/v1/tokens"))
            .header("x-forwarded-for", ip)
            .json(&json!({"email": "boss@acme.test", "password": password}))
            .send()
    };
    // A stranger spread over addresses fails ten times: the account locks.
    for i in 0..10 {
        let ip: &'static str = Box::leak(format!("203.0.113.{i}").into_boxed_str());
        assert_eq!(
            login(ip, "wrong password!").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Another address keeps guessing: a few tries, then refused.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            login("203.0.113.99", "wrong password!")
                .await
                .unwrap()
                .status(),
        );
    }
    assert_eq!(statuses[0], StatusCode::UNAUTHORIZED);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
    // The owner, from their own address, with the right password: in.
    assert_eq!(
        login("198.51.100.20", PASSWORD).await.unwrap().status(),
        StatusCode::CREATED
    );
}

async fn wrong_current_passwords_are_limited(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let t = tenant(&app, &c.company_id).await;
    let user = domain::UserId(uuid::Uuid::parse_str(&c.user_id).unwrap());
    let change = |current: &'static str| {
        app.state.change_password(
            &t,
            user,
            current,
            "a brand new passphrase",
            None,
            "192.0.2.1",
        )
    };
    for _ in 0..5 {
        assert!(matches!(
            change("not it at all").await,
            Err(app::Error::Invalid(_))
        ));
    }
    assert!(matches!(
        change(PASSWORD).await,
        Err(app::Error::RateLimited { .. })
    ));
}

async fn only_a_successful_authenticated_write_moves_its_own_companys_cache(app: TestApp) {
    let a = app.signup("a@a.test").await;
    let b = app.signup("b@b.test").await;
    employee(&app, &a.token, "Di", "DI-0001").await;
    let company = |c: &crate::helpers::Company| {
        domain::CompanyId(uuid::Uuid::parse_str(&c.company_id).unwrap())
    };
    let (ca, cb) = (company(&a), company(&b));
    let cache = &app.state.read_cache;
    let (ga, gb) = (cache.generation(ca), cache.generation(cb));
    // Anonymous and failed requests change nothing.
    let res = app
        .post_json(
            "/api/v1/tokens",
            None,
            &json!({"email": "a@a.test", "password": "wrong password!"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&a.token),
            &json!({"id_code": "NOPE-1", "standup": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!((cache.generation(ca), cache.generation(cb)), (ga, gb));
    // A's punch moves A's generation only.
    let res = app
        .post_json(
            "/api/v1/clock-in",
            Some(&a.token),
            &json!({"id_code": "DI-0001", "standup": "x"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_ne!(cache.generation(ca), ga);
    assert_eq!(cache.generation(cb), gb, "B's cached views stay");
}

async fn exports_beyond_the_cap_are_429_with_retry_after(app: TestApp) {
    let app = crate::helpers::spawn_app_with(app.kind, |c| c.max_exports = 2)
        .await
        .unwrap();
    let c = app.signup("boss@acme.test").await;
    let get = |path: &'static str| app.get_api(path, &c.token);
    // A finished download gives its slot back.
    let res = get("/api/v1/exports/shifts.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.bytes().await.unwrap();
    assert_eq!(app.state.exports.free(), 2);
    // Two exports in progress (held here as a slow client would hold them): the third waits.
    let held = [
        app.state.exports.take().unwrap(),
        app.state.exports.take().unwrap(),
    ];
    for path in [
        "/api/v1/exports/shifts.csv",
        "/api/v1/exports/tasks.csv",
        "/api/v1/export.zip",
    ] {
        let res = get(path).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert_eq!(res.headers()["retry-after"], "10");
    }
    drop(held);
    assert_eq!(get("/api/v1/export.zip").await.status(), StatusCode::OK);
}
