//! Analysis of punches. A clock event is committed first, with its job; this runs the job
//! — right away in the request for quick feedback, or later in the background worker —
//! and never loses or duplicates a result. External analyzers that keep failing fall back
//! to the local one (marked so); employees who objected get the local analyzer only.

use crate::{App, Error};
use analysis::{AnalysisError, Analyzed};
use domain::score::{compute, ScoreWeights};
use domain::{ReportExtraction, StandupCheck, TaskStatus};
use std::borrow::Cow;
use store::{Analysis, Employee, Job, JobKind, NewAnalysis, Shift, StoreError};

/// External failures retried as jobs this many times before the local analyzer stands in.
const EXTERNAL_ATTEMPTS: u32 = 3;

enum Outcome<T> {
    Done(Analyzed<T>, bool),
    Retry(AnalysisError),
}

impl App {
    /// Runs one claimed job to completion (or back to the queue). Errors are store errors;
    /// analyzer failures are handled here.
    pub async fn run_job(&self, job: &Job) -> Result<(), Error> {
        self.run_job_for(job, None).await.map(|_| ())
    }

    /// [`run_job`](Self::run_job) for a caller that already holds the job's shift and
    /// employee — the punch that created the job — which saves reading them again.
    /// Returns the analysis it saved, if any.
    pub(crate) async fn run_job_for(
        &self,
        job: &Job,
        known: Option<(&Shift, &Employee)>,
    ) -> Result<Option<Analysis>, Error> {
        let now = self.clock.now();
        let t = &job.tenant;
        let (shift, employee) = match known {
            Some((s, e)) if s.id == job.shift_id && e.id == s.employee_id => {
                (Cow::Borrowed(s), Cow::Borrowed(e))
            }
            _ => {
                let shift = match self.store.shift(t, job.shift_id, now).await {
                    Ok(s) => s,
                    // Erased meanwhile: nothing left to analyse.
                    Err(StoreError::NotFound) => {
                        self.store.finish_job(job).await?;
                        return Ok(None);
                    }
                    Err(e) => return Err(e.into()),
                };
                let employee = self.store.employee(t, shift.employee_id).await?;
                (Cow::Owned(shift), Cow::Owned(employee))
            }
        };
        let tasks: Vec<String> = self
            .store
            .open_tasks_of(t, shift.employee_id)
            .await?
            .into_iter()
            .map(|task| task.title)
            .collect();
        // An objection means no external AI processing, ever, for this person.
        let settings = self.store.analysis_settings(t).await?;
        if employee.objected && settings.objection_mode == "none" {
            // The company chose: an objection means no analysis at all.
            self.store.finish_job(job).await?;
            return Ok(None);
        }
        let weights = settings
            .score_weights
            .as_deref()
            .and_then(|w| serde_json::from_str::<ScoreWeights>(w).ok())
            .unwrap_or_default();
        let external = self.analyzer.is_external() && !employee.objected;
        let give_up_external = job.attempts + 1 >= EXTERNAL_ATTEMPTS;
        match job.kind {
            JobKind::Standup => {
                let outcome = if external {
                    match self.analyzer.check_standup(&tasks, &shift.standup).await {
                        Ok(a) => Outcome::Done(a, false),
                        Err(e) if e.retryable() && !give_up_external => Outcome::Retry(e),
                        Err(e) => {
                            tracing::warn!(error = %e, "external standup check failed; local analyzer stands in");
                            Outcome::Done(analysis::local_standup(&tasks, &shift.standup), true)
                        }
                    }
                } else {
                    Outcome::Done(analysis::local_standup(&tasks, &shift.standup), false)
                };
                match outcome {
                    Outcome::Done(a, fallback) => {
                        return Ok(Some(self.save_standup(job, &a, fallback).await?))
                    }
                    Outcome::Retry(e) => {
                        self.store.fail_job(job, &e.to_string(), false, now).await?;
                    }
                }
            }
            JobKind::Report => {
                let report = shift.report.clone().unwrap_or_default();
                let outcome = if external {
                    match self.analyzer.extract_report(&tasks, &report).await {
                        Ok(a) => Outcome::Done(a, false),
                        Err(e) if e.retryable() && !give_up_external => Outcome::Retry(e),
                        Err(e) => {
                            tracing::warn!(error = %e, "external report extraction failed; local analyzer stands in");
                            Outcome::Done(analysis::local_report(&tasks, &report), true)
                        }
                    }
                } else {
                    Outcome::Done(analysis::local_report(&tasks, &report), false)
                };
                match outcome {
                    Outcome::Done(a, fallback) => {
                        return Ok(Some(self.save_report(job, &a, fallback, weights).await?))
                    }
                    Outcome::Retry(e) => {
                        self.store.fail_job(job, &e.to_string(), false, now).await?;
                    }
                }
            }
        }
        Ok(None)
    }

    async fn save_standup(
        &self,
        job: &Job,
        a: &Analyzed<StandupCheck>,
        fallback: bool,
    ) -> Result<Analysis, Error> {
        let result = serde_json::to_string(&a.value)?;
        let row = NewAnalysis {
            shift: job.shift_id,
            kind: JobKind::Standup,
            analyzer: a.analyzer,
            model: &a.model,
            prompt_version: a.prompt_version,
            fallback,
            result: &result,
            score: None,
            breakdown: None,
        };
        self.save_result(job, row).await
    }

    async fn save_report(
        &self,
        job: &Job,
        a: &Analyzed<ReportExtraction>,
        fallback: bool,
        weights: ScoreWeights,
    ) -> Result<Analysis, Error> {
        let statuses: Vec<TaskStatus> = a.value.tasks.iter().map(|t| t.status).collect();
        // Our formula, not the model, decides the score: text cannot argue its way up.
        let breakdown = compute(&statuses, a.value.unplanned.len(), weights);
        let result = serde_json::to_string(&a.value)?;
        let breakdown_json = serde_json::to_string(&breakdown)?;
        let row = NewAnalysis {
            shift: job.shift_id,
            kind: JobKind::Report,
            analyzer: a.analyzer,
            model: &a.model,
            prompt_version: a.prompt_version,
            fallback,
            result: &result,
            score: Some(breakdown.score),
            breakdown: Some(&breakdown_json),
        };
        self.save_result(job, row).await
    }

    /// Stores a result with its job done, and lets cached boards and timesheets know at once
    /// (not only when the worker's round ends). Returns the row as stored.
    async fn save_result(&self, job: &Job, row: NewAnalysis<'_>) -> Result<Analysis, Error> {
        let now = self.clock.now();
        self.store
            .save_analysis_finishing(job, row.clone(), now)
            .await?;
        self.read_cache.bump();
        Ok(row.saved(now))
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
        if !jobs.is_empty() {
            self.read_cache.bump();
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
