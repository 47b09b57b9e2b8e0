//! OmniTrack's persistence: one API over SQLite (embedded default) and PostgreSQL
//! (scale-out). Two concrete backends behind one seam: each method writes its SQL once
//! where the dialects agree (both accept `$1` placeholders, `RETURNING`, `ON CONFLICT`)
//! and branches only where they do not.
//!
//! Tenant isolation is built into the signatures: every method that touches company data
//! takes a [`Tenant`], which only this crate can create — from an authenticated session or
//! token, from sign-up, or from a job row. Handlers cannot build one from a URL or body.

mod accounts;
mod analyses;
mod audit;
mod backend;
mod billing;
mod board;
mod burst;
mod company;
mod employees;
mod error;
mod export_figures;
mod hot_cache;
mod jobs;
mod kiosks;
mod lifecycle;
mod migrate;
mod outbox;
pub mod pg_export_reader;
mod profile;
mod rate_limit;
mod reports;
mod requests;
mod row;
mod seat_sync;
pub mod seed;
mod sessions;
mod settings;
mod shifts;
pub mod sqlite;
mod tasks;
mod team_figures;
mod tenant;
pub mod testing;
mod time;
mod tokens;
mod two_factor;

pub use accounts::{InviteInfo, LoginUser, NewCompany, NewInvite, User};
pub use analyses::{Analysis, AnalysisRow, NewAnalysis};
pub use audit::{AuditCursor, AuditEntry, AuditEvent, AuditFilter};
pub use backend::{Store, StoreKind};
pub use billing::{EventOutcome, SubscriptionRecord, SubscriptionUpdate};
pub use board::{MissedStandup, NamedShift, ProvisionalResult};
pub use burst::BurstHit;
pub use company::{AnalysisSettings, Company};
pub use employees::{ClockIdentity, Employee, EmployeeChanges};
pub use error::StoreError;
pub use export_figures::{BreakdownFigures, ExportFigures};
pub use jobs::{backoff, DeadJob, Job, JobKind, MAX_ATTEMPTS};
pub use kiosks::{code_lock_key, Kiosk, KioskAlert, Lockout};
pub use lifecycle::{Announcement, OwnerContact, PurgeWhen, Tombstone, PURGE_KEEPS};
pub use outbox::{NewMail, OutboxMail};
pub use rate_limit::RateCount;
pub use reports::{
    BreakRow, ExportCursor, ExportShift, NewSummary, ReportCompany, Summary,
    DEFAULT_WEEKLY_TARGET_MINUTES,
};
pub use requests::{EmployeeRequest, RequestKind};
pub use seat_sync::{SeatSyncJob, SeatSyncState, SubscribedCompany};
pub use sessions::{NewSession, Session, SessionInfo, SessionPolicy};
pub use shifts::{
    ConfirmedEnd, IdempotencyKey, PunchAnalysis, Shift, ShiftChange, ShiftCorrection, ShiftCursor,
    ShiftFilter, StoredAnswer, SELF_CORRECTION_MARGIN,
};
pub use tasks::{Task, TaskChanges, TaskCursor, TaskState};
pub use team_figures::{DayTotals, EmployeeTotals, TeamFigures, TopDay};
pub use tenant::{Principal, PrincipalKind, Tenant};
pub use tokens::{ApiTokenInfo, CompanyToken};
pub use two_factor::TwoFactor;

/// A token's SHA-256; the raw token is never stored.
pub type TokenHash = [u8; 32];

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
