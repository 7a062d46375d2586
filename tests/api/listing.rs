//! Frontends list published posts by tag and category, page by page.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, numbered_posts};
use crate::on_both_backends;

on_both_backends!(
    lists_published_posts_newest_first_with_tags_and_category,
    pages_forward_and_backward_through_a_tag,
    jumps_to_a_numbered_page,
    tag_and_category_match_any_spelling,
    refuses_bad_page_arguments,
    listing_a_hundred_posts_runs_a_constant_number_of_statements,
    tags_and_categories_count_published_posts,
    finds_one_post_by_id_or_slug,
    refetches_any_object_by_its_global_id,
);

const LIST: &str = "query($tag: String, $category: String, $first: Int, $after: String, $last: Int, $before: String) {
    posts(tag: $tag, category: $category, first: $first, after: $after, last: $last, before: $before) {
        totalCount
        edges { cursor node { slug title tags { name slug } category { name slug } } }
        nodes { slug }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}";

fn slugs(res: &Value) -> Vec<String> {
    res["data"]["posts"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("no nodes in {res}"))
        .iter()
        .map(|n| n["slug"].as_str().unwrap().to_owned())
        .collect()
}

async fn lists_published_posts_newest_first_with_tags_and_category(app: TestApp) {
    app.import_jsonl(&numbered_posts(3, "Hair Loss", "Pigments"))
        .await;
    // A pending question must not show.
    app.ask("Is this visible before staff publish it?").await;

    let res = app.gql(LIST, json!({})).await;
    assert_eq!(
        slugs(&res),
        ["question-3", "question-2", "question-1"],
        "{res}"
    );
    let posts = &res["data"]["posts"];
    assert_eq!(posts["totalCount"], 3);
    let first = &posts["edges"][0]["node"];
    assert_eq!(
        first["tags"],
        json!([{"name": "Hair Loss", "slug": "hair-loss"}, {"name": "smp", "slug": "smp"}])
    );
    assert_eq!(
        first["category"],
        json!({"name": "Pigments", "slug": "pigments"})
    );
    assert_eq!(posts["pageInfo"]["hasNextPage"], false);
    assert_eq!(posts["pageInfo"]["hasPreviousPage"], false);
}

