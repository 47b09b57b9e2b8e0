//! The clock loop shared by the kiosk screen, personal clock links and the API: identify
//! an employee (with lockouts and buddy-punching signals), clock in with a standup, clock
//! out with a report, breaks. Punches are committed before anything else happens; the
//! analysis runs after, with a short wait for the standup check when someone is watching.

mod housekeeping;

pub use housekeeping::{DEFAULT_SHIFT, MAX_OPEN_SHIFT};

use crate::credentials::password;
use crate::{App, Error};
use domain::{EmployeeId, IdCode, KioskId, ReportText, StandupCheck, StandupText};
use jiff::SignedDuration;
use store::{Analysis, Employee, Job, Shift, StoreError, Task, Tenant};

/// Who is at the clock: a kiosk device, a supervisor (API), or a personal link.
#[derive(Debug, Clone, Copy)]
pub enum ClockSource {
    Kiosk(KioskId),
    Supervisor(domain::UserId),
    PersonalLink,
}

impl ClockSource {
    fn lock_key(&self) -> Option<String> {
        match self {
            Self::Kiosk(k) => Some(format!("kiosk:{k}")),
            Self::Supervisor(u) => Some(format!("user:{u}")),
            Self::PersonalLink => None,
        }
    }
}

pub struct ClockIn {
    pub shift: Shift,
    /// `None` when the check did not finish within the wait; it appears later.
    pub standup_check: Option<StandupCheck>,
    /// The check is the built-in analyzer's, standing in until the external model answers.
    pub check_provisional: bool,
    /// An automatically closed earlier shift the employee should confirm.
    pub unconfirmed: Option<Shift>,
}

pub struct ClockOut {
    pub shift: Shift,
    pub score: Option<i64>,
    /// The score is the built-in analyzer's, standing in until the external model answers.
    pub score_provisional: bool,
}

/// Bursts of identifications on one kiosk in a short window look like buddy punching.
const BURST_WINDOW: SignedDuration = SignedDuration::from_secs(10);
const BURST_COUNT: u32 = 4;

impl App {
    /// The employee confirms (or corrects) the end of an automatically closed shift. A
    /// time the rules refuse (before the clock-in, in the future) is `Rejected`; one much
    /// later than the automatic end is left to a supervisor (see
    /// `Store::confirm_shift_end`).
    pub async fn confirm_shift_end(
        &self,
        t: &Tenant,
        employee: EmployeeId,
        shift: domain::ShiftId,
        end: Option<jiff::Timestamp>,
    ) -> Result<store::ConfirmedEnd, Error> {
        self.store
            .confirm_shift_end(t, employee, shift, end, self.clock.now())
            .await
            .map_err(|e| match e {
                StoreError::Rule(m) => Error::Rejected(m),
                other => other.into(),
            })
    }

    /// Finds the active employee for an ID code (and PIN when one is set), enforcing
    /// lockouts per device and per code with growing backoff.
    pub async fn identify(
        &self,
        t: &Tenant,
        source: ClockSource,
        code: &str,
        pin: Option<&str>,
        ip: &str,
    ) -> Result<Employee, Error> {
        let now = self.clock.now();
        let code = IdCode::parse(code).map_err(|_| Error::WrongCode)?;
        let device_key = source.lock_key();
        let code_key = store::code_lock_key(t, code.as_str());
        let keys: Vec<&str> = device_key
            .iter()
            .chain(std::iter::once(&code_key))
            .map(String::as_str)
            .collect();
        // One query for both lockout checks; it also tells whether a success has any
        // failures to clear (most punches have none, and then write nothing here).
        let lockouts = self.store.lockouts(&keys).await?;
        for key in &keys {
            if let Some((_, until)) = lockouts.iter().find(|(k, u)| k == key && *u > now) {
                return Err(Error::Locked {
                    retry_after: until.duration_since(now).as_secs().max(1) as u64,
                });
            }
        }
        let code_has_failures = lockouts.iter().any(|(k, _)| *k == code_key);
        if let ClockSource::Kiosk(kiosk) = source {
            let hit = self
                .store
                .rate_hit(&format!("burst:{kiosk}"), BURST_WINDOW, now)
                .await?;
            if hit.count == BURST_COUNT {
                self.store
                    .add_kiosk_alert(
                        t,
                        Some(kiosk),
                        "burst",
                        &format!(
                            "{BURST_COUNT} ID codes entered within {} seconds",
                            BURST_WINDOW.as_secs()
                        ),
                        now,
                    )
                    .await?;
            }
        }
        let found = self.store.employee_by_code(t, &code).await?;
        let ok = match (&found, pin) {
            (Some(id), _) if id.pin_hash.is_none() => true,
            (Some(id), Some(pin)) => {
                password::verify(pin.to_string(), id.pin_hash.clone().unwrap_or_default()).await
            }
            _ => false,
        };
        match found {
            Some(id) if ok => {
                if code_has_failures {
                    self.store.clear_failures(&code_key).await?;
                }
                Ok(id.employee)
            }
            _ => {
                let mut locked = false;
                for key in device_key.iter().chain(std::iter::once(&code_key)) {
                    locked |= self
                        .store
                        .record_failure(t, key, now)
                        .await?
                        .locked_until
                        .is_some();
                }
                self.audit(t, None, "clock_code_failed", "", ip).await;
                if locked {
                    let kiosk = if let ClockSource::Kiosk(k) = source {
                        Some(k)
                    } else {
                        None
                    };
                    self.store
                        .add_kiosk_alert(
                            t,
                            kiosk,
                            "lockout",
                            "repeated wrong ID codes or PINs",
                            now,
                        )
                        .await?;
                }
                Err(Error::WrongCode)
            }
        }
    }

