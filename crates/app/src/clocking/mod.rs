//! The clock loop shared by the kiosk screen, personal clock links and the API: identify
//! an employee (with lockouts and buddy-punching signals), clock in with a standup, clock
//! out with a report, breaks. Punches are committed before anything else happens; the
//! analysis runs after, with a short wait for the standup check when someone is watching.

mod housekeeping;
mod inline_analysis;

pub use housekeeping::{DEFAULT_SHIFT, MAX_OPEN_SHIFT};

use crate::credentials::password;
use crate::{App, Error};
use domain::{EmployeeId, IdCode, KioskId, ReportText, StandupCheck, StandupText};
use jiff::SignedDuration;
use store::{Analysis, BurstHit, Employee, Job, Shift, StoreError, Task, Tenant};

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

/// An identified employee whose kiosk burst-counter hit is still to be written: by the
/// punch's own write ([`App::clock_in_identified`], [`App::clock_out_identified`]), so an
/// identification and its punch cost one write, not two.
pub struct Identified {
    pub employee: Employee,
    burst: Option<BurstHit>,
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
        let who = self.identify_for_punch(t, source, code, pin, ip).await?;
        self.store.count_burst(who.burst).await?;
        Ok(who.employee)
    }

    /// [`identify`](Self::identify) for a punch that follows at once: the kiosk's
    /// burst-counter hit is left to the punch's write (unless identifying fails).
    pub async fn identify_for_punch(
        &self,
        t: &Tenant,
        source: ClockSource,
        code: &str,
        pin: Option<&str>,
        ip: &str,
    ) -> Result<Identified, Error> {
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
        let burst = match source {
            ClockSource::Kiosk(kiosk) => self.store.burst_hit(
                t,
                kiosk,
                BURST_WINDOW,
                BURST_COUNT,
                || {
                    format!(
                        "{BURST_COUNT} ID codes entered within {} seconds",
                        BURST_WINDOW.as_secs()
                    )
                },
                now,
            ),
            _ => None,
        };
        let found = match self.store.employee_by_code(t, &code).await {
            Ok(found) => found,
            Err(e) => {
                self.store.count_burst(burst).await?;
                return Err(e.into());
            }
        };
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
                Ok(Identified {
                    employee: id.employee,
                    burst,
                })
            }
            _ => {
                self.store.count_burst(burst).await?;
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
        self.punch_in(t, employee, standup, None).await
    }

    /// [`clock_in`](Self::clock_in) right after [`identify_for_punch`](Self::identify_for_punch).
    pub async fn clock_in_identified(
        &self,
        t: &Tenant,
        who: Identified,
        standup: &str,
    ) -> Result<ClockIn, Error> {
        self.punch_in(t, &who.employee, standup, who.burst).await
    }

    /// Awaits what a punch works out before its write. When that fails the write never
    /// happens, so the kiosk's burst hit it would have carried is counted on its own.
    async fn before_write<T>(
        &self,
        burst: &mut Option<BurstHit>,
        prepared: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let result = prepared.await;
        if result.is_err() {
            self.store.count_burst(burst.take()).await?;
        }
        result
    }

    /// One write: the shift, its standup analysis (or job) and the kiosk's burst hit.
    async fn punch_in(
        &self,
        t: &Tenant,
        employee: &Employee,
        standup: &str,
        mut burst: Option<BurstHit>,
    ) -> Result<ClockIn, Error> {
        let now = self.clock.now();
        let prepared = async {
            let standup = StandupText::parse(standup)?;
            let company = self.store.company(t).await?;
            let zone = domain::TimeZoneName::parse(&company.timezone)?.tz();
            let (analysis, check) = self.standup_analysis(t, employee, standup.as_str()).await?;
            Ok::<_, Error>((
                standup,
                domain::calendar::workday(now, &zone),
                analysis,
                check,
            ))
        };
        let (standup, workday, analysis, check) = self.before_write(&mut burst, prepared).await?;
        let punch = self
            .store
            .punch_in(
                t,
                employee.id,
                standup.as_str(),
                workday,
                now,
                analysis,
                burst,
            )
            .await;
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
        let (standup_check, check_provisional) = match check {
            Some(check) => {
                // Stored with the punch, final: boards and timesheets learn of it now.
                self.read_cache.bump(t.company_id());
                (Some(check), false)
            }
            None => {
                let analysed = self.analyse_now(job, &shift, employee).await;
                let provisional = analysed.as_ref().is_some_and(|a| a.provisional);
                let check =
                    analysed.and_then(|a| serde_json::from_str::<StandupCheck>(&a.result).ok());
                (check, provisional)
            }
        };
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
        self.punch_out(t, employee, report, None).await
    }

    /// [`clock_out`](Self::clock_out) right after [`identify_for_punch`](Self::identify_for_punch).
    pub async fn clock_out_identified(
        &self,
        t: &Tenant,
        who: Identified,
        report: &str,
    ) -> Result<ClockOut, Error> {
        self.punch_out(t, &who.employee, report, who.burst).await
    }

    /// One write: the closed shift, its report analysis (or job) and the kiosk's burst hit.
    async fn punch_out(
        &self,
        t: &Tenant,
        employee: &Employee,
        report: &str,
        mut burst: Option<BurstHit>,
    ) -> Result<ClockOut, Error> {
        let now = self.clock.now();
        let prepared = async {
            let report = ReportText::parse(report)?;
            let (analysis, score) = self.report_analysis(t, employee, report.as_str()).await?;
            Ok::<_, Error>((report, analysis, score))
        };
        let (report, analysis, score) = self.before_write(&mut burst, prepared).await?;
        let punch = self
            .store
            .punch_out(t, employee.id, report.as_str(), now, analysis, burst)
            .await;
        let (shift, job) = match punch {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Err(Error::NotIn),
            Err(e) => return Err(e.into()),
        };
        let (score, score_provisional) = match score {
            Some(score) => {
                // Stored with the punch, final: boards and timesheets learn of it now.
                self.read_cache.bump(t.company_id());
                (Some(score), false)
            }
            None => {
                let analysed = self.analyse_now(job, &shift, employee).await;
                (
                    analysed.as_ref().and_then(Analysis::effective_score),
                    analysed.is_some_and(|a| a.provisional),
                )
            }
        };
        Ok(ClockOut {
            shift,
            score,
            score_provisional,
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
    pub(crate) fn analysis_lease(&self) -> Option<SignedDuration> {
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