async fn pages_forward_and_backward_through_a_tag(app: TestApp) {
    app.import_jsonl(&numbered_posts(7, "hair loss", "Pigments"))
        .await;
    app.import_jsonl(&numbered_posts(2, "other", "Pigments").replace("question-", "other-"))
        .await;

    let page1 = app.gql(LIST, json!({"tag": "hair loss", "first": 3})).await;
    assert_eq!(slugs(&page1), ["question-7", "question-6", "question-5"]);
    assert_eq!(page1["data"]["posts"]["totalCount"], 7);
    assert_eq!(page1["data"]["posts"]["pageInfo"]["hasNextPage"], true);
    let end = page1["data"]["posts"]["pageInfo"]["endCursor"].clone();

    let page2 = app
        .gql(LIST, json!({"tag": "hair loss", "first": 3, "after": end}))
        .await;
    assert_eq!(slugs(&page2), ["question-4", "question-3", "question-2"]);
    assert_eq!(page2["data"]["posts"]["pageInfo"]["hasPreviousPage"], true);
    let end = page2["data"]["posts"]["pageInfo"]["endCursor"].clone();

    let page3 = app
        .gql(LIST, json!({"tag": "hair loss", "first": 3, "after": end}))
        .await;
    assert_eq!(slugs(&page3), ["question-1"]);
    assert_eq!(page3["data"]["posts"]["pageInfo"]["hasNextPage"], false);

    // And back again from page 3.
    let start = page3["data"]["posts"]["pageInfo"]["startCursor"].clone();
    let back = app
        .gql(
            LIST,
            json!({"tag": "hair loss", "last": 2, "before": start}),
        )
        .await;
    assert_eq!(slugs(&back), ["question-3", "question-2"]);
    assert_eq!(back["data"]["posts"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(back["data"]["posts"]["pageInfo"]["hasNextPage"], true);

    // `last` alone is the end of the listing.
    let tail = app.gql(LIST, json!({"tag": "hair loss", "last": 2})).await;
    assert_eq!(slugs(&tail), ["question-2", "question-1"]);
}

const NUMBERED: &str = "query($tag: String, $first: Int, $page: Int, $after: String) {
    posts(tag: $tag, first: $first, page: $page, after: $after) {
        totalCount currentPage pageCount
        nodes { slug }
        pageInfo { hasNextPage hasPreviousPage endCursor }
    }
}";

/// What the seed's frontend shows: "Page 2 of 13" and links to pages.
async fn jumps_to_a_numbered_page(app: TestApp) {
    app.import_jsonl(&numbered_posts(23, "hair loss", "Pigments"))
        .await;
    app.import_jsonl(&numbered_posts(4, "other", "Pigments").replace("question-", "other-"))
        .await;

    let page = |n: i32| json!({"tag": "hair-loss", "first": 5, "page": n});
    let second = app.gql(NUMBERED, page(2)).await;
    let posts = &second["data"]["posts"];
    assert_eq!(
        slugs(&second),
        [
            "question-18",
            "question-17",
            "question-16",
            "question-15",
            "question-14"
        ],
        "{second}"
    );
    assert_eq!(posts["currentPage"], 2);
    assert_eq!(posts["pageCount"], 5, "23 posts in pages of 5");
    assert_eq!(posts["totalCount"], 23);
    assert_eq!(posts["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(posts["pageInfo"]["hasNextPage"], true);

    // A numbered page's end cursor walks on by cursor from there.
    let cursor = posts["pageInfo"]["endCursor"].clone();
    let on = app
        .gql(
            NUMBERED,
            json!({"tag": "hair-loss", "first": 5, "after": cursor}),
        )
        .await;
    assert_eq!(slugs(&on)[0], "question-13", "{on}");
    assert!(on["data"]["posts"]["currentPage"].is_null(), "{on}");

    let last = app.gql(NUMBERED, page(5)).await;
    assert_eq!(slugs(&last), ["question-3", "question-2", "question-1"]);
    assert_eq!(last["data"]["posts"]["pageInfo"]["hasNextPage"], false);
    let past = app.gql(NUMBERED, page(6)).await;
    assert_eq!(slugs(&past), Vec::<String>::new(), "{past}");
    let first = app.gql(NUMBERED, page(1)).await;
    assert_eq!(first["data"]["posts"]["pageInfo"]["hasPreviousPage"], false);
    let empty = app
        .gql(NUMBERED, json!({"tag": "nothing", "first": 5, "page": 1}))
        .await;
    assert_eq!(empty["data"]["posts"]["pageCount"], 1, "{empty}");

    for (vars, expect) in [
        (page(0), "counts from 1"),
        (page(-3), "counts from 1"),
        (json!({"first": 10, "page": 1001}), "first 10000 posts"),
        (json!({"first": 100, "page": 101}), "first 10000 posts"),
        (
            json!({"first": 5, "page": 2, "after": cursor}),
            "not with `after`",
        ),
    ] {
        let res = app.gql(NUMBERED, vars.clone()).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{vars}: {res}");
        assert!(
            res["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(expect),
            "{vars}: {res}"
        );
    }
    let deepest = app.gql(NUMBERED, json!({"first": 100, "page": 100})).await;
    assert!(
        deepest["errors"].is_null(),
        "page 100 of 100 is within reach: {deepest}"
    );
}

async fn tag_and_category_match_any_spelling(app: TestApp) {
    app.import_jsonl(&numbered_posts(2, "Hair Loss", "Scalp Pigmentation"))
        .await;
    for tag in ["Hair Loss", "hair-loss", "hair loss", "HAIR  LOSS"] {
        let res = app.gql(LIST, json!({"tag": tag})).await;
        assert_eq!(res["data"]["posts"]["totalCount"], 2, "{tag}: {res}");
    }
    for category in ["scalp-pigmentation", "Scalp pigmentation"] {
        let res = app.gql(LIST, json!({"category": category})).await;
        assert_eq!(res["data"]["posts"]["totalCount"], 2, "{category}: {res}");
    }
    // Tags ignore spacing altogether; an unknown tag is simply empty.
    let res = app.gql(LIST, json!({"tag": "hairloss"})).await;
    assert_eq!(res["data"]["posts"]["totalCount"], 2, "{res}");
    let res = app.gql(LIST, json!({"tag": "hair care"})).await;
    assert_eq!(res["data"]["posts"]["totalCount"], 0, "{res}");
    assert_eq!(slugs(&res), Vec::<String>::new());
}

async fn refuses_bad_page_arguments(app: TestApp) {
    for vars in [
        json!({"first": 0}),
        json!({"first": 101}),
        json!({"first": -5}),
        json!({"last": 1000}),
        json!({"first": 2, "last": 2}),
        json!({"after": "not-a-cursor"}),
        json!({"before": "djE6eDp5"}),
    ] {
        let res = app.gql(LIST, vars.clone()).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{vars}: {res}");
        assert!(res["data"].is_null(), "{res}");
    }
    let res = app.gql(LIST, json!({"first": 100})).await;
    assert!(res["errors"].is_null(), "{res}");
}

async fn listing_a_hundred_posts_runs_a_constant_number_of_statements(app: TestApp) {
    let mut lines = numbered_posts(60, "hair loss", "Pigments");
    lines.push('\n');
    lines.push_str(&numbered_posts(50, "scarring", "Scars").replace("question-", "scar-"));
    app.import_jsonl(&lines).await;

    for first in [5, 100] {
        let res = app.gql(LIST, json!({"first": first})).await;
        assert_eq!(slugs(&res).len(), first as usize, "{res}");
        let statements = app
            .fewest_statements(|| async {
                app.gql(LIST, json!({"first": first})).await;
            })
            .await;
        // posts page + totalCount + tags of all posts + their categories.
        assert!(
            statements <= 4,
            "{first} posts took {statements} statements"
        );
    }
}

async fn tags_and_categories_count_published_posts(app: TestApp) {
    app.import_jsonl(&numbered_posts(3, "Hair Loss", "Pigments"))
        .await;
    app.ask("A pending question counts for nothing?").await;
    let res = app
        .gql(
            "{ tags { name slug postCount } categories { name slug postCount } }",
            json!({}),
        )
        .await;
    let tags = res["data"]["tags"].as_array().unwrap();
    assert!(
        tags.contains(&json!({"name": "Hair Loss", "slug": "hair-loss", "postCount": 3})),
        "{res}"
    );
    assert!(
        tags.contains(&json!({"name": "smp", "slug": "smp", "postCount": 3})),
        "{res}"
    );
    assert_eq!(
        res["data"]["categories"],
        json!([{"name": "Pigments", "slug": "pigments", "postCount": 3}])
    );

    // Reached through a post, the count is loaded on demand.
    let res = app
        .gql(
            "{ posts(first: 1) { nodes { tags { slug postCount } category { postCount } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        res["data"]["posts"]["nodes"][0]["tags"][0]["postCount"], 3,
        "{res}"
    );
    assert_eq!(
        res["data"]["posts"]["nodes"][0]["category"]["postCount"], 3,
        "{res}"
    );
}

async fn finds_one_post_by_id_or_slug(app: TestApp) {
    app.import_jsonl(&numbered_posts(1, "smp", "Pigments"))
        .await;
    let by_slug = app
        .gql(
            "{ post(slug: \"question-1\") { id slug kind status title question answer } }",
            json!({}),
        )
        .await;
    let post = &by_slug["data"]["post"];
    assert_eq!(post["kind"], "QUESTION");
    assert_eq!(post["status"], "PUBLISHED");
    assert_eq!(post["answer"], "Staff answer 1.");
    let id = post["id"].as_str().unwrap();
    let by_id = app
        .gql(
            "query($id: ID!) { post(id: $id) { slug } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(by_id["data"]["post"]["slug"], "question-1");

    let missing = app
        .gql("{ post(slug: \"nope\") { slug } }", json!({}))
        .await;
    assert_eq!(missing["data"]["post"], Value::Null);
    assert!(missing["errors"].is_null());

    for bad in [
        "{ post { slug } }",
        "{ post(id: \"x1\") { slug } }",
        "{ post(id: \"1\", slug: \"a\") { slug } }",
    ] {
        let res = app.gql(bad, json!({})).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{bad}: {res}");
    }
}

/// `kind` and `status` are the database's own enums: a row holding a word
/// kbql does not know fails where it is read, as a coded internal error
/// (never a panic, never the row's text).
#[tokio::test]
async fn a_row_with_an_unknown_kind_fails_where_it_is_read() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::spawn_sqlite().await;
    app.import_jsonl(&numbered_posts(2, "density", "SMP")).await;
    app.store
        .connection()
        .execute_unprepared("UPDATE post SET kind = 'essay' WHERE slug = 'question-1'")
        .await
        .unwrap();
    let res = app
        .gql("{ post(slug: \"question-1\") { title kind } }", json!({}))
        .await;
    assert_eq!(error_code(&res), "INTERNAL_SERVER_ERROR", "{res}");
    assert!(!res.to_string().contains("essay"), "{res}");
    let other = app
        .gql("{ post(slug: \"question-2\") { title kind } }", json!({}))
        .await;
    assert_eq!(other["data"]["post"]["kind"], "QUESTION", "{other}");
}

const NODE: &str =
    "query($id: ID!) { node(id: $id) { __typename id ... on Post { slug status } } }";

/// Relay's object identification: what a cache stored by id, it refetches
/// by id, seeing no more than the caller may.
async fn refetches_any_object_by_its_global_id(app: TestApp) {
    app.import_jsonl(&numbered_posts(2, "smp", "Pigments"))
        .await;
    let listed = app.gql("{ posts { nodes { id slug } } }", json!({})).await;
    let id = listed["data"]["posts"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app.gql(NODE, json!({"id": id})).await;
    let node = &res["data"]["node"];
    assert_eq!(node["__typename"], "Post", "{res}");
    assert_eq!(node["id"], id.as_str());
    assert_eq!(node["slug"], "question-2");

    // A question not yet published: staff see it, the public does not.
    let pending = app.ask("Can I dye my hair after the treatment?").await;
    let public = app.gql(NODE, json!({"id": pending})).await;
    assert_eq!(public["data"]["node"], Value::Null, "{public}");
    assert!(public["errors"].is_null(), "{public}");
    let token = app.token(kbql::domain::Role::Staff).await;
    let staff = app.gql_as(&token, NODE, json!({"id": pending})).await;
    assert_eq!(staff["data"]["node"]["status"], "PENDING", "{staff}");

    // Ids this API never gave out find nothing, without an error.
    for unknown in [
        "x1",
        "",
        "AAAAAAAAAAAAAAAAAAAAAA",
        id.to_uppercase().as_str(),
    ] {
        let res = app.gql(NODE, json!({"id": unknown})).await;
        assert_eq!(res["data"]["node"], Value::Null, "{unknown}: {res}");
        assert!(res["errors"].is_null(), "{unknown}: {res}");
    }
}
