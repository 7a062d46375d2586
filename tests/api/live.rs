//! Subscriptions over WebSocket (graphql-transport-ws) with a real client:
//! staff hear of questions, everyone of published posts, across replicas;
//! who may subscribe, from where, and how much.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use kbql::domain::Role;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{Backend, ServeProcess, TestApp, error_code};
use crate::on_both_backends;

const QUESTIONS: &str = "subscription { questionAsked { id title question status } }";
const PUBLISHED: &str = "subscription { postPublished { title status } }";

/// A graphql-transport-ws client on one connection.
struct Live {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// Opens a connection to `address` (`http://host:port`), with `origin` as
/// a browser would send it, without the protocol's handshake.
async fn connect(address: &str, origin: Option<&str>) -> Result<Live, WsError> {
    let url = format!("{}/graphql", address.replace("http://", "ws://"));
    let mut request = url.into_client_request()?;
    let headers = request.headers_mut();
    headers.insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    if let Some(origin) = origin {
        headers.insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    let (ws, response) = tokio_tungstenite::connect_async(request).await?;
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    Ok(Live { ws })
}

impl Live {
    /// Connects and completes `connection_init`, as staff with `token`.
    async fn open(address: &str, token: Option<&str>) -> Live {
        let mut live = connect(address, None).await.expect("upgrade");
        let payload = match token {
            Some(token) => json!({ "authorization": format!("Bearer {token}") }),
            None => json!({}),
        };
        live.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        let ack = live.next(Duration::from_secs(10)).await.expect("an answer");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        live
    }

    async fn send(&mut self, message: Value) {
        self.ws
            .send(Message::text(message.to_string()))
            .await
            .expect("send");
    }

    async fn subscribe(&mut self, id: &str, query: &str) {
        self.send(json!({ "id": id, "type": "subscribe", "payload": { "query": query } }))
            .await;
    }

    /// The next protocol message within `within`; `None` when none came.
    async fn next(&mut self, within: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()??;
            match frame.expect("a frame") {
                Message::Text(text) => return Some(serde_json::from_str(&text).unwrap()),
                Message::Close(frame) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or_default();
                    return Some(json!({ "type": "closed", "code": code, "reason": reason }));
                }
                _ => continue,
            }
        }
    }
}

/// Repeats `cause` (which should make the subscription fire) until a
/// message arrives on `live`: the server subscribes a moment after the
/// `subscribe` message, and a write before that is rightly not heard.
async fn heard<F, Fut>(live: &mut Live, mut cause: F) -> Value
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    for n in 0.. {
        cause(n).await;
        if let Some(message) = live.next(Duration::from_millis(250)).await {
            return message;
        }
        assert!(Instant::now() < deadline, "no event after {n} tries");
    }
    unreachable!()
}

async fn create_article(app: &TestApp, token: &str, title: &str, publish: bool) {
    let res = app
        .gql_as(
            token,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { userErrors { code } } }",
            json!({ "input": { "title": title, "body": format!("{title}: the clinic's notice."), "publish": publish } }),
        )
        .await;
    assert_eq!(
        res["data"]["createArticle"]["userErrors"],
        json!([]),
        "{res}"
    );
}

on_both_backends!(
    staff_hear_of_each_question_as_it_is_asked,
    everyone_hears_of_posts_as_they_are_published,
);

async fn staff_hear_of_each_question_as_it_is_asked(app: TestApp) {
    let token = app.token(Role::Staff).await;
    let mut staff = Live::open(&app.address, Some(&token)).await;
    staff.subscribe("q", QUESTIONS).await;
    let message = heard(&mut staff, |n| {
        let app = &app;
        async move {
            app.ask(&format!("Does swimming in chlorine fade the dots ({n})?"))
                .await;
        }
    })
    .await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "q");
    let question = &message["payload"]["data"]["questionAsked"];
    assert_eq!(question["status"], "PENDING", "{message}");
    assert!(
        question["question"]
            .as_str()
            .unwrap()
            .starts_with("Does swimming in chlorine fade the dots"),
        "{message}"
    );
    // The id is the API's own: staff can answer it straight away.
    let id = question["id"].as_str().unwrap();
    let answered = app
        .answer(&token, id, "No: chlorine does not touch it.")
        .await;
    assert_eq!(answered["userErrors"], json!([]), "{answered}");
}

