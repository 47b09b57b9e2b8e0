//! The mail outbox: every message is stored first and delivered by a worker, so a mail
//! server outage delays mail but loses none.
//!
//! A worker *claims* due rows (a lease; on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
//! several instances never take the same row; on SQLite one guarded `UPDATE`, writes being
//! serialised), sends, then marks each row sent or failed with the next attempt time. A
//! worker that dies mid-send leaves a lease that expires, and the row is tried again.

use crate::backend::on_pool;
use crate::time::{from_ms, to_ms};
use crate::{Result, Store, Tenant};
use jiff::{SignedDuration, Timestamp};
use sqlx::Row;
use uuid::Uuid;

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    /// The message carries a one-time link that works until then (a reset or invitation):
    /// its body is blanked once delivered, and the row is deleted once the link expired.
    pub secret_until: Option<Timestamp>,
}

/// A queued (or sent) message.
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub id: Uuid,
    pub company_id: Option<Uuid>,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Delivery attempts started so far (this one included, for a claimed row).
    pub attempts: u32,
    /// `None` once sent or given up.
    pub next_attempt_at: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub secret_until: Option<Timestamp>,
}

const COLUMNS: &str = "id, company_id, recipient, subject, text_body, html_body, attempts, next_attempt_at, sent_at, last_error, created_at, secret_until";

macro_rules! mail_from_row {
    ($r:expr) => {{
        let r = $r;
        OutboxMail {
            id: r.try_get("id")?,
            company_id: r.try_get("company_id")?,
            to: r.try_get("recipient")?,
            subject: r.try_get("subject")?,
            text: r.try_get("text_body")?,
            html: r.try_get("html_body")?,
            attempts: u32::try_from(r.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
            next_attempt_at: r.try_get::<Option<i64>, _>("next_attempt_at")?.map(from_ms),
            sent_at: r.try_get::<Option<i64>, _>("sent_at")?.map(from_ms),
            last_error: r.try_get("last_error")?,
            created_at: from_ms(r.try_get("created_at")?),
            secret_until: r.try_get::<Option<i64>, _>("secret_until")?.map(from_ms),
        }
    }};
}

/// Inserts one message on any executor (a pool or a caller's transaction, so a webhook's
/// mail is queued exactly when the webhook is recorded). Evaluates to `Result<Uuid>`.
macro_rules! insert_mail {
    ($ex:expr, $company:expr, $m:expr, $now:expr) => {{
        let id = uuid::Uuid::now_v7();
        let m: &$crate::outbox::NewMail<'_> = $m;
        sqlx::query(
            "INSERT INTO outbox (id, company_id, recipient, subject, text_body, html_body, attempts, next_attempt_at, created_at, secret_until)
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, $8)",
        )
        .bind(id)
        .bind($company)
        .bind(m.to)
        .bind(m.subject)
        .bind(m.text)
        .bind(m.html)
        .bind($crate::time::to_ms($now))
        .bind(m.secret_until.map($crate::time::to_ms))
        .execute($ex)
        .await
        .map(|_| id)
        .map_err($crate::StoreError::from)
    }};
}
pub(crate) use insert_mail;

impl Store {
    /// Queues a message, due now. `tenant` ties it to a company (purged with it).
    pub async fn enqueue_mail(
        &self,
        tenant: Option<&Tenant>,
        m: &NewMail<'_>,
        now: Timestamp,
    ) -> Result<Uuid> {
        let company = tenant.map(|t| t.company_id().0);
        on_pool!(self, p => insert_mail!(p, company, m, now))
    }

