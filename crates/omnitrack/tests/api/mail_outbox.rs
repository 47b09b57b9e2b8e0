//! The mail outbox: a down SMTP server keeps mail queued with retries; the file transport
//! delivers each message once.

use crate::billing_support::{both_with, Ctx, Setup};
use reqwest::StatusCode;

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
    // dropped here: nothing listens on it any more
}

both_with!(Setup::Smtp(format!("smtp://127.0.0.1:{}", closed_port())) => smtp_down_keeps_mail_queued_with_backoff);
both_with!(Setup::Plain => file_transport_delivers_once);

async fn request_reset(c: &Ctx, email: &str) {
    let res = c.app.form("/password-reset", &[("email", email)]).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
}

async fn smtp_down_keeps_mail_queued_with_backoff(c: Ctx) {
    c.app.signup("a@a.test").await;
    request_reset(&c, "a@a.test").await;
    let q = c.state.store.outbox().await.unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].attempts, 0);
    let r = c.state.deliver_mail(None).await.unwrap();
    assert_eq!((r.sent, r.retrying), (0, 1));
    let q = c.state.store.outbox().await.unwrap();
    assert_eq!(q[0].attempts, 1);
    assert!(q[0].sent_at.is_none());
    assert!(q[0].last_error.is_some());
    let next = q[0].next_attempt_at.unwrap();
    assert!(next > c.app.clock.now(), "retried later, not in a hot loop");
    // Not due yet: nothing is tried.
    assert_eq!(c.state.deliver_mail(None).await.unwrap().retrying, 0);
    // Due again: another attempt, a longer wait.
    c.app.clock.advance(jiff::SignedDuration::from_secs(31));
    assert_eq!(c.state.deliver_mail(None).await.unwrap().retrying, 1);
    let q = c.state.store.outbox().await.unwrap();
    assert_eq!(q[0].attempts, 2);
    assert!(
        q[0].next_attempt_at
            .unwrap()
            .duration_since(c.app.clock.now())
            > jiff::SignedDuration::from_secs(50)
    );
    assert!(
        c.app.outbox().is_empty(),
        "nothing written to files when SMTP is configured"
    );
    // The request itself never failed.
    assert_eq!(
        c.app.get_api("/healthz", "x").await.status(),
        StatusCode::OK
    );
}

async fn file_transport_delivers_once(c: Ctx) {
    c.app.signup("a@a.test").await;
    request_reset(&c, "a@a.test").await;
    let files = c.app.outbox();
    assert_eq!(files.len(), 1, "delivered at once");
    assert!(files[0].contains("Content-Type: multipart/alternative"));
    assert!(files[0].contains("text/html"));
    let q = c.state.store.outbox().await.unwrap();
    assert!(q[0].sent_at.is_some());
    assert_eq!(q[0].attempts, 1);
    // More worker rounds send nothing again.
    for _ in 0..3 {
        assert_eq!(c.state.deliver_mail(None).await.unwrap().sent, 0);
    }
    assert_eq!(c.app.outbox().len(), 1);
}
