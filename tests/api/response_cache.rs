//! Public searches repeated word for word are answered with the first
//! answer's bytes, for as long as the index and synonyms stay as they
//! were, and still count against quotas and in the analytics.

use std::time::{Duration, Instant};

use kbql::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, metric};
use crate::rate_limits::limited;

const FIXTURE: &str = include_str!("../fixtures/search_posts.jsonl");

/// What a search box sends: results with their posts and snippets.
const SEARCH_BOX: &str = "query Box($q: String!) {
    search(query: $q, first: 5) {
        totalCount
        edges { cursor node { score post { id slug title } highlights { field snippet } } }
    }
}";

/// POSTs `query` anonymously or with `token`; the status and raw body.
async fn send(app: &TestApp, token: Option<&str>, query: &str, q: &str) -> (u16, String) {
    let mut req = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query, "variables": { "q": q } }));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.text().await.expect("body"))
}

async fn hits(app: &TestApp) -> i64 {
    metric(&app.client, &app.address, "kbql_response_cache_hits_total").await
}

#[tokio::test]
async fn a_repeated_public_search_is_answered_again_and_logged_again() {
    let app = TestApp::spawn_sqlite().await;
    app.import_jsonl(FIXTURE).await;
    let (status, first) = send(&app, None, SEARCH_BOX, "touch-up cost").await;
    assert_eq!(status, 200);
    let parsed: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(
        parsed["data"]["search"]["edges"][0]["node"]["post"]["slug"], "touch-up-price",
        "{first}"
    );
    assert_eq!(hits(&app).await, 0);

    let statements = app
        .fewest_statements(|| async {
            assert_eq!(
                send(&app, None, SEARCH_BOX, "touch-up cost").await,
                (200, first.clone())
            );
        })
        .await;
    assert_eq!(hits(&app).await, 3);
    assert_eq!(statements, 0, "a kept response reads nothing");
    // Other words are another request.
    let (_, other) = send(&app, None, SEARCH_BOX, "touch-up price").await;
    assert_ne!(other, first);
    assert_eq!(hits(&app).await, 3);

    // Each of the four searches counts for the staff's analytics.
    let staff = app.token(Role::Staff).await;
    let stats = "{ searchStats { topQueries { query searches } } }";
    let deadline = Instant::now() + Duration::from_secs(10);
    let top = loop {
        let res = app.gql_as(&staff, stats, json!({})).await;
        let top = res["data"]["searchStats"]["topQueries"].clone();
        if top[0]["searches"] == 4 || Instant::now() > deadline {
            break top;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        top[0],
        json!({"query": "touch up cost", "searches": 4}),
        "{top}"
    );
}

#[tokio::test]
async fn a_kept_response_gives_way_to_a_write_the_index_applied() {
    let app = TestApp::spawn_sqlite().await;
    app.import_jsonl(FIXTURE).await;
    let total = |body: &str| {
        serde_json::from_str::<Value>(body).unwrap()["data"]["search"]["totalCount"].clone()
    };
    let (_, before) = send(&app, None, SEARCH_BOX, "kelp").await;
    assert_eq!(total(&before), 0);
    assert_eq!(send(&app, None, SEARCH_BOX, "kelp").await.1, before);

    let staff = app.token(Role::Staff).await;
    let id = app.ask("Is kelp shampoo safe on pigmented scalps?").await;
    app.answer(
        &staff,
        &id,
        "Kelp shampoo is fine one week after a session.",
    )
    .await;
    let (_, after) = send(&app, None, SEARCH_BOX, "kelp").await;
    assert_eq!(total(&after), 1, "{after}");

    // An edit of a post shown in a kept response shows at once.
    let edit = "mutation($id: ID!) { updatePost(input: {id: $id, title: \"Seaweed shampoo after SMP\"}) { post { title } } }";
    app.gql_as(&staff, edit, json!({"id": id})).await;
    let (_, edited) = send(&app, None, SEARCH_BOX, "kelp").await;
    assert!(edited.contains("Seaweed shampoo after SMP"), "{edited}");

    // So does a change of synonyms.
    let (_, seaweed) = send(&app, None, SEARCH_BOX, "algae").await;
    assert_eq!(total(&seaweed), 0);
    let admin = app.token(Role::Admin).await;
    let set = "mutation { setSynonyms(input: {terms: [\"algae\", \"kelp\"]}) { synonyms { id } } }";
    let res = app.gql_as(&admin, set, json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");
    let (_, algae) = send(&app, None, SEARCH_BOX, "algae").await;
    assert_eq!(total(&algae), 1, "{algae}");
}

#[tokio::test]
async fn only_public_error_free_answers_from_the_index_are_kept() {
    let app = TestApp::spawn_sqlite().await;
    app.import_jsonl(FIXTURE).await;
    let staff = app.token(Role::Staff).await;
    let with_tags =
        "query($q: String!) { search(query: $q) { nodes { post { slug tags { name } } } } }";
    let with_listing =
        "query($q: String!) { search(query: $q) { totalCount } posts { totalCount } }";
    let refused = "query($q: String!) { search(query: $q, first: 0) { totalCount } }";
    for _ in 0..2 {
        for query in [with_tags, with_listing] {
            let (status, body) = send(&app, None, query, "fade").await;
            assert_eq!(status, 200);
            assert!(!body.contains("errors"), "{body}");
        }
        let (_, body) = send(&app, Some(&staff), SEARCH_BOX, "fade").await;
        assert!(!body.contains("errors"), "{body}");
        let (status, body) = send(&app, None, refused, "fade").await;
        assert_eq!(status, 200);
        assert_eq!(
            error_code(&serde_json::from_str(&body).unwrap()),
            "BAD_USER_INPUT"
        );
    }
    assert_eq!(hits(&app).await, 0);
}

#[tokio::test]
async fn a_kept_response_still_draws_on_the_search_quota() {
    let app = TestApp::spawn_sqlite_with(limited(0, 2)).await;
    app.import_jsonl(FIXTURE).await;
    let two = "query($q: String!) { a: search(query: $q) { totalCount } b: search(query: $q, first: 2) { totalCount } }";
    let (status, body) = send(&app, None, SEARCH_BOX, "fade").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(&app, None, SEARCH_BOX, "fade").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(hits(&app).await, 1);
    let (status, body) = send(&app, None, SEARCH_BOX, "fade").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        error_code(&serde_json::from_str(&body).unwrap()),
        "RATE_LIMITED"
    );
    assert_eq!(hits(&app).await, 1);

    // A response that took two units takes two when repeated.
    let other = TestApp::spawn_sqlite_with(limited(0, 3)).await;
    other.import_jsonl(FIXTURE).await;
    assert_eq!(send(&other, None, two, "fade").await.0, 200);
    assert_eq!(send(&other, None, two, "fade").await.0, 429);
    assert_eq!(hits(&other).await, 0);
}
