//! The `kbql` binary as a test runs it: a database and data directory of
//! the test's own ([`Backend`]), the CLI on them, and `kbql serve` as a
//! child process ([`ServeProcess`]) for what needs a process of its own:
//! crashes, shutdowns, restarts, memory, several servers on one database.

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::postgres::{POSTGRES_VAR, PostgresDb};
use super::{OnBothBackends, metric};

/// A database and data dir of a test's own.
pub struct Backend {
    dir: tempfile::TempDir,
    pub url: String,
    /// Dropped with the backend, also when the test fails.
    _postgres: Option<PostgresDb>,
}

impl Backend {
    pub fn sqlite() -> Backend {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
        Backend {
            dir,
            url,
            _postgres: None,
        }
    }

    /// `None` when no PostgreSQL is configured.
    pub async fn postgres() -> Option<Backend> {
        let admin_url = std::env::var(POSTGRES_VAR).ok()?;
        let db = PostgresDb::create(&admin_url).await;
        Some(Backend {
            dir: tempfile::tempdir().expect("temp dir"),
            url: db.url.clone(),
            _postgres: Some(db),
        })
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// `kbql` on this database, without public rate limits.
    pub fn kbql(&self) -> Command {
        self.kbql_on(&self.url)
    }

    /// `kbql` on this data dir (and its index) but another database.
    pub fn kbql_on(&self, database_url: &str) -> Command {
        kbql_command(self.data_dir(), database_url)
    }

    /// A staff token, made the way an operator makes one.
    pub fn staff_token(&self) -> String {
        token(self.data_dir(), &self.url, "staff")
    }

    /// The newest outbox sequence, read from the database itself.
    pub async fn outbox_head(&self) -> i64 {
        let store = kbql::store::Store::connect(&self.url)
            .await
            .expect("connect");
        let head = store.outbox_head().await.expect("outbox head");
        let _ = store.connection().clone().close().await;
        head
    }

    /// The outbox sequence recorded in the index's last commit on disk.
    pub fn committed_watermark(&self) -> i64 {
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

impl OnBothBackends for Backend {
    async fn sqlite() -> Self {
        Backend::sqlite()
    }

    async fn postgres() -> Option<Self> {
        Backend::postgres().await
    }
}

/// Two databases of a test's own, on the same backend.
impl OnBothBackends for (Backend, Backend) {
    async fn sqlite() -> Self {
        (Backend::sqlite(), Backend::sqlite())
    }

    async fn postgres() -> Option<Self> {
        Some((Backend::postgres().await?, Backend::postgres().await?))
    }
}

/// `<data dir>/index/v<N>`, whatever the schema version.
pub fn index_folder(data_dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(data_dir.join("index"))
        .expect("index folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("meta.json").exists())
        .expect("an index version folder")
}

fn kbql_command(data_dir: &Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kbql"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(database_url)
        .env("KBQL_ASKS_PER_MINUTE", "0")
        .env("KBQL_SEARCHES_PER_MINUTE", "0");
    command
}

/// Runs `kbql` with the given arguments against a data dir and database.
pub fn kbql_cli(data_dir: &Path, database_url: &str, args: &[&str]) -> std::process::Output {
    kbql_command(data_dir, database_url)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run kbql")
}

/// A new token's secret, from `kbql token create`.
pub fn token(data_dir: &Path, database_url: &str, role: &str) -> String {
    let out = kbql_cli(
        data_dir,
        database_url,
        &["token", "create", "--name", "Dr. Process", "--role", role],
    );
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

/// `kbql serve` as a child process, on a free port, with its log kept.
pub struct ServeProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub address: String,
    log: Arc<Mutex<Vec<String>>>,
    log_reader: Option<std::thread::JoinHandle<()>>,
    client: reqwest::Client,
}

impl ServeProcess {
    pub fn start(data_dir: &Path, database_url: &str) -> ServeProcess {
        Self::start_with(data_dir, database_url, &[])
    }

    /// With extra environment variables (settings) for the server.
    pub fn start_with(data_dir: &Path, database_url: &str, env: &[(&str, &str)]) -> ServeProcess {
        let mut kbql = kbql_command(data_dir, database_url);
        kbql.envs(env.iter().copied());
        Self::spawn(kbql).unwrap_or_else(|log| panic!("kbql serve did not start:\n{log}"))
    }

    /// Starts `kbql serve` on `backend`.
    pub fn on(backend: &Backend) -> Result<ServeProcess, String> {
        Self::spawn(backend.kbql())
    }

    /// Starts `kbql serve` with `kbql`'s arguments and settings; `Err` with
    /// its log when it exits instead of listening.
    pub fn spawn(mut kbql: Command) -> Result<ServeProcess, String> {
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
            Ok(address) => Ok(ServeProcess {
                child,
                address,
                log,
                log_reader: Some(log_reader),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_secs(60))
                    .build()
                    .expect("a client"),
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

    /// `127.0.0.1:PORT`
    pub fn host(&self) -> &str {
        self.address.trim_start_matches("http://")
    }

    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_with(None, query, variables).await
    }

    /// As the holder of `token`.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        self.gql_with(Some(token), query, variables).await
    }

    async fn gql_with(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON")
    }

    pub async fn metric(&self, name: &str) -> i64 {
        metric(&self.client, &self.address, name).await
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Waits until `/readyz` says the index has caught up.
    pub async fn ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = self
                .client
                .get(format!("{}/readyz", self.address))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if ready {
                return;
            }
            assert!(Instant::now() < deadline, "server never became ready");
            tokio::time::sleep(Duration::from_millis(20)).await;
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

    /// The exit status, if the server has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
    pub fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// SIGTERM, then wait: a graceful shutdown.
    pub fn stop(mut self) {
        self.sigterm();
        let _ = self.child.wait();
    }

    pub async fn exit_status(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.exited() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after {timeout:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The whole log, once the process has exited.
    pub fn final_log(&mut self) -> Vec<String> {
        if let Some(reader) = self.log_reader.take() {
            let _ = reader.join();
        }
        self.log.lock().unwrap().clone()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
