//! The account lifecycle: cancel (data kept [`RETENTION`] for reactivation, then purged),
//! reactivate, delete now (password re-entered), the purge reminder, the retention run the
//! background worker calls, and privacy-policy change notices.

use crate::credentials::password;
use crate::mail::Mail;
use crate::{App, Error};
use jiff::{SignedDuration, Timestamp};
use std::path::PathBuf;
use store::{Company, NewMail, Principal, PurgeWhen, StoreError, Tenant};

/// How long a canceled company's data is kept for reactivation.
pub const RETENTION: SignedDuration = SignedDuration::from_hours(24 * 30);
/// The purge reminder goes out this long before the purge.
pub const REMINDER_BEFORE: SignedDuration = SignedDuration::from_hours(24 * 7);
/// A policy change is announced at least this many days ahead.
pub const POLICY_NOTICE_DAYS: i32 = 14;

/// How long a deletion confirmation (the only copy of the owner's address) may wait for
/// delivery before it is dropped unsent.
pub const FAREWELL_KEPT: SignedDuration = SignedDuration::from_hours(24 * 7);

const DELETE_ATTEMPTS_WINDOW: SignedDuration = SignedDuration::from_secs(900);
const DELETE_ATTEMPTS: u32 = 10;

/// What one retention run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RetentionReport {
    pub reminded: usize,
    pub purged: usize,
    pub failed: usize,
}