    /// The employee's open tasks, shown at clock-in.
    pub async fn open_tasks(&self, t: &Tenant, employee: EmployeeId) -> Result<Vec<Task>, Error> {
        Ok(self.store.open_tasks_of(t, employee).await?)
    }

    pub async fn clock_in(
        &self,
        t: &Tenant,
        employee: &Employee,
        standup: &str,
    ) -> Result<ClockIn, Error> {
        let standup = StandupText::parse(standup)?;
        let now = self.clock.now();
        let company = self.store.company(t).await?;
        let workday =
            domain::calendar::workday(now, &domain::TimeZoneName::parse(&company.timezone)?.tz());
        let punch = match self.analysis_lease() {
            Some(lease) => {
                self.store
                    .clock_in_claiming(t, employee.id, standup.as_str(), workday, now, lease)
                    .await
            }
            None => self
                .store
                .clock_in(t, employee.id, standup.as_str(), workday, now)
                .await
                .map(|s| (s, None)),
        };
        let (shift, job) = match punch {
            Ok(s) => s,
            Err(StoreError::Conflict(_)) => {
                let open = self
                    .store
                    .open_shift(t, employee.id, now)
                    .await?
                    .ok_or(Error::NotIn)?;
                return Err(Error::AlreadyIn {
                    since: open.clock_in_at,
                    shift: Box::new(open),
                });
            }
            Err(e) => return Err(e.into()),
        };
        let unconfirmed = self.store.unconfirmed_shift(t, employee.id, now).await?;
        let analysed = self.analyse_now(job, &shift, employee).await;
        let check_provisional = analysed.as_ref().is_some_and(|a| a.provisional);
        let standup_check =
            analysed.and_then(|a| serde_json::from_str::<StandupCheck>(&a.result).ok());
        Ok(ClockIn {
            shift,
            standup_check,
            check_provisional,
            unconfirmed,
        })
    }

    pub async fn clock_out(
        &self,
        t: &Tenant,
        employee: &Employee,
        report: &str,
    ) -> Result<ClockOut, Error> {
        let report = ReportText::parse(report)?;
        let now = self.clock.now();
        let punch = match self.analysis_lease() {
            Some(lease) => {
                self.store
                    .clock_out_claiming(t, employee.id, report.as_str(), now, lease)
                    .await
            }
            None => self
                .store
                .clock_out(t, employee.id, report.as_str(), now)
                .await
                .map(|s| (s, None)),
        };
        let (shift, job) = match punch {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Err(Error::NotIn),
            Err(e) => return Err(e.into()),
        };
        let analysed = self.analyse_now(job, &shift, employee).await;
        Ok(ClockOut {
            shift,
            score: analysed.as_ref().and_then(Analysis::effective_score),
            score_provisional: analysed.is_some_and(|a| a.provisional),
        })
    }

    pub async fn start_break(&self, t: &Tenant, employee: &Employee) -> Result<Shift, Error> {
        match self
            .store
            .start_break(t, employee.id, self.clock.now())
            .await
        {
            Ok(s) => Ok(s),
            Err(StoreError::NotFound) => Err(Error::NotIn),
            Err(StoreError::Conflict(_)) => Err(Error::AlreadyOnBreak),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn end_break(&self, t: &Tenant, employee: &Employee) -> Result<Shift, Error> {
        let open = self
            .store
            .open_shift(t, employee.id, self.clock.now())
            .await?
            .ok_or(Error::NotIn)?;
        if !open.on_break {
            return Err(Error::NotOnBreak);
        }
        Ok(self
            .store
            .end_break(t, employee.id, self.clock.now())
            .await?)
    }

    /// The lease of an analysis job the request runs itself: the wait plus a margin.
    /// `None` when the wait is zero: the request leaves the job to the background worker.
    fn analysis_lease(&self) -> Option<SignedDuration> {
        let wait = self.config.analysis_wait;
        if wait.is_zero() {
            return None;
        }
        Some(
            SignedDuration::try_from(wait).unwrap_or(SignedDuration::from_secs(3))
                + SignedDuration::from_secs(30),
        )
    }

    /// Runs the punch's analysis job — claimed in the punch's own transaction — right here
    /// and returns the stored result: final, or, when an external model fails or takes
    /// longer than the wait, the local one marked provisional (the model's answer replaces
    /// it later). A store failure leaves the job to the background worker once the lease
    /// expires; the punch is unaffected either way.
    async fn analyse_now(
        &self,
        job: Option<Job>,
        shift: &Shift,
        employee: &Employee,
    ) -> Option<Analysis> {
        let job = job?;
        let run = self.run_job_for(&job, Some((shift, employee)));
        // The pipeline bounds an external model's time itself; this bounds the rest.
        let bound = self.provisional_after() + std::time::Duration::from_secs(2);
        match tokio::time::timeout(bound, run).await {
            Ok(Ok(saved)) => saved,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "analysis failed in the request; the worker retries");
                None
            }
            Err(_) => None,
        }
    }
}
