//! Matching by meaning with the real sentence-embedding model: questions
//! that share no words with the post that answers them, vectors made in
//! the background and kept in the database, made again when lost. Skipped
//! (said once) on a machine without the model; `.ci/run` fetches it.

use std::time::{Duration, Instant};

use kbql::domain::Role;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

use crate::helpers::{TestApp, metric};

const POSTS: &str = r#"{"kind":"question","slug":"top-up-price","title":"What does a top-up session cost?","question":"My dots have lightened. What is the fee for a top-up?","answer":"A top-up session is $250 for returning clients and takes about an hour.","tags":["smp"],"published_at":"2024-03-01T10:00:00Z"}
{"kind":"question","slug":"sun-and-fading","title":"Will the pigment fade outdoors?","question":"I garden all summer. Will my scalp pigmentation fade?","answer":"Pigment softens slowly over the years. Ultraviolet light speeds that up, so wear a hat or SPF 50 outside.","tags":["smp"],"published_at":"2024-02-01T10:00:00Z"}
{"kind":"question","slug":"washing-after-treatment","title":"When can I wash my scalp after treatment?","question":"How soon may I use shampoo again?","answer":"Wait four days before using shampoo, then rest the scalp from scrubbing for a week.","tags":["aftercare"],"published_at":"2024-01-01T10:00:00Z"}"#;

/// A question sharing no word with the post that answers it: matching
/// words alone does not find that post (asserted below).
const REWORDED: &str = "what will one more visit set me back";
/// A question that words alone leave unanswered (asserted below).
const ASKED_OTHERWISE: &str = "is it expensive to come back for a refresher";

const ANSWER: &str =
    "query($q: String!) { answer(question: $q) { post { slug } sentences confidence } }";
const SEARCH: &str = "query($q: String!, $s: Boolean!) { search(query: $q, semantic: $s) { totalCount nodes { post { slug } } } }";

async fn vectors(app: &TestApp) -> i64 {
    metric(&app.client, &app.address, "kbql_post_vectors").await
}

/// Waits (a minute at most) until `count` gives `n`.
async fn until<F, Fut>(what: &str, n: i64, count: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = i64>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = count().await;
        if now == n {
            return;
        }
        assert!(Instant::now() < deadline, "{what} stuck at {now}, not {n}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `n` vectors are loaded in memory.
async fn until_vectors(app: &TestApp, n: i64) {
    until("loaded vectors", n, || vectors(app)).await;
}

async fn stored_vectors(app: &TestApp) -> i64 {
    let db = Database::connect(&app.database_url).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM post_vector",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn a_reworded_question_finds_its_answer_by_meaning() {
    let Some(app) = TestApp::spawn_with_model().await else {
        return;
    };
    app.import_jsonl(POSTS).await;
    until_vectors(&app, 3).await;

    let words_only = TestApp::spawn_sqlite().await;
    words_only.import_jsonl(POSTS).await;
    let res = words_only.gql(ANSWER, json!({"q": ASKED_OTHERWISE})).await;
    assert_eq!(res["data"]["answer"], Value::Null, "words alone: {res}");
    let res = app.gql(ANSWER, json!({"q": ASKED_OTHERWISE})).await;
    let answer = &res["data"]["answer"];
    assert_eq!(answer["post"]["slug"], "top-up-price", "{res}");
    assert!(
        answer["sentences"][0].as_str().unwrap().contains("$250"),
        "{res}"
    );

    // `search` matches words unless asked to match meaning too.
    let slugs = |res: &Value| -> Vec<String> {
        res["data"]["search"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["post"]["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let words = app.gql(SEARCH, json!({"q": REWORDED, "s": false})).await;
    assert!(
        !slugs(&words).contains(&"top-up-price".to_owned()),
        "{words}"
    );
    let meaning = app.gql(SEARCH, json!({"q": REWORDED, "s": true})).await;
    assert_eq!(slugs(&meaning)[0], "top-up-price", "{meaning}");

    // So do similar questions, which a visitor writing one has finished.
    let similar = app
        .gql(
            "{ similarQuestions(text: \"is sunshine bad for my tattooed head\") { post { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        similar["data"]["similarQuestions"][0]["post"]["slug"], "sun-and-fading",
        "{similar}"
    );
}

#[tokio::test]
async fn vectors_are_kept_in_the_database_and_made_again_when_lost() {
    let Some(app) = TestApp::spawn_with_model().await else {
        return;
    };
    app.import_jsonl(POSTS).await;
    until_vectors(&app, 3).await;
    assert_eq!(stored_vectors(&app).await, 3);

    // A new post is searchable by its words at once, and by meaning when
    // its vector lands.
    let staff = app.token(Role::Staff).await;
    let id = app.ask("Can I swim in the sea after my session?").await;
    app.answer(&staff, &id, "Keep salt water off the scalp for ten days.")
        .await;
    until_vectors(&app, 4).await;

    // Losing every vector loses nothing: they are made again.
    let db = Database::connect(&app.database_url).await.unwrap();
    db.execute_unprepared("DELETE FROM post_vector")
        .await
        .unwrap();
    until("stored vectors", 4, || stored_vectors(&app)).await;
    let res = app
        .gql(
            ANSWER,
            json!({"q": "is the ocean ok for my head after the procedure"}),
        )
        .await;
    assert!(
        res["data"]["answer"]["sentences"][0]
            .as_str()
            .is_some_and(|s| s.contains("salt water")),
        "{res}"
    );
}

#[tokio::test]
async fn a_word_matched_only_through_a_typo_carries_no_answer() {
    let app = TestApp::spawn_sqlite().await;
    app.import_jsonl(POSTS).await;
    // "reset" reads as "rest" (in the washing post), and nothing else of
    // the question is in any post.
    let res = app
        .gql(ANSWER, json!({"q": "how do I reset my router password"}))
        .await;
    assert_eq!(res["data"]["answer"], Value::Null, "{res}");
    // The same post still answers what it is about.
    let res = app
        .gql(
            ANSWER,
            json!({"q": "when can I use shampoo after treatment"}),
        )
        .await;
    assert_eq!(
        res["data"]["answer"]["post"]["slug"], "washing-after-treatment",
        "{res}"
    );
}
