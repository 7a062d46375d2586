//! SIGKILL during a burst of writes: no acknowledged write is lost, and
//! the index recovers to exactly the published posts.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{
    ANSWER, Ledger, PUBLISH, PUBLISHED_PAGE, SEARCH, STAFF_PENDING_PAGE, acknowledged, ask, marker,
    marker_in,
};
use crate::helpers::{Backend, ServeProcess, index_folder};
use crate::on_both_backends;

on_both_backends!(Backend: kill_9_during_a_burst_loses_no_acknowledged_write);

async fn visitor(client: reqwest::Client, address: String, ledger: Arc<Ledger>, name: String) {
    for n in 0.. {
        let question = format!("Visitor {name} question {n}: does the pigment hold?");
        if ask(&client, &address, &ledger, question).await.is_none() {
            return;
        }
    }
}

/// Staff answering what they asked themselves, with a fresh marker each:
/// half published by `answerQuestion`, half answered first and published
/// by `publishPost`.
async fn expert(
    client: reqwest::Client,
    address: String,
    token: String,
    ledger: Arc<Ledger>,
    markers: Arc<AtomicUsize>,
    name: String,
) {
    let token = Some(token.as_str());
    for n in 0.. {
        let question = format!("Expert {name} question {n}: how do I care for it?");
        let Some(id) = ask(&client, &address, &ledger, question).await else {
            return;
        };
        let word = marker(markers.fetch_add(1, Ordering::SeqCst));
        let answer = format!("Rinse with the {word} method twice a day.");
        let publish_at_once = n % 2 == 0;
        let vars = json!({ "id": id, "a": answer, "publish": publish_at_once });
        let Some(res) = acknowledged(&client, &address, token, ANSWER, vars).await else {
            return;
        };
        assert_eq!(
            res["data"]["answerQuestion"]["userErrors"],
            json!([]),
            "{res}"
        );
        let payload = if publish_at_once {
            res["data"]["answerQuestion"].clone()
        } else {
            let vars = json!({ "id": id });
            let Some(res) = acknowledged(&client, &address, token, PUBLISH, vars).await else {
                return;
            };
            res["data"]["publishPost"].clone()
        };
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        assert_eq!(payload["post"]["status"], "PUBLISHED", "{payload}");
        ledger.published(&id, word);
    }
}

