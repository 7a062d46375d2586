//! Clean tags: spellings that differ only by spacing are one tag, and staff
//! fold the rest together with `mergeTags`, whose aliases later imports,
//! listings and search filters follow.

use kbql::domain::Role;
use migration::MigratorTrait;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

use crate::helpers::{POSTGRES_VAR, PostgresDb, TestApp, error_code};
use crate::on_both_backends;

on_both_backends!(
    spellings_differing_by_spacing_are_one_tag,
    merged_tags_are_followed_by_listings_search_and_imports,
    merges_that_cannot_be_made_are_refused_with_the_field,
);

const MERGE: &str = "mutation($into: String!, $from: [String!]!) {
    mergeTags(into: $into, from: $from) {
        tag { name slug postCount }
        userErrors { field code message }
    }
}";

const SEARCH: &str = "query($q: String!, $tags: [String!]) {
    search(query: $q, tags: $tags) {
        totalCount
        nodes { post { slug } }
        facets { tags { slug count } }
    }
}";

fn post(slug: &str, title: &str, tags: &[&str]) -> String {
    json!({
        "kind": "question",
        "slug": slug,
        "title": title,
        "question": format!("{title}?"),
        "answer": "Pigment dots imitate shaved follicles on the scalp.",
        "tags": tags,
        "published_at": "2026-11-01T10:00:00Z",
    })
    .to_string()
}

async fn tags(app: &TestApp) -> Value {
    app.gql("{ tags { name slug postCount } }", json!({})).await["data"]["tags"].clone()
}

