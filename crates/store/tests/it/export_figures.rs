//! The export's plain columns (migration 0015) against the Rust derivation from the
//! analyses' JSON: for rows stored before the migration (its backfill), and for punches
//! that store their analysis with or without its figures (the trigger derives them when the
//! punch brings none).

use crate::now;
use domain::{Email, EmployeeId, ShiftId};
use store::seed::{SeedAnalysis, SeedEmployee, SeedShift};
use store::{AnalysisRow, ExportFigures, JobKind, NewCompany, PunchAnalysis, ShiftFilter, Store};

mod backfill {
    use store::StoreKind;

    #[tokio::test]
    async fn sqlite() {
        if let Some((s, _db)) = store::testing::fresh_through(StoreKind::Sqlite, 14).await {
            super::backfill(s).await
        }
    }

    #[tokio::test]
    async fn postgres() {
        if let Some((s, _db)) = store::testing::fresh_through(StoreKind::Postgres, 14).await {
            super::backfill(s).await
        }
    }
}

crate::both!(punches_store_the_figures_of_their_analysis);

const BREAKDOWN: &str = r#"{"score":61,"formula_version":1,"tasks_total":3,"done":1,"progress":1,"blocked":0,"none":1,"unplanned":2,"task_component":0.6666666666666666,"unplanned_component":0.3,"weights":{"tasks":0.85,"unplanned":0.15,"blocked_credit":0.25},"reasons":["1 of 3 done; 1 in progress","caf\u00e9"]}"#;
const MISSED: &str = r#"{"tasks":[{"task":"Fix \"it\"","mentioned":false,"evidence":null},{"task":"Ship","mentioned":true,"evidence":"ship"},{"task":"Test; twice","mentioned":false,"evidence":null}]}"#;
const NONE_MISSED: &str = r#"{"tasks":[{"task":"Ship","mentioned":true,"evidence":"ship"}]}"#;

async fn company(s: &Store) -> (store::Tenant, EmployeeId) {
    let owner = s
        .create_company(
            NewCompany {
                name: "Acme",
                timezone: "UTC",
                owner_email: &Email::parse("a@a.test").unwrap(),
                owner_password_hash: "h",
            },
            now(),
        )
        .await
        .unwrap();
    let t = &owner.tenant;
    let ann = EmployeeId::new();
    s.seed_employees(
        t,
        &[SeedEmployee {
            id: ann,
            name: "Ann".into(),
            id_code: "A-1".into(),
            created_at: now(),
        }],
    )
    .await
    .unwrap();
    (*t, ann)
}