async fn everyone_hears_of_posts_as_they_are_published(app: TestApp) {
    let token = app.token(Role::Staff).await;
    let mut visitor = Live::open(&app.address, None).await;
    visitor.subscribe("p", PUBLISHED).await;
    let first = heard(&mut visitor, |n| {
        let (app, token) = (&app, &token);
        async move { create_article(app, token, &format!("Opening hours {n}"), true).await }
    })
    .await;
    let post = &first["payload"]["data"]["postPublished"];
    assert_eq!(post["status"], "PUBLISHED", "{first}");
    assert!(post["title"].as_str().unwrap().starts_with("Opening hours"));

    // Drain whatever the first tries published, then: a hidden draft is
    // not news; the next published post is.
    while visitor.next(Duration::from_millis(300)).await.is_some() {}
    create_article(&app, &token, "Draft for staff", false).await;
    create_article(&app, &token, "Closed on Friday", true).await;
    let next = visitor
        .next(Duration::from_secs(10))
        .await
        .expect("an event");
    assert_eq!(
        next["payload"]["data"]["postPublished"]["title"], "Closed on Friday",
        "{next}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_may_not_hear_of_questions() {
    let app = TestApp::spawn_sqlite().await;
    let mut visitor = Live::open(&app.address, None).await;
    visitor.subscribe("q", QUESTIONS).await;
    let message = visitor
        .next(Duration::from_secs(10))
        .await
        .expect("an answer");
    let errors = match message["type"].as_str() {
        Some("error") => message["payload"].clone(),
        _ => message["payload"]["errors"].clone(),
    };
    assert_eq!(
        error_code(&json!({ "errors": errors })),
        "UNAUTHENTICATED",
        "{message}"
    );
}

/// A server where each client may hold one subscription connection.
async fn one_place_per_client() -> TestApp {
    let mut config = TestApp::config();
    config.live_connections_per_client = 1;
    TestApp::spawn_sqlite_with(config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_says_who_it_is_is_closed() {
    let app = one_place_per_client().await;
    let started = Instant::now();
    let mut silent = connect(&app.address, None).await.expect("upgrade");
    // Within its time, it keeps its client's only place.
    assert!(connect(&app.address, None).await.is_err());
    // Closed as the protocol says: 4408, connection initialisation timeout.
    let ended = silent
        .next(kbql::domain::Limits::LIVE_INIT_TIME + Duration::from_secs(10))
        .await
        .expect("the silent connection stayed open");
    assert_eq!(ended["type"], "closed", "{ended}");
    assert_eq!(ended["code"], 4408, "{ended}");
    assert!(
        started.elapsed() >= kbql::domain::Limits::LIVE_INIT_TIME,
        "closed before its time"
    );
    // Its place is free again, and a connection that says who it is stays.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut live = loop {
        if let Ok(mut live) = connect(&app.address, None).await {
            live.send(json!({ "type": "connection_init", "payload": {} }))
                .await;
            break live;
        }
        assert!(Instant::now() < deadline, "the place stayed taken");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let ack = live.next(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    assert_eq!(
        live.next(kbql::domain::Limits::LIVE_INIT_TIME + Duration::from_secs(2))
            .await,
        None,
        "an initialised connection is left open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_gone_before_saying_who_it_is_frees_its_place_at_once() {
    let app = one_place_per_client().await;
    let started = Instant::now();
    let mut silent = connect(&app.address, None).await.expect("upgrade");
    // Gone politely: a close frame, then the end of its stream.
    silent.ws.close(None).await.expect("close");
    drop(silent);
    let mut again = loop {
        if let Ok(live) = connect(&app.address, None).await {
            break live;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        started.elapsed() < kbql::domain::Limits::LIVE_INIT_TIME / 2,
        "the place was held {:?}",
        started.elapsed()
    );
    again
        .send(json!({ "type": "connection_init", "payload": {} }))
        .await;
    let ack = again
        .next(Duration::from_secs(10))
        .await
        .expect("an answer");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_fails_ends_the_connection() {
    let app = TestApp::spawn_sqlite().await;
    let mut live = connect(&app.address, None).await.expect("upgrade");
    live.send(json!({ "type": "connection_init", "payload": { "authorization": "Bearer kbql_not-a-token" } }))
        .await;
    // 4403 Forbidden, as graphql-transport-ws says, with the reason.
    let message = live.next(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(message["type"], "closed", "{message}");
    assert_eq!(message["code"], 4403, "{message}");
    assert_eq!(message["reason"], "this operation requires a staff token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_outside_the_protocol_ends_the_connection() {
    let app = TestApp::spawn_sqlite().await;
    let mut live = Live::open(&app.address, None).await;
    live.ws
        .send(Message::text("{\"type\": \"shout\"}"))
        .await
        .expect("send");
    // 4400 Invalid message.
    let message = live.next(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(message["type"], "closed", "{message}");
    assert_eq!(message["code"], 4400, "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutations_and_oversized_documents_go_elsewhere() {
    let app = TestApp::spawn_sqlite().await;
    let mut live = Live::open(&app.address, None).await;
    live.subscribe(
        "m",
        "mutation { askQuestion(input: {question: \"Is it safe?\"}) { userErrors { code } } }",
    )
    .await;
    let message = live.next(Duration::from_secs(10)).await.expect("an answer");
    assert!(
        message.to_string().contains("send mutations over HTTP"),
        "{message}"
    );
    assert!(message.to_string().contains("BAD_USER_INPUT"), "{message}");
    let done = live.next(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(done, json!({ "id": "m", "type": "complete" }));
    let huge = format!(
        "subscription {{ postPublished {{ title }} }} #{}",
        "x".repeat(20 << 10)
    );
    live.subscribe("big", &huge).await;
    let message = live.next(Duration::from_secs(10)).await.expect("an answer");
    assert!(
        message.to_string().contains("PAYLOAD_TOO_LARGE"),
        "{message}"
    );
    // Nothing was stored.
    let pending = app
        .gql_as(
            &app.token(Role::Staff).await,
            "{ pendingQuestions(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pending["data"]["pendingQuestions"]["totalCount"], 0,
        "{pending}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_holds_a_bounded_number_of_subscriptions() {
    let app = TestApp::spawn_sqlite().await;
    let mut live = Live::open(&app.address, None).await;
    for n in 0..kbql::limits::Limits::SUBSCRIPTIONS_PER_CONNECTION {
        live.subscribe(&n.to_string(), PUBLISHED).await;
    }
    assert!(live.next(Duration::from_millis(500)).await.is_none());
    live.subscribe("one-too-many", PUBLISHED).await;
    let message = live.next(Duration::from_secs(10)).await.expect("an answer");
    assert_eq!(message["id"], "one-too-many", "{message}");
    assert!(
        message.to_string().contains("at most 20 subscriptions"),
        "{message}"
    );
    // Stopping one frees its place.
    live.send(json!({ "id": "0", "type": "complete" })).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        live.subscribe("again", PUBLISHED).await;
        match live.next(Duration::from_millis(300)).await {
            None => break,
            Some(message) => assert!(Instant::now() < deadline, "{message}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_from_other_origins_are_refused() {
    let app = TestApp::spawn_sqlite().await;
    let refused = connect(&app.address, Some("https://evil.example")).await;
    match refused {
        Err(WsError::Http(response)) => {
            assert_eq!(response.status(), 403);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(error_code(&body), "FORBIDDEN_ORIGIN", "{body}");
        }
        Err(other) => panic!("refused for the wrong reason: {other}"),
        Ok(_) => panic!("another site's page opened a subscription"),
    }
    // The playground's own page may.
    let own = app.address.clone();
    assert!(connect(&app.address, Some(&own)).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_client_holds_a_bounded_number_of_connections() {
    let mut config = TestApp::config();
    config.live_connections_per_client = 2;
    let app = TestApp::spawn_sqlite_with(config).await;
    let first = Live::open(&app.address, None).await;
    let _second = Live::open(&app.address, None).await;
    match connect(&app.address, None).await {
        Err(WsError::Http(response)) => {
            assert_eq!(response.status(), 429);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(error_code(&body), "TOO_MANY_CONNECTIONS", "{body}");
        }
        Err(other) => panic!("refused for the wrong reason: {other}"),
        Ok(_) => panic!("a third connection was let in"),
    }
    // Closing one frees its place once the server has seen it go.
    let mut first = first;
    first.ws.close(None).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while connect(&app.address, None).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the closed connection's place stayed taken"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two kbql processes on one PostgreSQL: staff subscribed on one hear of a
/// question asked on the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_asked_on_one_replica_reaches_staff_on_another() {
    let Some(db) = Backend::postgres().await else {
        return;
    };
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = ServeProcess::start(a_dir.path(), &db.url);
    let b = ServeProcess::start(b_dir.path(), &db.url);
    a.ready().await;
    b.ready().await;
    let token = db.staff_token();
    let mut staff = Live::open(&format!("http://{}", b.host()), Some(&token)).await;
    staff.subscribe("q", QUESTIONS).await;
    let message = heard(&mut staff, |n| {
        let a = &a;
        async move {
            let res = a
                .gql(
                    "mutation($q: String!) { askQuestion(input: {question: $q}) { userErrors { code } } }",
                    json!({ "q": format!("Asked on the first replica ({n}): can I dye my hair after?") }),
                )
                .await;
            assert_eq!(res["data"]["askQuestion"]["userErrors"], json!([]), "{res}");
        }
    })
    .await;
    let question = &message["payload"]["data"]["questionAsked"];
    assert!(
        question["question"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Asked on the first replica"),
        "{message}\n{}",
        b.log()
    );
    assert_eq!(message["type"], "next");
}