async fn listed(app: &TestApp, tag: &str) -> Vec<String> {
    let res = app
        .gql(
            "query($tag: String) { posts(tag: $tag) { nodes { slug } } }",
            json!({ "tag": tag }),
        )
        .await;
    let mut slugs: Vec<String> = res["data"]["posts"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no posts in {res}"))
        .iter()
        .map(|n| n["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    slugs
}

async fn search_tagged(app: &TestApp, tag: &str) -> Value {
    app.gql(SEARCH, json!({ "q": "pigment", "tags": [tag] }))
        .await["data"]["search"]
        .clone()
}

async fn spellings_differing_by_spacing_are_one_tag(app: TestApp) {
    let lines = [
        post(
            "thinning-crown",
            "Can dots hide a thinning crown",
            &["hairloss"],
        ),
        post(
            "receding-line",
            "Will it suit a receding line",
            &["hair loss"],
        ),
        post(
            "after-fue",
            "Does it cover FUE scars",
            &["Hair-Loss", "smp", "hair loss"],
        ),
    ];
    app.import_jsonl(&lines.join("\n")).await;

    assert_eq!(
        tags(&app).await,
        json!([
            {"name": "hair loss", "slug": "hair-loss", "postCount": 3},
            {"name": "smp", "slug": "smp", "postCount": 1},
        ])
    );
    let every = ["after-fue", "receding-line", "thinning-crown"];
    for spelling in ["hairloss", "hair loss", "HAIR-LOSS"] {
        assert_eq!(
            listed(&app, spelling).await,
            every,
            "posts(tag: {spelling:?})"
        );
        assert_eq!(
            search_tagged(&app, spelling).await["totalCount"],
            3,
            "search(tags: [{spelling:?}])"
        );
    }
    // One post named the tag twice: it carries it once.
    let res = app
        .gql("{ post(slug: \"after-fue\") { tags { slug } } }", json!({}))
        .await;
    assert_eq!(
        res["data"]["post"]["tags"],
        json!([{"slug": "hair-loss"}, {"slug": "smp"}])
    );

    // A staff edit with yet another spelling lands on the same tag.
    let staff = app.token(Role::Staff).await;
    let res = app
        .gql_as(
            &staff,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) {
                post { tags { name slug } } userErrors { message } } }",
            json!({ "input": { "title": "Pigment and baldness", "body": "Dots on a bald pigment canvas.", "tags": ["Hair   loss"] } }),
        )
        .await;
    assert_eq!(
        res["data"]["createArticle"]["post"]["tags"],
        json!([{"name": "hair loss", "slug": "hair-loss"}]),
        "{res}"
    );
}

async fn merged_tags_are_followed_by_listings_search_and_imports(app: TestApp) {
    let lines = [
        post(
            "dots-density",
            "How dense are pigment dots",
            &["scalp micropigmentation"],
        ),
        post(
            "dots-colour",
            "Which pigment colour suits me",
            &["scalp micro pigmentation", "colour"],
        ),
        post(
            "dots-fading",
            "Does pigment fade",
            &["scalp micropigment", "scalp micropigmentation"],
        ),
        post("dots-price", "What does pigment cost", &["smp"]),
    ];
    app.import_jsonl(&lines.join("\n")).await;
    // "micro pigmentation" differs by spacing only: already one tag.
    assert_eq!(listed(&app, "scalp micro pigmentation").await.len(), 3);
    assert_eq!(listed(&app, "scalp-micropigment").await, ["dots-fading"]);

    let staff = app.token(Role::Staff).await;
    let res = app
        .gql_as(
            &staff,
            MERGE,
            json!({ "into": "Scalp Micropigmentation", "from": ["scalp micropigment", "SMP"] }),
        )
        .await;
    assert_eq!(
        res["data"]["mergeTags"],
        json!({
            "tag": {"name": "scalp micropigmentation", "slug": "scalp-micropigmentation", "postCount": 4},
            "userErrors": [],
        }),
        "{res}"
    );

    assert_eq!(
        tags(&app).await,
        json!([
            {"name": "scalp micropigmentation", "slug": "scalp-micropigmentation", "postCount": 4},
            {"name": "colour", "slug": "colour", "postCount": 1},
        ])
    );
    let every = ["dots-colour", "dots-density", "dots-fading", "dots-price"];
    for name in ["scalp micropigmentation", "scalp micropigment", "smp"] {
        assert_eq!(listed(&app, name).await, every, "posts(tag: {name:?})");
        let found = search_tagged(&app, name).await;
        assert_eq!(found["totalCount"], 4, "search(tags: [{name:?}]): {found}");
    }
    let found = search_tagged(&app, "smp").await;
    assert_eq!(
        found["facets"]["tags"],
        json!([
            {"slug": "scalp-micropigmentation", "count": 4},
            {"slug": "colour", "count": 1},
        ]),
        "facets follow the merge: {found}"
    );
    // The post that carried two of the merged tags carries the survivor once.
    let res = app
        .gql(
            "{ post(slug: \"dots-fading\") { tags { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        res["data"]["post"]["tags"],
        json!([{"slug": "scalp-micropigmentation"}])
    );

    // A later import naming a folded tag lands on the survivor.
    app.import_jsonl(&post(
        "dots-sun",
        "Does the sun fade pigment",
        &["Scalp Micropigment"],
    ))
    .await;
    let res = app
        .gql(
            "{ post(slug: \"dots-sun\") { tags { name slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        res["data"]["post"]["tags"],
        json!([{"name": "scalp micropigmentation", "slug": "scalp-micropigmentation"}])
    );
    assert_eq!(tags(&app).await.as_array().unwrap().len(), 2);

    // Recorded for admins: who merged what into what.
    let admin = app.token(Role::Admin).await;
    let res = app
        .gql_as(
            &admin,
            "{ auditLog(action: MERGE_TAGS) { nodes { action actorName postId before after } } }",
            json!({}),
        )
        .await;
    let entry = &res["data"]["auditLog"]["nodes"][0];
    assert_eq!(entry["action"], "MERGE_TAGS", "{res}");
    assert!(entry["postId"].is_null());
    assert_eq!(
        entry["before"]["tags"],
        json!([
            {"name": "scalp micropigmentation", "slug": "scalp-micropigmentation", "posts": 3},
            {"name": "scalp micropigment", "slug": "scalp-micropigment", "posts": 1},
            {"name": "smp", "slug": "smp", "posts": 1},
        ]),
        "{entry}"
    );
    assert_eq!(
        entry["after"],
        json!({
            "tag": {"name": "scalp micropigmentation", "slug": "scalp-micropigmentation", "posts": 4},
            "aliases": ["scalpmicropigment", "smp"],
        })
    );

    // A folded name means the tag it was folded into, as `into` too.
    let res = app
        .gql_as(&staff, MERGE, json!({ "into": "smp", "from": ["colour"] }))
        .await;
    assert_eq!(
        res["data"]["mergeTags"]["tag"]["slug"], "scalp-micropigmentation",
        "{res}"
    );
    let mut every = every.to_vec();
    every.push("dots-sun");
    assert_eq!(listed(&app, "colour").await, every);
    assert_eq!(tags(&app).await.as_array().unwrap().len(), 1);
}

async fn merges_that_cannot_be_made_are_refused_with_the_field(app: TestApp) {
    app.import_jsonl(&post("one", "A pigment question", &["smp", "hair loss"]))
        .await;
    let staff = app.token(Role::Staff).await;
    let refused = async |vars: Value| -> Value {
        let res = app.gql_as(&staff, MERGE, vars).await;
        assert!(res["data"]["mergeTags"]["tag"].is_null(), "{res}");
        res["data"]["mergeTags"]["userErrors"].clone()
    };
    let errors = refused(json!({ "into": "smp", "from": ["unheard of"] })).await;
    assert_eq!(errors[0]["field"], "from");
    assert_eq!(errors[0]["code"], "NOT_FOUND");
    let errors = refused(json!({ "into": "nothing here", "from": ["smp"] })).await;
    assert_eq!(errors[0]["field"], "into");
    assert_eq!(errors[0]["code"], "NOT_FOUND");
    // "hairloss" is "hair loss" already.
    let errors = refused(json!({ "into": "hair loss", "from": ["hairloss"] })).await;
    assert_eq!(
        (errors[0]["field"].as_str(), errors[0]["code"].as_str()),
        (Some("from"), Some("INVALID"))
    );
    let errors = refused(json!({ "into": "smp", "from": [] })).await;
    assert_eq!(errors[0]["field"], "from");
    let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
    let errors = refused(json!({ "into": "smp", "from": many })).await;
    assert!(
        errors[0]["message"].as_str().unwrap().contains("1 to 20"),
        "{errors}"
    );
    let errors = refused(json!({ "into": "  ", "from": ["x".repeat(51)] })).await;
    let fields: Vec<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["into", "from"], "{errors}");

    // Refusals changed nothing.
    assert_eq!(listed(&app, "smp").await, ["one"]);
    assert_eq!(tags(&app).await.as_array().unwrap().len(), 2);

    // Visitors may not merge.
    let res = app
        .gql(MERGE, json!({ "into": "smp", "from": ["hair loss"] }))
        .await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "{res}");
}

