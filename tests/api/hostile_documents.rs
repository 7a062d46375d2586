//! Query documents written to hurt: nesting that would overflow a stack,
//! fragments that expand without end, fields and directives repeated by
//! the thousand. Each must get a coded refusal (or run at the cost of what
//! it really asks for), and the server must live on.

use serde_json::{Value, json};

use crate::helpers::{ServeProcess, TestApp, error_code, urlencode};

/// Documents nesting `n` levels deep in every place a value, a selection
/// or a type can nest.
fn deep_documents(n: usize) -> Vec<(&'static str, String)> {
    let lists = || format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let objects = || format!("{}1{}", "{a:".repeat(n), "}".repeat(n));
    vec![
        (
            "list argument",
            format!("{{ search(query: {}) {{ totalCount }} }}", lists()),
        ),
        (
            "object argument",
            format!("{{ search(query: {}) {{ totalCount }} }}", objects()),
        ),
        (
            "unknown field's argument",
            format!("{{ nothing(x: {}) }}", lists()),
        ),
        (
            "directive argument",
            format!("{{ __typename @include(if: {}) }}", objects()),
        ),
        (
            "variable default",
            format!(
                "query($v: String = {}) {{ search(query: $v) {{ totalCount }} }}",
                lists()
            ),
        ),
        (
            "variable type",
            format!(
                "query($v: {}String{}) {{ __typename }}",
                "[".repeat(n),
                "]".repeat(n)
            ),
        ),
        (
            "selection sets",
            format!("{}{}", "{ posts { nodes ".repeat(n / 2), "}".repeat(n)),
        ),
        (
            "inline fragments",
            format!(
                "{{ {} __typename {} }}",
                "... on Query { ".repeat(n),
                "}".repeat(n)
            ),
        ),
    ]
}

fn refused_as_invalid(res: &Value) -> bool {
    matches!(
        res["errors"][0]["extensions"]["code"].as_str(),
        Some("GRAPHQL_VALIDATION_FAILED" | "BAD_USER_INPUT")
    )
}

/// A separate process, so that a regression shows as a dead server rather
/// than as a dead test binary; in development and production mode.
#[tokio::test]
async fn nesting_past_the_limit_is_refused_over_post_and_get_and_the_server_lives() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
    for production in ["false", "true"] {
        // A query-text limit of 1 MiB lets the deepest documents through
        // to the nesting check.
        let server = ServeProcess::start_with(
            dir.path(),
            &url,
            &[
                ("KBQL_MAX_QUERY_BYTES", "1048576"),
                ("KBQL_PRODUCTION", production),
            ],
        );
        server.ready().await;
        let client = reqwest::Client::new();
        for n in [65, 500, 1_500, 5_000, 50_000] {
            for (place, document) in deep_documents(n) {
                let res = client
                    .post(format!("{}/graphql", server.address))
                    .json(&json!({ "query": document }))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("POST, {place}, {n} deep: {e}"));
                assert!(res.status().as_u16() < 500, "POST, {place}, {n} deep");
                let body: Value = res.json().await.unwrap();
                assert!(refused_as_invalid(&body), "POST, {place}, {n} deep: {body}");

                let get = format!("{}/graphql?query={}", server.address, urlencode(&document));
                // Past that, clients refuse to send the URL.
                if get.len() < 60_000 {
                    let res = client
                        .get(get)
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("GET, {place}, {n} deep: {e}"));
                    assert!(res.status().as_u16() < 500, "GET, {place}, {n} deep");
                    let body: Value = res.json().await.unwrap();
                    assert!(refused_as_invalid(&body), "GET, {place}, {n} deep: {body}");
                }
            }
        }
        let alive = server.gql("{ __typename }", json!({})).await;
        assert_eq!(
            alive["data"]["__typename"], "Query",
            "production: {production}"
        );
        server.stop();
    }
}

#[tokio::test]
async fn nesting_within_the_limit_still_runs() {
    let app = TestApp::spawn_sqlite().await;
    let inline = format!(
        "{{ {} __typename {} }}",
        "... on Query { ".repeat(20),
        "}".repeat(20)
    );
    let res = app.gql(&inline, json!({})).await;
    assert_eq!(res["data"]["__typename"], "Query", "{res}");
    let list = format!(
        "{{ search(query: {}\"x\"{}) {{ totalCount }} }}",
        "[".repeat(20),
        "]".repeat(20)
    );
    let res = app.gql(&list, json!({})).await;
    assert_eq!(
        error_code(&res),
        "GRAPHQL_VALIDATION_FAILED",
        "a type error: {res}"
    );
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("argument"),
        "{res}"
    );
}

