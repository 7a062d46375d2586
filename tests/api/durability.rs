//! Durability and consistency: concurrent writers lose nothing, a server
//! killed mid-burst loses no acknowledged write and its index recovers to
//! exactly the published posts, and SIGTERM lets in-flight requests finish
//! and the index commit.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kbql::domain::Role;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{self, POSTGRES_VAR, PostgresDb, TestApp};
use crate::on_both_backends;

on_both_backends!(concurrent_askers_lose_nothing_and_never_see_busy);

mod kill_9_during_a_burst_loses_no_acknowledged_write {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::kill_9_during_a_burst_loses_no_acknowledged_write(super::Backend::sqlite()).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(backend) = super::Backend::postgres().await {
            super::kill_9_during_a_burst_loses_no_acknowledged_write(backend).await
        }
    }
}

mod an_index_of_another_database_is_rebuilt_not_replayed {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::an_index_of_another_database_is_rebuilt_not_replayed(
            super::Backend::sqlite(),
            super::Backend::sqlite(),
        )
        .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let (Some(first), Some(second)) = (
            super::Backend::postgres().await,
            super::Backend::postgres().await,
        ) {
            super::an_index_of_another_database_is_rebuilt_not_replayed(first, second).await
        }
    }
}

mod sigterm_finishes_in_flight_requests_and_commits_the_index {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::sigterm_finishes_in_flight_requests_and_commits_the_index(super::Backend::sqlite())
            .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(backend) = super::Backend::postgres().await {
            super::sigterm_finishes_in_flight_requests_and_commits_the_index(backend).await
        }
    }
}

const ASK: &str = "mutation($q: String!) {
    askQuestion(input: {question: $q}) { question { id status } userErrors { code message } }
}";

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

// ---------------------------------------------------------------------------
// The binary: crashes and shutdowns need a process of their own.

/// A database and data dir of a test's own.
struct Backend {
    dir: tempfile::TempDir,
    url: String,
    /// Dropped with the backend, also when the test fails.
    _postgres: Option<PostgresDb>,
}

impl Backend {
    fn sqlite() -> Backend {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
        Backend {
            dir,
            url,
            _postgres: None,
        }
    }

    /// `None` when no PostgreSQL is configured.
    async fn postgres() -> Option<Backend> {
        let Ok(admin_url) = std::env::var(POSTGRES_VAR) else {
            eprintln!("skipped: set {POSTGRES_VAR} to run on PostgreSQL");
            return None;
        };
        let db = PostgresDb::create(&admin_url).await;
        Some(Backend {
            dir: tempfile::tempdir().expect("temp dir"),
            url: db.url.clone(),
            _postgres: Some(db),
        })
    }

    fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// `kbql` on this database, without public rate limits (0 = none).
    fn kbql(&self) -> Command {
        self.kbql_on(&self.url)
    }

    /// `kbql` on this data dir (and its index) but another database.
    fn kbql_on(&self, database_url: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kbql"));
        command
            .arg("--data-dir")
            .arg(self.data_dir())
            .arg("--database-url")
            .arg(database_url)
            .env("KBQL_ASKS_PER_MINUTE", "0")
            .env("KBQL_SEARCHES_PER_MINUTE", "0");
        command
    }

    /// A staff token, made the way an operator makes one.
    fn staff_token(&self) -> String {
        let out = self
            .kbql()
            .args([
                "token",
                "create",
                "--name",
                "Dr. Durable",
                "--role",
                "staff",
            ])
            .env("RUST_LOG", "warn")
            .output()
            .expect("run kbql token create");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .last()
            .expect("the secret")
            .trim()
            .to_owned()
    }

    /// The newest outbox sequence, read from the database itself.
    async fn outbox_head(&self) -> i64 {
        let store = kbql::store::Store::connect(&self.url)
            .await
            .expect("connect");
        let head = store.outbox_head().await.expect("outbox head");
        let _ = store.connection().clone().close().await;
        head
    }

