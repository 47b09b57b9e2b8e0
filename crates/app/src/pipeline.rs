//! Analysis of punches. A clock event is committed first, with its job; this runs the job
//! — right away in the request for quick feedback, or later in the background worker —
//! and never loses or duplicates a result (one row per shift and kind, replaced in place).
//!
//! An answer in every outage: when the job goes to an external model and the model fails,
//! or has not answered within the wait ([`App::provisional_after`]), the built-in
//! analyzer's result is stored at once, marked provisional, so the employee and the board
//! see a check and a score within seconds. The model's answer replaces it when it comes
//! (audited). A model that keeps failing leaves the local result as the final one, marked
//! `fallback`. Employees who objected get the local analyzer only, or no analysis.

use crate::{App, Error};
use analysis::{AnalysisError, Analyzed};
use domain::score::{score_report, ScoreWeights};
use domain::{ReportExtraction, StandupCheck};
use std::time::Duration;
use store::{Analysis, Employee, Job, JobKind, NewAnalysis, Shift, StoreError, Tenant};

/// External failures retried as jobs this many times before the local result is final.
const EXTERNAL_ATTEMPTS: u32 = 3;

/// How long an external model may take before the local result stands in, when nobody
/// configured a kiosk wait (the request does not run the job itself).
const DEFAULT_PROVISIONAL_AFTER: Duration = Duration::from_secs(3);

/// What one job analyses, read once.
#[derive(Clone)]
struct Work {
    job: Job,
    tasks: Vec<String>,
    /// The standup or the report.
    text: String,
    weights: ScoreWeights,
}

/// A result of either kind, ready to store.
enum Extracted {
    Standup(Analyzed<StandupCheck>),
    Report(Analyzed<ReportExtraction>),
}

/// How a result is stored.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// The configured analyzer's own answer.
    Final,
    /// The local answer after the external model gave up for good.
    Fallback,
    /// The local answer until the external model's replaces it.
    Provisional,
}

impl Work {
    fn local(&self) -> Extracted {
        match self.job.kind {
            JobKind::Standup => {
                Extracted::Standup(analysis::local_standup(&self.tasks, &self.text))
            }
            JobKind::Report => Extracted::Report(analysis::local_report(&self.tasks, &self.text)),
        }
    }

    async fn external(&self, analyzer: &analysis::Analyzer) -> Result<Extracted, AnalysisError> {
        Ok(match self.job.kind {
            JobKind::Standup => {
                Extracted::Standup(analyzer.check_standup(&self.tasks, &self.text).await?)
            }
            JobKind::Report => {
                Extracted::Report(analyzer.extract_report(&self.tasks, &self.text).await?)
            }
        })
    }
}

/// What the analysis of one person's note needs besides the note.
pub(crate) struct AnalysisInputs {
    /// The titles of the person's open tasks.
    pub tasks: Vec<String>,
    pub weights: ScoreWeights,
}

impl App {
    /// The tasks and weights of `employee`'s analysis, or `None` when nobody analyses their
    /// notes (they objected and the company's objection mode is "no analysis"). The punch
    /// and the job both decide through here.
    pub(crate) async fn analysis_inputs(
        &self,
        t: &Tenant,
        employee: &Employee,
    ) -> Result<Option<AnalysisInputs>, Error> {
        let settings = self.store.analysis_settings(t).await?;
        if employee.objected && settings.objection_mode == "none" {
            return Ok(None);
        }
        let tasks = self
            .store
            .open_tasks_of(t, employee.id)
            .await?
            .into_iter()
            .map(|task| task.title)
            .collect();
        let weights = settings
            .score_weights
            .as_deref()
            .and_then(|w| serde_json::from_str::<ScoreWeights>(w).ok())
            .unwrap_or_default();
        Ok(Some(AnalysisInputs { tasks, weights }))
    }

    /// Runs one claimed job to completion (or back to the queue). Errors are store errors;
    /// analyzer failures are handled here.
    pub async fn run_job(&self, job: &Job) -> Result<(), Error> {
        self.run_job_for(job, None).await.map(|_| ())
    }

    /// How long the external model may take before the local result is stored as
    /// provisional: the kiosk's wait (so the employee sees an answer when it ends), at most
    /// 4 s (every shift has a score within 5 s of the punch, whatever the model does).
    pub fn provisional_after(&self) -> Duration {
        let wait = self.config.analysis_wait;
        if wait.is_zero() {
            DEFAULT_PROVISIONAL_AFTER
        } else {
            wait.min(Duration::from_secs(4))
        }
    }

