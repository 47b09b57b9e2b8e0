//! Queuing and delivering mail. [`App::send_mail`] stores the message in the outbox
//! (and, with a local transport, delivers it at once); [`App::deliver_mail`] is one
//! round of the delivery worker: claim due messages, hand each to the [`crate::Mailer`],
//! mark it sent, or schedule a retry with exponential backoff (30 s doubling, at most an
//! hour). A permanent refusal (e.g. an unknown address) stops the retries.

use crate::mail::{Mail, SendError};
use crate::App;
use jiff::{SignedDuration, Timestamp};
use store::{StoreError, Tenant};
use uuid::Uuid;

/// How long a claimed message is reserved for the worker that claimed it.
const LEASE: SignedDuration = SignedDuration::from_secs(300);
const BATCH: u32 = 50;
/// Delivered messages are deleted from the outbox after this long.
pub const KEEP_SENT: SignedDuration = SignedDuration::from_hours(24 * 7);

/// When to try again after `attempts` failed attempts.
pub fn retry_delay(attempts: u32) -> SignedDuration {
    let exp = attempts.saturating_sub(1).min(7);
    SignedDuration::from_secs((30i64 << exp).min(3600))
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub given_up: usize,
}

impl App {
    /// Queues a message (tied to `tenant`, so it is purged with the company). Mail failures
    /// are logged, never shown as a failed request: the action itself worked.
    pub async fn send_mail(&self, tenant: Option<&Tenant>, mail: Mail) {
        match self
            .store
            .enqueue_mail(tenant, &mail.queued(), self.clock.now())
            .await
        {
            Ok(id) if self.mailer.immediate() => {
                if let Err(e) = self.deliver_mail(Some(id)).await {
                    tracing::error!(error = %e, "mail delivery failed; it stays queued");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "mail could not be queued"),
        }
    }

    /// One delivery round over every due message (or just `only`).
    pub async fn deliver_mail(&self, only: Option<Uuid>) -> Result<DeliveryReport, StoreError> {
        let mut report = DeliveryReport::default();
        loop {
            let now = self.clock.now();
            let batch = self.store.claim_mail(now, LEASE, BATCH, only).await?;
            let n = batch.len();
            for row in batch {
                let mail = Mail {
                    to: row.to,
                    subject: row.subject,
                    text: row.text,
                    html: row.html,
                    secret_until: row.secret_until,
                };
                match self.mailer.send(&mail, &row.id.to_string()).await {
                    Ok(()) => {
                        self.store.mail_sent(row.id, self.clock.now()).await?;
                        report.sent += 1;
                    }
                    Err(SendError::Transient(e)) => {
                        let at = retry_at(self.clock.now(), row.attempts);
                        tracing::warn!(mail = %row.id, attempts = row.attempts, error = %e, "mail delivery failed; will retry");
                        self.store.mail_failed(row.id, &e, Some(at)).await?;
                        report.retrying += 1;
                    }
                    Err(SendError::Permanent(e)) => {
                        tracing::error!(mail = %row.id, error = %e, "mail refused; giving up");
                        self.store.mail_failed(row.id, &e, None).await?;
                        report.given_up += 1;
                    }
                }
            }
            if only.is_some() || n < BATCH as usize {
                break;
            }
        }
        Ok(report)
    }

    /// Deletes delivered mail older than [`KEEP_SENT`] and mail whose one-time link has
    /// expired, with the transport's copies (mail files); then any copy whose outbox row is
    /// gone for another reason (a company purge). A mail file lives exactly as long as its
    /// row. Returns how many rows went.
    pub async fn prune_mail(&self) -> Result<u64, StoreError> {
        let now = self.clock.now();
        let gone = self.store.prune_sent_mail(now - KEEP_SENT, now).await?;
        for id in &gone {
            self.mailer.forget(&id.to_string());
        }
        self.sweep_mail_copies().await?;
        Ok(gone.len() as u64)
    }

    /// Deletes the transport's copies of messages that are no longer in the outbox. Rows
    /// are written before their copies, so a copy without a row is always an orphan.
    pub async fn sweep_mail_copies(&self) -> Result<(), StoreError> {
        let kept: Vec<Uuid> = self
            .mailer
            .kept()
            .iter()
            .filter_map(|s| Uuid::parse_str(s).ok())
            .collect();
        if kept.is_empty() {
            return Ok(());
        }
        let known: std::collections::HashSet<Uuid> =
            self.store.mail_known(&kept).await?.into_iter().collect();
        for id in kept.iter().filter(|id| !known.contains(id)) {
            self.mailer.forget(&id.to_string());
        }
        Ok(())
    }
}

fn retry_at(now: Timestamp, attempts: u32) -> Timestamp {
    now.checked_add(retry_delay(attempts)).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(retry_delay(1), SignedDuration::from_secs(30));
        assert_eq!(retry_delay(2), SignedDuration::from_secs(60));
        assert_eq!(retry_delay(5), SignedDuration::from_secs(480));
        assert_eq!(retry_delay(8), SignedDuration::from_secs(3600));
        assert_eq!(retry_delay(1000), SignedDuration::from_secs(3600));
        assert_eq!(retry_delay(0), SignedDuration::from_secs(30));
    }
}
