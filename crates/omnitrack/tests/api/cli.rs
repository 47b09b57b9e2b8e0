//! The binary's one-shot commands, run as a user would.

use std::process::Command;

fn dev_set() -> String {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/eval/dev.jsonl"
    );
    assert!(
        std::path::Path::new(p).exists(),
        "the labelled dev set is missing at {p}"
    );
    p.to_string()
}

#[test]
fn eval_prints_exactly_one_json_object_with_the_metrics() {
    let out = Command::new(env!("CARGO_BIN_EXE_omnitrack"))
        .args(["eval", &dev_set(), "--json"])
        .env("OMNITRACK_LOG", "error")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.trim().lines().count(), 1, "one line: {stdout}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["standup"]["n"], 131);
    assert_eq!(v["report"]["n"], 128);
    assert!(v["standup"]["f1"].as_f64().unwrap() >= 0.92, "{v}");
    assert!(v["report"]["macro_f1"].as_f64().unwrap() >= 0.85, "{v}");
    for k in ["precision", "recall", "f1"] {
        assert!(v["standup"][k].is_f64());
    }
    assert!(v["report"]["accuracy"].is_f64());
}

#[test]
fn eval_explains_bad_input() {
    let out = Command::new(env!("CARGO_BIN_EXE_omnitrack"))
        .args(["eval", "/no/such/file.jsonl"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = Command::new(env!("CARGO_BIN_EXE_omnitrack"))
        .args(["eval", &dev_set(), "--analyzer", "claude"])
        .env_remove("ANTHROPIC_API_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ANTHROPIC_API_KEY"));
}
