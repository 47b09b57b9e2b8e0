//! The analysis a punch records in its own write. The built-in analyzer takes
//! microseconds and needs only what the punch already has — the note, the person's open
//! tasks, the company's score weights — so it runs *before* the write, and its result is
//! stored with the punch: no job row, no second write, and the person at the clock gets the
//! standup check or the score from the same answer. An external analyzer is a network call
//! that may fail and be retried: that stays a job, claimed by the punch and run after the
//! commit ([`crate::pipeline`]).

use crate::pipeline::AnalysisInputs;
use crate::{App, Error};
use analysis::Analyzed;
use domain::score::{score_report, ScoreWeights};
use domain::{ReportExtraction, StandupCheck};
use store::{AnalysisRow, Employee, ExportFigures, PunchAnalysis, Tenant};

/// Who analyses this punch.
enum Route {
    /// A job, run after the commit (the pipeline decides the rest).
    Job(PunchAnalysis),
    /// Nobody: the employee objected and the company chose no analysis at all.
    Nobody,
    /// The built-in analyzer, now.
    Local {
        tasks: Vec<String>,
        weights: ScoreWeights,
    },
}

impl App {
    /// The rule of [`App::run_job_for`](crate::App) — an external analyzer unless the
    /// employee objected; then the company's objection mode — decided at the punch.
    async fn route(&self, t: &Tenant, employee: &Employee) -> Result<Route, Error> {
        // A zero wait leaves every analysis to the background worker.
        let Some(lease) = self.analysis_lease() else {
            return Ok(Route::Job(PunchAnalysis::Queue));
        };
        if self.analyzer.is_external() && !employee.objected {
            return Ok(Route::Job(PunchAnalysis::Claim(lease)));
        }
        Ok(match self.analysis_inputs(t, employee).await? {
            None => Route::Nobody,
            Some(AnalysisInputs { tasks, weights }) => Route::Local { tasks, weights },
        })
    }

    /// What a clock-in's write records about its standup, and the check when it is known.
    pub(super) async fn standup_analysis(
        &self,
        t: &Tenant,
        employee: &Employee,
        standup: &str,
    ) -> Result<(PunchAnalysis, Option<StandupCheck>), Error> {
        Ok(match self.route(t, employee).await? {
            Route::Job(job) => (job, None),
            Route::Nobody => (PunchAnalysis::Skip, None),
            Route::Local { tasks, .. } => {
                let a = analysis::local_standup(&tasks, standup);
                let mut row = row(&a, serde_json::to_string(&a.value)?, None, None);
                row.export = Some(Box::new(ExportFigures::standup(&a.value)));
                (PunchAnalysis::Store(row), Some(a.value))
            }
        })
    }

    /// What a clock-out's write records about its report, and the score when it is known.
    pub(super) async fn report_analysis(
        &self,
        t: &Tenant,
        employee: &Employee,
        report: &str,
    ) -> Result<(PunchAnalysis, Option<i64>), Error> {
        Ok(match self.route(t, employee).await? {
            Route::Job(job) => (job, None),
            Route::Nobody => (PunchAnalysis::Skip, None),
            Route::Local { tasks, weights } => {
                let a: Analyzed<ReportExtraction> = analysis::local_report(&tasks, report);
                // Our formula, not the analyzer, decides the score (as in the pipeline).
                let breakdown = score_report(&a.value, weights);
                let mut row = row(
                    &a,
                    serde_json::to_string(&a.value)?,
                    Some(breakdown.score),
                    Some(serde_json::to_string(&breakdown)?),
                );
                row.export = Some(Box::new(ExportFigures::report(&breakdown)));
                (PunchAnalysis::Store(row), Some(i64::from(breakdown.score)))
            }
        })
    }
}

/// The stored row of a built-in analysis (never a fallback: nothing failed; never
/// provisional: no external model is to replace it).
fn row<T>(
    a: &Analyzed<T>,
    result: String,
    score: Option<u8>,
    breakdown: Option<String>,
) -> AnalysisRow {
    AnalysisRow {
        analyzer: a.analyzer.to_owned(),
        model: a.model.clone(),
        prompt_version: a.prompt_version,
        fallback: false,
        // The built-in analyzer's answer is the configured one: final at once.
        provisional: false,
        result,
        score,
        breakdown,
        export: None,
    }
}
