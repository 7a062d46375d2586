//! SIGTERM: in-flight requests get their whole answers, the index commits
//! through the outbox's end, and the queued search log is written.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{ANSWER, ASK, Ledger, SEARCH, acknowledged, ask, marker};
use crate::helpers::{Backend, ServeProcess, kbql_cli};
use crate::on_both_backends;

on_both_backends!(Backend: sigterm_finishes_in_flight_requests_and_commits_the_index);

/// A GraphQL request the server is known to be handling: it has read the
/// headers and, answering `100 Continue`, asked for the body, which the
/// test holds back until shutdown has begun.
struct HeldRequest {
    stream: TcpStream,
    body: Vec<u8>,
}

impl HeldRequest {
    async fn send(host: &str, token: Option<&str>, query: &str, variables: Value) -> HeldRequest {
        let body = serde_json::to_vec(&json!({ "query": query, "variables": variables })).unwrap();
        let mut head = format!(
            "POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nExpect: 100-continue\r\n",
            body.len()
        );
        if let Some(token) = token {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        head.push_str("\r\n");
        let mut stream = TcpStream::connect(host).await.expect("connect");
        stream.write_all(head.as_bytes()).await.expect("send head");
        const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";
        let mut interim = vec![0; CONTINUE.len()];
        tokio::time::timeout(Duration::from_secs(30), stream.read_exact(&mut interim))
            .await
            .expect("100 Continue in time")
            .expect("100 Continue");
        assert_eq!(interim, CONTINUE, "{}", String::from_utf8_lossy(&interim));
        HeldRequest { stream, body }
    }

    /// Sends the body; returns the status code and JSON body of the
    /// response, read to the server's close of the connection.
    async fn complete(mut self) -> (u16, Value) {
        self.stream.write_all(&self.body).await.expect("send body");
        let mut raw = Vec::new();
        tokio::time::timeout(Duration::from_secs(60), self.stream.read_to_end(&mut raw))
            .await
            .expect("the server closes the connection after responding")
            .expect("a response, not a reset");
        let text = String::from_utf8(raw).expect("UTF-8 response");
        let (head, body) = text.split_once("\r\n\r\n").expect("a complete head");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("status line: {head}"));
        let length: Option<usize> = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        });
        if let Some(length) = length {
            assert_eq!(body.len(), length, "the whole body arrived");
        }
        let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
        (status, body)
    }
}

const HELD_ASKS: usize = 8;
const HELD_ANSWERS: usize = 8;

