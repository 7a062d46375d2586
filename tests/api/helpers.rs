//! `TestApp`: a real kbql server on port 0 with a fresh database (SQLite in
//! a temp dir, or a PostgreSQL database of its own) and a GraphQL client.

use std::sync::Once;

use kbql::config::ServeConfig;
use kbql::domain::Role;
use kbql::search::Search;
use kbql::server::{Server, Services};
use kbql::store::Store;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// The variable that points the suite at a PostgreSQL server: a URL whose
/// user may create databases, e.g. postgres://postgres@127.0.0.1:5432/test.
pub const POSTGRES_VAR: &str = "KBQL_TEST_POSTGRES_URL";

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub search: Search,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
    stop: Option<oneshot::Sender<()>>,
    /// Kept so the indexer belongs to this app; it stops with the runtime.
    _services: Services,
    postgres: Option<PostgresDb>,
}

/// Runs each named test function against SQLite and, when configured,
/// PostgreSQL: `mod name { sqlite, postgres }`.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test($crate::helpers::TestApp::spawn_sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::helpers::TestApp::spawn_postgres().await {
                    super::$test(app).await
                }
            }
        }
    )*};
}

impl TestApp {
    /// The server settings of a test: port 0, and no rate limits (the
    /// tests of rate limits turn them on).
    pub fn config() -> ServeConfig {
        ServeConfig {
            bind: "127.0.0.1:0".parse().unwrap(),
            asks_per_minute: 0,
            searches_per_minute: 0,
            ..ServeConfig::default()
        }
    }

    pub async fn spawn_sqlite() -> TestApp {
        Self::spawn_sqlite_with(Self::config()).await
    }

    pub async fn spawn_sqlite_with(config: ServeConfig) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}?mode=rwc",
            data_dir.path().join("kbql.db").display()
        );
        Self::spawn_with(data_dir, url, None, config).await
    }

    /// `None` (after saying so once, visibly) when no PostgreSQL is configured.
    pub async fn spawn_postgres() -> Option<TestApp> {
        let Ok(admin_url) = std::env::var(POSTGRES_VAR) else {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                // Written past the test harness's capture so it is seen.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "note: PostgreSQL test cases are skipped: set {POSTGRES_VAR} to run them"
                );
            });
            return None;
        };
        let db = PostgresDb::create(&admin_url).await;
        let data_dir = tempfile::tempdir().expect("temp dir");
        let url = db.url.clone();
        Some(Self::spawn_with(data_dir, url, Some(db), Self::config()).await)
    }

    async fn spawn_with(
        data_dir: tempfile::TempDir,
        database_url: String,
        postgres: Option<PostgresDb>,
        config: ServeConfig,
    ) -> TestApp {
        let store = Store::connect(&database_url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let services = Services::start(&store, data_dir.path(), config.result_cache_bytes())
            .await
            .expect("search starts");
        let search = services.search.clone();
        assert!(
            search.wait_ready(std::time::Duration::from_secs(30)).await,
            "index ready"
        );
        let server = Server::bind(&config, store.clone(), search.clone())
            .await
            .expect("bind");
        let address = format!("http://{}", server.local_addr());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run_until(async {
            let _ = stopped.await;
        }));
        TestApp {
            address,
            store,
            search,
            client: reqwest::Client::new(),
            data_dir,
            database_url,
            stop: Some(stop),
            _services: services,
            postgres,
        }
    }

    /// POSTs a GraphQL operation anonymously; returns the whole response.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_with(None, query, variables).await
    }

    /// POSTs a GraphQL operation with a bearer token.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.gql_with(Some(token), query, variables).await
    }

    pub async fn gql_with(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("request");
        res.json().await.expect("JSON response")
    }

    /// The id clients see for the post numbered `n` in the database.
    pub async fn post_id(&self, n: i64) -> String {
        kbql::graphql::PublicIds::load(&self.store)
            .await
            .expect("ids")
            .post_id(n)
            .to_string()
    }

    /// A fresh token with the given role.
    pub async fn token(&self, role: Role) -> String {
        let name = match role {
            Role::Staff => "Dr. Test Staff",
            Role::Admin => "Dr. Test Admin",
        };
        kbql::auth::create_token(&self.store, name, role)
            .await
            .expect("token")
            .1
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request")
    }

    /// The server's count of SQL statements run so far.
    pub async fn sql_statements(&self) -> u64 {
        metric(&self.client, &self.address, "kbql_sql_statements_total").await as u64
    }

    /// Imports JSON Lines text through the same code path as `kbql import`.
    pub async fn import_jsonl(&self, text: &str) {
        let posts =
            kbql::import::parse(kbql::import::Format::JsonLines, text).expect("valid fixture");
        self.store
            .import_posts(&posts, &|_| {})
            .await
            .expect("import");
        self.indexed().await;
    }

    /// Waits until search reflects every write this process made.
    pub async fn indexed(&self) {
        let seq = self.store.written_seq();
        let caught_up = self
            .search
            .wait_for(seq, std::time::Duration::from_secs(10))
            .await;
        assert!(caught_up, "index caught up to {seq}");
    }

    /// Asks a question anonymously and returns its id.
    pub async fn ask(&self, question: &str) -> String {
        let res = self
            .gql(
                "mutation($q: String!) { askQuestion(input: {question: $q}) { question { id } userErrors { message } } }",
                json!({ "q": question }),
            )
            .await;
        assert_eq!(res["data"]["askQuestion"]["userErrors"], json!([]), "{res}");
        res["data"]["askQuestion"]["question"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Answers (and publishes) a question as staff.
    pub async fn answer(&self, token: &str, id: &str, answer: &str) -> Value {
        let res = self
            .gql_as(
                token,
                "mutation($id: ID!, $a: String!) { answerQuestion(input: {id: $id, answer: $a}) {
                    post { id status answer answeredBy publishedAt } userErrors { field code message } } }",
                json!({ "id": id, "a": answer }),
            )
            .await;
        res["data"]["answerQuestion"].clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // The server is told to stop first; the database goes after it.
        drop(self.postgres.take());
    }
}