async fn backfill(s: Store) {
    let (t, ann) = company(&s).await;
    let t = &t;
    // (standup result, breakdown) per shift.
    let cases: [(Option<&str>, Option<&str>); 5] = [
        (Some(MISSED), Some(BREAKDOWN)),
        (Some(NONE_MISSED), None),
        (Some("not json"), Some("{not json")),
        (None, Some(BREAKDOWN)),
        (None, None),
    ];
    let mut shifts = Vec::new();
    let mut analyses = Vec::new();
    for (i, (standup, breakdown)) in cases.iter().enumerate() {
        let id = ShiftId::new();
        let at = now() + jiff::SignedDuration::from_hours(24 * i as i64);
        shifts.push(SeedShift {
            id,
            employee_id: ann,
            workday: "2026-09-21".into(),
            clock_in_at: at,
            clock_out_at: Some(at + jiff::SignedDuration::from_hours(8)),
            standup: "plan".into(),
            report: Some("done".into()),
            auto_closed: false,
            end_confirmed: true,
            locked: false,
            breaks: vec![],
        });
        let analysis = |kind, result: &str, breakdown: Option<&str>| SeedAnalysis {
            shift: id,
            kind,
            analyzer: "local".into(),
            model: "m".into(),
            result: result.into(),
            score: breakdown.map(|_| 61),
            breakdown: breakdown.map(str::to_owned),
            created_at: at,
        };
        if let Some(r) = standup {
            analyses.push(analysis(JobKind::Standup, r, None));
        }
        if breakdown.is_some() {
            analyses.push(analysis(JobKind::Report, r#"{"tasks":[]}"#, *breakdown));
        }
    }
    s.seed_shifts(t, &shifts).await.unwrap();
    s.seed_analyses(t, &analyses).await.unwrap();

    s.migrate().await.unwrap();

    let reference = s
        .export_shifts(t, ShiftFilter::default(), None, 100, now())
        .await
        .unwrap();
    assert_eq!(reference.len(), cases.len());
    let expected: Vec<ExportFigures> = cases
        .iter()
        .map(|(standup, breakdown)| ExportFigures::from_json(*standup, *breakdown))
        .collect();
    assert_eq!(
        expected[0].missed.as_deref(),
        Some(r#"Fix "it"; Test; twice"#)
    );
    assert_eq!(
        expected[0].reasons.as_deref(),
        Some("1 of 3 done; 1 in progress; café")
    );
    assert!(expected[2] == ExportFigures::default() && expected[4] == ExportFigures::default());
    let derived: Vec<ExportFigures> = reference.into_iter().map(|r| r.export).collect();
    assert_eq!(derived, expected);
    let stored = fast_rows(&s, t).await;
    assert_eq!(stored, expected);
}

/// The export columns as the engine's fast reader hands them out.
async fn fast_rows(s: &Store, t: &store::Tenant) -> Vec<ExportFigures> {
    let mut page = store::sqlite::export_reader::ExportPage::default();
    if let Some(source) = s.export_source(t, ShiftFilter::default()) {
        page = tokio::task::spawn_blocking(move || {
            source.open()?.fill(None, 100, now(), &mut page)?;
            Ok::<_, store::StoreError>(page)
        })
        .await
        .unwrap()
        .unwrap();
    } else {
        let mut reader = s
            .pg_export_reader(t, ShiftFilter::default())
            .await
            .unwrap()
            .unwrap();
        reader.fill(None, 100, now(), &mut page).await.unwrap();
    }
    let rows = page.rows().unwrap();
    rows.map(|r| ExportFigures {
        missed: r.standup_missed.map(str::to_owned),
        breakdown: r.figures,
        reasons: r.reasons.map(str::to_owned),
    })
    .collect()
}

fn row(result: &str, breakdown: Option<&str>, export: Option<Box<ExportFigures>>) -> AnalysisRow {
    AnalysisRow {
        analyzer: "local".into(),
        model: "m".into(),
        prompt_version: 1,
        fallback: false,
        provisional: false,
        result: result.into(),
        score: breakdown.map(|_| 61),
        breakdown: breakdown.map(str::to_owned),
        export,
    }
}

async fn punches_store_the_figures_of_their_analysis(s: Store) {
    let (t, ann) = company(&s).await;
    let t = &t;
    let hour = jiff::SignedDuration::from_hours(1);
    let day = jiff::civil::date(2026, 9, 21);
    let expected = [
        ExportFigures::from_json(Some(MISSED), Some(BREAKDOWN)),
        ExportFigures::from_json(Some(NONE_MISSED), Some(BREAKDOWN)),
    ];
    // First day: the punches bring no figures (the trigger derives them); second day: they
    // bring them (written with the punch, the trigger skips).
    for (i, (standup, given)) in [(MISSED, false), (NONE_MISSED, true)]
        .into_iter()
        .enumerate()
    {
        let at = now() + hour * (24 * i as i32);
        let figures = |json: Option<&str>, b: Option<&str>| {
            given.then(|| Box::new(ExportFigures::from_json(json, b)))
        };
        let check = row(standup, None, figures(Some(standup), None));
        s.punch_in(t, ann, "plan", day, at, PunchAnalysis::Store(check), None)
            .await
            .unwrap();
        let report = row(
            r#"{"tasks":[]}"#,
            Some(BREAKDOWN),
            figures(None, Some(BREAKDOWN)),
        );
        s.punch_out(
            t,
            ann,
            "done",
            at + hour * 8,
            PunchAnalysis::Store(report),
            None,
        )
        .await
        .unwrap();
    }
    assert!(expected[0].missed.is_some() && expected[1].missed.is_none());
    assert_eq!(fast_rows(&s, t).await, expected);
}
