//! `TestApp`: a real kbql server on port 0 with a fresh database (SQLite in
//! a temp dir, or a PostgreSQL database of its own) and a GraphQL client;
//! `on_both_backends!` runs a test on each database; the binary as a
//! process lives in `process`.

mod model;
mod postgres;
mod process;

pub use model::model_dir;
pub use postgres::{POSTGRES_VAR, PostgresDb};
pub use process::{Backend, ServeProcess, index_folder, kbql_cli};

use std::sync::Once;

use kbql::config::ServeConfig;
use kbql::domain::Role;
use kbql::search::Search;
use kbql::server::{Server, Services};
use kbql::store::Store;
use serde_json::{Value, json};
use tokio::sync::oneshot;

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

/// What a test runs on, made once per backend: a `TestApp` (a server in
/// the test's process), a `Backend` (a database and data dir for the
/// binary), or two backends.
pub trait OnBothBackends: Sized {
    async fn sqlite() -> Self;
    /// `None` (after saying so once, visibly) when no PostgreSQL is
    /// configured.
    async fn postgres() -> Option<Self>;
}

impl OnBothBackends for TestApp {
    async fn sqlite() -> Self {
        TestApp::spawn_sqlite().await
    }

    async fn postgres() -> Option<Self> {
        TestApp::spawn_postgres().await
    }
}

/// Runs each named test function against SQLite and, when configured,
/// PostgreSQL: `mod name { sqlite, postgres }`. The function takes a
/// `TestApp`, or what the list names first (`Backend: test, …`).
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        $crate::on_both_backends!($crate::helpers::TestApp: $($test),*);
    };
    ($on:ty: $($test:ident),* $(,)?) => {$(
        mod $test {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$test(<$on as $crate::helpers::OnBothBackends>::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(on) = <$on as $crate::helpers::OnBothBackends>::postgres().await {
                    super::$test(on).await
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
            model_dir: None,
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

    /// A server that matches by meaning with the real model; `None` (after
    /// saying so once, visibly) when the model is not on this machine.
    pub async fn spawn_with_model() -> Option<TestApp> {
        let dir = model_dir()?;
        Some(
            Self::spawn_sqlite_with(ServeConfig {
                model_dir: Some(dir),
                ..Self::config()
            })
            .await,
        )
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
        let semantic = match &config.model_dir {
            Some(dir) => Some(model::semantic(dir).await),
            None => None,
        };
        let services = Services::start(
            &store,
            data_dir.path(),
            config.result_cache_bytes(),
            semantic,
            config.retention.retention(),
        )
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

    /// The fewest statements the process ran across three runs of `run`.
    /// The counter is the whole process's, and the indexer's poll and the
    /// search log's writer run beside requests; work a request itself does
    /// shows in every run, so the quietest run is the one that tells.
    pub async fn fewest_statements<F, Fut>(&self, mut run: F) -> u64
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let mut fewest = u64::MAX;
        for _ in 0..3 {
            let before = self.sql_statements().await;
            run().await;
            fewest = fewest.min(self.sql_statements().await - before);
        }
        fewest
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
