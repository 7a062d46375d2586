//! Several kbql processes on one PostgreSQL, each with its own index kept
//! in step through the database: woken by each other's writes, pruning
//! the outbox they have all applied, and catching up (or rebuilding) after
//! being away.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{Backend, ServeProcess, kbql_cli};

const CREATE: &str = "mutation($input: CreateArticleInput!) {
    createArticle(input: $input) { post { slug } userErrors { field code } }
}";

/// A word only this test's articles contain.
const MARK: &str = "kestrel";

async fn create(server: &ServeProcess, token: &str, title: &str) -> String {
    let res = server
        .gql_as(
            token,
            CREATE,
            json!({"input": {
                "title": title,
                "body": format!("A {MARK} nests on the clinic roof every spring: {title}."),
            }}),
        )
        .await;
    res["data"]["createArticle"]["post"]["slug"]
        .as_str()
        .unwrap_or_else(|| panic!("{res}"))
        .to_owned()
}

/// The slugs `server`'s own index finds for the mark.
async fn indexed(server: &ServeProcess) -> BTreeSet<String> {
    let res = server
        .gql(
            "query($q: String!) { search(query: $q, first: 100) { edges { node { post { slug } } } } }",
            json!({"q": MARK}),
        )
        .await;
    res["data"]["search"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{res}"))
        .iter()
        .map(|e| e["node"]["post"]["slug"].as_str().unwrap().to_owned())
        .collect()
}

/// Every published post's slug, from the database (through `server`).
async fn published(server: &ServeProcess) -> BTreeSet<String> {
    let res = server
        .gql("{ posts(first: 100) { nodes { slug } } }", json!({}))
        .await;
    res["data"]["posts"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{res}"))
        .iter()
        .map(|n| n["slug"].as_str().unwrap().to_owned())
        .collect()
}

async fn eventually_indexes(server: &ServeProcess, wanted: &BTreeSet<String>, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let found = indexed(server).await;
        if &found == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "index holds {found:?}, not {wanted:?}\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// `kbql prune`'s report.
fn prune(dir: &std::path::Path, url: &str) -> String {
    let out = kbql_cli(dir, url, &["prune"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Two replicas: a write on one is searchable on the other; one stops,
/// the other writes on, the outbox is pruned below what the running one
/// has applied, and the stopped one, whose place in the outbox is gone,
/// rebuilds on restart. Both indexes then hold exactly the published
/// posts.
#[tokio::test]
async fn two_replicas_stay_in_step_through_pruning_and_a_restart() {
    let Some(db) = Backend::postgres().await else {
        eprintln!("skipped: no PostgreSQL configured");
        return;
    };
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = ServeProcess::start(a_dir.path(), &db.url);
    let b = ServeProcess::start(b_dir.path(), &db.url);
    a.ready().await;
    b.ready().await;
    let token = db.staff_token();

    let first = create(&a, &token, "The first nest").await;
    eventually_indexes(&b, &BTreeSet::from([first.clone()]), Duration::from_secs(5)).await;

    b.stop();
    let mut wanted = BTreeSet::from([first]);
    for i in 0..5 {
        wanted.insert(create(&a, &token, &format!("Nest number {i}")).await);
    }
    eventually_indexes(&a, &wanted, Duration::from_secs(5)).await;

    // Until the running replica's heartbeat reports its progress, pruning
    // keeps what it may still need.
    let head = db.outbox_head().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let report = loop {
        let report = prune(a_dir.path(), &db.url);
        if report.contains(&format!("running, applied outbox sequence {head},")) {
            break prune(a_dir.path(), &db.url);
        }
        assert!(
            Instant::now() < deadline,
            "A never reported {head}:\n{report}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(report.contains("stopped"), "{report}");
    let store = kbql::store::Store::connect(&db.url).await.unwrap();
    assert_eq!(
        store.outbox_first_seq().await.unwrap(),
        Some(head),
        "everything below what the live replica applied is pruned: {report}"
    );

    let b = ServeProcess::start(b_dir.path(), &db.url);
    b.ready().await;
    assert!(b.log().contains("rebuilding it"), "{}", b.log());
    assert_eq!(published(&a).await, wanted);
    eventually_indexes(&b, &wanted, Duration::from_secs(5)).await;
    eventually_indexes(&a, &wanted, Duration::from_secs(5)).await;

    // And they stay in step after it.
    let last = create(&b, &token, "The last nest").await;
    wanted.insert(last);
    eventually_indexes(&a, &wanted, Duration::from_secs(5)).await;
    let _ = store.connection().clone().close().await;
    a.stop();
    b.stop();
}
