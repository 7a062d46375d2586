//! A data dir whose index follows another database's history.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use super::{SEARCH, acknowledged, marker};
use crate::helpers::{Backend, ServeProcess};
use crate::on_both_backends;

on_both_backends!((Backend, Backend): an_index_of_another_database_is_rebuilt_not_replayed);

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
async fn an_index_of_another_database_is_rebuilt_not_replayed((first, second): (Backend, Backend)) {
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
    let mut server = ServeProcess::on(&first).expect("kbql serve starts");
    server.ready().await;
    let old_watermark = server.metric("kbql_index_watermark").await;
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

    let server = ServeProcess::spawn(first.kbql_on(&second.url)).expect("kbql serve starts");
    server.ready().await;
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
    assert_eq!(server.metric("kbql_index_posts").await, 12);
    assert_eq!(server.metric("kbql_index_watermark").await, head);
}
