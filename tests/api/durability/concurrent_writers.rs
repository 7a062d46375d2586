//! 64 writers at once, over HTTP: nothing lost, nothing stored twice.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use kbql::domain::Role;
use serde_json::{Value, json};

use super::ASK;
use crate::helpers::TestApp;
use crate::on_both_backends;

on_both_backends!(concurrent_askers_lose_nothing_and_never_see_busy);

const PENDING_PAGE: &str = "query($after: String) {
    pendingQuestions(first: 100, after: $after) {
        totalCount nodes { id question } pageInfo { hasNextPage endCursor }
    }
}";

const WRITERS: usize = 64;
const ASKS_PER_WRITER: usize = 100;

fn numbered_question(writer: usize, n: usize) -> String {
    format!("Writer {writer} question {n}: will the pigment fade?")
}

/// Every pending question as (id, question text), through the staff queue.
async fn pending_questions(app: &TestApp, staff: &str) -> (u64, Vec<(String, String)>) {
    let mut after = Value::Null;
    let mut all = Vec::new();
    loop {
        let res = app
            .gql_as(staff, PENDING_PAGE, json!({ "after": after }))
            .await;
        let page = &res["data"]["pendingQuestions"];
        let nodes = page["nodes"].as_array().unwrap_or_else(|| panic!("{res}"));
        all.extend(nodes.iter().map(|n| {
            (
                n["id"].as_str().unwrap().to_owned(),
                n["question"].as_str().unwrap().to_owned(),
            )
        }));
        if page["pageInfo"]["hasNextPage"] != true {
            return (page["totalCount"].as_u64().unwrap(), all);
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// 64 writers × 100 questions at once, over HTTP: SQLite writers queue on
/// `BEGIN IMMEDIATE` and the busy timeout instead of failing with
/// SQLITE_BUSY (PostgreSQL writers on the advisory lock), and every
/// acknowledged question is stored exactly once.
async fn concurrent_askers_lose_nothing_and_never_see_busy(app: TestApp) {
    let app = Arc::new(app);
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let app = app.clone();
        writers.spawn(async move {
            let mut acknowledged = Vec::with_capacity(ASKS_PER_WRITER);
            for n in 0..ASKS_PER_WRITER {
                let question = numbered_question(writer, n);
                let res = app.gql(ASK, json!({ "q": question })).await;
                assert!(res.get("errors").is_none(), "{question}: {res}");
                let payload = &res["data"]["askQuestion"];
                assert_eq!(payload["userErrors"], json!([]), "{res}");
                assert_eq!(payload["question"]["status"], "PENDING", "{res}");
                let id = payload["question"]["id"].as_str().unwrap().to_owned();
                acknowledged.push((id, question));
            }
            acknowledged
        });
    }
    let mut acknowledged = HashMap::new();
    while let Some(done) = writers.join_next().await {
        for (id, question) in done.expect("writer task") {
            assert!(
                acknowledged.insert(id.clone(), question).is_none(),
                "id {id} handed out twice"
            );
        }
    }
    assert_eq!(acknowledged.len(), WRITERS * ASKS_PER_WRITER);

    let staff = app.token(Role::Staff).await;
    let (total, stored) = pending_questions(&app, &staff).await;
    assert_eq!(total, (WRITERS * ASKS_PER_WRITER) as u64);
    let stored_ids: HashSet<&String> = stored.iter().map(|(id, _)| id).collect();
    assert_eq!(stored_ids.len(), stored.len(), "a question listed twice");
    let stored: HashMap<String, String> = stored.into_iter().collect();
    assert_eq!(
        stored, acknowledged,
        "the database holds exactly what was acknowledged"
    );
}
