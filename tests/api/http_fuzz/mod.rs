//! A GraphQL-aware fuzzer that drives a real `kbql serve` process over
//! HTTP: documents generated from the schema and made hostile (nesting of
//! every kind, huge lists, repeated fields and fragments, directives,
//! hostile variables, broken bodies, flipped bytes), in development and
//! production mode, on the built-in sample posts.
//!
//! Each response is judged: the process must live, a 5xx must be a coded
//! `INTERNAL_SERVER_ERROR` (or a `TIMEOUT`), every error must carry a code
//! and no internal text, and every write the server acknowledged must be
//! found afterwards, also after a restart. The server's peak memory must
//! stay under the documented bound.
//!
//! `scripts/http_fuzz.sh` runs the long campaign (`campaign`, ignored by
//! default); the suite runs a short one. `KBQL_FUZZ_LOG=<file>` appends
//! every request and the start of its response to a file, to find what
//! preceded a failure.

mod generate;
mod oracle;
mod schema;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{ServeProcess, kbql_cli};
use generate::{Caller, FuzzRequest, Transport};
use oracle::{Judgement, judge};

/// The server's documented memory bound under hostile traffic (SECURITY.md).
const PEAK_RSS_BOUND_MIB: u64 = 300;

/// What a campaign tried and what it found.
#[derive(Debug, Default)]
struct Report {
    sent: u64,
    by_kind: BTreeMap<&'static str, u64>,
    by_status: BTreeMap<u16, u64>,
    by_code: BTreeMap<String, u64>,
    /// Requests whose connection closed before an answer was read (a body
    /// over the limit is refused before it has all been sent), by kind.
    closed_early: BTreeMap<&'static str, u64>,
    closed_examples: Vec<String>,
    coded_internal_errors: u64,
    timeouts: u64,
    failures: Vec<String>,
    failure_count: u64,
    deaths: u64,
    created: HashSet<String>,
    deleted: HashSet<String>,
    acknowledged_writes: u64,
    peak_rss_mib: BTreeMap<&'static str, u64>,
    verified_present: u64,
    elapsed: Duration,
}

impl Report {
    fn fail(&mut self, what: String) {
        self.failure_count += 1;
        if self.failures.len() < 20 {
            self.failures.push(what);
        }
    }

    fn summary(&self) -> Value {
        json!({
            "requests": self.sent,
            "seconds": self.elapsed.as_secs_f64(),
            "by_kind": self.by_kind,
            "by_status": self.by_status.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
            "by_error_code": self.by_code,
            "closed_before_an_answer_by_kind": self.closed_early,
            "closed_before_an_answer_examples": self.closed_examples,
            "process_deaths": self.deaths,
            "coded_internal_errors": self.coded_internal_errors,
            "timeouts": self.timeouts,
            "failures": self.failure_count,
            "first_failures": self.failures,
            "acknowledged_writes": self.acknowledged_writes,
            "posts_created_and_found": self.verified_present,
            "posts_deleted": self.deleted.len(),
            "peak_rss_mib": self.peak_rss_mib,
        })
    }
}

struct Target {
    server: ServeProcess,
    staff: String,
    admin: String,
}

