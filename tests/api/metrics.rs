//! `/metrics`: what a Prometheus scrape reads, after real traffic.

use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(requests_searches_and_the_index_are_measured);

/// The value of the sample `series` (name and labels, exactly as written).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

async fn requests_searches_and_the_index_are_measured(app: TestApp) {
    app.import_jsonl(include_str!("../fixtures/search_posts.jsonl"))
        .await;
    for _ in 0..3 {
        let res = app
            .gql(
                "query HairLoss { posts(first: 2) { totalCount } }",
                json!({}),
            )
            .await;
        assert!(res["errors"].is_null(), "{res}");
    }
    app.gql("{ tags { name } }", json!({})).await;
    app.gql(
        "query Search($q: String!) { search(query: $q) { totalCount } }",
        json!({ "q": "touch-up cost" }),
    )
    .await;
    app.gql("query Broken { posts(first: 2) { nope } }", json!({}))
        .await;
    // Refused before it ran: a form post without a preflight header.
    let refused = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);

    let scrape = app.get("/metrics").await;
    assert_eq!(scrape.status(), 200);
    assert!(
        scrape.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
    );
    let text = scrape.text().await.unwrap();
    assert!(text.trim_end().ends_with("# EOF"), "{text}");
    let has = |series: &str| sample(&text, series).unwrap_or_else(|| panic!("{series} in {text}"));

    assert_eq!(
        has(r#"kbql_graphql_requests_total{operation="HairLoss",status="200"}"#),
        3.0
    );
    assert_eq!(
        has(r#"kbql_graphql_request_duration_seconds_count{operation="HairLoss"}"#),
        3.0
    );
    assert!(has(r#"kbql_graphql_request_duration_seconds_sum{operation="HairLoss"}"#) > 0.0);
    assert_eq!(
        has(r#"kbql_graphql_requests_total{operation="(anonymous)",status="200"}"#),
        1.0
    );
    assert_eq!(
        has(r#"kbql_graphql_requests_total{operation="(refused)",status="400"}"#),
        1.0
    );
    assert_eq!(
        has(r#"kbql_graphql_errors_total{code="CSRF_REFUSED"}"#),
        1.0
    );
    assert_eq!(
        has(r#"kbql_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}"#),
        1.0
    );
    assert_eq!(
        has(r#"kbql_search_duration_seconds_count{source="search",cached="false"}"#),
        1.0
    );

    // Caught up: no lag, in sequences or seconds.
    let head = app.store.outbox_head().await.unwrap() as f64;
    assert!(head > 0.0);
    assert_eq!(has("kbql_outbox_head"), head);
    assert_eq!(has("kbql_index_watermark"), head);
    assert_eq!(has("kbql_index_lag_sequences"), 0.0);
    assert_eq!(has("kbql_index_lag_seconds"), 0.0);
    assert!(has("kbql_db_pool_max_connections") >= 1.0);
    let open = has(r#"kbql_db_pool_connections{state="busy"}"#)
        + has(r#"kbql_db_pool_connections{state="idle"}"#);
    assert!(open >= 1.0, "{text}");
    // A scrape's own reads are not counted: the tests that count a
    // request's statements read this counter around it.
    assert!(has("kbql_sql_statements_total") > 0.0);
    assert!(has("kbql_http_connections") >= 1.0);
    assert_eq!(has("kbql_live_connections"), 0.0);
}
