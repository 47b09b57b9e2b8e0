//! Browser check of issue 15's kiosk self-service (same driver and rules as `e2e.rs`):
//! an employee types code and PIN, opens their own data, sees their shift, files a
//! correction request and leaves; the request then shows on the supervisor's board. The
//! kiosk still holds one cookie only.

use crate::e2e::{
    assert_no_console_errors, click, confirm_dialog, screenshot, text_of, type_into, wait_for,
    wait_for_text, Driver,
};
use crate::e2e_pages::log_in;
use crate::helpers::spawn_app;
use serde_json::json;
use store::StoreKind;

const OWNER: &str = "owner@acme.test";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_self_service_request_reaches_the_board() {
    let Some(mut driver) = Driver::start("kiosk_self_service_request_reaches_the_board").await
    else {
        return;
    };
    let Some(app) = spawn_app(StoreKind::Sqlite).await else {
        return;
    };
    // Ada and one finished shift, set up through the API.
    let c = app.signup(OWNER).await;
    let res = app
        .post_json(
            "/api/v1/employees",
            Some(&c.token),
            &json!({"name": "Ada Lovelace", "id_code": "ADA-100", "pin": "4321"}),
        )
        .await;
    assert!(res.status().is_success());
    for (path, body) in [
        (
            "/api/v1/clock-in",
            json!({"id_code": "ADA-100", "pin": "4321", "standup": "Inventory"}),
        ),
        (
            "/api/v1/clock-out",
            json!({"id_code": "ADA-100", "pin": "4321", "report": "Counted it all."}),
        ),
    ] {
        let res = app.post_json(path, Some(&c.token), &body).await;
        assert!(res.status().is_success(), "{path}");
        app.clock.advance(jiff::SignedDuration::from_hours(8));
    }

    let k = driver.session().await;
    log_in(&k, &app.base, OWNER).await;
    click(&k, "nav.site-nav a[href='/kiosks']").await;
    type_into(&k, "form[action='/kiosks/enrol'] #name", "Front door").await;
    click(&k, "form[action='/kiosks/enrol'] button[type=submit]").await;
    confirm_dialog(&k).await;
    wait_for(&k, "form[action='/kiosk/identify'] #id_code").await;

    type_into(&k, "#id_code", "ADA-100").await;
    type_into(&k, "#pin", "4321").await;
    click(&k, "form[action='/kiosk/identify'] button[type=submit]").await;
    wait_for_text(&k, "h1", "Hello, Ada").await;
    click(&k, "button[value='open']").await;
    wait_for_text(&k, "h1", "Your data, Ada").await;
    let shifts = text_of(&k, "ul.own-shifts").await;
    assert!(shifts.contains("8:00"), "her shift: {shifts}");
    click(&k, "#shift option:nth-child(2)").await;
    type_into(&k, "#text", "I started at 7:30, not 8:00.").await;
    screenshot(&k, "kiosk-my-data").await;
    click(&k, "button[value='correction']").await;
    wait_for_text(&k, "p", "sent to your supervisor").await;
    click(&k, "button[value='leave']").await;
    wait_for(&k, "form[action='/kiosk/identify'] #id_code").await;
    let cookies = k.get_all_cookies().await.unwrap();
    let names: Vec<_> = cookies.iter().map(|c| c.name().to_string()).collect();
    assert_eq!(names, ["omnitrack_session"], "the kiosk holds one cookie");

    let boss = driver.session().await;
    log_in(&boss, &app.base, OWNER).await;
    boss.goto(&app.url("/dashboard")).await.unwrap();
    let board = text_of(&boss, "#board").await;
    assert!(
        board.contains("I started at 7:30, not 8:00.") && board.contains("Ada Lovelace"),
        "{board}"
    );
    assert_no_console_errors(&k, "the kiosk").await;
    assert_no_console_errors(&boss, "the supervisor's browser").await;
    k.close().await.unwrap();
    boss.close().await.unwrap();
}