/// A throw-away PostgreSQL database of one test, dropped (connections and
/// all) when this value is, also when the test fails.
pub struct PostgresDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PostgresDb {
    /// A new empty database on the server `admin_url` points at.
    pub async fn create(admin_url: &str) -> PostgresDb {
        use rand::Rng;
        use sea_orm::ConnectionTrait;
        let name = format!("kbql_test_{:016x}", rand::rng().random::<u64>());
        let admin = sea_orm::Database::connect(admin_url)
            .await
            .expect("connect to PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        let _ = admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url);
        PostgresDb {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PostgresDb {
    /// Drop cannot await inside the test's runtime; a thread can run a
    /// runtime of its own.
    fn drop(&mut self) {
        let admin_url = std::mem::take(&mut self.admin_url);
        let name = std::mem::take(&mut self.name);
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                if let Ok(admin) = sea_orm::Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// Percent-encodes `text` for a URL's query string.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(res: &Value) -> &str {
    res["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {res}"))
}

/// `count` published questions as JSON Lines, tagged and categorised,
/// published a day apart so the listing order is known: post 1 is oldest.
pub fn numbered_posts(count: usize, tag: &str, category: &str) -> String {
    (1..=count)
        .map(|i| {
            json!({
                "kind": "question",
                "slug": format!("question-{i}"),
                "title": format!("Question number {i}"),
                "question": format!("Reader question {i} about pigment?"),
                "answer": format!("Staff answer {i}."),
                "tags": [tag, "smp"],
                "category": category,
                "published_at": chrono::DateTime::from_timestamp(1_700_000_000 + 3600 * i as i64, 0)
                    .expect("valid time")
                    .to_rfc3339(),
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One gauge or counter from the server's `/metrics`.
pub async fn metric(client: &reqwest::Client, address: &str, name: &str) -> i64 {
    let body = client
        .get(format!("{address}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics body");
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} missing from {body}"))
}

/// A `kbql serve` child process, for tests of restarts and crashes.
pub struct ServeProcess {
    child: std::process::Child,
    pub address: String,
}

impl ServeProcess {
    pub fn start(data_dir: &std::path::Path, database_url: &str) -> ServeProcess {
        Self::start_with(data_dir, database_url, &[])
    }

    /// With extra environment variables (settings) for the server.
    pub fn start_with(
        data_dir: &std::path::Path,
        database_url: &str,
        env: &[(&str, &str)],
    ) -> ServeProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kbql"))
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .arg("--database-url")
            .arg(database_url)
            .env("RUST_LOG", "info")
            .env("KBQL_ASKS_PER_MINUTE", "0")
            .env("KBQL_SEARCHES_PER_MINUTE", "0")
            .envs(env.iter().copied())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start kbql serve");
        let stderr = child.stderr.take().unwrap();
        let mut lines = std::io::BufReader::new(stderr).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("kbql serve printed its address")
                .unwrap();
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.trim().trim_end_matches("/graphql").to_owned();
            }
        };
        // Keep draining so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServeProcess { child, address }
    }

    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        reqwest::Client::new()
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(format!("{}{}", self.address, path))
            .await
            .expect("request")
    }

    pub async fn metric(&self, name: &str) -> i64 {
        metric(&reqwest::Client::new(), &self.address, name).await
    }

    /// Waits until `/readyz` says the index has caught up.
    pub async fn ready(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while self.get("/readyz").await.status() != 200 {
            assert!(
                std::time::Instant::now() < deadline,
                "server never became ready"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// The server's peak resident memory so far, in KiB (Linux).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM")
    }

    /// Whether the server process is still running (not gone, not a
    /// zombie).
    pub fn alive(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).is_ok_and(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("State:"))
                .is_some_and(|state| !state.trim_start().starts_with('Z'))
        })
    }

    /// SIGTERM, then wait: a graceful shutdown.
    pub fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `kbql` with the given arguments against a data dir and database.
pub fn kbql_cli(
    data_dir: &std::path::Path,
    database_url: &str,
    args: &[&str],
) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run kbql")
}