    /// The outbox sequence recorded in the index's last commit on disk.
    fn committed_watermark(&self) -> i64 {
        let meta = index_folder(self.data_dir()).join("meta.json");
        let meta: Value =
            serde_json::from_slice(&std::fs::read(&meta).expect("meta.json")).expect("JSON");
        // `SEQ@MICROS`: the sequence, and when that outbox row was written.
        meta["payload"]
            .as_str()
            .and_then(|p| p.split('@').next()?.parse().ok())
            .unwrap_or_else(|| panic!("no watermark in {meta}"))
    }
}

/// `<data dir>/index/v<N>`, whatever the schema version.
fn index_folder(data_dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(data_dir.join("index"))
        .expect("index folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("meta.json").exists())
        .expect("an index version folder")
}

/// `kbql serve` as a child process: the tests need its pid (SIGTERM),
/// `Child::kill` (SIGKILL on Unix) and its log.
struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`
    address: String,
    log: Arc<Mutex<Vec<String>>>,
    log_reader: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    /// Starts `kbql serve` on a free port; `Err` with its log when it
    /// exits instead of listening.
    fn start(backend: &Backend) -> Result<Served, String> {
        Self::spawn(backend.kbql())
    }

    fn spawn(mut kbql: Command) -> Result<Served, String> {
        let mut child = kbql
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kbql serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (address_tx, address_rx) = std::sync::mpsc::channel();
        let log_reader = {
            let log = log.clone();
            // Reads to the end so the child never blocks on a full pipe.
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let _ =
                            address_tx.send(rest.trim().trim_end_matches("/graphql").to_owned());
                    }
                    log.lock().unwrap().push(line);
                }
            })
        };
        match address_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(address) => Ok(Served {
                child,
                address,
                log,
                log_reader: Some(log_reader),
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = log_reader.join();
                let log = log.lock().unwrap().join("\n");
                Err(log)
            }
        }
    }

    fn host(&self) -> &str {
        self.address.trim_start_matches("http://")
    }

    /// Waits until `/readyz` says the index has caught up.
    async fn ready(&self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = client
                .get(format!("{}/readyz", self.address))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if ready {
                return;
            }
            assert!(Instant::now() < deadline, "never became ready");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
    fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    async fn exit_status(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after {timeout:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The whole log, once the process has exited.
    fn final_log(&mut self) -> Vec<String> {
        if let Some(reader) = self.log_reader.take() {
            let _ = reader.join();
        }
        self.log.lock().unwrap().clone()
    }

    async fn metric(&self, client: &reqwest::Client, name: &str) -> i64 {
        helpers::metric(client, &self.address, name).await
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GraphQL request; `None` when it was cut off (refused, reset, a body
/// that never ended): only a complete response acknowledges a write. A
/// complete response must be a success: a crash can cut a request off,
/// never turn it into an error.
async fn acknowledged(
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
fn marker(n: usize) -> String {
    const LETTERS: &[u8] = b"bcfghjkmnpqrtvwxz";
    let mut word = String::from("zq");
    let mut rest = n;
    for _ in 0..6 {
        word.push(LETTERS[rest % LETTERS.len()] as char);
        rest /= LETTERS.len();
    }
    word
}

fn marker_in(answer: &str) -> Option<&str> {
    answer
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() == 8 && w.starts_with("zq"))
}

const ANSWER: &str = "mutation($id: ID!, $a: String!, $publish: Boolean!) {
    answerQuestion(input: {id: $id, answer: $a, publish: $publish}) {
        post { id status } userErrors { code message }
    }
}";

const PUBLISH: &str = "mutation($id: ID!) {
    publishPost(id: $id) { post { id status } userErrors { code message } }
}";

const PUBLISHED_PAGE: &str = "query($after: String) {
    posts(first: 100, after: $after) {
        nodes { id question answer } pageInfo { hasNextPage endCursor }
    }
}";

const STAFF_PENDING_PAGE: &str = "query($after: String) {
    pendingQuestions(first: 100, after: $after) {
        nodes { id question } pageInfo { hasNextPage endCursor }
    }
}";

const SEARCH: &str = "query($q: String!) {
    search(query: $q, first: 5) { totalCount nodes { post { id } } }
}";

/// Which writes the server acknowledged before it died.
#[derive(Default)]
struct Ledger {
    /// Question id → the question text.
    asked: Mutex<HashMap<String, String>>,
    /// Post id → the marker in its answer.
    published: Mutex<HashMap<String, String>>,
    acks: AtomicUsize,
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
async fn ask(
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
    server: &Served,
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
        server.metric(client, "kbql_index_posts").await,
        published.len() as i64,
        "the index holds exactly the published posts"
    );
    assert_eq!(
        server.metric(client, "kbql_index_watermark").await,
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
    let mut server = Served::start(&backend).expect("kbql serve starts");
    server.ready(&client).await;

    // The lock is real: a second server on the same index is refused
    // while the first lives. So the restarts below prove it dies with
    // its holder, whatever files a killed process leaves behind.
    let refused = Served::start(&backend)
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
            if let Some(status) = server.child.try_wait().expect("try_wait") {
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

        server = Served::start(&backend)
            .unwrap_or_else(|log| panic!("restart after kill -9 in round {round} failed:\n{log}"));
        server.ready(&client).await;
        verify_recovered(&server, &client, &token, &ledger, &backend).await;
    }
    assert!(!ledger.published.lock().unwrap().is_empty());
}

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
    let mut server = Served::start(&backend).expect("kbql serve starts");
    server.ready(&client).await;
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
    let server = Served::start(&backend).expect("restart");
    server.ready(&client).await;
    assert_eq!(server.metric(&client, "kbql_index_watermark").await, head);
    assert_eq!(server.metric(&client, "kbql_index_posts").await, published);
    for n in 0..=HELD_ANSWERS {
        let q = format!("{} ", marker(n));
        let res = acknowledged(&client, &server.address, None, SEARCH, json!({ "q": q }))
            .await
            .expect("search");
        assert_eq!(res["data"]["search"]["totalCount"], 1, "{res}");
    }
}

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/search_posts.jsonl"
);

/// The data dir keeps its index while the database under it changes: a
/// fresh database, another PostgreSQL database, a restore from a backup.
/// The new database's outbox reuses the sequence numbers the index has
/// seen (and goes past them, so a mere "index ahead of the outbox" check
/// would not notice); replaying from the old watermark would skip the new
/// database's first posts and keep the old ones.
async fn an_index_of_another_database_is_rebuilt_not_replayed(first: Backend, second: Backend) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let import = |mut kbql: Command, file: &Path| {
        let out = kbql
            .arg("import")
            .arg(file)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run kbql import");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    import(first.kbql(), Path::new(FIXTURE));
    let mut server = Served::start(&first).expect("kbql serve starts");
    server.ready(&client).await;
    let old_watermark = server.metric(&client, "kbql_index_watermark").await;
    server.sigterm();
    assert!(server.exit_status(Duration::from_secs(60)).await.success());

    let posts = (0..12)
        .map(|n| {
            json!({
                "slug": format!("second-history-{n}"),
                "question": format!("Second history question {n}?"),
                "answer": format!("Use the {} balm.", marker(n)),
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let file = second.data_dir().join("second.jsonl");
    std::fs::write(&file, posts).unwrap();
    import(second.kbql(), &file);
    let head = second.outbox_head().await;
    assert!(head > old_watermark, "{head} > {old_watermark}");

    let server = Served::spawn(first.kbql_on(&second.url)).expect("kbql serve starts");
    server.ready(&client).await;
    for n in 0..12 {
        let res = acknowledged(
            &client,
            &server.address,
            None,
            SEARCH,
            json!({ "q": format!("{} ", marker(n)) }),
        )
        .await
        .expect("search");
        assert_eq!(res["data"]["search"]["totalCount"], 1, "post {n}: {res}");
    }
    let res = acknowledged(
        &client,
        &server.address,
        None,
        SEARCH,
        json!({ "q": "foil " }),
    )
    .await
    .expect("search");
    assert_eq!(
        res["data"]["search"]["totalCount"], 0,
        "a post of the first database: {res}"
    );
    assert_eq!(server.metric(&client, "kbql_index_posts").await, 12);
    assert_eq!(server.metric(&client, "kbql_index_watermark").await, head);
}

/// Searches are logged in batches; a SIGTERM must write the queued ones
/// rather than drop them.
#[tokio::test]
async fn sigterm_writes_the_queued_search_log() {
    use crate::helpers::{ServeProcess, kbql_cli};
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
