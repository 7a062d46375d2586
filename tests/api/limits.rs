//! The documented limits on a query's shape and cost, the per-request time
//! limit, and the production switch.

use kbql::config::ServeConfig;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, numbered_posts};

fn message(res: &Value) -> &str {
    res["errors"][0]["message"].as_str().unwrap_or("")
}

/// `posts { edges { node { relatedPosts { relatedPosts … { id } } } } }`
/// with `levels` nested relatedPosts: depth 4 + levels.
fn nested_related(levels: usize) -> String {
    let mut inner = "id".to_owned();
    for _ in 0..levels {
        inner = format!("relatedPosts(first: 1) {{ {inner} }}");
    }
    format!("{{ posts(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}")
}

#[tokio::test]
async fn queries_nested_too_deep_are_refused() {
    let app = TestApp::spawn_sqlite().await;
    let ok = app.gql(&nested_related(8), json!({})).await;
    assert!(ok.get("errors").is_none(), "depth 12 is allowed: {ok}");
    let deep = app.gql(&nested_related(9), json!({})).await;
    assert_eq!(error_code(&deep), "GRAPHQL_VALIDATION_FAILED", "{deep}");
    assert!(message(&deep).contains("too deep"), "{deep}");
}

#[tokio::test]
async fn queries_too_costly_are_refused() {
    let app = TestApp::spawn_sqlite().await;
    let fine = "{ posts(first: 100) { edges { node { id title tags { name } } } } }";
    assert!(app.gql(fine, json!({})).await.get("errors").is_none());
    let costly = "{ posts(first: 100) { edges { node { relatedPosts(first: 20) { relatedPosts(first: 20) { id } } } } } }";
    let res = app.gql(costly, json!({})).await;
    assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
    assert!(message(&res).contains("too complex"), "{res}");
}

#[tokio::test]
async fn too_many_aliases_or_directives_are_refused() {
    let app = TestApp::spawn_sqlite().await;
    let aliases = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: __typename")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    assert!(
        app.gql(&aliases(30), json!({}))
            .await
            .get("errors")
            .is_none()
    );
    let res = app.gql(&aliases(31), json!({})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    assert!(message(&res).contains("31 aliases"), "{res}");

    let directives = |n: usize| {
        let fields: Vec<String> = (0..n)
            .map(|i| format!("a{i}: __typename @include(if: true)"))
            .collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let res = app.gql(&directives(20), json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");
    let res = app.gql(&directives(21), json!({})).await;
    assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
    assert!(message(&res).contains("21 directives"), "{res}");
}

/// Parsed documents are kept by their text (`graphql/documents.rs`): a
/// repeat must still be checked, and still see its own variables.
#[tokio::test]
async fn a_repeated_document_is_checked_and_run_afresh() {
    let app = TestApp::spawn_sqlite().await;
    for _ in 0..3 {
        let deep = app.gql(&nested_related(9), json!({})).await;
        assert_eq!(error_code(&deep), "GRAPHQL_VALIDATION_FAILED", "{deep}");
        let costly = "{ posts(first: 100) { edges { node { relatedPosts(first: 20) { relatedPosts(first: 20) { id } } } } } }";
        let res = app.gql(costly, json!({})).await;
        assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
    }
    app.import_jsonl(concat!(
        r#"{"slug":"sun","title":"Does sunlight fade the pigment?","answer":"Use a hat in strong sun."}"#,
        "\n",
        r#"{"slug":"scar","title":"Can a scar be covered?","answer":"Most scars take pigment well."}"#,
    ))
    .await;
    let titles =
        "query($q: String!) { search(query: $q, first: 1) { edges { node { post { title } } } } }";
    let first = |res: &Value| res["data"]["search"]["edges"][0]["node"]["post"]["title"].clone();
    let sun = app.gql(titles, json!({"q": "sun"})).await;
    let scar = app.gql(titles, json!({"q": "scar"})).await;
    assert!(
        first(&sun).is_string() && first(&scar).is_string(),
        "{sun} {scar}"
    );
    assert_ne!(first(&sun), first(&scar));
    assert_eq!(
        first(&app.gql(titles, json!({"q": "sun"})).await),
        first(&sun)
    );
    let missing = app.gql(titles, json!({})).await;
    assert_eq!(
        error_code(&missing),
        "GRAPHQL_VALIDATION_FAILED",
        "{missing}"
    );
}

#[tokio::test]
async fn a_request_past_the_time_limit_gets_a_timeout_error() {
    // tokio's timer ticks every millisecond, so the request must take
    // several: a hundred related-posts searches do.
    let app = TestApp::spawn_sqlite_with(ServeConfig {
        request_timeout_ms: 0,
        ..TestApp::config()
    })
    .await;
    app.import_jsonl(&numbered_posts(100, "density", "SMP"))
        .await;
    let slow =
        "{ posts(first: 100) { edges { node { title relatedPosts(first: 5) { title } } } } }";
    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": slow }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), "TIMEOUT");
}

#[tokio::test]
async fn introspection_and_graphiql_are_on_for_development() {
    let app = TestApp::spawn_sqlite().await;
    let res = app
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(res["data"]["__schema"]["queryType"]["name"], "Query");
    let page = app.get("/graphql").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("graphiql"));
    let typo = app.gql("{ posts { totalCont } }", json!({})).await;
    assert!(message(&typo).contains("Did you mean"), "{typo}");
}

#[tokio::test]
async fn production_mode_hides_the_schema() {
    let app = TestApp::spawn_sqlite_with(ServeConfig {
        production: true,
        ..TestApp::config()
    })
    .await;
    // Introspection answers as if the schema had nothing to show.
    let res = app
        .gql(
            "{ __schema { queryType { name } } __type(name: \"Post\") { name } }",
            json!({}),
        )
        .await;
    assert!(res["data"]["__schema"].is_null(), "{res}");
    assert!(res["data"]["__type"].is_null(), "{res}");
    let typo = app.gql("{ posts { totalCont } }", json!({})).await;
    assert_eq!(error_code(&typo), "GRAPHQL_VALIDATION_FAILED");
    assert!(!message(&typo).contains("Did you mean"), "{typo}");
    let page = app.get("/graphql").await;
    assert_eq!(page.status(), 400, "no GraphiQL page");
    // The API itself still works.
    let ok = app.gql("{ posts { totalCount } }", json!({})).await;
    assert_eq!(ok["data"]["posts"]["totalCount"], 0);
}

/// What GraphiQL (and graphql-js's `getIntrospectionQuery`) sends when the
/// playground opens: it must fit every limit.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
"#;

#[tokio::test]
async fn the_playground_s_introspection_query_fits_the_limits() {
    let app = TestApp::spawn_sqlite().await;
    let res = app.gql(INTROSPECTION, json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");
    let types = res["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "Post"), "{res}");
}
