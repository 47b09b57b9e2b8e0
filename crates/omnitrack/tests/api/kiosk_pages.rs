//! The browser side of the clock loop: employee pages, kiosk enrolment and screen,
//! personal links.

use crate::both;
use crate::helpers::{csrf_in, spawn_pair_with, TestApp, PASSWORD};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::Value;
use store::StoreKind;

both!(
    supervisor_sets_up_and_the_kiosk_clocks,
    csv_import_reports_each_bad_row,
    personal_link_clocks_without_a_code,
    forgotten_clock_out_is_closed_and_confirmed_at_next_visit,
);

/// One test per database on two instances of one database: the second stands in for the
/// app after a restart (nothing of the first one's memory).
mod kiosk_stays_enrolled_until_revoked {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        if let Some((a, b)) = spawn_pair_with(StoreKind::Sqlite, |_| {}).await {
            kiosk_stays_enrolled(a, b).await
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some((a, b)) = spawn_pair_with(StoreKind::Postgres, |_| {}).await {
            kiosk_stays_enrolled(a, b).await
        }
    }
}

fn cookie_of(res: &reqwest::Response) -> (String, String) {
    let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
    (set.split(';').next().unwrap().to_string(), set)
}

/// Enrolled on one instance, the kiosk is idle past the 12-hour idle and the 14-day
/// absolute limit of a user's session, then used on the other instance; a supervisor's
/// session of the same age has expired. `/kiosks` shows its last use; revoking ends it.
async fn kiosk_stays_enrolled(a: TestApp, b: TestApp) {
    let set_both = |at: &str| {
        a.set_clock(at);
        b.set_clock(at);
    };
    let advance_both = |by: SignedDuration| {
        a.clock.advance(by);
        b.clock.advance(by);
    };
    set_both("2026-05-04T06:00:00Z");
    a.signup("boss@acme.test").await;
    let (boss, _) = cookie_of(&a.browser_login("boss@acme.test", PASSWORD).await);
    let csrf = a.csrf().await;
    let res = a
        .form("/kiosks/enrol", &[("csrf", &csrf), ("name", "Front door")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (kiosk, set) = cookie_of(&res);
    assert!(
        set.contains("Max-Age=34560000"),
        "the browser keeps it 400 days: {set}"
    );
    assert_eq!(
        a.get_with_cookie("/kiosk", &kiosk).await.status(),
        StatusCode::OK
    );
    let (boss_b, _) = cookie_of(&b.browser_login("boss@acme.test", PASSWORD).await);

    // Idle past 12 hours, then past 14 days since enrolment; the other instance answers.
    advance_both(SignedDuration::from_hours(13));
    let res = b.get_with_cookie("/kiosk", &kiosk).await;
    assert_eq!(res.status(), StatusCode::OK, "idle 13 h: still a kiosk");
    advance_both(SignedDuration::from_hours(24 * 15));
    let res = b.get_with_cookie("/kiosk", &kiosk).await;
    assert_eq!(res.status(), StatusCode::OK, "15 days later: still a kiosk");
    let (renewed, set) = cookie_of(&res);
    assert_eq!(renewed, kiosk, "the same enrolment");
    assert!(set.contains("Max-Age=34560000"), "renewed: {set}");
    assert!(res.text().await.unwrap().contains("id=\"id_code\""));
    for old in [&boss, &boss_b] {
        let res = b.get_with_cookie("/dashboard", old).await;
        assert_eq!(
            (res.status(), res.headers()["location"].to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/login"),
            "a supervisor's session expires"
        );
    }

    // The supervisor sees it with its last use (company time, Europe/Berlin), and revokes it.
    let (boss, _) = cookie_of(&b.browser_login("boss@acme.test", PASSWORD).await);
    let html = b
        .get_with_cookie("/kiosks", &boss)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Front door"), "{html}");
    assert!(
        html.contains("enrolled 2026-05-04")
            && html.contains("last used <span class=\"kiosk-last-used\">2026-05-19 21:00</span>"),
        "{html}"
    );
    let revoke = html
        .split("action=\"")
        .map(|s| s.split('"').next().unwrap())
        .find(|a| a.ends_with("/revoke"))
        .unwrap()
        .to_string();
    let csrf = csrf_in(&html).unwrap();
    let res = b
        .form_with_cookie(&revoke, &boss, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for app in [&a, &b] {
        let res = app.get_with_cookie("/kiosk", &kiosk).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "revoked: signed out");
    }
}

fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} in page"));
    html[start..].split('"').next().unwrap().to_string()
}

async fn supervisor_sets_up_and_the_kiosk_clocks(app: TestApp) {
    app.signup("boss@acme.test").await;
    app.browser_login("boss@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let res = app
        .form(
            "/employees",
            &[
                ("csrf", &csrf),
                ("name", "Ada Lovelace"),
                ("id_code", "ADA-100"),
                ("pin", "4321"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let emp_path = res.headers()["location"].to_str().unwrap().to_string();
    let res = app
        .form(
            &format!("{emp_path}/tasks"),
            &[("csrf", &csrf), ("title", "Fix login redirect loop")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .form(
            &format!("{emp_path}/tasks"),
            &[("csrf", &csrf), ("title", "Write onboarding guide")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&emp_path).await;
    assert!(html.contains("Fix login redirect loop") && html.contains("ADA-100"));
    let (_, list) = app.page("/employees").await;
    assert!(list.contains("Ada Lovelace"));

    // Enrol this browser as a kiosk: the supervisor session ends here.
    let res = app
        .form("/kiosks/enrol", &[("csrf", &csrf), ("name", "Front door")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.page("/dashboard").await.0,
        StatusCode::FORBIDDEN,
        "a kiosk is not a supervisor"
    );
    let (status, screen) = app.page("/kiosk").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!screen.contains("Ada"), "no employee list on the kiosk");
    let kcsrf = csrf_in(&screen).unwrap();

    let wrong = app
        .form(
            "/kiosk/identify",
            &[("csrf", &kcsrf), ("id_code", "ADA-100"), ("pin", "0000")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("not right"));
    let ok = app
        .form(
            "/kiosk/identify",
            &[("csrf", &kcsrf), ("id_code", "ada-100"), ("pin", "4321")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let step = ok.text().await.unwrap();
    assert!(
        step.contains("Hello, Ada")
            && step.contains("Fix login redirect loop")
            && step.contains("Write onboarding guide")
    );
    let ticket = field(&step, "ticket");
    let done = app
        .form(
            "/kiosk",
            &[
                ("csrf", &kcsrf),
                ("ticket", &ticket),
                ("action", "clock-in"),
                ("text", "Going to fix the login redirect loop"),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let result = done.text().await.unwrap();
    assert!(result.contains("You are clocked in, Ada"), "{result}");
    assert!(
        result.contains("You did not mention") && result.contains("Write onboarding guide"),
        "the check shows what was missed"
    );
    // The ticket was used up.
    let replay = app
        .form(
            "/kiosk",
            &[
                ("csrf", &kcsrf),
                ("ticket", &ticket),
                ("action", "clock-in"),
                ("text", "again"),
            ],
        )
        .await;
    assert_eq!(replay.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let step = app
        .form(
            "/kiosk/identify",
            &[("csrf", &kcsrf), ("id_code", "ADA-100"), ("pin", "4321")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(step.contains("clocked in since"));
    let ticket = field(&step, "ticket");
    let empty = app
        .form(
            "/kiosk",
            &[
                ("csrf", &kcsrf),
                ("ticket", &ticket),
                ("action", "clock-out"),
                ("text", "  "),
            ],
        )
        .await;
    assert_eq!(
        empty.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty report is refused and nothing is lost"
    );
    let step = empty.text().await.unwrap();
    assert!(step.contains("must not be empty"));
    let ticket = field(&step, "ticket");
    let out = app
        .form(
            "/kiosk",
            &[
                ("csrf", &kcsrf),
                ("ticket", &ticket),
                ("action", "clock-out"),
                ("text", "Fixed the login redirect loop, merged."),
            ],
        )
        .await;
    let result = out.text().await.unwrap();
    assert!(
        result.contains("Today&#39;s score") || result.contains("Today's score"),
        "{result}"
    );
    assert!(result.contains("1 of 2 assigned tasks done"), "{result}");
}

async fn csv_import_reports_each_bad_row(app: TestApp) {
    app.signup("boss@acme.test").await;
    app.browser_login("boss@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let csv = "name,id_code\nAda,ADA-001\nBob,ADA-001\n,EMPTY-1\nCy,\n\"Smith, Jo\",SMI-001\n";
    let res = app
        .form("/employees/import", &[("csrf", &csrf), ("csv", csv)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("3 employee(s) added, 2 row(s) with errors"),
        "{html}"
    );
    assert!(html.contains("line 3: an employee with this ID code already exists"));
    assert!(html.contains("line 4:") && html.contains("must not be empty"));
    assert!(html.contains("Smith, Jo"));
}

/// Makes a new personal clock link on the employee page (signed in as a supervisor):
/// its path (`/c/otl_…`) and the page that shows it.
pub async fn new_clock_link(app: &TestApp, csrf: &str, eid: &str) -> (String, String) {
    let html = app
        .form(&format!("/employees/{eid}/link"), &[("csrf", csrf)])
        .await
        .text()
        .await
        .unwrap();
    let start = html.find("/c/otl_").unwrap();
    let path = html[start..]
        .chars()
        .take_while(|c| *c != '<' && *c != '"')
        .collect();
    (path, html)
}

async fn personal_link_clocks_without_a_code(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let e = crate::clock::employee(&app, &c.token, "Bea", "BEA-001").await;
    let eid = e["id"].as_str().unwrap();
    app.browser_login("boss@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let (path, _) = new_clock_link(&app, &csrf, eid).await;
    let phone = reqwest::Client::new();
    let screen = phone
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(screen.contains("Hello, Bea"));
    let res = phone
        .post(app.url(&path))
        .form(&[("action", "clock-in"), ("text", "Inventory count")])
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Bea") && body.contains("You are clocked in"),
        "{body}"
    );
    let list: Value = app.get_json("/api/v1/shifts", &c.token).await;
    assert_eq!(list["shifts"].as_array().unwrap().len(), 1);
    // Revoked: the link is dead.
    app.form(&format!("/employees/{eid}/link/revoke"), &[("csrf", &csrf)])
        .await;
    assert_eq!(
        phone.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

async fn forgotten_clock_out_is_closed_and_confirmed_at_next_visit(app: TestApp) {
    let c = app.signup("boss@acme.test").await;
    let e = crate::clock::employee(&app, &c.token, "Fen", "FEN-001").await;
    let eid = e["id"].as_str().unwrap();
    app.browser_login("boss@acme.test", PASSWORD).await;
    let csrf = app.csrf().await;
    let (path, _) = new_clock_link(&app, &csrf, eid).await;
    app.clock.set("2026-05-04T08:00:00Z".parse().unwrap());
    let phone = reqwest::Client::new();
    phone
        .post(app.url(&path))
        .form(&[("action", "clock-in"), ("text", "Mon")])
        .send()
        .await
        .unwrap();
    // Nobody clocked out; the next morning housekeeping closes the shift.
    app.clock.set("2026-05-05T07:00:00Z".parse().unwrap());
    assert_eq!(app.state.housekeeping().await.unwrap(), 1);
    let s: Value = app.get_json("/api/v1/shifts", &c.token).await;
    assert_eq!(s["shifts"][0]["auto_closed"], true);
    assert_eq!(s["shifts"][0]["end_confirmed"], false);
    let screen = phone
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        screen.contains("closed automatically at 2026-05-04 18:00"),
        "default length 8 h: {screen}"
    );
    let bad = phone
        .post(app.url(&path))
        .form(&[("action", "confirm-end"), ("text", "5pm")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("24-hour time"));
    let ok = phone
        .post(app.url(&path))
        .form(&[("action", "confirm-end"), ("text", "17:30")])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        !ok.text().await.unwrap().contains("closed automatically"),
        "asked only once"
    );
    let s: Value = app.get_json("/api/v1/shifts", &c.token).await;
    assert_eq!(s["shifts"][0]["end_confirmed"], true);
    // 17:30 Berlin summer time is 15:30 UTC.
    assert_eq!(s["shifts"][0]["clock_out_at"], "2026-05-04T15:30:00Z");
    assert_eq!(s["shifts"][0]["worked_minutes"], 7 * 60 + 30);
}