fn day(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

impl App {
    /// Where a company's files live (none yet; removed by the purge when there are).
    pub fn company_dir(&self, t: &Tenant) -> PathBuf {
        self.data_dir
            .join("companies")
            .join(t.company_id().to_string())
    }

    async fn owner_mails(
        &self,
        t: &Tenant,
        subject: &str,
        text: &str,
    ) -> Result<Vec<Mail>, StoreError> {
        Ok(self
            .store
            .owner_emails(t)
            .await?
            .into_iter()
            .map(|to| Mail::new(to, subject, text))
            .collect())
    }

    /// The confirmation of a company's deletion, to its owners. The purge queues it outside
    /// the company; once sent, its row keeps neither address nor text, and it is dropped
    /// after [`FAREWELL_KEPT`] even if it could not be delivered.
    async fn farewell_mails(&self, t: &Tenant, text: &str) -> Result<Vec<Mail>, StoreError> {
        let until = self.clock.now() + FAREWELL_KEPT;
        Ok(self
            .owner_mails(t, "Your OmniTrack account has been deleted", text)
            .await?
            .into_iter()
            .map(|mut m| {
                m.secret_until = Some(until);
                m
            })
            .collect())
    }

    /// Cancels the account (and the Stripe subscription, with billing on). Data stays for
    /// [`RETENTION`]; the owners get the purge date by mail. Cancelling twice is harmless.
    pub async fn cancel_account(&self, owner: &Principal, ip: &str) -> Result<Company, Error> {
        let t = &owner.tenant;
        let company = self.store.company(t).await?;
        if company.status == "canceled" {
            return Ok(company);
        }
        // Stripe first: if it fails nothing changes here, and the owner can try again.
        self.cancel_stripe_subscription(t).await?;
        let now = self.clock.now();
        let company = self.store.cancel_company(t, now, now + RETENTION).await?;
        self.audit(t, owner.user_id(), "account_canceled", "", ip)
            .await;
        let purge = company.purge_at.map(day).unwrap_or_default();
        let text = format!(
            "Your OmniTrack account for {} is canceled.\n\n\
             All its data stays available to view and export until {purge}. An owner can reactivate the account before then in Settings → Account, and everything will be as it was:\n{}\n\n\
             On {purge} the data (employees, time records, reports, scores and accounts) is permanently deleted. We will remind you 7 days before.",
            company.name,
            self.link("/settings/account")
        );
        for m in self
            .owner_mails(t, "Your OmniTrack account is canceled", &text)
            .await?
        {
            self.send_mail(Some(t), m).await;
        }
        Ok(company)
    }

    /// Undoes a cancellation before the purge. With billing on, the company then needs a
    /// new subscription (Billing) before it can change data again.
    pub async fn reactivate_account(&self, owner: &Principal, ip: &str) -> Result<Company, Error> {
        let t = &owner.tenant;
        let company = self
            .store
            .reactivate_company(t)
            .await
            .map_err(|e| match e {
                StoreError::Rule(_) => Error::NotCanceled,
                other => other.into(),
            })?;
        self.audit(t, owner.user_id(), "account_reactivated", "", ip)
            .await;
        Ok(company)
    }

    /// Deletes the company and all its data now, after checking the owner's password.
    pub async fn delete_account_now(
        &self,
        owner: &Principal,
        pw: &str,
        ip: &str,
    ) -> Result<(), Error> {
        let t = &owner.tenant;
        let user = owner.user_id().ok_or(Error::WrongPassword)?;
        let hit = self
            .store
            .rate_hit(
                &format!("delete:user:{user}"),
                DELETE_ATTEMPTS_WINDOW,
                self.clock.now(),
            )
            .await?;
        if hit.count > DELETE_ATTEMPTS {
            let secs = hit
                .resets_at
                .duration_since(self.clock.now())
                .as_secs()
                .max(1) as u64;
            return Err(Error::RateLimited { retry_after: secs });
        }
        let stored = self.store.password_hash(t, user).await?;
        if !password::verify(pw.to_string(), stored).await {
            self.audit(
                t,
                Some(user),
                "account_delete_refused",
                "wrong password",
                ip,
            )
            .await;
            return Err(Error::WrongPassword);
        }
        self.cancel_stripe_subscription(t).await?;
        let company = self.store.company(t).await?;
        let text = format!(
            "The OmniTrack account for {} and all its data (employees, time records, reports, \
             scores and accounts) were deleted on {}, as requested.\n\n\
             This is the last mail we send to this address; we have not kept it.",
            company.name,
            day(self.clock.now())
        );
        let farewell = self.farewell_mails(t, &text).await?;
        let rows: Vec<NewMail<'_>> = farewell.iter().map(Mail::queued).collect();
        self.store
            .purge_company(t, PurgeWhen::OwnerRequest, self.clock.now(), &rows)
            .await?;
        if self.mailer.immediate() {
            if let Err(e) = self.deliver_mail(None).await {
                tracing::warn!(error = %e, "the deletion confirmation waits for the next mail round");
            }
        }
        self.store
            .rate_reset(&format!("delete:user:{user}"))
            .await?;
        self.remove_company_files(t).await;
        if let Err(e) = self.sweep_mail_copies().await {
            tracing::warn!(error = %e, "mail files of a deleted company stay until the next mail round");
        }
        tracing::info!(company = %t.company_id(), "company deleted at the owner's request");
        Ok(())
    }

    async fn remove_company_files(&self, t: &Tenant) {
        let dir = self.company_dir(t);
        match tokio::fs::remove_dir_all(&dir).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                tracing::error!(error = %e, dir = %dir.display(), "cannot remove a purged company's files; the next run retries")
            }
        }
    }

    /// One retention round: purge reminders, purges whose date has passed, and leftover
    /// files of purged companies. Each company is purged in its own transaction, so an
    /// interrupted run loses nothing and the next run finishes the job.
    pub async fn run_retention(&self) -> Result<RetentionReport, StoreError> {
        let mut report = RetentionReport::default();
        let now = self.clock.now();
        for (t, purge_at) in self
            .store
            .companies_due_for_reminder(now, now + REMINDER_BEFORE)
            .await?
        {
            let company = self.store.company(&t).await?;
            let text = format!(
                "Reminder: the canceled OmniTrack account for {} will be permanently deleted on {}.\n\n\
                 To keep it, an owner can reactivate it before then in Settings → Account:\n{}\n\n\
                 If you want a copy of your data, export it before that date.",
                company.name,
                day(purge_at),
                self.link("/settings/account")
            );
            let mails = self
                .owner_mails(&t, "Your OmniTrack data will be deleted in 7 days", &text)
                .await?;
            let rows: Vec<NewMail<'_>> = mails.iter().map(Mail::queued).collect();
            if self.store.send_purge_reminder(&t, &rows, now).await? {
                report.reminded += 1;
            }
        }
        for t in self.store.companies_due_for_purge(now).await? {
            let company = self.store.company(&t).await?;
            let text = format!(
                "The canceled OmniTrack account for {} was permanently deleted on {}, 30 days \
                 after its cancellation, with all its data (employees, time records, reports, \
                 scores and accounts).\n\n\
                 This is the last mail we send to this address; we have not kept it.",
                company.name,
                day(now)
            );
            let farewell = self.farewell_mails(&t, &text).await?;
            let rows: Vec<NewMail<'_>> = farewell.iter().map(Mail::queued).collect();
            match self
                .store
                .purge_company(&t, PurgeWhen::DueBy(now), now, &rows)
                .await
            {
                Ok(true) => {
                    self.remove_company_files(&t).await;
                    tracing::info!(company = %t.company_id(), "company purged after its retention period");
                    report.purged += 1;
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(company = %t.company_id(), error = %e, "purge failed; the next run retries");
                    report.failed += 1;
                }
            }
        }
        self.sweep_purged_files().await;
        if report.purged > 0 {
            // The purged companies' mail files (their outbox rows are gone).
            self.sweep_mail_copies().await?;
        }
        if (report.reminded > 0 || report.purged > 0) && self.mailer.immediate() {
            self.deliver_mail(None).await?;
        }
        Ok(report)
    }

    /// Removes `companies/{id}` folders whose company has a tombstone (a purge that was
    /// interrupted between the database and the files).
    async fn sweep_purged_files(&self) {
        let Ok(mut dir) = tokio::fs::read_dir(self.data_dir.join("companies")).await else {
            return;
        };
        while let Ok(Some(entry)) = dir.next_entry().await {
            let Some(id) = entry
                .file_name()
                .to_str()
                .and_then(|n| uuid::Uuid::parse_str(n).ok())
            else {
                continue;
            };
            if let Ok(Some(_)) = self.store.tombstone(domain::CompanyId(id)).await {
                if let Err(e) = tokio::fs::remove_dir_all(entry.path()).await {
                    tracing::error!(error = %e, "cannot remove a purged company's files");
                }
            }
        }
    }

    /// Announces a privacy-policy change to every owner and shows it as a dashboard banner
    /// until it takes effect. Refuses dates less than [`POLICY_NOTICE_DAYS`] ahead, as the
    /// policy promises. Returns how many owners were notified.
    pub async fn announce_policy_change(
        &self,
        effective: jiff::civil::Date,
        summary: &str,
    ) -> Result<usize, Error> {
        let summary = summary.trim();
        if summary.is_empty()
            || summary.chars().count() > 500
            || summary.chars().any(char::is_control)
        {
            return Err(Error::Rejected(
                "the summary must be 1 to 500 characters on one line".into(),
            ));
        }
        let today = self.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
        let earliest = today
            .checked_add(jiff::Span::new().days(POLICY_NOTICE_DAYS))
            .map_err(|e| Error::Rejected(e.to_string()))?;
        if effective < earliest {
            return Err(Error::PolicyTooSoon {
                days: POLICY_NOTICE_DAYS,
                earliest,
            });
        }
        let date = effective.to_string();
        let link = self.link("/privacy");
        let n = self
            .store
            .announce_policy_change(&date, summary, self.clock.now(), |o| {
                let text = format!(
                    "We are updating the OmniTrack privacy policy. The new version takes effect on {date}.\n\n\
                     What changes: {summary}\n\n\
                     Read the policy here:\n{link}\n\n\
                     Continued use of OmniTrack after {date} means accepting the updated policy. If you do not agree, you can cancel or delete your account in Settings → Account before then."
                );
                let m = Mail::new(o.email.clone(), "Changes to the OmniTrack privacy policy", text);
                (m.to, m.subject, m.text, m.html)
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => Error::Rejected("this change was already announced".into()),
                other => Error::Store(other),
            })?;
        if self.mailer.immediate() {
            self.deliver_mail(None).await?;
        }
        Ok(n)
    }

    /// The banner text for signed-in pages, if a policy change is pending.
    pub async fn policy_banner(&self) -> Option<String> {
        let today = self
            .clock
            .now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .to_string();
        match self.store.current_announcement(&today).await {
            Ok(a) => a.map(|a| {
                format!(
                    "Our privacy policy changes on {}: {}",
                    a.effective_date, a.summary
                )
            }),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read announcements");
                None
            }
        }
    }
}
