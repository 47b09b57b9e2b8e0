//! Reading the audit log: filtered pages for the owners' audit page, and the filtered log as
//! CSV, streamed page by page (memory stays flat however long the log is) and itself
//! audited.

use crate::exports::body::{Chunk, CHUNK, QUEUED};
use crate::exports::csv::write_row;
use crate::exports::{Content, Download};
use crate::reports::Calendar;
use crate::{App, Result};
use domain::{AuditId, UserId, ValidationError};
use jiff::civil::Date;
use std::collections::HashMap;
use store::{AuditCursor, AuditEntry, AuditFilter, Tenant};
use tokio::sync::mpsc;

/// Entries per database round trip of the CSV.
const CSV_PAGE: u32 = 1000;

pub const AUDIT_HEADER: [&str; 6] = ["time_utc", "time_local", "actor", "action", "detail", "ip"];

/// The audit page's filters as typed (query string); empty is any.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    /// `YYYY-MM-DD`, a day in the company's zone: from its start.
    #[serde(default)]
    pub from: String,
    /// `YYYY-MM-DD`: through the end of that day.
    #[serde(default)]
    pub to: String,
}

fn day(field: &'static str, s: &str) -> Result<Option<Date>, ValidationError> {
    match s.trim() {
        "" => Ok(None),
        d => d
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new(field, "must be a date like 2026-05-01")),
    }
}

impl AuditQuery {
    /// `to` is a day before `from`: the range matches nothing. The API answers it with an
    /// empty page, as `/api/v1/shifts` answers a reversed range; the page says why.
    pub fn reversed(&self) -> bool {
        matches!((day("from", &self.from), day("to", &self.to)), (Ok(Some(a)), Ok(Some(b))) if b < a)
    }

    pub fn filter(&self, cal: &Calendar) -> Result<AuditFilter, ValidationError> {
        let actor = match self.actor.trim() {
            "" => None,
            a => Some(a.parse::<UserId>().map_err(|_| {
                ValidationError::new("actor", "must be one of the company's members")
            })?),
        };
        let action = match self.action.trim() {
            "" => None,
            a if a.len() <= 64 && a.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                Some(a.to_string())
            }
            _ => {
                return Err(ValidationError::new(
                    "action",
                    "must be an action name like export_csv",
                ))
            }
        };
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        Ok(AuditFilter {
            actor,
            action,
            from: from.map(|d| cal.range(d, d).0),
            to: to.map(|d| cal.range(d, d).1),
        })
    }
}

/// A page cursor as it travels in a link: `<created_at ms>.<id>`.
pub fn parse_cursor(s: &str) -> Result<AuditCursor, ValidationError> {
    let bad = || ValidationError::new("before", "is not a page of this log");
    let (ms, id) = s.split_once('.').ok_or_else(bad)?;
    let ms: i64 = ms.parse().map_err(|_| bad())?;
    Ok(AuditCursor {
        created_at: jiff::Timestamp::from_millisecond(ms).map_err(|_| bad())?,
        id: AuditId(id.parse().map_err(|_| bad())?),
    })
}

pub fn cursor_of(e: &AuditEntry) -> String {
    format!("{}.{}", e.created_at.as_millisecond(), e.id.0)
}

/// Member ids to their emails (removed members show as their id).
pub async fn actor_names(app: &App, t: &Tenant) -> Result<HashMap<UserId, String>> {
    Ok(app
        .store
        .users(t)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect())
}

pub fn actor_name(names: &HashMap<UserId, String>, actor: Option<UserId>) -> String {
    match actor {
        None => "system".into(),
        Some(a) => names.get(&a).cloned().unwrap_or_else(|| a.to_string()),
    }
}

impl App {
    /// One page of the company's log in `f`, newest first.
    pub async fn audit_entries(
        &self,
        t: &Tenant,
        f: &AuditFilter,
        before: Option<AuditCursor>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        Ok(self.store.audit_page(t, f, before, limit).await?)
    }

    /// The log in `f` as CSV, streamed. Audited (who exported what is itself an event).
    pub async fn export_audit_csv(
        &self,
        t: Tenant,
        actor: UserId,
        f: AuditFilter,
        ip: &str,
    ) -> Result<Download> {
        let cal = Calendar::of(self, &t).await?;
        let names = actor_names(self, &t).await?;
        let slot = self.exports.take()?;
        self.audit(&t, Some(actor), "export_audit", "audit_log.csv", ip)
            .await;
        let (tx, rx) = mpsc::channel::<Chunk>(QUEUED);
        tokio::spawn(write_audit(self.clone(), t, f, cal, names, tx));
        let mut d = Download::csv("audit_log.csv", Content::Chunks(rx));
        d.slot = Some(slot);
        Ok(d)
    }
}

async fn write_audit(
    app: App,
    t: Tenant,
    f: AuditFilter,
    cal: Calendar,
    names: HashMap<UserId, String>,
    tx: mpsc::Sender<Chunk>,
) {
    let mut buf = String::with_capacity(CHUNK + 4096);
    write_row(&mut buf, &AUDIT_HEADER);
    let mut before = None;
    loop {
        let page = match app.store.audit_page(&t, &f, before, CSV_PAGE).await {
            Ok(p) => p,
            Err(e) => {
                // The client sees a cut-off download, never a complete-looking file.
                let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                return;
            }
        };
        for e in &page {
            let local = domain::calendar::local_time(e.created_at, &cal.tz);
            write_row(
                &mut buf,
                &[
                    e.created_at.to_string().as_str(),
                    &local,
                    &actor_name(&names, e.actor),
                    &e.action,
                    &e.detail,
                    e.ip.as_deref().unwrap_or(""),
                ],
            );
            if buf.len() >= CHUNK {
                let full = std::mem::replace(&mut buf, String::with_capacity(CHUNK + 4096));
                if tx.send(Ok(full.into_bytes())).await.is_err() {
                    return; // the client went away
                }
            }
        }
        match page.last() {
            Some(last) if page.len() == CSV_PAGE as usize => {
                before = Some(AuditCursor {
                    created_at: last.created_at,
                    id: last.id,
                })
            }
            _ => break,
        }
    }
    let _ = tx.send(Ok(buf.into_bytes())).await;
}