/// SIGTERM while requests are in flight: each gets its whole response,
/// the process exits 0, and the index on disk is committed through the
/// outbox's last sequence.
async fn sigterm_finishes_in_flight_requests_and_commits_the_index(backend: Backend) {
    let token = backend.staff_token();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut server = ServeProcess::on(&backend).expect("kbql serve starts");
    server.ready().await;
    let ledger = Ledger::default();
    let mut to_answer = Vec::new();
    for n in 0..HELD_ANSWERS {
        let question = format!("Question {n} to answer while shutting down?");
        to_answer.push(
            ask(&client, &server.address, &ledger, question)
                .await
                .expect("asked"),
        );
    }

    let mut held = Vec::new();
    for n in 0..HELD_ASKS {
        let question = format!("Question {n} asked while shutting down?");
        held.push((
            "askQuestion",
            HeldRequest::send(server.host(), None, ASK, json!({ "q": question })).await,
        ));
    }
    for (n, id) in to_answer.iter().enumerate() {
        let answer = format!("Rinse with the {} method twice a day.", marker(n));
        let vars = json!({ "id": id, "a": answer, "publish": true });
        held.push((
            "answerQuestion",
            HeldRequest::send(server.host(), Some(&token), ANSWER, vars).await,
        ));
    }

    let last_read =
        HeldRequest::send(server.host(), None, "{ posts { totalCount } }", json!({})).await;

    server.sigterm();
    // Shutdown has begun once the listener is gone; only then do the
    // held requests go on, so they are in flight across it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(server.host()).await.is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut completing = tokio::task::JoinSet::new();
    for (field, request) in held {
        completing.spawn(async move { (field, request.complete().await) });
    }
    let mut published = 0;
    while let Some(done) = completing.join_next().await {
        let (field, (status, body)) = done.expect("request task");
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        let payload = &body["data"][field];
        assert_eq!(payload["userErrors"], json!([]), "{body}");
        if field == "answerQuestion" {
            assert_eq!(payload["post"]["status"], "PUBLISHED", "{body}");
            published += 1;
        } else {
            assert_eq!(payload["question"]["status"], "PENDING", "{body}");
        }
    }

    // A write from another process wakes no indexer; the server would see
    // it at its next poll. The read keeps the server up meanwhile, so the
    // write lands after its last request-driven pass and before it stops.
    let late = backend.data_dir().join("late.jsonl");
    let late_marker = marker(HELD_ANSWERS);
    std::fs::write(
        &late,
        json!({
            "slug": "imported-while-shutting-down",
            "question": "What was imported while the server shut down?",
            "answer": format!("The {late_marker} notes."),
        })
        .to_string(),
    )
    .unwrap();
    let import = backend
        .kbql()
        .arg("import")
        .arg(&late)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run kbql import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    published += 1;
    let (status, body) = last_read.complete().await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["posts"]["totalCount"].is_number(), "{body}");

    let status = server.exit_status(Duration::from_secs(60)).await;
    let log = server.final_log();
    assert!(status.success(), "{status}:\n{}", log.join("\n"));
    let committed: i64 = log
        .iter()
        .find_map(|l| {
            l.split("search index committed through outbox sequence ")
                .nth(1)
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no final commit logged:\n{}", log.join("\n")));
    // The import lands between two of the indexer's polls, so as a rule
    // only its final pass on shutdown commits it. Reading the watermark
    // after a restart would prove nothing: start-up replays whatever is
    // missing before anyone can look. So the log line and the commit on
    // disk, read while no kbql runs, must both name the outbox's end.
    let head = backend.outbox_head().await;
    assert_eq!(committed, head, "the log names the outbox's last sequence");
    assert_eq!(
        backend.committed_watermark(),
        head,
        "the index on disk says so too"
    );

    // With nothing left to replay, a restart searches exactly what the
    // shutdown committed.
    let server = ServeProcess::on(&backend).expect("restart");
    server.ready().await;
    assert_eq!(server.metric("kbql_index_watermark").await, head);
    assert_eq!(server.metric("kbql_index_posts").await, published);
    for n in 0..=HELD_ANSWERS {
        let q = format!("{} ", marker(n));
        let res = acknowledged(&client, &server.address, None, SEARCH, json!({ "q": q }))
            .await
            .expect("search");
        assert_eq!(res["data"]["search"]["totalCount"], 1, "{res}");
    }
}

/// Searches are logged in batches; a SIGTERM must write the queued ones
/// rather than drop them.
#[tokio::test]
async fn sigterm_writes_the_queued_search_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    for q in ["fading", "touch up", "laser"] {
        let res = server
            .gql(
                "query($q: String!) { search(query: $q) { totalCount } }",
                json!({"q": q}),
            )
            .await;
        assert!(res.get("errors").is_none(), "{res}");
    }
    server.stop();

    let token = kbql_cli(
        dir.path(),
        &db,
        &["token", "create", "--name", "Log Reader", "--role", "staff"],
    );
    assert!(token.status.success());
    let token = String::from_utf8(token.stdout).unwrap();
    let token = token.lines().last().unwrap().trim().to_owned();
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    let res: Value = reqwest::Client::new()
        .post(format!("{}/graphql", server.address))
        .bearer_auth(&token)
        .json(&json!({"query": "{ searchStats { totalSearches } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(res["data"]["searchStats"]["totalSearches"], 3, "{res}");
    server.stop();
}
