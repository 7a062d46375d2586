//! The index is derived from the database: it follows the outbox, survives
//! restarts, and can always be rebuilt.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{ServeProcess, TestApp, kbql_cli, numbered_posts};
use crate::on_both_backends;

on_both_backends!(
    deleting_the_index_folder_loses_nothing,
    a_restart_replays_only_what_the_index_missed,
    a_corrupt_index_is_rebuilt,
    an_index_of_an_older_schema_is_replaced,
    another_process_import_is_searchable_within_a_second,
    reindex_rebuilds_on_demand_but_not_under_a_running_server,
    a_long_replay_ends_in_one_segment,
);

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/search_posts.jsonl"
);

async fn total(server: &ServeProcess, q: &str) -> u64 {
    let res = server
        .gql(
            "query($q: String!) { search(query: $q) { totalCount } }",
            json!({"q": q}),
        )
        .await;
    res["data"]["search"]["totalCount"]
        .as_u64()
        .unwrap_or_else(|| panic!("{res}"))
}

async fn watermark(server: &ServeProcess) -> i64 {
    server.metric("kbql_index_watermark").await
}

/// Writes `text` to a file and imports it with the CLI, as an operator
/// would while no server runs.
fn import_offline(dir: &std::path::Path, db: &str, name: &str, text: &str) {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    assert!(
        kbql_cli(dir, db, &["import", file.to_str().unwrap()])
            .status
            .success()
    );
}

/// A data dir and database of our own, outside any running TestApp server
/// (the TestApp only lends its database).
fn own_data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn database_for(app: &TestApp, dir: &std::path::Path) -> String {
    if app.database_url.starts_with("sqlite") {
        format!("sqlite://{}?mode=rwc", dir.join("kbql.db").display())
    } else {
        app.database_url.clone()
    }
}

async fn deleting_the_index_folder_loses_nothing(app: TestApp) {
    let dir = own_data_dir();
    let db = database_for(&app, dir.path());
    assert!(
        kbql_cli(dir.path(), &db, &["import", FIXTURE])
            .status
            .success()
    );
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert_eq!(total(&server, "foil").await, 1);
    server.stop();

    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert_eq!(total(&server, "foil").await, 1);
    assert_eq!(total(&server, "smp").await, 10);
}

async fn a_restart_replays_only_what_the_index_missed(app: TestApp) {
    let dir = own_data_dir();
    let db = database_for(&app, dir.path());
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert!(
        kbql_cli(dir.path(), &db, &["import", FIXTURE])
            .status
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while total(&server, "smp").await < 10 {
        assert!(Instant::now() < deadline, "import never became searchable");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = watermark(&server).await;
    assert!(before > 0);
    server.stop();

    // Written while no server runs: only the outbox knows.
    import_offline(
        dir.path(),
        &db,
        "more.jsonl",
        r#"{"slug":"gym-after-smp","title":"Can I go to the gym after SMP?","question":"When can I lift weights again?","answer":"Wait four days before heavy sweating."}"#,
    );

    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert_eq!(total(&server, "weights gym").await, 1);
    assert_eq!(total(&server, "smp").await, 11, "nothing indexed twice");
    assert_eq!(
        watermark(&server).await,
        before + 1,
        "the commit payload records the outbox sequence"
    );
}

async fn a_corrupt_index_is_rebuilt(app: TestApp) {
    let dir = own_data_dir();
    let db = database_for(&app, dir.path());
    assert!(
        kbql_cli(dir.path(), &db, &["import", FIXTURE])
            .status
            .success()
    );
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    server.stop();
    let index = std::fs::read_dir(dir.path().join("index"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(index.join("meta.json"), b"{ this is not json").unwrap();

    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert_eq!(total(&server, "foil").await, 1);
}

async fn another_process_import_is_searchable_within_a_second(app: TestApp) {
    let file = app.data_dir.path().join("page.jsonl");
    std::fs::write(&file, std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    let out = kbql_cli(
        app.data_dir.path(),
        &app.database_url,
        &["import", file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let imported = Instant::now();
    let query = "{ search(query: \"foil\") { totalCount } }";
    loop {
        let res: Value = app.gql(query, json!({})).await;
        if res["data"]["search"]["totalCount"] == 1 {
            break;
        }
        // The target is 1 s; the slack keeps a loaded CI machine from
        // failing the suite. The benchmark script measures the real figure.
        assert!(
            imported.elapsed() < Duration::from_secs(3),
            "not searchable after {:?}",
            imported.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn reindex_rebuilds_on_demand_but_not_under_a_running_server(app: TestApp) {
    let busy = kbql_cli(app.data_dir.path(), &app.database_url, &["reindex"]);
    assert!(!busy.status.success());
    assert!(
        String::from_utf8_lossy(&busy.stderr).contains("in use"),
        "{}",
        String::from_utf8_lossy(&busy.stderr)
    );

    let dir = own_data_dir();
    let db = database_for(&app, dir.path());
    assert!(
        kbql_cli(dir.path(), &db, &["import", FIXTURE])
            .status
            .success()
    );
    let out = kbql_cli(dir.path(), &db, &["reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("rebuilt"));
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert_eq!(total(&server, "foil").await, 1);
}

async fn an_index_of_an_older_schema_is_replaced(app: TestApp) {
    let dir = own_data_dir();
    let db = database_for(&app, dir.path());
    assert!(
        kbql_cli(dir.path(), &db, &["import", FIXTURE])
            .status
            .success()
    );
    // What an index of schema version 0 would have left behind.
    let old = dir.path().join("index").join("v0");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("meta.json"), b"{}").unwrap();

    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert_eq!(total(&server, "foil").await, 1);
    assert!(!old.exists(), "the older index folder is removed");
}

/// The replay commits one segment per batch of outbox rows; start-up then
/// merges them, so searches read one.
async fn a_long_replay_ends_in_one_segment(app: TestApp) {
    let dir = own_data_dir();
    let db = database_for(&app, dir.path());
    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    server.stop();

    // Written while no server runs: several batches for the replay.
    import_offline(
        dir.path(),
        &db,
        "many.jsonl",
        &numbered_posts(4_500, "density", "SMP"),
    );

    let server = ServeProcess::start(dir.path(), &db);
    server.ready().await;
    assert_eq!(server.metric("kbql_index_segments").await, 1);
    assert_eq!(server.metric("kbql_index_posts").await, 4_500);
    assert_eq!(total(&server, "pigment").await, 4_500);
    assert!(watermark(&server).await > 0);
}
