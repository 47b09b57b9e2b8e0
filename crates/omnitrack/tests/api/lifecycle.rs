//! Cancel, reactivate, purge after 30 days, delete now, policy-change notices.

use crate::billing_support::{both_with, Ctx, Setup};
use crate::helpers::{error_of, PASSWORD};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use store::PURGE_KEEPS;

both_with!(Setup::Plain =>
    cancel_then_reactivate_finds_everything_intact,
    thirty_days_after_cancel_every_row_is_purged_and_others_untouched,
    immediate_deletion_needs_the_password,
    policy_change_is_announced_14_days_ahead,
    account_pages_cancel_and_reactivate,
);

const DAY: SignedDuration = SignedDuration::from_hours(24);

async fn seed(c: &Ctx, email: &str) -> crate::helpers::Company {
    let co = c.app.signup(email).await;
    let res = c
        .app
        .post_json(
            "/api/v1/invites",
            Some(&co.token),
            &json!({"email": format!("sup.{email}"), "role": "supervisor"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let tenant = c
        .state
        .store
        .tenant_for_stripe(Some(&co.company_id), None, None)
        .await
        .unwrap()
        .unwrap();
    c.state
        .store
        .create_employee(
            &tenant,
            &domain::EmployeeName::parse("Ada").unwrap(),
            &domain::IdCode::parse("AB-10").unwrap(),
            None,
            c.app.clock.now(),
        )
        .await
        .unwrap();
    co
}

fn nonzero(rows: &[(String, i64)]) -> Vec<&(String, i64)> {
    rows.iter()
        .filter(|(t, n)| *n > 0 && !PURGE_KEEPS.contains(&t.as_str()))
        .collect()
}

async fn cancel_then_reactivate_finds_everything_intact(c: Ctx) {
    let co = seed(&c, "owner@acme.test").await;
    let before = c.rows_of(&co.company_id).await;
    let res = c
        .app
        .post_json("/api/v1/account/cancel", Some(&co.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["status"], "canceled");
    assert_eq!(v["write_allowed"], false);
    let purge_at: jiff::Timestamp = v["purge_at"].as_str().unwrap().parse().unwrap();
    let canceled_at: jiff::Timestamp = v["canceled_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(purge_at.duration_since(canceled_at), 30 * DAY);
    // The owner is told the date.
    let mail = c
        .app
        .outbox()
        .into_iter()
        .find(|m| m.contains("Subject: Your OmniTrack account is canceled"))
        .unwrap();
    assert!(mail.contains("To: owner@acme.test"));
    assert!(
        mail.contains(&purge_at.strftime("%Y-%m-%d").to_string()),
        "{mail}"
    );
    // Read-only meanwhile, but viewable.
    let (status, code, _) = error_of(
        c.app
            .post_json(
                "/api/v1/invites",
                Some(&co.token),
                &json!({"email": "x@acme.test", "role": "viewer"}),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "read_only")
    );
    assert_eq!(
        c.app.get_api("/api/v1/users", &co.token).await.status(),
        StatusCode::OK
    );
    // 29 days later: still there, reactivated intact.
    c.app.clock.advance(29 * DAY);
    c.state.run_retention().await.unwrap();
    let res = c
        .app
        .post_json("/api/v1/account/reactivate", Some(&co.token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["status"].as_str(), v["purge_at"].as_str()),
        (Some("active"), None)
    );
    let after = c.rows_of(&co.company_id).await;
    for ((t1, n1), (t2, n2)) in before.iter().zip(after.iter()) {
        assert_eq!(t1, t2);
        if !["audit_log", "outbox"].contains(&t1.as_str()) {
            assert_eq!(n1, n2, "{t1} changed across cancel + reactivate");
        }
    }
    // Past the old date nothing is purged.
    c.app.clock.advance(5 * DAY);
    assert_eq!(c.state.run_retention().await.unwrap().purged, 0);
    assert_eq!(
        c.app.get_api("/api/v1/me", &co.token).await.status(),
        StatusCode::OK
    );
    // Reactivating an active account is a clear 409.
    let (status, _, msg) = error_of(
        c.app
            .post_json("/api/v1/account/reactivate", Some(&co.token), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(msg.contains("not canceled"), "{msg}");
}

async fn thirty_days_after_cancel_every_row_is_purged_and_others_untouched(c: Ctx) {
    let a = seed(&c, "a@a.test").await;
    let b = seed(&c, "b@b.test").await;
    let files = c.app.data_dir.join("companies").join(&a.company_id);
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("export.csv"), "x").unwrap();
    let b_before = c.rows_of(&b.company_id).await;
    assert!(nonzero(&c.rows_of(&a.company_id).await).len() >= 5);
    assert_eq!(
        c.app
            .post_json("/api/v1/account/cancel", Some(&a.token), &json!({}))
            .await
            .status(),
        StatusCode::OK
    );

    // 23 days in: the 7-day reminder goes out once.
    c.app
        .clock
        .advance(23 * DAY + SignedDuration::from_hours(1));
    assert_eq!(c.state.run_retention().await.unwrap().reminded, 1);
    assert_eq!(c.state.run_retention().await.unwrap().reminded, 0);
    let reminders = c
        .app
        .outbox()
        .into_iter()
        .filter(|m| m.contains("will be deleted in 7 days"))
        .count();
    assert_eq!(reminders, 1);

    c.app.clock.advance(7 * DAY);
    let r = c.state.run_retention().await.unwrap();
    assert_eq!((r.purged, r.failed), (1, 0));
    let left = c.rows_of(&a.company_id).await;
    assert!(
        nonzero(&left).is_empty(),
        "rows left after the purge: {:?}",
        nonzero(&left)
    );
    assert!(left.iter().any(|(t, n)| t == "tombstones" && *n == 1));
    assert!(!files.exists(), "company files are gone");
    farewell_was_sent_and_forgotten(&c, "a@a.test", Some("30 days after its cancellation")).await;
    // The mail worker prunes on the test clock whenever it wakes: b's invite, its one-time
    // link expired weeks ago, goes then. Prune here so the comparison does not race it.
    c.state.prune_mail().await.unwrap();
    let b_expected: Vec<(String, i64)> = b_before
        .into_iter()
        .map(|(t, n)| if t == "outbox" { (t, 0) } else { (t, n) })
        .collect();
    assert_eq!(
        c.rows_of(&b.company_id).await,
        b_expected,
        "the other company is untouched but for its expired invite"
    );
    // The purged company's credentials are dead; the other's work.
    assert_eq!(
        c.app.get_api("/api/v1/me", &a.token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.app.get_api("/api/v1/me", &b.token).await.status(),
        StatusCode::OK
    );
    // Running again is harmless.
    assert_eq!(
        c.state.run_retention().await.unwrap(),
        app::lifecycle::RetentionReport::default()
    );
}

/// The owner got the deletion confirmation (`why` in its text: checked in the mail file
/// while it is there), and then neither its outbox row (the only place the address
/// outlived the purge) nor a mail file keeps the address.
async fn farewell_was_sent_and_forgotten(c: &Ctx, owner: &str, why: Option<&str>) {
    const SUBJECT: &str = "Your OmniTrack account has been deleted";
    let files = || -> Vec<String> {
        c.app
            .outbox()
            .into_iter()
            .filter(|m| m.contains(&format!("Subject: {SUBJECT}")))
            .collect()
    };
    if let Some(why) = why {
        let mails = files();
        assert_eq!(mails.len(), 1, "one confirmation");
        let unfolded = mails[0].replace("=\r\n", "").replace("=\n", "");
        assert!(
            unfolded.contains(&format!("To: {owner}")) && unfolded.contains(why),
            "{unfolded}"
        );
        c.state.sweep_mail_copies().await.unwrap();
    }
    assert!(files().is_empty(), "the mail file went with the address");
    let rows = c.state.store.outbox().await.unwrap();
    let row = rows.iter().find(|m| m.subject == SUBJECT).unwrap();
    assert!(row.sent_at.is_some(), "delivered");
    assert_eq!(
        (row.to.as_str(), row.text.as_str(), row.html.as_deref()),
        ("", "", None)
    );
    assert!(rows.iter().all(|m| m.to != owner), "no row keeps {owner}");
}

async fn immediate_deletion_needs_the_password(c: Ctx) {
    let a = seed(&c, "a@a.test").await;
    let b = seed(&c, "b@b.test").await;
    let before = c.rows_of(&a.company_id).await;
    let del = |pw: &str| {
        c.app
            .api
            .delete(c.app.url("/api/v1/account"))
            .bearer_auth(&a.token)
            .json(&json!({"password": pw}))
            .send()
    };
    let (status, code, _) = error_of(del("not my password").await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "wrong_password")
    );
    let after = c.rows_of(&a.company_id).await;
    for ((t, n1), (_, n2)) in before.iter().zip(after.iter()) {
        if t != "audit_log" {
            assert_eq!(n1, n2, "{t} changed after a refused deletion");
        }
    }
    // A supervisor cannot delete the company.
    let res = c
        .app
        .api
        .delete(c.app.url("/api/v1/account"))
        .bearer_auth(&b.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing password is a clear 422"
    );
    let b_before = c.rows_of(&b.company_id).await;
    assert_eq!(
        del(PASSWORD).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert!(nonzero(&c.rows_of(&a.company_id).await).is_empty());
    assert_eq!(c.rows_of(&b.company_id).await, b_before);
    // Deleting now sends and forgets at once (the next step sweeps the mail files).
    farewell_was_sent_and_forgotten(&c, "a@a.test", None).await;
    assert_eq!(
        c.app.get_api("/api/v1/me", &a.token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn policy_change_is_announced_14_days_ahead(c: Ctx) {
    let a = c.app.signup("a@a.test").await;
    c.app.signup("b@b.test").await;
    let today = c.app.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let soon = today.checked_add(jiff::Span::new().days(13)).unwrap();
    let err = c
        .state
        .announce_policy_change(soon, "New subprocessor")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at least 14 days"), "{err}");
    assert!(c.app.outbox().iter().all(|m| !m.contains("privacy policy")));
    let date = today.checked_add(jiff::Span::new().days(14)).unwrap();
    let n = c
        .state
        .announce_policy_change(date, "We add a new data center in Frankfurt.")
        .await
        .unwrap();
    assert_eq!(n, 2);
    let notices: Vec<String> = c
        .app
        .outbox()
        .into_iter()
        .filter(|m| m.contains("Subject: Changes to the OmniTrack privacy policy"))
        .collect();
    assert_eq!(notices.len(), 2);
    assert!(
        notices.iter().any(|m| m.contains("To: a@a.test"))
            && notices.iter().any(|m| m.contains("To: b@b.test"))
    );
    assert!(notices[0].contains(&date.to_string()));
    // Announcing the same change again is refused (no duplicate mail).
    assert!(c
        .state
        .announce_policy_change(date, "We add a new data center in Frankfurt.")
        .await
        .is_err());
    // The dashboard shows the banner until the date, not after.
    c.app.browser_login(&a.email, PASSWORD).await;
    let (_, html) = c.app.page("/dashboard").await;
    assert!(html.contains("class=\"banner info\""), "{html}");
    assert!(html.contains("data center in Frankfurt"));
    c.app.clock.advance(15 * DAY);
    c.app.browser_login(&a.email, PASSWORD).await;
    let (_, html) = c.app.page("/dashboard").await;
    assert!(!html.contains("class=\"banner info\""));
}

async fn account_pages_cancel_and_reactivate(c: Ctx) {
    let a = c.app.signup("a@a.test").await;
    c.app.browser_login(&a.email, PASSWORD).await;
    let (status, html) = c.app.page("/settings/account").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = crate::helpers::csrf_in(&html).unwrap();
    let res = c
        .app
        .form("/settings/account/cancel", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = c.app.page("/settings/account").await;
    assert!(html.contains("Reactivate the account"));
    // Wrong password on the delete form: 403 with the error next to the field.
    let res = c
        .app
        .form(
            "/settings/account/delete",
            &[("csrf", &csrf), ("password", "wrong one!!")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("is not your password"));
    let res = c
        .app
        .form("/settings/account/reactivate", &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = c.app.page("/settings/account").await;
    assert!(html.contains("Cancel the account"));
    let res = c
        .app
        .form(
            "/settings/account/delete",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(nonzero(&c.rows_of(&a.company_id).await).is_empty());
}