/// A database holding duplicates from before tags matched by spacing:
/// upgrading folds them into the tag with the most posts and re-indexes
/// the posts that changed.
#[tokio::test]
async fn upgrading_folds_duplicates_stored_before_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("kb.sqlite").display()
    );
    upgrade_folds_duplicates(&url).await;
}

#[tokio::test]
async fn upgrading_folds_duplicates_stored_before_postgres() {
    let Ok(admin) = std::env::var(POSTGRES_VAR) else {
        return;
    };
    let db = PostgresDb::create(&admin).await;
    upgrade_folds_duplicates(&db.url).await;
}

async fn upgrade_folds_duplicates(url: &str) {
    let db = Database::connect(url).await.unwrap();
    let before_tag_keys = migration::Migrator::migrations().len() as u32 - 1;
    migration::Migrator::up(&db, Some(before_tag_keys))
        .await
        .unwrap();
    let run = async |sql: &str| {
        db.execute_unprepared(sql).await.unwrap();
    };
    run(
        "INSERT INTO tag (id, name, slug) VALUES (1, 'hairloss', 'hairloss'), \
         (2, 'hair loss', 'hair-loss'), (3, 'hai rloss', 'hai-rloss'), (4, 'smp', 'smp')",
    )
    .await;
    for (id, slug) in [(1, "a"), (2, "b"), (3, "c")] {
        run(&format!(
            "INSERT INTO post (id, kind, status, slug, title, question, answer, created_at, updated_at) \
             VALUES ({id}, 'question', 'published', '{slug}', 'T', 'Q?', 'A.', \
             '2026-11-01 10:00:00+00:00', '2026-11-01 10:00:00+00:00')"
        ))
        .await;
    }
    // "hairloss" on two posts, "hair loss" and "hai rloss" on one each.
    run("INSERT INTO post_tag (post_id, tag_id, position) VALUES \
         (1, 1, 0), (1, 2, 1), (2, 1, 0), (2, 4, 1), (3, 3, 0)")
    .await;
    let outbox_before = count(&db, "SELECT COUNT(*) AS n FROM outbox").await;

    migration::Migrator::up(&db, None).await.unwrap();

    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT t.slug AS slug, pt.post_id AS post_id FROM post_tag pt \
             JOIN tag t ON t.id = pt.tag_id ORDER BY pt.post_id, pt.position",
        ))
        .await
        .unwrap();
    let links: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "slug").unwrap(),
                r.try_get("", "post_id").unwrap(),
            )
        })
        .collect();
    // Tag 1 had the most posts, so it stays; each post carries it once.
    assert_eq!(
        links,
        [
            ("hairloss".to_owned(), 1),
            ("hairloss".to_owned(), 2),
            ("smp".to_owned(), 2),
            ("hairloss".to_owned(), 3),
        ]
    );
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM tag").await, 2);
    // Posts 1 and 3 lost a tag: queued for the index.
    assert_eq!(
        count(&db, "SELECT COUNT(*) AS n FROM outbox").await - outbox_before,
        2
    );
    // The key is unique from now on.
    let twin = db
        .execute_unprepared(
            "INSERT INTO tag (name, slug, match_key) VALUES ('x', 'hair-loss-2', 'hairloss')",
        )
        .await;
    assert!(twin.is_err());
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}