#[tokio::test]
async fn deep_json_variables_are_refused_with_a_code() {
    let app = TestApp::spawn_sqlite().await;
    let query = "query($q: String!) { search(query: $q) { totalCount } }";
    for depth in [100, 127, 129, 10_000, 100_000] {
        let body = format!(
            r#"{{"query": {}, "variables": {{"q": {}"x"{}}}}}"#,
            serde_json::to_string(query).unwrap(),
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let res = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(res.status().as_u16() < 500, "{depth}");
        let body: Value = res.json().await.unwrap();
        assert!(refused_as_invalid(&body), "{depth}: {body}");
        let extensions = format!(
            r#"{{"query": "{{ __typename }}", "extensions": {{"x": {}1{}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let res = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body(extensions)
            .send()
            .await
            .unwrap();
        assert!(res.status().as_u16() < 500, "extensions {depth}");
    }
    let get = format!(
        "/graphql?query={}&variables={}",
        urlencode(query),
        urlencode(&format!(
            r#"{{"q": {}"x"{}}}"#,
            "[".repeat(5_000),
            "]".repeat(5_000)
        ))
    );
    let res = app.get(&get).await;
    assert!(res.status().as_u16() < 500);
    let body: Value = res.json().await.unwrap();
    assert!(refused_as_invalid(&body), "{body}");
}

#[tokio::test]
async fn fragments_that_expand_without_end_are_refused() {
    let app = TestApp::spawn_sqlite().await;
    // Each fragment spreads the next ten times: 10^20 fields once expanded.
    let mut bomb = String::from("{ ...F0 }");
    for i in 0..20 {
        bomb.push_str(&format!(
            " fragment F{i} on Query {{ {} }}",
            format!("...F{} ", i + 1).repeat(10)
        ));
    }
    bomb.push_str(" fragment F20 on Query { tags { name } }");
    let res = app.gql(&bomb, json!({})).await;
    assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("once its fragments are expanded"),
        "{res}"
    );
    // The same, in a fragment no operation spreads: validation walks it.
    let unused = bomb.replacen("{ ...F0 }", "{ __typename }", 1);
    let res = app.gql(&unused, json!({})).await;
    assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");

    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A tags { name } }";
    let res = app.gql(cycle, json!({})).await;
    assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
}

