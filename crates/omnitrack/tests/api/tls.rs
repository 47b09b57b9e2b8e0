//! `--tls-cert`/`--tls-key`: the server speaks HTTPS itself, and then marks its cookie
//! Secure and sends HSTS.

use crate::helpers::{spawn_app_with, PASSWORD};
use reqwest::StatusCode;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_secure_cookie_and_hsts() {
    let app = spawn_app_with(store::StoreKind::Sqlite, |c| {
        c.tls = Some((data("test-cert.pem"), data("test-key.pem")));
        c.base_url = "https://localhost:0".parse().unwrap();
    })
    .await
    .unwrap();
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let cert =
        reqwest::Certificate::from_pem(&std::fs::read(data("test-ca.pem")).unwrap()).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(cert)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("https://localhost:{port}");
    let res = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    let res = client
        .post(format!("{base}/signup"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("company_name", "Tls Co"),
            ("email", "tls@acme.test"),
            ("password", PASSWORD),
            ("timezone", "UTC"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    // Plain HTTP on the TLS port is not served.
    assert!(reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true));
}