/// Every node of a paged connection, as JSON.
async fn all_nodes(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    query: &str,
    field: &str,
) -> Vec<Value> {
    let mut after = Value::Null;
    let mut nodes = Vec::new();
    loop {
        let res = acknowledged(client, address, token, query, json!({ "after": after }))
            .await
            .expect("a listing");
        let page = &res["data"][field];
        nodes.extend(page["nodes"].as_array().expect("nodes").iter().cloned());
        if page["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// After a restart: every acknowledged write is in the database, and the
/// index holds exactly the published posts, each once.
async fn verify_recovered(
    server: &ServeProcess,
    client: &reqwest::Client,
    token: &str,
    ledger: &Ledger,
    backend: &Backend,
) {
    let address = &server.address;
    let published = all_nodes(client, address, None, PUBLISHED_PAGE, "posts").await;
    let pending = all_nodes(
        client,
        address,
        Some(token),
        STAFF_PENDING_PAGE,
        "pendingQuestions",
    )
    .await;
    let text = |n: &Value, f: &str| n[f].as_str().unwrap().to_owned();
    let published: HashMap<String, (String, String)> = published
        .iter()
        .map(|n| (text(n, "id"), (text(n, "question"), text(n, "answer"))))
        .collect();
    let pending: HashMap<String, String> = pending
        .iter()
        .map(|n| (text(n, "id"), text(n, "question")))
        .collect();

    for (id, question) in ledger.asked.lock().unwrap().iter() {
        let stored = pending
            .get(id)
            .or_else(|| published.get(id).map(|(q, _)| q))
            .unwrap_or_else(|| panic!("acknowledged question {id} lost"));
        assert_eq!(stored, question, "question {id}");
    }
    for (id, word) in ledger.published.lock().unwrap().iter() {
        let (_, answer) = published
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged publish of {id} lost"));
        assert_eq!(marker_in(answer), Some(word.as_str()), "post {id}");
    }

    // Published but unacknowledged posts (cut off after their commit)
    // count too: the index must follow the database, not the client.
    for (id, (_, answer)) in &published {
        let word = marker_in(answer).unwrap_or_else(|| panic!("no marker in {answer}"));
        // The trailing space: a whole word, not a prefix as typed.
        let res = acknowledged(
            client,
            address,
            None,
            SEARCH,
            json!({ "q": format!("{word} ") }),
        )
        .await
        .expect("search");
        let hits = &res["data"]["search"];
        assert_eq!(hits["totalCount"], 1, "{word} (post {id}): {res}");
        assert_eq!(hits["nodes"][0]["post"]["id"], id.as_str(), "{word}: {res}");
    }
    assert_eq!(
        server.metric("kbql_index_posts").await,
        published.len() as i64,
        "the index holds exactly the published posts"
    );
    assert_eq!(
        server.metric("kbql_index_watermark").await,
        backend.outbox_head().await,
        "the index replayed the whole outbox"
    );
}

/// `KBQL_TEST_CRASH_ROUNDS` raises it for a soak (scripts/crash_soak.sh).
fn crash_rounds() -> usize {
    std::env::var("KBQL_TEST_CRASH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
}
const VISITORS: usize = 4;
const EXPERTS: usize = 6;

/// Each round: a burst of asks, answers and publishes, SIGKILL once 50 to
/// 250 of them were acknowledged (so at different moments), then a
/// restart over the killed server's database, index and writer lock.
async fn kill_9_during_a_burst_loses_no_acknowledged_write(backend: Backend) {
    let token = backend.staff_token();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let ledger = Arc::new(Ledger::default());
    let markers = Arc::new(AtomicUsize::new(0));
    let mut server = ServeProcess::on(&backend).expect("kbql serve starts");
    server.ready().await;

    // The lock is real: a second server on the same index is refused
    // while the first lives. So the restarts below prove it dies with
    // its holder, whatever files a killed process leaves behind.
    let refused = ServeProcess::on(&backend)
        .err()
        .expect("a second server is refused");
    assert!(
        refused.contains("in use by another kbql process"),
        "{refused}"
    );

    for round in 0..crash_rounds() {
        let mut burst = tokio::task::JoinSet::new();
        for v in 0..VISITORS {
            let name = format!("{round}-{v}");
            burst.spawn(visitor(
                client.clone(),
                server.address.clone(),
                ledger.clone(),
                name,
            ));
        }
        for e in 0..EXPERTS {
            let name = format!("{round}-{e}");
            burst.spawn(expert(
                client.clone(),
                server.address.clone(),
                token.clone(),
                ledger.clone(),
                markers.clone(),
                name,
            ));
        }
        let kill_at = ledger.acks.load(Ordering::SeqCst) + 50 * (round % 5 + 1);
        let deadline = Instant::now() + Duration::from_secs(60);
        while ledger.acks.load(Ordering::SeqCst) < kill_at {
            assert!(Instant::now() < deadline, "the burst stalled");
            if let Some(status) = server.exited() {
                let log = server.final_log().join("\n");
                panic!("the server died on its own ({status}):\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.kill_9();
        while let Some(client_task) = burst.join_next().await {
            client_task.expect("client task");
        }
        assert!(
            index_folder(backend.data_dir())
                .join(".tantivy-writer.lock")
                .exists(),
            "the killed server left its writer lock file behind"
        );

        server = ServeProcess::on(&backend)
            .unwrap_or_else(|log| panic!("restart after kill -9 in round {round} failed:\n{log}"));
        server.ready().await;
        verify_recovered(&server, &client, &token, &ledger, &backend).await;
    }
    assert!(!ledger.published.lock().unwrap().is_empty());
}
