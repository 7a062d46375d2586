//! Durability and consistency: concurrent writers lose nothing, a server
//! killed mid-burst loses no acknowledged write and its index recovers to
//! exactly the published posts, SIGTERM lets in-flight requests finish and
//! the index commit, and an index that follows another database is
//! rebuilt. Crashes and shutdowns need a process of their own
//! (`helpers::ServeProcess`).

mod another_database;
mod concurrent_writers;
mod crash;
mod shutdown;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

pub(super) const ASK: &str = "mutation($q: String!) {
    askQuestion(input: {question: $q}) { question { id status } userErrors { code message } }
}";

pub(super) const ANSWER: &str = "mutation($id: ID!, $a: String!, $publish: Boolean!) {
    answerQuestion(input: {id: $id, answer: $a, publish: $publish}) {
        post { id status } userErrors { code message }
    }
}";

pub(super) const PUBLISH: &str = "mutation($id: ID!) {
    publishPost(id: $id) { post { id status } userErrors { code message } }
}";

pub(super) const PUBLISHED_PAGE: &str = "query($after: String) {
    posts(first: 100, after: $after) {
        nodes { id question answer } pageInfo { hasNextPage endCursor }
    }
}";

pub(super) const STAFF_PENDING_PAGE: &str = "query($after: String) {
    pendingQuestions(first: 100, after: $after) {
        nodes { id question } pageInfo { hasNextPage endCursor }
    }
}";

pub(super) const SEARCH: &str = "query($q: String!) {
    search(query: $q, first: 5) { totalCount nodes { post { id } } }
}";

/// A GraphQL request; `None` when it was cut off (refused, reset, a body
/// that never ended): only a complete response acknowledges a write. A
/// complete response must be a success: a crash can cut a request off,
/// never turn it into an error.
pub(super) async fn acknowledged(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Option<Value> {
    let mut request = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.ok()?;
    let status = response.status();
    let body: Value = response.json().await.ok()?;
    assert!(
        status == 200 && body.get("errors").is_none(),
        "{status}: {body}"
    );
    Some(body)
}

/// Made-up words, one per published answer, that a search can only find
/// in that answer. All the same length (a query's last word also matches
/// longer words it starts) and without vowels or the letters English
/// suffixes end in, so the stemmer leaves each as it is.
pub(super) fn marker(n: usize) -> String {
    const LETTERS: &[u8] = b"bcfghjkmnpqrtvwxz";
    let mut word = String::from("zq");
    let mut rest = n;
    for _ in 0..6 {
        word.push(LETTERS[rest % LETTERS.len()] as char);
        rest /= LETTERS.len();
    }
    word
}

pub(super) fn marker_in(answer: &str) -> Option<&str> {
    answer
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() == 8 && w.starts_with("zq"))
}

/// Which writes the server acknowledged before it died.
#[derive(Default)]
pub(super) struct Ledger {
    /// Question id → the question text.
    pub(super) asked: Mutex<HashMap<String, String>>,
    /// Post id → the marker in its answer.
    pub(super) published: Mutex<HashMap<String, String>>,
    pub(super) acks: AtomicUsize,
}

impl Ledger {
    fn asked(&self, id: &str, question: String) {
        self.asked.lock().unwrap().insert(id.to_owned(), question);
        self.acks.fetch_add(1, Ordering::SeqCst);
    }

    fn published(&self, id: &str, marker: String) {
        self.published.lock().unwrap().insert(id.to_owned(), marker);
        self.acks.fetch_add(1, Ordering::SeqCst);
    }
}

/// A visitor asking until the server goes away. `Some(id)` per ack.
pub(super) async fn ask(
    client: &reqwest::Client,
    address: &str,
    ledger: &Ledger,
    question: String,
) -> Option<String> {
    let res = acknowledged(client, address, None, ASK, json!({ "q": question })).await?;
    let payload = &res["data"]["askQuestion"];
    assert_eq!(payload["userErrors"], json!([]), "{res}");
    let id = payload["question"]["id"].as_str().unwrap().to_owned();
    ledger.asked(&id, question);
    Some(id)
}
