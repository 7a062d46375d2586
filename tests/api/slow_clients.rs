//! Clients that hold connections without finishing requests: half a
//! header and silence, a trickle of header bytes, a body that never ends,
//! a kept-alive connection left idle, more connections than allowed.

use std::time::Duration;

use kbql::config::ServeConfig;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;

fn quick_deadlines() -> ServeConfig {
    ServeConfig {
        header_timeout_ms: 300,
        body_timeout_ms: 300,
        idle_timeout_ms: 600,
        ..TestApp::config()
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection, returning what it sent;
/// fails the test if the server keeps it open past `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> String {
    let mut received = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&received).into_owned()
}

const REQUEST: &str = "POST /graphql HTTP/1.1\r\nHost: kbql\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"query\":\"{ __typename }\"}";

#[tokio::test]
async fn half_a_header_then_silence_is_cut_off() {
    let app = TestApp::spawn_sqlite_with(quick_deadlines()).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: kbql\r\n")
        .await
        .unwrap();
    closed_within(&mut stream, Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_trickle_of_header_bytes_is_cut_off_at_the_header_deadline() {
    let app = TestApp::spawn_sqlite_with(quick_deadlines()).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\n")
        .await
        .unwrap();
    // A byte every 100 ms never lets the idle deadline pass, but the
    // headers as a whole must arrive within 300 ms.
    let mut cut_off = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if stream.write_all(b"X").await.is_err() {
            cut_off = true;
            break;
        }
        let mut probe = [0u8; 1];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await
        {
            cut_off = true;
            break;
        }
    }
    assert!(cut_off, "5 s of trickled headers were tolerated");
}

#[tokio::test]
async fn a_connection_that_sends_nothing_or_idles_after_a_request_is_closed() {
    let app = TestApp::spawn_sqlite_with(quick_deadlines()).await;
    let mut silent = connect(&app).await;
    closed_within(&mut silent, Duration::from_secs(5)).await;

    let mut kept_alive = connect(&app).await;
    kept_alive.write_all(REQUEST.as_bytes()).await.unwrap();
    // A prompt second request on the same connection is served.
    tokio::time::sleep(Duration::from_millis(100)).await;
    kept_alive.write_all(REQUEST.as_bytes()).await.unwrap();
    let answers = closed_within(&mut kept_alive, Duration::from_secs(5)).await;
    assert_eq!(answers.matches("HTTP/1.1 200").count(), 2, "{answers}");
    assert_eq!(
        answers.matches("\"__typename\":\"Query\"").count(),
        2,
        "{answers}"
    );
}

#[tokio::test]
async fn a_body_that_never_ends_gets_a_request_timeout() {
    let app = TestApp::spawn_sqlite_with(quick_deadlines()).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: kbql\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":")
        .await
        .unwrap();
    let answer = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
}

#[tokio::test]
async fn past_the_connection_cap_a_client_waits_its_turn() {
    let app = TestApp::spawn_sqlite_with(ServeConfig {
        max_connections: 2,
        ..TestApp::config()
    })
    .await;
    let first = connect(&app).await;
    let second = connect(&app).await;
    // Give the server a moment to accept both.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = reqwest::Client::new();
    let url = format!("{}/graphql", app.address);
    let waiting = tokio::spawn(async move {
        client
            .post(url)
            .json(&json!({"query": "{ __typename }"}))
            .send()
            .await
            .map(|r| r.status())
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "a third connection was served");
    drop(first);
    let status = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("served once a connection closed")
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
    drop(second);
    let open = crate::helpers::metric(
        &reqwest::Client::new(),
        &app.address,
        "kbql_http_connections",
    )
    .await;
    assert!(open <= 2, "{open} connections open");
}