fn token(dir: &std::path::Path, url: &str, role: &str) -> String {
    let out = kbql_cli(
        dir,
        url,
        &["token", "create", "--name", "Fuzzing", "--role", role],
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

fn start(dir: &std::path::Path, url: &str, production: bool) -> ServeProcess {
    let production = if production { "true" } else { "false" };
    ServeProcess::start_with(
        dir,
        url,
        &[("KBQL_DEMO", "true"), ("KBQL_PRODUCTION", production)],
    )
}

/// Runs `requests` fuzzed requests in each mode, with `workers` clients.
async fn run_campaign(requests: u64, seed: u64, workers: u64) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
    let model = Arc::new(schema::Model::from_sdl(&kbql::graphql::sdl()));
    let report = Arc::new(Mutex::new(Report::default()));
    let started = Instant::now();
    for (mode, production) in [("development", false), ("production", true)] {
        let server = start(dir.path(), &url, production);
        server.ready().await;
        let target = Arc::new(Target {
            staff: token(dir.path(), &url, "staff"),
            admin: token(dir.path(), &url, "admin"),
            server,
        });
        let mut tasks = tokio::task::JoinSet::new();
        for worker in 0..workers {
            let (target, model, report) = (target.clone(), model.clone(), report.clone());
            let share = requests / workers + u64::from(worker < requests % workers);
            let seed = seed ^ (worker << 32) ^ u64::from(production);
            tasks.spawn(async move { work(&target, &model, &report, share, seed).await });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a fuzzing worker");
        }
        let target = Arc::into_inner(target).expect("workers are done");
        let peak = target.server.peak_rss_kib() / 1024;
        let alive = target.server.alive();
        {
            let mut report = report.lock().unwrap();
            report.peak_rss_mib.insert(mode, peak);
            if !alive {
                report.deaths += 1;
                report.fail(format!("{mode}: the server died"));
            }
        }
        verify_writes(&target, &report).await;
        target.server.stop();
    }
    // The acknowledged writes survive a restart too.
    let server = start(dir.path(), &url, false);
    server.ready().await;
    let target = Target {
        staff: token(dir.path(), &url, "staff"),
        admin: token(dir.path(), &url, "admin"),
        server,
    };
    verify_writes(&target, &report).await;
    target.server.stop();
    let mut report = Arc::into_inner(report).unwrap().into_inner().unwrap();
    report.elapsed = started.elapsed();
    report
}

async fn work(
    target: &Target,
    model: &schema::Model,
    report: &Mutex<Report>,
    count: u64,
    seed: u64,
) {
    // A connection per request: a kept-alive connection the server closed
    // after refusing a body would fail the next request on it, and that
    // failure would hide one of the server's own.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut generator = generate::seeded(seed, model);
    for n in 0..count {
        let request = generator.next();
        let sent = send(&client, target, &request).await;
        let mut report = report.lock().unwrap();
        report.sent += 1;
        *report.by_kind.entry(request.kind).or_default() += 1;
        let (status, body) = match sent {
            Ok(answer) => answer,
            Err(e) => {
                if target.server.alive() {
                    // The server may close a connection it refuses (a body
                    // over the limit, say) before the client finished.
                    *report.closed_early.entry(request.kind).or_default() += 1;
                    if report.closed_examples.len() < 5 {
                        report
                            .closed_examples
                            .push(format!("{}: {e:?}", describe(&request)));
                    }
                    continue;
                }
                report.deaths += 1;
                report.fail(format!(
                    "the server died on {} request {n} (seed {seed}): {e}: {}",
                    request.kind,
                    describe(&request)
                ));
                return;
            }
        };
        *report.by_status.entry(status).or_default() += 1;
        if let Ok(path) = std::env::var("KBQL_FUZZ_LOG") {
            use std::io::Write as _;
            let mut log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .unwrap();
            let _ = writeln!(
                log,
                "{seed} {n} {:?} {}\n  -> {status} {}",
                request.caller,
                describe(&request),
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(400)
                    .collect::<String>()
            );
        }
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        for code in oracle::codes(parsed.as_ref()) {
            *report.by_code.entry(code).or_default() += 1;
        }
        match judge(status, parsed.as_ref()) {
            Judgement::Fine => {}
            Judgement::CodedInternalError => report.coded_internal_errors += 1,
            Judgement::Timeout => report.timeouts += 1,
            Judgement::Bad(why) => {
                let text = String::from_utf8_lossy(&body);
                let text: String = text.chars().take(300).collect();
                report.fail(format!(
                    "{why} on {} (seed {seed}, request {n}): {} → {status} {text}",
                    request.kind,
                    describe(&request)
                ));
            }
        }
        if let Some(parsed) = &parsed {
            generate::learn(&mut generator.pool, parsed);
            if status == 200 {
                record_writes(&mut report, &parsed["data"], &request);
            }
        }
    }
}

/// The posts a response says were created or deleted, whichever request
/// made it: a fuzzed mutation can write too.
fn record_writes(report: &mut Report, data: &Value, request: &FuzzRequest) {
    for (field, deletes) in [
        ("askQuestion", false),
        ("createArticle", false),
        ("deletePost", true),
    ] {
        let payload = &data[field];
        // A payload may not have selected its userErrors.
        if !matches!(&payload["userErrors"], Value::Null) && payload["userErrors"] != json!([]) {
            continue;
        }
        let Some(id) = generate::written_id(field, payload)
            .or_else(|| deleted_without_saying(field, payload, request))
        else {
            continue;
        };
        report.acknowledged_writes += 1;
        if deletes {
            report.created.remove(&id);
            report.deleted.insert(id);
        } else {
            report.created.insert(id);
        }
    }
    for field in [
        "answerQuestion",
        "setPostTags",
        "hidePost",
        "publishPost",
        "updatePost",
    ] {
        if !data[field]["post"].is_null() {
            report.acknowledged_writes += 1;
        }
    }
}

/// A `deletePost` that succeeded without selecting `deletedPostId`: the
/// id is the one the generated document wrote inline.
fn deleted_without_saying(field: &str, payload: &Value, request: &FuzzRequest) -> Option<String> {
    if field != "deletePost" || !payload.is_object() {
        return None;
    }
    let Transport::Post { body, .. } = &request.transport else {
        return None;
    };
    let sent: Value = serde_json::from_slice(body).ok()?;
    let query = sent["query"].as_str()?;
    let (_, rest) = query.split_once("deletePost(id: \"")?;
    rest.split_once('"').map(|(id, _)| id.to_owned())
}

/// Every post the server said it created is there, and none it said it
/// deleted.
async fn verify_writes(target: &Target, report: &Mutex<Report>) {
    let (created, deleted): (Vec<String>, Vec<String>) = {
        let r = report.lock().unwrap();
        (
            r.created.iter().cloned().collect(),
            r.deleted.iter().cloned().collect(),
        )
    };
    let client = reqwest::Client::new();
    let mut found = 0;
    let mut problems = Vec::new();
    for (ids, should_exist) in [(created, true), (deleted, false)] {
        for id in ids {
            let res: Value = client
                .post(format!("{}/graphql", target.server.address))
                .bearer_auth(&target.admin)
                .json(&json!({"query": "query($id: ID!) { post(id: $id) { id } }", "variables": {"id": id}}))
                .send()
                .await
                .expect("verification request")
                .json()
                .await
                .expect("verification response");
            let exists = res["data"]["post"]["id"] == json!(id);
            if exists != should_exist {
                problems.push(format!(
                    "post {id}: expected present={should_exist}, got {res}"
                ));
            } else if exists {
                found += 1;
            }
        }
    }
    let mut r = report.lock().unwrap();
    r.verified_present = found;
    for problem in problems {
        r.fail(problem);
    }
}

async fn send(
    client: &reqwest::Client,
    target: &Target,
    request: &FuzzRequest,
) -> Result<(u16, Vec<u8>), reqwest::Error> {
    let url = format!("{}/graphql", target.server.address);
    let builder = match &request.transport {
        Transport::Get { query_string } if query_string.len() < 60_000 => {
            client.get(format!("{url}?{query_string}"))
        }
        Transport::Get { query_string } => client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(query_string.clone()),
        Transport::Post { content_type, body } => {
            let builder = client.post(&url).body(body.clone());
            match content_type {
                Some(ct) => builder.header("content-type", *ct),
                None => builder,
            }
        }
    };
    let builder = match request.caller {
        Caller::Anonymous => builder,
        Caller::Staff => builder.bearer_auth(&target.staff),
        Caller::Admin => builder.bearer_auth(&target.admin),
    };
    let response = builder.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.bytes().await?.to_vec()))
}

