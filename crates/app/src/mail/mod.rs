//! Outgoing mail. Every message goes through the `outbox` table first (see
//! [`crate::mail::outbox`]); a [`Mailer`] is how the delivery worker hands one over: SMTP when
//! `SMTP_URL` is set (in the `omnitrack` crate), else [`FileMailer`], which writes each
//! message as an `.eml` file under the data dir's `outbox/` that any mail client can open.

pub mod outbox;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

/// A message in plain text, with an optional simple HTML alternative.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Set when the message carries a one-time link: when the link stops working (see
    /// [`store::NewMail::secret_until`]).
    pub secret_until: Option<jiff::Timestamp>,
}

impl Mail {
    /// A message whose HTML part is the text, escaped, in paragraphs, with links.
    pub fn new(to: impl Into<String>, subject: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let html = Some(html_from_text(&text));
        Self {
            to: to.into(),
            subject: subject.into(),
            text,
            html,
            secret_until: None,
        }
    }

    /// Marks the message as carrying a one-time link that works until `until`.
    pub fn with_secret_until(mut self, until: jiff::Timestamp) -> Self {
        self.secret_until = Some(until);
        self
    }

    /// The outbox row for this message.
    pub fn queued(&self) -> store::NewMail<'_> {
        store::NewMail {
            to: &self.to,
            subject: &self.subject,
            text: &self.text,
            html: self.html.as_deref(),
            secret_until: self.secret_until,
        }
    }
}

/// Why a delivery failed: worth retrying later, or never.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SendError {
    #[error("temporary: {0}")]
    Transient(String),
    #[error("permanent: {0}")]
    Permanent(String),
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// A way to hand a message over. `message_id` is stable per outbox row, so a message that
/// had to be retried keeps its `Message-ID`.
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, mail: &'a Mail, message_id: &'a str) -> SendFuture<'a>;

    /// True when delivery is local and instant (files): messages are then delivered as soon
    /// as they are queued instead of waiting for the worker's next round.
    fn immediate(&self) -> bool {
        false
    }

    /// Deletes the copy of a message this transport keeps, if it keeps one (mail files do:
    /// they are the delivery). Called when the message's outbox row goes.
    fn forget(&self, _message_id: &str) {}

    /// The message ids this transport keeps copies of.
    fn kept(&self) -> Vec<String> {
        Vec::new()
    }
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

    fn write(&self, mail: &Mail, id: &str) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let now = jiff::Timestamp::now();
        let date = jiff::fmt::rfc2822::to_string(&now.to_zoned(jiff::tz::TimeZone::UTC))
            .unwrap_or_default();
        let head = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{id}@omnitrack>\r\nMIME-Version: 1.0\r\n",
            header_safe(&self.from),
            header_safe(&mail.to),
            header_safe(&mail.subject),
        );
        let text = mail.text.replace('\n', "\r\n");
        let body = match &mail.html {
            None => format!(
                "{head}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n"
            ),
            Some(html) => {
                let b = format!("omnitrack-{id}");
                format!(
                    "{head}Content-Type: multipart/alternative; boundary=\"{b}\"\r\n\r\n\
                     --{b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n\
                     --{b}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n\
                     --{b}--\r\n",
                    html.replace('\n', "\r\n")
                )
            }
        };
        // Write then rename, so a reader never sees half a message. The name is the message
        // id, so a retried delivery replaces its own file instead of adding a second one.
        let tmp = self.dir.join(format!(".{id}.tmp"));
        std::fs::write(&tmp, body)?;
        std::fs::rename(tmp, self.dir.join(format!("{id}.eml")))
    }
}

/// Header values must not smuggle extra headers.
pub fn header_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, mail: &'a Mail, message_id: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            self.write(mail, message_id)
                .map_err(|e| SendError::Transient(format!("cannot write mail file: {e}")))
        })
    }

    fn immediate(&self) -> bool {
        true
    }

    fn forget(&self, message_id: &str) {
        // Ids are UUIDs from the outbox; anything else names no file of ours.
        if uuid::Uuid::parse_str(message_id).is_err() {
            return;
        }
        match std::fs::remove_file(self.dir.join(format!("{message_id}.eml"))) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot delete a mail file; the next round retries")
            }
        }
    }

    fn kept(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                name.strip_suffix(".eml").map(str::to_string)
            })
            .collect()
    }
}

/// Escapes text for HTML.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Simple HTML for a plain-text message: paragraphs, line breaks, and links. Only a line
/// that is nothing but one `http(s)://` address becomes a link — that is how our own
/// messages put their links. A URL inside a sentence stays text: sentences quote what
/// customers typed (a company name), and a mail from us must not turn their words into
/// links. Everything is escaped.
pub fn html_from_text(text: &str) -> String {
    let mut html = String::from(
        "<!doctype html><html><body style=\"font-family: system-ui, sans-serif; line-height: 1.5\">",
    );
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        let lines: Vec<String> = para
            .lines()
            .map(|line| {
                let t = line.trim();
                let url = (t.starts_with("https://") || t.starts_with("http://"))
                    && !t.contains(char::is_whitespace);
                if url {
                    let e = escape_html(t);
                    format!("<a href=\"{e}\">{e}</a>")
                } else {
                    escape_html(line)
                }
            })
            .collect();
        html.push_str(&lines.join("<br>\n"));
        html.push_str("</p>\n");
    }
    html.push_str("</body></html>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_links_work() {
        let h = html_from_text("Hi <b>&\n\nGo here:\nhttps://x.test/a?b=1&c=2\n");
        assert!(h.contains("Hi &lt;b&gt;&amp;"), "{h}");
        assert!(
            h.contains("<a href=\"https://x.test/a?b=1&amp;c=2\">"),
            "{h}"
        );
        assert_eq!(h.matches("<p>").count(), 2);
    }

    /// A company named "Win a prize at https://evil.test" must not become a link in a
    /// mail from us.
    #[test]
    fn addresses_inside_sentences_are_not_linked() {
        let h = html_from_text(
            "Join “Win a prize at https://evil.test now” on OmniTrack.\n\nhttps://ours.test/invite/x",
        );
        assert!(!h.contains("href=\"https://evil.test"), "{h}");
        assert!(h.contains("<a href=\"https://ours.test/invite/x\">"), "{h}");
    }

    #[tokio::test]
    async fn file_mailer_writes_one_file_per_message_id() {
        let dir = std::env::temp_dir().join(format!("ot-mail-{}", uuid::Uuid::new_v4()));
        let m = FileMailer::new(dir.clone(), "OmniTrack <a@b.test>");
        let mail = Mail::new(
            "x@y.test",
            "Hi\r\nBcc: evil@x.test",
            "Line one\nhttps://l.test/x",
        );
        m.send(&mail, "id1").await.unwrap();
        m.send(&mail, "id1").await.unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(files.len(), 1);
        let body = std::fs::read_to_string(dir.join("id1.eml")).unwrap();
        assert!(body.contains("Subject: Hi  Bcc: evil@x.test\r\n"), "{body}");
        assert!(body.contains("multipart/alternative"));
        assert!(body.find("text/plain").unwrap() < body.find("text/html").unwrap());
        let _ = std::fs::remove_dir_all(dir);
    }
}