    /// [`run_job`](Self::run_job) for a caller that already holds the job's shift and
    /// employee — the punch that created the job — which saves reading them again.
    /// Returns the analysis it saved, if any: final, or provisional when the external model
    /// failed or is still working (it then finishes in the background and replaces it).
    pub(crate) async fn run_job_for(
        &self,
        job: &Job,
        known: Option<(&Shift, &Employee)>,
    ) -> Result<Option<Analysis>, Error> {
        let Some((work, external)) = self.prepare(job, known).await? else {
            return Ok(None);
        };
        if !external {
            let local = work.local();
            return self.save(&work, local, Standing::Final).await.map(Some);
        }
        // The attempt runs on its own task, so it outlives a caller that stops waiting.
        let mut attempt = tokio::spawn({
            let (app, work) = (self.clone(), work.clone());
            async move { app.external_attempt(work).await }
        });
        tokio::select! {
            joined = &mut attempt => match joined {
                Ok(saved) => saved,
                Err(e) => {
                    tracing::error!(error = %e, "external analysis task ended abnormally");
                    self.save_provisional(&work).await
                }
            },
            () = tokio::time::sleep(self.provisional_after()) => self.save_provisional(&work).await,
        }
    }

    /// Reads what the job needs. `None` when there is nothing to analyse (the shift was
    /// erased, or the employee objected and the company chose no analysis at all); the
    /// job is then finished. The flag says whether the external model gets the text.
    async fn prepare(
        &self,
        job: &Job,
        known: Option<(&Shift, &Employee)>,
    ) -> Result<Option<(Work, bool)>, Error> {
        let t = &job.tenant;
        let (shift, employee) = match known {
            Some((s, e)) if s.id == job.shift_id && e.id == s.employee_id => (s.clone(), e.clone()),
            _ => {
                let shift = match self.store.shift(t, job.shift_id, self.clock.now()).await {
                    Ok(s) => s,
                    // Erased meanwhile: nothing left to analyse.
                    Err(StoreError::NotFound) => {
                        self.store.finish_job(job).await?;
                        return Ok(None);
                    }
                    Err(e) => return Err(e.into()),
                };
                let employee = self.store.employee(t, shift.employee_id).await?;
                (shift, employee)
            }
        };
        let Some(AnalysisInputs { tasks, weights }) = self.analysis_inputs(t, &employee).await?
        else {
            // The company chose: an objection means no analysis at all.
            self.store.finish_job(job).await?;
            return Ok(None);
        };
        let text = match job.kind {
            JobKind::Standup => shift.standup,
            JobKind::Report => shift.report.unwrap_or_default(),
        };
        // An objection means no external AI processing, ever, for this person.
        let external = self.analyzer.is_external() && !employee.objected;
        let work = Work {
            job: job.clone(),
            tasks,
            text,
            weights,
        };
        Ok(Some((work, external)))
    }

    /// One try of the external model. Its answer is final (and replaces a provisional
    /// result, audited); a failure worth retrying leaves the local result provisional and
    /// the job queued; a failure that is not, or the last try, makes the local one final.
    async fn external_attempt(self, work: Work) -> Result<Option<Analysis>, Error> {
        let give_up = work.job.attempts + 1 >= EXTERNAL_ATTEMPTS;
        match work.external(&self.analyzer).await {
            Ok(answer) => self.replace(&work, answer, Standing::Final).await.map(Some),
            Err(e) if e.retryable() && !give_up => {
                let provisional = self.save_provisional(&work).await?;
                let now = self.clock.now();
                self.store
                    .fail_job(&work.job, &e.to_string(), false, now)
                    .await?;
                Ok(provisional)
            }
            Err(e) => {
                tracing::warn!(error = %e, kind = work.job.kind.as_str(), "external analysis failed; the local result is final");
                let local = work.local();
                self.replace(&work, local, Standing::Fallback)
                    .await
                    .map(Some)
            }
        }
    }

    /// Stores a final result in place of a provisional one, and says so in the audit log.
    async fn replace(
        &self,
        work: &Work,
        answer: Extracted,
        standing: Standing,
    ) -> Result<Analysis, Error> {
        let t = &work.job.tenant;
        let before = self
            .store
            .analysis(t, work.job.shift_id, work.job.kind)
            .await?
            .filter(|a| a.provisional);
        let saved = self.save(work, answer, standing).await?;
        if let Some(before) = before {
            let score = |s: Option<i64>| s.map_or_else(|| "none".to_owned(), |s| s.to_string());
            let detail = format!(
                "shift {} {}: {} result replaced the provisional local one (score {} -> {})",
                work.job.shift_id,
                work.job.kind.as_str(),
                if standing == Standing::Fallback {
                    "the local analyzer's final"
                } else {
                    saved.analyzer.as_str()
                },
                score(before.score),
                score(saved.score),
            );
            self.audit(t, None, "analysis_finalised", &detail, "").await;
        }
        Ok(saved)
    }

