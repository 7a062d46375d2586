//! The committed schema, health and the playground.

use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(
    health_reports_the_database,
    graphiql_is_served_on_get,
    internal_failures_do_not_leak
);

#[test]
fn schema_graphql_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kbql"))
        .arg("schema")
        .output()
        .expect("run kbql");
    assert!(output.status.success());
    let current = String::from_utf8(output.stdout).unwrap();
    assert!(
        committed == current,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql`"
    );
}

async fn health_reports_the_database(app: TestApp) {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    app.store.connection().clone().close().await.unwrap();
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
}

async fn graphiql_is_served_on_get(app: TestApp) {
    let res = app.get("/graphql").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("graphiql")
    );
}

async fn internal_failures_do_not_leak(app: TestApp) {
    // With the database gone every query fails inside the store.
    app.store.connection().clone().close().await.unwrap();
    let res = app.gql("{ posts { totalCount } }", json!({})).await;
    let error = &res["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "INTERNAL_SERVER_ERROR",
        "{res}"
    );
    assert!(error["extensions"]["correlationId"].is_string());
    let text = res.to_string().to_lowercase();
    for leak in ["sqlx", "sqlite", "postgres", "pool", "/tmp", "connection"] {
        assert!(!text.contains(leak), "{leak} leaked: {res}");
    }
}
