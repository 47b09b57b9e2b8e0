//! `Analyzer::new` picks the backend from the configuration.

use std::collections::HashMap;

use analysis::{AnalysisError, Analyzer, AnalyzerConfig};

fn pick(pairs: &[(&str, &str)]) -> Result<Analyzer, AnalysisError> {
    let map: HashMap<&str, String> = pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    Analyzer::new(AnalyzerConfig::from_env_values(|k| map.get(k).cloned())?)
}

#[test]
fn chooses_claude_then_openai_then_local() {
    let a = pick(&[]).unwrap();
    assert_eq!((a.name(), a.is_external()), ("local", false));
    assert_eq!(
        Analyzer::new(AnalyzerConfig::local()).unwrap().name(),
        "local"
    );
    assert_eq!(Analyzer::local().name(), "local");

    let a = pick(&[
        ("OPENAI_BASE_URL", "http://localhost:11434"),
        ("OPENAI_MODEL", "llama3.1"),
    ])
    .unwrap();
    assert_eq!(
        (a.name(), a.is_external(), a.model()),
        ("openai", true, "llama3.1")
    );

    let a = pick(&[("ANTHROPIC_API_KEY", "sk-ant-x")]).unwrap();
    assert_eq!(
        (a.name(), a.is_external(), a.model()),
        ("claude", true, "claude-haiku-4-5")
    );

    let both = [
        ("ANTHROPIC_API_KEY", "sk-ant-x"),
        ("ANTHROPIC_MODEL", "claude-sonnet-4-5"),
        ("OPENAI_BASE_URL", "http://localhost:11434"),
        ("OPENAI_MODEL", "llama3.1"),
    ];
    let a = pick(&both).unwrap();
    assert_eq!((a.name(), a.model()), ("claude", "claude-sonnet-4-5"));
    // Cheap clone, same backend.
    assert_eq!(a.clone().name(), "claude");
}

#[test]
fn bad_config_is_an_error_not_a_panic() {
    assert!(matches!(
        pick(&[("OPENAI_BASE_URL", "http://x")]),
        Err(AnalysisError::Config(_))
    ));
    assert!(matches!(
        pick(&[("ANTHROPIC_API_KEY", "bad\nkey")]),
        Err(AnalysisError::Config(_))
    ));
    let cfg = AnalyzerConfig {
        openai_base_url: Some("http://x".into()),
        ..AnalyzerConfig::local()
    };
    assert!(
        matches!(Analyzer::new(cfg), Err(AnalysisError::Config(_))),
        "model missing"
    );
}

#[tokio::test]
async fn local_paths_are_marked_local() {
    let tasks = vec!["Fix login redirect loop".to_owned()];
    let s = analysis::local_standup(&tasks, "fix login redirect loop");
    let r = analysis::local_report(&tasks, "fixed the login redirect loop");
    let w = analysis::local_summary(&crate::support::figures());
    assert_eq!(
        (s.analyzer, r.analyzer, w.analyzer),
        ("local", "local", "local")
    );
    assert_eq!(s.model, local_analyzer::MODEL);
    assert!(w.value.contains("2025-03-03"));
    let via = Analyzer::local()
        .summarize_week(&crate::support::figures())
        .await
        .unwrap();
    assert_eq!(via, w);
}
