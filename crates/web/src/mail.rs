//! Outgoing mail. Until SMTP is configured, each message is written as an `.eml` file under
//! the data dir's `outbox/`, which any mail client can open.

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

pub trait Mailer: Send + Sync {
    fn send(&self, mail: Mail) -> std::io::Result<()>;
}

pub struct FileMailer {
    dir: PathBuf,
    from: String,
}

impl FileMailer {
    pub fn new(dir: PathBuf, from: impl Into<String>) -> Self {
        Self {
            dir,
            from: from.into(),
        }
    }
}

/// Header values must not smuggle extra headers.
fn header_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Mailer for FileMailer {
    fn send(&self, mail: Mail) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let now = jiff::Timestamp::now();
        let id = uuid::Uuid::now_v7();
        let body = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{id}@omnitrack>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            header_safe(&self.from),
            header_safe(&mail.to),
            header_safe(&mail.subject),
            jiff::fmt::rfc2822::to_string(&now.to_zoned(jiff::tz::TimeZone::UTC)).unwrap_or_default(),
            mail.text.replace('\n', "\r\n"),
        );
        // Write then rename, so a reader never sees half a message.
        let tmp = self.dir.join(format!(".{id}.tmp"));
        std::fs::write(&tmp, body)?;
        std::fs::rename(tmp, self.dir.join(format!("{}-{id}.eml", now.as_second())))
    }
}
