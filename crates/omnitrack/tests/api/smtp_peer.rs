//! A real SMTP peer for tests: a tokio TCP server speaking enough RFC 5321 for lettre
//! (greeting, EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT). It starts
//! out with its port closed (connections refused), can answer `421` at the greeting (busy),
//! and records every message it accepted.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `421` at the greeting, then hang up: a transient refusal.
    Busy,
    /// Accepts every message.
    Up,
}

#[derive(Default)]
struct Shared {
    mode: Option<Mode>,
    connections: usize,
    messages: Vec<String>,
}

pub struct SmtpPeer {
    port: u16,
    shared: Arc<Mutex<Shared>>,
    task: Option<JoinHandle<()>>,
}

impl SmtpPeer {
    /// A peer whose port nothing listens on yet: connections are refused until
    /// [`start`](Self::start).
    pub fn closed() -> Self {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        Self {
            port,
            shared: Arc::default(),
            task: None,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts listening on the peer's port (tokio sets SO_REUSEADDR, so the port that was
    /// just closed can be bound again).
    pub async fn start(&mut self, mode: Mode) {
        self.set_mode(mode);
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        let shared = self.shared.clone();
        self.task = Some(tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ = session(stream, &shared).await;
                });
            }
        }));
    }

    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().unwrap().mode = Some(mode);
    }

    pub fn connections(&self) -> usize {
        self.shared.lock().unwrap().connections
    }

    /// The messages accepted so far (header and body as sent after DATA).
    pub fn messages(&self) -> Vec<String> {
        self.shared.lock().unwrap().messages.clone()
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

async fn session(stream: TcpStream, shared: &Mutex<Shared>) -> std::io::Result<()> {
    let mode = {
        let mut s = shared.lock().unwrap();
        s.connections += 1;
        s.mode
    };
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    if mode != Some(Mode::Up) {
        write
            .write_all(b"421 4.3.2 peer busy, try again later\r\n")
            .await?;
        return Ok(());
    }
    write.write_all(b"220 peer.test ESMTP ready\r\n").await?;
    while let Some(line) = lines.next_line().await? {
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-peer.test\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 2.0.0 ok\r\n",
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut message = String::new();
                while let Some(l) = lines.next_line().await? {
                    if l == "." {
                        break;
                    }
                    // Dot-stuffing: a leading dot was doubled by the client.
                    message.push_str(l.strip_prefix('.').unwrap_or(&l));
                    message.push('\n');
                }
                shared.lock().unwrap().messages.push(message);
                b"250 2.0.0 queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
    Ok(())
}
