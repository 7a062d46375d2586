//! What kbql keeps and for how long: `kbql prune` drops search-log and
//! audit-log rows past their retention and outbox rows every live replica
//! has applied, and keeps everything else.

use chrono::{Duration, Utc};
use kbql::domain::Role;
use kbql::store::SearchLogEntry;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::helpers::{TestApp, kbql_cli};
use crate::on_both_backends;

on_both_backends!(
    old_log_rows_go_and_recent_ones_stay,
    the_outbox_keeps_what_a_live_replica_has_not_applied,
);

fn prune(app: &TestApp, args: &[&str]) -> String {
    let mut all = vec!["prune"];
    all.extend(args);
    let out = kbql_cli(app.data_dir.path(), &app.database_url, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn old_log_rows_go_and_recent_ones_stay(app: TestApp) {
    let searched = |days: i64, query: &str| SearchLogEntry {
        query: query.to_owned(),
        source: "search",
        hits: 1,
        took_micros: 100,
        at: Utc::now() - Duration::days(days),
    };
    app.store
        .log_searches(&[searched(100, "last spring"), searched(2, "this week")])
        .await
        .unwrap();
    // Two staff changes; the first is dated back past a year.
    let staff = app.token(Role::Staff).await;
    let create = "mutation($t: String!) { createArticle(input: {title: $t, body: \"Body text.\"}) { post { id } } }";
    app.gql_as(&staff, create, json!({"t": "An old change"}))
        .await;
    let db = app.store.connection();
    entity::audit_log::Entity::update_many()
        .col_expr(
            entity::audit_log::Column::OccurredAt,
            Expr::value(Utc::now() - Duration::days(400)),
        )
        .exec(db)
        .await
        .unwrap();
    app.gql_as(&staff, create, json!({"t": "A new change"}))
        .await;

    // Retention 0 keeps everything.
    let report = prune(&app, &["--search-log-days", "0", "--audit-log-days", "0"]);
    assert!(
        report.contains("0 search-log rows, 0 audit-log rows"),
        "{report}"
    );

    let report = prune(&app, &[]);
    assert!(
        report.contains("1 search-log rows, 1 audit-log rows"),
        "the defaults keep 90 days of searches and a year of changes: {report}"
    );
    let searches = entity::search_log::Entity::find().all(db).await.unwrap();
    assert_eq!(searches.len(), 1);
    assert_eq!(searches[0].query, "this week");
    assert_eq!(
        entity::audit_log::Entity::find().count(db).await.unwrap(),
        1
    );
}

/// The test server is a live replica: what it has applied is pruned, and
/// nothing while another live replica lags behind it.
async fn the_outbox_keeps_what_a_live_replica_has_not_applied(app: TestApp) {
    app.import_jsonl(&crate::helpers::numbered_posts(20, "aftercare", "Care"))
        .await;
    let head = app.store.outbox_head().await.unwrap();
    let lagging = "replica-that-lags";
    app.store.heartbeat(lagging, 3).await.unwrap();
    // The test server reports its own progress within a heartbeat.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !prune(&app, &[]).contains(&format!("applied outbox sequence {head},")) {
        assert!(std::time::Instant::now() < deadline, "no heartbeat");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The report lists the replicas after pruning, so the prune that first
    // shows the heartbeat may have pruned by the one before it.
    prune(&app, &[]);
    assert_eq!(app.store.outbox_first_seq().await.unwrap(), Some(3));

    app.store.replica_stopped(lagging, 3).await.unwrap();
    let report = prune(&app, &[]);
    assert!(
        report.contains("replica replica-that-lags: stopped"),
        "{report}"
    );
    assert_eq!(app.store.outbox_first_seq().await.unwrap(), Some(head));
    // The newest row always stays: it is how an index recognises this
    // database, and sequence numbers go on from it.
    let res = app.gql("{ posts { totalCount } }", json!({})).await;
    assert_eq!(res["data"]["posts"]["totalCount"], 20);
}
