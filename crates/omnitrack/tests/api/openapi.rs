//! The OpenAPI document is generated from the handlers; `docs/openapi.json` is its
//! reviewed snapshot. Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p omnitrack openapi`.

#[test]
fn openapi_document_matches_snapshot() {
    let generated = web::api::openapi_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let snapshot = std::fs::read_to_string(path).unwrap_or_default();
    assert!(generated.contains("\"openapi\": \"3.1.0\""));
    assert!(generated.contains("/api/v1/signup") && generated.contains("/api/v1/me"));
    assert_eq!(
        generated, snapshot,
        "OpenAPI changed: review it and rerun with UPDATE_SNAPSHOTS=1"
    );
}

#[tokio::test]
async fn served_document_is_the_generated_one() {
    let app = crate::helpers::spawn_app(store::StoreKind::Sqlite)
        .await
        .unwrap();
    let served: serde_json::Value = app
        .api
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let generated: serde_json::Value = serde_json::from_str(&web::api::openapi_json()).unwrap();
    assert_eq!(served, generated);
}
