//! A punch's one write: the shift with its built-in analysis (no job) or its job, and the
//! kiosk's burst-counter hit — which counts even when the punch itself is refused.

use crate::clock::{company, employee};
use crate::{both, now};
use jiff::civil::date;
use jiff::SignedDuration;
use store::{AnalysisRow, JobKind, PrincipalKind, PunchAnalysis, Store, StoreError};

both!(
    a_punch_stores_its_analysis_in_its_own_write,
    a_refused_punch_still_counts_its_burst_hit,
);

fn row(result: &str, score: Option<u8>) -> AnalysisRow {
    AnalysisRow {
        analyzer: "local".into(),
        model: "rules-1".into(),
        prompt_version: 0,
        fallback: false,
        provisional: false,
        result: result.into(),
        score,
        breakdown: score.map(|s| format!("{{\"score\":{s}}}")),
        export: None,
    }
}

async fn a_punch_stores_its_analysis_in_its_own_write(s: Store) {
    let a = company(&s, "a@a.test").await;
    let t = &a.tenant;
    let e = employee(&s, &a, "E-001").await;
    let t0 = now();
    let standup = r#"{"tasks":[{"title":"Payroll","mentioned":true}],"unplanned":[]}"#;
    let (shift, job) = s
        .punch_in(
            t,
            e.id,
            "payroll",
            date(2026, 5, 1),
            t0,
            PunchAnalysis::Store(row(standup, None)),
            None,
        )
        .await
        .unwrap();
    assert!(job.is_none(), "no job for a result stored with the punch");
    let saved = s
        .analysis(t, shift.id, JobKind::Standup)
        .await
        .unwrap()
        .expect("the standup check is stored with the punch");
    assert_eq!(
        (
            saved.result.as_str(),
            saved.analyzer.as_str(),
            saved.created_at
        ),
        (standup, "local", t0)
    );
    assert!(
        !saved.provisional,
        "a result stored with the punch is final"
    );
    assert_eq!(s.pending_jobs().await.unwrap(), 0);

    // Out while on a break: the break ends with the shift, and the answer counts it.
    let on_break = t0 + SignedDuration::from_hours(7);
    s.start_break(t, e.id, on_break).await.unwrap();
    let t1 = t0 + SignedDuration::from_hours(8);
    let (out, job) = s
        .punch_out(
            t,
            e.id,
            "done",
            t1,
            PunchAnalysis::Store(row(r#"{"tasks":[],"unplanned":[]}"#, Some(87))),
            None,
        )
        .await
        .unwrap();
    assert!(job.is_none());
    assert_eq!(
        (out.id, out.clock_out_at, out.report.as_deref()),
        (shift.id, Some(t1), Some("done"))
    );
    assert_eq!((out.break_ms, out.on_break), (3_600_000, false));
    assert_eq!(out, s.shift(t, shift.id, t1).await.unwrap(), "as a re-read");
    let report = s
        .analysis(t, shift.id, JobKind::Report)
        .await
        .unwrap()
        .expect("the report's analysis is stored with the punch");
    assert_eq!(
        (report.score, report.effective_score()),
        (Some(87), Some(87))
    );
    assert!(
        !report.provisional,
        "a result stored with the punch is final"
    );
    assert_eq!(s.pending_jobs().await.unwrap(), 0);

    // Nothing to analyse: neither a job nor a result.
    let (shift, job) = s
        .punch_in(
            t,
            e.id,
            "s",
            date(2026, 5, 2),
            t1,
            PunchAnalysis::Skip,
            None,
        )
        .await
        .unwrap();
    assert!(job.is_none());
    let (out, job) = s
        .punch_out(
            t,
            e.id,
            "r",
            t1 + SignedDuration::from_hours(1),
            PunchAnalysis::Skip,
            None,
        )
        .await
        .unwrap();
    assert!(job.is_none());
    assert_eq!((out.break_ms, out.on_break), (0, false));
    for kind in [JobKind::Standup, JobKind::Report] {
        assert!(s.analysis(t, shift.id, kind).await.unwrap().is_none());
    }
    assert_eq!(s.pending_jobs().await.unwrap(), 0);

    // A queued job and a refused punch leave no result behind.
    s.punch_in(
        t,
        e.id,
        "s",
        date(2026, 5, 3),
        t1,
        PunchAnalysis::Queue,
        None,
    )
    .await
    .unwrap();
    let refused = s
        .punch_in(
            t,
            e.id,
            "again",
            date(2026, 5, 3),
            t1,
            PunchAnalysis::Store(row("{}", None)),
            None,
        )
        .await;
    assert!(matches!(refused, Err(StoreError::Conflict("open shift"))));
    assert_eq!(s.pending_jobs().await.unwrap(), 1);
}

async fn a_refused_punch_still_counts_its_burst_hit(s: Store) {
    let a = company(&s, "a@a.test").await;
    let t = &a.tenant;
    let kiosk = match s.create_kiosk(t, "Door", now()).await.unwrap().kind {
        PrincipalKind::Kiosk { kiosk_id } => kiosk_id,
        other => panic!("not a kiosk: {other:?}"),
    };
    let (e1, e2) = (
        employee(&s, &a, "E-001").await,
        employee(&s, &a, "E-002").await,
    );
    let window = SignedDuration::from_secs(10);
    let t0 = now();
    let hit = |at| s.burst_hit(t, kiosk, window, 3, || "burst!".into(), at);
    let burst_alerts = || async {
        s.kiosk_alerts(t, t0 + window, SignedDuration::from_mins(5))
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == "burst")
            .count()
    };
    let day = date(2026, 5, 1);
    // 1: a punch; 2: a refused clock-in (already in); 3: a refused clock-out (not in).
    s.punch_in(t, e1.id, "s", day, t0, PunchAnalysis::Skip, hit(t0))
        .await
        .unwrap();
    assert_eq!(burst_alerts().await, 0);
    let again = s
        .punch_in(t, e1.id, "s", day, t0, PunchAnalysis::Skip, hit(t0))
        .await;
    assert!(matches!(again, Err(StoreError::Conflict("open shift"))));
    assert_eq!(burst_alerts().await, 0);
    let not_in = s
        .punch_out(t, e2.id, "r", t0, PunchAnalysis::Skip, hit(t0))
        .await;
    assert!(matches!(not_in, Err(StoreError::NotFound)));
    assert_eq!(
        burst_alerts().await,
        1,
        "the third hit in the window alerts"
    );
    assert!(
        hit(t0).is_none(),
        "a full window needs no more counting on this instance"
    );
    // The next window counts from one again.
    let later = t0 + window;
    let next = hit(later).expect("a new window");
    s.count_burst(Some(next)).await.unwrap();
    assert!(hit(later).is_some());
    assert_eq!(burst_alerts().await, 1);
}