fn describe(request: &FuzzRequest) -> String {
    let text = match &request.transport {
        Transport::Get { query_string } => format!("GET ?{query_string}"),
        Transport::Post { content_type, body } => {
            format!("POST {content_type:?} {}", String::from_utf8_lossy(body))
        }
    };
    text.chars().take(300).collect()
}

fn assert_clean(report: &Report) {
    let summary = serde_json::to_string_pretty(&report.summary()).unwrap();
    // Seen in the test's output, and kept when a path is given.
    eprintln!("{summary}");
    if let Ok(path) = std::env::var("KBQL_FUZZ_REPORT") {
        std::fs::write(&path, &summary).expect("write the report");
    }
    assert_eq!(report.deaths, 0, "{summary}");
    assert_eq!(report.failure_count, 0, "{summary}");
    assert_eq!(
        report.timeouts, 0,
        "a request ran past the time limit: {summary}"
    );
    assert!(
        report.acknowledged_writes > 0,
        "no write was made: {summary}"
    );
    for (mode, peak) in &report.peak_rss_mib {
        assert!(
            *peak <= PEAK_RSS_BOUND_MIB,
            "{mode}: peak RSS {peak} MiB: {summary}"
        );
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A short campaign, in every run of the suite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_campaign_finds_nothing() {
    let seed = env_u64("KBQL_FUZZ_SEED", 0x6b62_716c);
    assert_clean(&run_campaign(600, seed, 4).await);
}

/// The long campaign: `scripts/http_fuzz.sh` (KBQL_FUZZ_REQUESTS per mode,
/// KBQL_FUZZ_SEED, KBQL_FUZZ_WORKERS, KBQL_FUZZ_REPORT).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long: run with scripts/http_fuzz.sh"]
async fn campaign() {
    let requests = env_u64("KBQL_FUZZ_REQUESTS", 25_000);
    let seed = env_u64("KBQL_FUZZ_SEED", rand::random());
    let workers = env_u64("KBQL_FUZZ_WORKERS", 4);
    eprintln!("http fuzz: {requests} requests per mode, seed {seed}, {workers} workers");
    assert_clean(&run_campaign(requests, seed, workers).await);
}
