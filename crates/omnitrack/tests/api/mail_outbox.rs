//! The mail outbox: a down SMTP server keeps mail queued with retries; once a real SMTP
//! peer is up every message reaches it exactly once; the file transport delivers each
//! message once.

use crate::billing_support::{both_with, Ctx, Setup};
use crate::smtp_peer::{Mode, SmtpPeer};
use jiff::SignedDuration;
use reqwest::StatusCode;
use store::StoreKind;

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
    // dropped here: nothing listens on it any more
}

both_with!(Setup::Smtp(format!("smtp://127.0.0.1:{}", closed_port())) => smtp_down_keeps_mail_queued_with_backoff);
both_with!(Setup::Plain => file_transport_delivers_once);

mod smtp_down_then_up_delivers_every_mail_once {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::smtp_down_then_up(store::StoreKind::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::smtp_down_then_up(store::StoreKind::Postgres).await
    }
}

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

/// Queued mail is retried past a refused connection and a `421`, then each message reaches
/// the peer exactly once (counted by its Message-ID), and later rounds send nothing again.
async fn smtp_down_then_up(kind: StoreKind) {
    let mut peer = SmtpPeer::closed();
    let Some(c) = crate::billing_support::spawn(kind, Setup::Smtp(peer.url())).await else {
        return;
    };
    c.app.signup("a@a.test").await;
    request_reset(&c, "a@a.test").await;
    for i in 0..12 {
        let mail = app::Mail::new(
            format!("user{i}@example.test"),
            format!("Note {i}"),
            format!("Line one\n.starts with a dot\nmail {i}"),
        );
        c.state.send_mail(None, mail).await;
    }
    let ids: Vec<String> = c
        .state
        .store
        .outbox()
        .await
        .unwrap()
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    assert!(ids.len() >= 13, "{ids:?}");

    // Down: connections refused. (The app's own worker may try too; the lease keeps the
    // two from sending one message twice.)
    assert_eq!(c.state.deliver_mail(None).await.unwrap().sent, 0);
    let q = c.state.store.outbox().await.unwrap();
    assert!(q.iter().all(|m| m.sent_at.is_none() && m.attempts >= 1));

    // Busy: the peer answers 421, a transient refusal.
    peer.start(Mode::Busy).await;
    c.app.clock.advance(SignedDuration::from_hours(2));
    let r = c.state.deliver_mail(None).await.unwrap();
    assert_eq!((r.sent, r.given_up), (0, 0));
    assert!(peer.connections() > 0, "the peer was asked");
    assert!(peer.messages().is_empty());
    let q = c.state.store.outbox().await.unwrap();
    assert!(q
        .iter()
        .all(|m| m.sent_at.is_none() && m.next_attempt_at.is_some()));

    // Up: every message goes out, each once. The clock moves once, before the peer comes
    // up: moving it past the lease while the app's own worker is mid-send would let a test
    // round take over a live lease, which real time never does.
    c.app.clock.advance(SignedDuration::from_hours(2));
    peer.set_mode(Mode::Up);
    // A message the app's worker holds is its to send: wait for it rather than take it.
    for _ in 0..50 {
        c.state.deliver_mail(None).await.unwrap();
        if c.state
            .store
            .outbox()
            .await
            .unwrap()
            .iter()
            .all(|m| m.sent_at.is_some())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let q = c.state.store.outbox().await.unwrap();
    assert!(q.iter().all(|m| m.sent_at.is_some()), "all sent");
    for _ in 0..3 {
        c.app.clock.advance(SignedDuration::from_hours(2));
        assert_eq!(c.state.deliver_mail(None).await.unwrap().sent, 0);
    }
    let messages: Vec<String> = peer.messages().iter().map(|m| m.to_lowercase()).collect();
    assert_eq!(messages.len(), ids.len(), "one DATA per queued message");
    for id in &ids {
        let header = format!("message-id: <{id}@omnitrack>");
        let n = messages.iter().filter(|m| m.contains(&header)).count();
        assert_eq!(n, 1, "message {id} delivered {n} times");
    }
    assert!(
        messages.iter().any(|m| m.contains(".starts with a dot")),
        "dot-stuffed lines arrive intact"
    );
}
