//! Mail over SMTP with lettre (tokio, rustls with ring). Used when `SMTP_URL` is set;
//! the outbox worker retries transient failures, so a down server delays mail, loses none.

use app::{Mail, Mailer, SendError, SendFuture};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url`: `smtp://[user:pass@]host[:port][?tls=required]` or `smtps://…`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            // Never echo the URL: it may hold the password.
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not a valid smtp:// or smtps:// URL ({e})"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("OMNITRACK_MAIL_FROM {from:?} is not an address: {e}"))?;
        Ok(Self { transport, from })
    }

    fn message(&self, mail: &Mail, message_id: &str) -> Result<Message, SendError> {
        let to = mail
            .to
            .parse::<Mailbox>()
            .map_err(|e| SendError::Permanent(format!("bad recipient address: {e}")))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(app::mail::header_safe(&mail.subject))
            .message_id(Some(format!("<{message_id}@omnitrack>")));
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone());
        let built = match &mail.html {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            ),
            None => builder.singlepart(text),
        };
        built.map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, mail: &'a Mail, message_id: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            let msg = self.message(mail, message_id)?;
            match self.transport.send(msg).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                Err(e) => Err(SendError::Transient(e.to_string())),
            }
        })
    }
}
