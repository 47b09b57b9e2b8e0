//! Two app instances on one PostgreSQL, the scale-out setup: a session made on one works
//! on the other and a logout on either ends it everywhere; with both instances' workers
//! draining one queue, every analysis job runs exactly once. PostgreSQL only (SQLite is one
//! server's file); in CI `OMNITRACK_REQUIRE_PG` makes these fail instead of skipping.

use crate::clock::{employee, kiosk, task};
use crate::helpers::{csrf_in, spawn_pair_with, PASSWORD};
use analysis::{AnalyzerConfig, RetryPolicy};
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use store::StoreKind;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Enough jobs that both workers' batches (20 jobs each) overlap.
const EMPLOYEES: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_work_across_instances_postgres() {
    let Some((a, b)) = spawn_pair_with(StoreKind::Postgres, |_| {}).await else {
        return;
    };
    let company = a.signup("two@acme.test").await;
    let res = a.browser_login("two@acme.test", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    assert!(cookie.starts_with("omnitrack_session=ots_"), "{cookie}");

    // The session and the API token made on A are good on B.
    let res = b.get_with_cookie("/dashboard", &cookie).await;
    assert_eq!(res.status(), StatusCode::OK, "A's session works on B");
    assert_eq!(
        b.get_api("/api/v1/me", &company.token).await.status(),
        StatusCode::OK
    );

    // Log out on B, with the CSRF token B's page carries.
    let html = b
        .get_with_cookie("/settings", &cookie)
        .await
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&html).expect("csrf token on B's settings page");
    let res = b
        .form_with_cookie("/logout", &cookie, &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Dead on both instances.
    for app in [&a, &b] {
        let res = app.get_with_cookie("/dashboard", &cookie).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", app.base);
        assert_eq!(res.headers()["location"], "/login");
    }
}

fn claude(output: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({
            "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
            "content": [{"type": "text", "text": output.to_string()}],
            "stop_reason": "end_turn", "stop_sequence": null,
            "usage": {"input_tokens": 10, "output_tokens": 10}
        }))
        // A little latency widens the window in which both workers hold batches.
        .set_delay(Duration::from_millis(10))
}

/// A fake Claude that answers every standup check and report extraction (one task each).
async fn fake_claude() -> MockServer {
    let fake = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(|req: &wiremock::Request| {
            if String::from_utf8_lossy(&req.body).contains("\"blockers\"") {
                claude(json!({"tasks": [{"task": "Restock shelves", "status": "done", "evidence": "restocked"}],
                    "blockers": [], "unplanned": []}))
            } else {
                claude(json!({"tasks": [{"task": "Restock shelves", "mentioned": true, "evidence": "shelves"}]}))
            }
        })
        .mount(&fake)
        .await;
    fake
}

fn markers(i: usize) -> (String, String) {
    // The colon keeps "note 1:" from matching inside "note 10:".
    (format!("Shift note {i}:"), format!("Report {i}:"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_job_runs_once_across_instances_postgres() {
    let fake = fake_claude().await;
    let uri = fake.uri();
    let pair = spawn_pair_with(StoreKind::Postgres, |c| {
        c.analyzer = AnalyzerConfig {
            anthropic_api_key: Some(SecretString::from("sk-ant-test-key".to_string())),
            anthropic_base_url: uri.clone(),
            timeout: Duration::from_secs(10),
            retry: RetryPolicy {
                max_retries: 0,
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(20),
            },
            ..AnalyzerConfig::local()
        };
        // Punches leave every job to the background workers.
        c.analysis_wait = Some(Duration::ZERO);
    })
    .await;
    let Some((a, b)) = pair else { return };
    let c = a.signup("jobs@acme.test").await;
    let k = kiosk(&a, &c.token).await;
    let apps = [&a, &b];
    for i in 0..EMPLOYEES {
        let app = apps[i % 2];
        let e = employee(app, &c.token, &format!("Worker {i}"), &format!("W-{i:04}")).await;
        task(app, &c.token, e["id"].as_str().unwrap(), "Restock shelves").await;
    }
    for i in 0..EMPLOYEES {
        let (standup, _) = markers(i);
        let res = apps[i % 2]
            .post_json(
                "/api/v1/clock-in",
                Some(&k),
                &json!({"id_code": format!("W-{i:04}"), "standup": format!("{standup} restock the shelves")}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    for i in 0..EMPLOYEES {
        let (_, report) = markers(i);
        let res = apps[(i + 1) % 2]
            .post_json(
                "/api/v1/clock-out",
                Some(&k),
                &json!({"id_code": format!("W-{i:04}"), "report": format!("{report} shelves restocked")}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    // Both instances' background workers run; drive both by hand as well, concurrently,
    // so every round is a race for the same rows.
    let mut drained = false;
    for _ in 0..200 {
        let (ra, rb) = tokio::join!(a.state.run_due_jobs(), b.state.run_due_jobs());
        ra.unwrap();
        rb.unwrap();
        if a.state.store.pending_jobs().await.unwrap() == 0 {
            drained = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(drained, "the queue never drained");

    // The analyzer saw each job exactly once.
    let requests = fake.received_requests().await.unwrap();
    let bodies: Vec<String> = requests
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for i in 0..EMPLOYEES {
        let (standup, report) = markers(i);
        for m in [standup, report] {
            let n = bodies.iter().filter(|b| b.contains(&m)).count();
            seen.insert(m, n);
        }
    }
    let wrong: Vec<_> = seen.iter().filter(|(_, n)| **n != 1).collect();
    assert!(wrong.is_empty(), "jobs not run exactly once: {wrong:?}");
    assert_eq!(bodies.len(), 2 * EMPLOYEES, "no other analyzer calls");

    // Every shift carries both results, seen from either instance.
    for app in apps {
        let list = app.get_json("/api/v1/shifts", &c.token).await;
        let shifts = list["shifts"].as_array().unwrap();
        assert_eq!(shifts.len(), EMPLOYEES);
        for s in shifts {
            assert!(!s["standup_check"].is_null(), "{s}");
            assert_eq!(s["score"]["analyzer"], "claude", "{s}");
            assert_eq!(s["score"]["fallback"], false, "{s}");
        }
    }
}
