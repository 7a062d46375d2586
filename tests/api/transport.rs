//! What may reach the schema over HTTP: CSRF rules for GET and for bodies
//! a browser sends without a preflight, the body size limit, batches,
//! CORS, and malformed requests. These are transport rules, the same on
//! every database, so they run on SQLite only.

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, urlencode};

const ASK: &str = r#"mutation { askQuestion(input: {question: "Does the pigment fade in chlorinated pools?"}) { question { id } } }"#;

async fn pending(app: &TestApp) -> u64 {
    app.store.count_pending().await.unwrap()
}

async fn post_raw(
    app: &TestApp,
    headers: &[(&'static str, &str)],
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    app.client
        .post(format!("{}/graphql", app.address))
        .headers(map)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn json_of(res: reqwest::Response) -> Value {
    res.json().await.expect("a GraphQL-shaped JSON body")
}

#[tokio::test]
async fn get_reads_but_never_writes() {
    let app = TestApp::spawn_sqlite().await;
    let read = app.get("/graphql?query=%7B__typename%7D").await;
    assert_eq!(read.status(), 200);
    assert_eq!(json_of(read).await["data"]["__typename"], "Query");

    let url = format!("/graphql?query={}", urlencode(ASK));
    let write = app.get(&url).await;
    assert_eq!(write.status(), 405);
    assert_eq!(write.headers()["allow"], "POST");
    assert_eq!(error_code(&json_of(write).await), "METHOD_NOT_ALLOWED");
    assert_eq!(pending(&app).await, 0, "nothing stored");
}

#[tokio::test]
async fn bodies_a_browser_sends_without_preflight_need_a_vouching_header() {
    let app = TestApp::spawn_sqlite().await;
    let body = json!({ "query": ASK }).to_string();
    for content_type in [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let res = post_raw(&app, &[("content-type", content_type)], body.clone()).await;
        assert_eq!(res.status(), 400, "{content_type}");
        assert_eq!(error_code(&json_of(res).await), "CSRF_REFUSED");
    }
    let bare = post_raw(&app, &[], body.clone()).await;
    assert_eq!(bare.status(), 400, "no content type at all");
    assert_eq!(pending(&app).await, 0, "none of them stored anything");

    let vouched = post_raw(
        &app,
        &[
            ("content-type", "text/plain"),
            ("apollo-require-preflight", "true"),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(vouched.status(), 200);
    assert!(json_of(vouched).await["data"]["askQuestion"]["question"]["id"].is_string());

    let xml = post_raw(&app, &[("content-type", "application/xml")], body).await;
    assert_eq!(xml.status(), 415);
    assert_eq!(error_code(&json_of(xml).await), "UNSUPPORTED_MEDIA_TYPE");
    assert_eq!(pending(&app).await, 1);
}

#[tokio::test]
async fn oversized_bodies_and_queries_get_413() {
    let app = TestApp::spawn_sqlite().await;
    let big = json!({
        "query": "query($q: String!) { search(query: $q) { totalCount } }",
        "variables": { "q": "a".repeat(1 << 20) },
    })
    .to_string();
    let res = post_raw(&app, &[("content-type", "application/json")], big).await;
    assert_eq!(res.status(), 413);
    assert_eq!(error_code(&json_of(res).await), "PAYLOAD_TOO_LARGE");

    // A body without a declared length is cut off at the limit too.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..40).map(|_| Ok(vec![b' '; 32 * 1024])).collect();
    let streamed = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let res = post_raw(&app, &[("content-type", "application/json")], streamed).await;
    assert_eq!(res.status(), 413);

    let long_query = format!("{{ {} __typename }}", "__typename ".repeat(2_000));
    let res = post_raw(
        &app,
        &[("content-type", "application/json")],
        json!({ "query": long_query }).to_string(),
    )
    .await;
    assert_eq!(res.status(), 413);
    let body = json_of(res).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("16384"),
        "{body}"
    );
}

#[tokio::test]
async fn batches_are_refused_unless_configured() {
    let app = TestApp::spawn_sqlite().await;
    let batch = json!([{ "query": "{ __typename }" }, { "query": ASK }]).to_string();
    let res = post_raw(&app, &[("content-type", "application/json")], batch.clone()).await;
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(&json_of(res).await), "BAD_USER_INPUT");
    assert_eq!(pending(&app).await, 0);

    let app = TestApp::spawn_sqlite_with(kbql::config::ServeConfig {
        max_batch: 2,
        ..TestApp::config()
    })
    .await;
    let res = post_raw(&app, &[("content-type", "application/json")], batch).await;
    assert_eq!(res.status(), 200);
    let answers = json_of(res).await;
    assert_eq!(answers[0]["data"]["__typename"], "Query");
    assert!(answers[1]["data"]["askQuestion"]["question"]["id"].is_string());
    let one = json!([{ "query": "{ __typename }" }]).to_string();
    let res = post_raw(&app, &[("content-type", "application/json")], one).await;
    assert_eq!(
        json_of(res).await[0]["data"]["__typename"],
        "Query",
        "an array back"
    );
    let three = json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }, { "query": "{ __typename }" }]);
    let res = post_raw(
        &app,
        &[("content-type", "application/json")],
        three.to_string(),
    )
    .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn malformed_requests_get_a_clear_coded_error() {
    let app = TestApp::spawn_sqlite().await;
    for body in ["{not json", "[]", "42", r#"{"query": 7}"#] {
        let res = post_raw(&app, &[("content-type", "application/json")], body).await;
        assert_eq!(res.status(), 400, "{body}");
        assert_eq!(error_code(&json_of(res).await), "BAD_USER_INPUT", "{body}");
    }
    // Syntax and validation errors come from the GraphQL engine; they get a
    // code all the same.
    for query in [
        "{ posts {",
        "{ noSuchField }",
        r#"{ posts(first: "ten") { totalCount } }"#,
    ] {
        let res = app.gql(query, json!({})).await;
        assert_eq!(
            error_code(&res),
            "GRAPHQL_VALIDATION_FAILED",
            "{query}: {res}"
        );
    }
}

#[tokio::test]
async fn cors_admits_only_the_configured_origins() {
    async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
            .await
            .unwrap()
    }
    let closed = TestApp::spawn_sqlite().await;
    let res = preflight(&closed, "https://widget.example").await;
    assert!(res.headers().get("access-control-allow-origin").is_none());

    let app = TestApp::spawn_sqlite_with(kbql::config::ServeConfig {
        cors_origins: vec!["https://widget.example".into()],
        ..TestApp::config()
    })
    .await;
    let res = preflight(&app, "https://widget.example").await;
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://widget.example"
    );
    let res = preflight(&app, "https://elsewhere.example").await;
    assert!(res.headers().get("access-control-allow-origin").is_none());

    let res = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("origin", "https://widget.example")
        .header(CONTENT_TYPE, "application/json")
        .body(json!({"query": "{ __typename }"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://widget.example"
    );
}

#[tokio::test]
async fn every_error_carries_a_code_and_nothing_internal() {
    let app = TestApp::spawn_sqlite().await;
    let hostile = [
        r#"{ post(id: "'; DROP TABLE post; --") { id } }"#,
        r#"{ post(id: "UG9zdDotMQ") { id } }"#,
        r#"{ post(slug: "\u0000\u0001../../etc/passwd") { id } }"#,
        "{ posts(first: 2147483648) { totalCount } }",
        "{ posts(first: -1) { totalCount } }",
        r#"{ posts(after: "bm90IGEgY3Vyc29y") { totalCount } }"#,
        r#"{ search(query: "x", after: "%%%") { totalCount } }"#,
        r#"{ search(query: "((((((((((((((((((((((((((((((") { totalCount } }"#,
        r#"mutation { askQuestion(input: {question: ""}) { userErrors { code } } }"#,
        r#"mutation { answerQuestion(input: {id: "x", answer: "y"}) { post { id } } }"#,
        "query($n: Int!) { posts(first: $n) { totalCount } }",
    ];
    for query in hostile {
        let res = app.gql(query, json!({"n": "ten"})).await;
        let Some(errors) = res["errors"].as_array() else {
            // Refusals that are data (userErrors) are fine too.
            continue;
        };
        for error in errors {
            assert!(error["extensions"]["code"].is_string(), "{query}: {res}");
            let text = error["message"].as_str().unwrap().to_lowercase();
            for leak in [
                "sqlite",
                "select ",
                "constraint",
                "/tmp",
                "panicked",
                ".rs:",
            ] {
                assert!(!text.contains(leak), "{query} leaked {leak}: {res}");
            }
        }
    }
}

/// A refusal of the whole request points at no place in the query: no
/// `locations` at all, rather than line 0, column 0.
#[tokio::test]
async fn refusals_of_a_whole_request_carry_no_locations() {
    let app = TestApp::spawn_sqlite().await;
    let too_long =
        json!({ "query": format!("{{ __typename }} #{}", "x".repeat(20_000)) }).to_string();
    let refusals = [
        post_raw(&app, &[("content-type", "text/plain")], "{}").await,
        post_raw(&app, &[("content-type", "application/json")], "not json").await,
        post_raw(&app, &[("content-type", "application/json")], too_long).await,
        app.get(&format!("/graphql?query={}", urlencode(ASK))).await,
        app.get("/graphql?query=%7B__typename%7D&variables=nope")
            .await,
    ];
    for res in refusals {
        let status = res.status();
        let body = json_of(res).await;
        assert!(
            body["errors"][0]["extensions"]["code"].is_string(),
            "{status}: {body}"
        );
        assert!(
            body["errors"][0].get("locations").is_none(),
            "{status}: {body}"
        );
    }
    let deep = app
        .gql(&format!("{{ a(b: {}) }}", "[".repeat(100)), json!({}))
        .await;
    assert!(deep["errors"][0].get("locations").is_none(), "{deep}");
}

/// GraphQL over HTTP's current media type: a client that asks for
/// `application/graphql-response+json` gets it, and a request that cannot
/// run is then a 400; older clients keep `application/json` and a 200.
#[tokio::test]
async fn responses_come_in_the_media_type_asked_for() {
    let app = TestApp::spawn_sqlite().await;
    const CURRENT: &str = "application/graphql-response+json";
    let content_type = |res: &reqwest::Response| {
        res.headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let good = json!({"query": "{ __typename }"}).to_string();
    let broken = json!({"query": "{ posts { totalCount "}).to_string();
    let invalid = json!({"query": "{ noSuchField }"}).to_string();
    let json_body = ("content-type", "application/json");

    for (accept, body, status, media) in [
        (Some(CURRENT), &good, 200, CURRENT),
        (Some(CURRENT), &broken, 400, CURRENT),
        (Some(CURRENT), &invalid, 400, CURRENT),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            &invalid,
            400,
            CURRENT,
        ),
        (Some("application/json"), &invalid, 200, "application/json"),
        (None, &invalid, 200, "application/json"),
        (Some("*/*"), &good, 200, "application/json"),
    ] {
        let mut headers = vec![json_body];
        if let Some(accept) = accept {
            headers.push(("accept", accept));
        }
        let res = post_raw(&app, &headers, body.clone()).await;
        assert_eq!(res.status(), status, "{accept:?} {body}");
        assert!(content_type(&res).starts_with(media), "{accept:?} {body}");
        let res = json_of(res).await;
        if status == 200 && body == &good {
            assert_eq!(res["data"]["__typename"], "Query");
        } else {
            assert_eq!(error_code(&res), "GRAPHQL_VALIDATION_FAILED", "{res}");
        }
    }

    // GET negotiates the same way.
    let res = app
        .client
        .get(format!("{}/graphql?query=%7B__typename%7D", app.address))
        .header("accept", CURRENT)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(content_type(&res), CURRENT);

    // Nothing the client accepts can be sent.
    let res = post_raw(&app, &[json_body, ("accept", "text/html")], good.clone()).await;
    assert_eq!(res.status(), 406);
    assert_eq!(error_code(&json_of(res).await), "NOT_ACCEPTABLE");
}

/// The graphql-http package's audit of GraphQL over HTTP (its version
/// pinned in scripts/audit/package-lock.json): no warnings, no errors.
/// Needs Node.js; skipped without it unless KBQL_REQUIRE_NODE is set, as
/// CI sets it.
#[tokio::test]
async fn the_graphql_over_http_audit_passes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let audit = root.join("scripts/audit");
    let has = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("node") || !has("npm") {
        assert!(
            std::env::var_os("KBQL_REQUIRE_NODE").is_none(),
            "the audit needs Node.js and npm (Debian: apt-get install nodejs npm)"
        );
        eprintln!("skipped: the GraphQL-over-HTTP audit needs Node.js and npm");
        return;
    }
    if !audit.join("node_modules/graphql-http").exists() {
        let installed = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&audit)
            .output()
            .expect("npm runs");
        assert!(
            installed.status.success(),
            "npm ci: {}",
            String::from_utf8_lossy(&installed.stderr)
        );
    }
    let app = TestApp::spawn_sqlite().await;
    let url = format!("{}/graphql", app.address);
    // Off the test's own thread, which serves the requests.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(audit.join("audit.mjs"))
            .arg(url)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let summary: Value = report
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| {
            panic!(
                "no summary in {report}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    assert_eq!(summary["warn"], 0, "{report}");
    assert_eq!(summary["error"], 0, "{report}");
    assert!(summary["ok"].as_u64().unwrap() >= 50, "{report}");
    assert!(out.status.success(), "{report}");
}