    /// Claims up to `limit` due messages for `lease` (or just message `only`, if it is due),
    /// counting an attempt on each. Claimed rows are invisible to other workers until the
    /// lease ends.
    pub async fn claim_mail(
        &self,
        now: Timestamp,
        lease: SignedDuration,
        limit: u32,
        only: Option<Uuid>,
    ) -> Result<Vec<OutboxMail>> {
        let now_ms = to_ms(now);
        let until = to_ms(now.checked_add(lease).unwrap_or(now));
        let filter = "sent_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= $1
                      AND (locked_until IS NULL OR locked_until <= $1) AND ($3 IS NULL OR id = $3)";
        on_pool!(self, p => {
            let lock = match self.kind() {
                crate::StoreKind::Postgres => " FOR UPDATE SKIP LOCKED",
                crate::StoreKind::Sqlite => "",
            };
            let sql = format!(
                "UPDATE outbox SET locked_until = $2, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM outbox WHERE {filter} ORDER BY next_attempt_at, id LIMIT $4{lock})
                 RETURNING {COLUMNS}"
            );
            let rows = sqlx::query(&sql)
                .bind(now_ms).bind(until).bind(only).bind(i64::from(limit))
                .fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(mail_from_row!(r));
            }
            out.sort_by_key(|m| (m.next_attempt_at.map(to_ms), m.id));
            Ok(out)
        })
    }

    /// Marks a claimed message delivered: it is never sent again. A message with a one-time
    /// link keeps only its envelope (recipient, subject, dates): the link was for the
    /// recipient, and the database has no business holding a working copy of it. A purged
    /// company's confirmation keeps not even the recipient: the address was kept for that
    /// one mail only.
    pub async fn mail_sent(&self, id: Uuid, now: Timestamp) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("UPDATE outbox SET sent_at = $1, next_attempt_at = NULL, locked_until = NULL, last_error = NULL,
                           recipient = CASE WHEN forget_when_sent THEN '' ELSE recipient END,
                           text_body = CASE WHEN secret_until IS NULL AND NOT forget_when_sent THEN text_body ELSE '' END,
                           html_body = CASE WHEN secret_until IS NULL AND NOT forget_when_sent THEN html_body ELSE NULL END
                         WHERE id = $2")
                .bind(to_ms(now)).bind(id).execute(p).await?;
        });
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or never (`None`: a permanent
    /// failure such as a refused address). The error text must not hold secrets.
    pub async fn mail_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        on_pool!(self, p => {
            sqlx::query("UPDATE outbox SET last_error = $1, next_attempt_at = $2, locked_until = NULL WHERE id = $3 AND sent_at IS NULL")
                .bind(&error).bind(retry_at.map(to_ms)).bind(id).execute(p).await?;
        });
        Ok(())
    }

    /// Deletes delivered messages sent before `before` (they hold addresses and text that
    /// have no business staying around once delivered), and every message whose one-time
    /// link has expired by `now`, delivered or not (a dead link is worth nothing to its
    /// recipient). Returns the ids, so copies kept elsewhere (mail files) can go too.
    pub async fn prune_sent_mail(&self, before: Timestamp, now: Timestamp) -> Result<Vec<Uuid>> {
        on_pool!(self, p => {
            Ok(sqlx::query_scalar("DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $1)
                                     OR (secret_until IS NOT NULL AND secret_until < $2 AND (locked_until IS NULL OR locked_until <= $2))
                                   RETURNING id")
                .bind(to_ms(before)).bind(to_ms(now)).fetch_all(p).await?)
        })
    }

    /// Which of `ids` still keep their copy (a mail file whose row is gone — pruned, or
    /// purged with its company — is deleted by the caller, and so is a sent deletion
    /// confirmation's: its row forgot the address, and its copy must too).
    pub async fn mail_known(&self, ids: &[Uuid]) -> Result<Vec<Uuid>> {
        let mut known = Vec::new();
        for chunk in ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id FROM outbox WHERE id IN ({}) AND NOT (forget_when_sent AND sent_at IS NOT NULL)",
                placeholders.join(", ")
            );
            let found: Vec<Uuid> = on_pool!(self, p => {
                let mut q = sqlx::query_scalar(&sql);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            known.extend(found);
        }
        Ok(known)
    }

    /// The whole outbox, oldest first (operators and tests).
    pub async fn outbox(&self) -> Result<Vec<OutboxMail>> {
        on_pool!(self, p => {
            let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox ORDER BY created_at, id"))
                .fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(mail_from_row!(r));
            }
            Ok(out)
        })
    }
}
