//! Per-client quotas on the public operations: asks and searches, keyed by
//! the client's address (X-Forwarded-For believed only from configured
//! proxies), with staff exempt.

use kbql::config::ServeConfig;
use kbql::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

/// Test settings with these per-minute quotas (0 is unlimited).
pub fn limited(asks: u32, searches: u32) -> ServeConfig {
    ServeConfig {
        asks_per_minute: asks,
        searches_per_minute: searches,
        ..TestApp::config()
    }
}

async fn ask(
    app: &TestApp,
    n: usize,
    token: Option<&str>,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.post(format!("{}/graphql", app.address)).json(&json!({
        "query": "mutation($q: String!) { askQuestion(input: {question: $q}) { question { id } } }",
        "variables": { "q": format!("Can I swim in the sea {n} days after my session?") },
    }));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(ip) = forwarded_for {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_burst_of_anonymous_asks_hits_the_limit() {
    let app = TestApp::spawn_sqlite_with(ServeConfig {
        asks_per_minute: 10,
        ..TestApp::config()
    })
    .await;
    let burst: Vec<_> = (0..60).map(|n| ask(&app, n, None, None)).collect();
    let responses = futures_util::future::join_all(burst).await;
    let mut accepted = 0;
    for res in responses {
        match res.status().as_u16() {
            200 => accepted += 1,
            429 => {
                let wait: u64 = res.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=60).contains(&wait), "{wait}");
                let body: Value = res.json().await.unwrap();
                assert_eq!(error_code(&body), "RATE_LIMITED");
                assert_eq!(body["errors"][0]["extensions"]["retryAfter"], wait);
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(accepted, 10);
    assert_eq!(app.store.count_pending().await.unwrap(), 10);
}

#[tokio::test]
async fn staff_are_not_held_to_the_public_limits() {
    let app = TestApp::spawn_sqlite_with(limited(2, 2)).await;
    let staff = app.token(Role::Staff).await;
    for n in 0..6 {
        assert_eq!(ask(&app, n, Some(&staff), None).await.status(), 200);
        let res = app
            .gql_as(
                &staff,
                "{ search(query: \"swim\") { totalCount } }",
                json!({}),
            )
            .await;
        assert!(res.get("errors").is_none(), "{res}");
    }
}

#[tokio::test]
async fn searches_answers_and_similar_questions_share_a_quota() {
    let app = TestApp::spawn_sqlite_with(limited(0, 3)).await;
    let ops = [
        "{ search(query: \"fade\") { totalCount } }",
        "{ answer(question: \"does it fade\") { text } }",
        "{ similarQuestions(text: \"does it fade\") { score } }",
    ];
    for op in ops {
        let res = app.gql(op, json!({})).await;
        assert!(res.get("errors").is_none(), "{res}");
    }
    let res = app.gql(ops[0], json!({})).await;
    assert_eq!(error_code(&res), "RATE_LIMITED", "{res}");
    // Reading listings is not limited.
    let res = app.gql("{ posts { totalCount } }", json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    // Nobody trusted: the header is ignored and all requests are one client.
    let app = TestApp::spawn_sqlite_with(limited(2, 0)).await;
    assert_eq!(ask(&app, 1, None, Some("203.0.113.1")).await.status(), 200);
    assert_eq!(ask(&app, 2, None, Some("203.0.113.2")).await.status(), 200);
    assert_eq!(ask(&app, 3, None, Some("203.0.113.3")).await.status(), 429);

    // Behind a trusted proxy (the test client's loopback address), each
    // forwarded client has its own quota.
    let app = TestApp::spawn_sqlite_with(ServeConfig {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..limited(2, 0)
    })
    .await;
    for n in 0..2 {
        assert_eq!(ask(&app, n, None, Some("203.0.113.1")).await.status(), 200);
    }
    assert_eq!(ask(&app, 2, None, Some("203.0.113.1")).await.status(), 429);
    assert_eq!(ask(&app, 3, None, Some("203.0.113.2")).await.status(), 200);
    // A client cannot pick a fresh identity by prepending addresses.
    assert_eq!(
        ask(&app, 4, None, Some("198.51.100.9, 203.0.113.1"))
            .await
            .status(),
        429
    );
}

/// `--trusted-proxies` takes a bare address (it once refused to start),
/// and an IPv6 client's quota covers its whole /64.
#[tokio::test]
async fn a_bare_proxy_address_is_trusted_and_ipv6_clients_are_their_64() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
    let server = crate::helpers::ServeProcess::start_with(
        dir.path(),
        &url,
        &[
            ("KBQL_TRUSTED_PROXIES", "127.0.0.1"),
            ("KBQL_ASKS_PER_MINUTE", "2"),
        ],
    );
    server.ready().await;
    let client = reqwest::Client::new();
    let ask = |n: usize, from: &'static str| {
        let client = client.clone();
        let address = server.address.clone();
        async move {
            client
                .post(format!("{address}/graphql"))
                .header("x-forwarded-for", from)
                .json(&json!({
                    "query": "mutation($q: String!) { askQuestion(input: {question: $q}) { question { id } } }",
                    "variables": { "q": format!("Question {n} from far away?") },
                }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(ask(1, "2001:db8:5:6::1").await, 200);
    assert_eq!(ask(2, "2001:db8:5:6::2").await, 200);
    assert_eq!(ask(3, "2001:db8:5:6:ffff:1:2:3").await, 429, "the same /64");
    assert_eq!(ask(4, "2001:db8:5:7::1").await, 200, "the next /64");
    assert_eq!(ask(5, "203.0.113.8").await, 200);
}