    /// Stores the local result as provisional unless a final result already stands (the
    /// external answer can land first). Returns what the shift now shows for this kind.
    async fn save_provisional(&self, work: &Work) -> Result<Option<Analysis>, Error> {
        let local = work.local();
        let row = self.row(work, &local, Standing::Provisional)?;
        let now = self.clock.now();
        let t = &work.job.tenant;
        let written = self.store.save_analysis(t, row.as_new(work), now).await?;
        if written {
            self.read_cache.bump(work.job.tenant.company_id());
            return Ok(Some(row.as_new(work).saved(now)));
        }
        Ok(self
            .store
            .analysis(t, work.job.shift_id, work.job.kind)
            .await?)
    }

    /// Stores a final (or fallback) result with its job done, and lets cached boards and
    /// timesheets know at once. Returns the row as stored.
    async fn save(
        &self,
        work: &Work,
        answer: Extracted,
        standing: Standing,
    ) -> Result<Analysis, Error> {
        let row = self.row(work, &answer, standing)?;
        let now = self.clock.now();
        self.store
            .save_analysis_finishing(&work.job, row.as_new(work), now)
            .await?;
        self.read_cache.bump(work.job.tenant.company_id());
        Ok(row.as_new(work).saved(now))
    }

    /// The stored form of a result: JSON of the variables and, for reports, our formula's
    /// score and breakdown (the model never decides the score: text cannot argue its way up).
    fn row(&self, work: &Work, answer: &Extracted, standing: Standing) -> Result<Row, Error> {
        let (analyzer, model, prompt_version, result, score, breakdown) = match answer {
            Extracted::Standup(a) => (
                a.analyzer,
                a.model.clone(),
                a.prompt_version,
                serde_json::to_string(&a.value)?,
                None,
                None,
            ),
            Extracted::Report(a) => {
                let breakdown = score_report(&a.value, work.weights);
                (
                    a.analyzer,
                    a.model.clone(),
                    a.prompt_version,
                    serde_json::to_string(&a.value)?,
                    Some(breakdown.score),
                    Some(serde_json::to_string(&breakdown)?),
                )
            }
        };
        Ok(Row {
            analyzer,
            model,
            prompt_version,
            result,
            score,
            breakdown,
            fallback: standing == Standing::Fallback,
            provisional: standing == Standing::Provisional,
        })
    }

    /// Runs every due job once (the background worker's step; tests call it directly).
    /// Returns how many jobs were processed.
    pub async fn run_due_jobs(&self) -> Result<usize, Error> {
        let jobs = self
            .store
            .claim_jobs(self.clock.now(), jiff::SignedDuration::from_mins(2), 20)
            .await?;
        for job in &jobs {
            if let Err(e) = self.run_job(job).await {
                tracing::error!(error = %e, job = %job.id, "analysis job failed");
                self.store
                    .fail_job(job, &e.to_string(), false, self.clock.now())
                    .await?;
            }
        }
        for job in &jobs {
            self.read_cache.bump(job.tenant.company_id());
        }
        Ok(jobs.len())
    }

    /// A supervisor asks for a failed analysis to run again. Audited.
    pub async fn retry_analysis(
        &self,
        t: &store::Tenant,
        actor: domain::UserId,
        id: domain::JobId,
        ip: &str,
    ) -> Result<(), Error> {
        self.store.retry_job(t, id, self.clock.now()).await?;
        self.audit(t, Some(actor), "analysis_retried", &id.to_string(), ip)
            .await;
        Ok(())
    }
}

/// An owned result row; [`Row::as_new`] lends it to the store.
struct Row {
    analyzer: &'static str,
    model: String,
    prompt_version: u32,
    result: String,
    score: Option<u8>,
    breakdown: Option<String>,
    fallback: bool,
    provisional: bool,
}

impl Row {
    fn as_new<'a>(&'a self, work: &Work) -> NewAnalysis<'a> {
        NewAnalysis {
            shift: work.job.shift_id,
            kind: work.job.kind,
            analyzer: self.analyzer,
            model: &self.model,
            prompt_version: self.prompt_version,
            fallback: self.fallback,
            provisional: self.provisional,
            result: &self.result,
            score: self.score,
            breakdown: self.breakdown.as_deref(),
        }
    }
}