#[tokio::test]
async fn repeated_fields_and_fragment_spreads_execute_once() {
    let app = TestApp::spawn_sqlite().await;
    app.import_jsonl(&crate::helpers::numbered_posts(3, "density", "SMP"))
        .await;
    let repeated = format!("{{ {} }}", "tags { name } ".repeat(650));
    let res = app.gql(&repeated, json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");
    assert_eq!(res["data"]["tags"].as_array().unwrap().len(), 2, "{res}");
    let ran = app
        .fewest_statements(|| async {
            app.gql(&repeated, json!({})).await;
        })
        .await;
    assert!(ran <= 2, "650 copies of one field ran {ran} statements");

    // Thirty aliases in a fragment spread ten times: thirty executions.
    let aliases: String = (0..30).map(|i| format!("a{i}: tags {{ name }} ")).collect();
    let spreads = |n: usize| {
        format!(
            "{{ {} }} fragment F on Query {{ {aliases} }}",
            "...F ".repeat(n)
        )
    };
    let res = app.gql(&spreads(10), json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");
    let ran = app
        .fewest_statements(|| async {
            app.gql(&spreads(10), json!({})).await;
        })
        .await;
    assert!(ran <= 31, "30 aliases × 10 spreads ran {ran} statements");
    // Spread fifty times it is refused for what it would expand to
    // (3,000 fields), before anything runs.
    let ran = app
        .fewest_statements(|| async {
            let res = app.gql(&spreads(50), json!({})).await;
            assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
        })
        .await;
    assert_eq!(ran, 0, "a refused document ran {ran} statements");

    // The same fields under the same name through fragments and inline
    // fragments merge too, and the response shows them once.
    let merged = "{ posts(first: 2) { nodes { ...T title ... on Post { title tags { name } } } } }
                  fragment T on Post { title tags { slug } }";
    let res = app.gql(merged, json!({})).await;
    let node = &res["data"]["posts"]["nodes"][0];
    assert!(node["title"].is_string(), "{res}");
    assert!(
        node["tags"][0]["name"].is_string() && node["tags"][0]["slug"].is_string(),
        "{res}"
    );
}

#[tokio::test]
async fn aliases_are_counted_through_fragments() {
    let app = TestApp::spawn_sqlite().await;
    let ten: String = (0..10).map(|i| format!("a{i}: totalCount ")).collect();
    let three_times = format!(
        "{{ x: posts {{ ...F }} y: posts {{ ...F }} z: posts {{ ...F }} }} fragment F on PostConnection {{ {ten} }}"
    );
    let res = app.gql(&three_times, json!({})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("33 aliases"),
        "{res}"
    );
    let twice = three_times.replace(" z: posts { ...F }", "");
    let res = app.gql(&twice, json!({})).await;
    assert!(res.get("errors").is_none(), "22 aliases are allowed: {res}");
}

#[tokio::test]
async fn directives_are_limited_wherever_they_stand_and_errors_are_capped() {
    let app = TestApp::spawn_sqlite().await;
    let on_operation = format!("query {} {{ __typename }}", "@skip(if: false) ".repeat(800));
    let on_variable = format!("query($v: Int {}) {{ __typename }}", "@a ".repeat(100));
    let on_fragment = format!(
        "{{ ...F }} fragment F on Query {} {{ __typename }}",
        "@a ".repeat(100)
    );
    let on_spread = format!(
        "{{ ...F {} }} fragment F on Query {{ __typename }}",
        "@a ".repeat(100)
    );
    for document in [on_operation, on_variable, on_fragment, on_spread] {
        let res = app.gql(&document, json!({})).await;
        assert!(res.get("errors").is_some(), "{document}: {res}");
        assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
        let errors = res["errors"].as_array().unwrap();
        assert!(errors.len() <= 21, "{} errors", errors.len());
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .contains("directives"),
            "{res}"
        );
    }
    // Twenty directives in one query are fine.
    let twenty = format!(
        "{{ {} }}",
        (0..20)
            .map(|i| format!("a{i}: __typename @include(if: true)"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let res = app.gql(&twenty, json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");

    // A query failing in a thousand places says so in a few errors.
    let unknown: String = (0..1_000).map(|i| format!("f{i} ")).collect();
    let res = app.gql(&format!("{{ {unknown} }}"), json!({})).await;
    let errors = res["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 21, "{res}");
    assert!(
        errors[20]["message"]
            .as_str()
            .unwrap()
            .contains("980 more errors"),
        "{res}"
    );
    assert_eq!(
        errors[20]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[tokio::test]
async fn related_posts_draw_on_the_search_quota() {
    let app = TestApp::spawn_sqlite_with(crate::rate_limits::limited(0, 5)).await;
    app.import_jsonl(&crate::helpers::numbered_posts(10, "density", "SMP"))
        .await;
    let res = app
        .gql(
            "{ posts(first: 10) { nodes { relatedPosts(first: 2) { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&res), "RATE_LIMITED", "{res}");
}

/// A list argument of 200,000 entries once held 400 MB per request; every
/// list now has a maximum, checked before the list costs anything.
#[tokio::test]
async fn huge_list_arguments_are_refused_without_holding_memory() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
    let server = ServeProcess::start(dir.path(), &url);
    server.ready().await;
    let client = reqwest::Client::new();
    let search = "query($t: [String!]) { search(query: \"fade\", tags: $t) { totalCount } }";
    let send = |tags: Vec<String>| {
        let client = client.clone();
        let url = format!("{}/graphql", server.address);
        async move {
            client
                .post(url)
                .json(&json!({ "query": search, "variables": { "t": tags } }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let ok = send((0..20).map(|i| format!("tag {i}")).collect()).await;
    assert_eq!(ok["data"]["search"]["totalCount"], 0, "{ok}");
    let over = send((0..21).map(|i| format!("tag {i}")).collect()).await;
    assert_eq!(error_code(&over), "BAD_USER_INPUT", "{over}");

    let before = server.peak_rss_kib();
    for _ in 0..20 {
        let res = send(vec!["x".to_owned(); 200_000]).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    }
    let grown = server.peak_rss_kib().saturating_sub(before);
    assert!(grown < 100 * 1024, "peak RSS grew by {grown} KiB");
    assert!(server.alive());
}
