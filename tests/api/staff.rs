//! Staff answer, publish, edit, tag, hide and delete posts.

use serde_json::{Value, json};

use crate::helpers::{TestApp, numbered_posts};
use crate::on_both_backends;
use kbql::domain::Role;

on_both_backends!(
    a_question_is_asked_answered_and_published,
    an_answer_can_wait_before_publishing,
    an_unanswered_question_cannot_be_published,
    articles_are_created_with_tags_and_category,
    posts_are_edited_field_by_field,
    hidden_posts_leave_the_public_site,
    tags_are_replaced_in_order,
    admins_delete_posts,
    every_post_write_appends_to_the_outbox,
);

const POST_FIELDS: &str = "id slug kind status title question answer answeredBy askedBy publishedAt tags { name } category { name }";

fn post_mutation(name: &str, args: &str) -> String {
    format!(
        "mutation($input: {args}) {{ {name}(input: $input) {{ post {{ {POST_FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

async fn status_change(app: &TestApp, token: &str, name: &str, id: &str) -> Value {
    let q = format!(
        "mutation($id: ID!) {{ {name}(id: $id) {{ post {{ {POST_FIELDS} }} userErrors {{ field code message }} }} }}"
    );
    app.gql_as(token, &q, json!({"id": id})).await["data"][name].clone()
}

async fn a_question_is_asked_answered_and_published(app: TestApp) {
    let id = app.ask("How much does a touch-up cost?").await;
    let staff = app.token(Role::Staff).await;

    let answered = app
        .answer(&staff, &id, "A touch-up session costs $250.")
        .await;
    assert_eq!(answered["userErrors"], json!([]), "{answered}");
    assert_eq!(answered["post"]["status"], "PUBLISHED");
    assert_eq!(
        answered["post"]["answeredBy"], "Dr. Test Staff",
        "defaults to the token's name"
    );
    assert!(answered["post"]["publishedAt"].is_string());

    let public = app
        .gql("{ posts { totalCount nodes { title answer } } }", json!({}))
        .await;
    assert_eq!(
        public["data"]["posts"]["nodes"],
        json!([{"title": "How much does a touch-up cost?", "answer": "A touch-up session costs $250."}])
    );
    let pending = app
        .gql_as(&staff, "{ pendingQuestions { totalCount } }", json!({}))
        .await;
    assert_eq!(pending["data"]["pendingQuestions"]["totalCount"], 0);
}

async fn an_answer_can_wait_before_publishing(app: TestApp) {
    let id = app.ask("Can I swim after a session?").await;
    let staff = app.token(Role::Staff).await;
    let res = app
        .gql_as(
            &staff,
            &post_mutation("answerQuestion", "AnswerQuestionInput!"),
            json!({"input": {"id": id, "answer": "Wait a week.", "answeredBy": "Dr. Reviewer", "publish": false}}),
        )
        .await;
    let post = &res["data"]["answerQuestion"]["post"];
    assert_eq!(post["status"], "PENDING", "{res}");
    assert_eq!(post["answeredBy"], "Dr. Reviewer");
    assert_eq!(
        app.gql("{ posts { totalCount } }", json!({})).await["data"]["posts"]["totalCount"],
        0
    );

    let published = status_change(&app, &staff, "publishPost", &id).await;
    assert_eq!(published["post"]["status"], "PUBLISHED", "{published}");
    assert_eq!(
        app.gql("{ posts { totalCount } }", json!({})).await["data"]["posts"]["totalCount"],
        1
    );
}

async fn an_unanswered_question_cannot_be_published(app: TestApp) {
    let id = app.ask("Unanswered?").await;
    let staff = app.token(Role::Staff).await;
    let res = status_change(&app, &staff, "publishPost", &id).await;
    assert!(res["post"].is_null());
    assert_eq!(res["userErrors"][0]["code"], "INVALID_STATE", "{res}");

    let missing = app.post_id(999_999).await;
    let missing = status_change(&app, &staff, "publishPost", &missing).await;
    assert_eq!(missing["userErrors"][0]["code"], "NOT_FOUND", "{missing}");
    let malformed = status_change(&app, &staff, "publishPost", "abc").await;
    assert_eq!(malformed["userErrors"][0]["code"], "INVALID", "{malformed}");
}

async fn articles_are_created_with_tags_and_category(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let res = app
        .gql_as(
            &staff,
            &post_mutation("createArticle", "CreateArticleInput!"),
            json!({"input": {
                "title": "Video: a hairline session from start to finish",
                "body": "Watch a full session.\n\nThe redness fades within two days.",
                "tags": ["SMP", "video", "smp"],
                "category": "Videos"
            }}),
        )
        .await;
    let post = &res["data"]["createArticle"]["post"];
    assert_eq!(post["kind"], "ARTICLE", "{res}");
    assert_eq!(post["status"], "PUBLISHED");
    assert!(post["question"].is_null());
    assert_eq!(
        post["slug"],
        "video-a-hairline-session-from-start-to-finish"
    );
    assert_eq!(
        post["tags"],
        json!([{"name": "SMP"}, {"name": "video"}]),
        "duplicates fold into one tag"
    );
    assert_eq!(post["category"], json!({"name": "Videos"}));

    let taken = app
        .gql_as(
            &staff,
            &post_mutation("createArticle", "CreateArticleInput!"),
            json!({"input": {"title": "Another", "body": "Text", "slug": "video-a-hairline-session-from-start-to-finish"}}),
        )
        .await;
    assert_eq!(
        taken["data"]["createArticle"]["userErrors"][0]["code"], "TAKEN",
        "{taken}"
    );

    let invalid = app
        .gql_as(
            &staff,
            &post_mutation("createArticle", "CreateArticleInput!"),
            json!({"input": {"title": "", "body": "", "slug": "Not A Slug", "tags": ["ok", "!!!"]}}),
        )
        .await;
    let codes: Vec<_> = invalid["data"]["createArticle"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        codes,
        ["title:BLANK", "body:BLANK", "slug:INVALID", "tags:INVALID"],
        "{invalid}"
    );
}

async fn posts_are_edited_field_by_field(app: TestApp) {
    app.import_jsonl(&numbered_posts(2, "smp", "Pigments"))
        .await;
    let staff = app.token(Role::Staff).await;
    let id = app
        .gql("{ post(slug: \"question-1\") { id } }", json!({}))
        .await["data"]["post"]["id"]
        .clone();
    let update = post_mutation("updatePost", "UpdatePostInput!");

    let res = app
        .gql_as(&staff, &update, json!({"input": {"id": id, "title": "A clearer title", "category": null, "askedBy": "Ana"}}))
        .await;
    let post = &res["data"]["updatePost"]["post"];
    assert_eq!(post["title"], "A clearer title", "{res}");
    assert_eq!(
        post["slug"], "question-1",
        "slugs stay stable when titles change"
    );
    assert!(post["category"].is_null());
    assert_eq!(post["askedBy"], "Ana");
    assert_eq!(post["answer"], "Staff answer 1.", "untouched fields stay");

    let res = app
        .gql_as(
            &staff,
            &update,
            json!({"input": {"id": id, "slug": "question-2"}}),
        )
        .await;
    assert_eq!(
        res["data"]["updatePost"]["userErrors"][0]["code"], "TAKEN",
        "{res}"
    );
    let res = app
        .gql_as(
            &staff,
            &update,
            json!({"input": {"id": id, "slug": "clearer-title"}}),
        )
        .await;
    assert_eq!(
        res["data"]["updatePost"]["post"]["slug"], "clearer-title",
        "{res}"
    );
}

async fn hidden_posts_leave_the_public_site(app: TestApp) {
    app.import_jsonl(&numbered_posts(2, "smp", "Pigments"))
        .await;
    let staff = app.token(Role::Staff).await;
    let id = app
        .gql("{ post(slug: \"question-2\") { id } }", json!({}))
        .await["data"]["post"]["id"]
        .clone();
    let id = id.as_str().unwrap();

    let res = status_change(&app, &staff, "hidePost", id).await;
    assert_eq!(res["post"]["status"], "HIDDEN", "{res}");
    let public = app
        .gql(
            "{ posts { nodes { slug } } tags { slug postCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        public["data"]["posts"]["nodes"],
        json!([{"slug": "question-1"}])
    );
    assert!(
        public["data"]["tags"]
            .as_array()
            .unwrap()
            .contains(&json!({"slug": "smp", "postCount": 1}))
    );
    assert!(
        app.gql("{ post(slug: \"question-2\") { id } }", json!({}))
            .await["data"]["post"]
            .is_null()
    );
    let as_staff = app
        .gql_as(
            &staff,
            "{ post(slug: \"question-2\") { status } }",
            json!({}),
        )
        .await;
    assert_eq!(as_staff["data"]["post"]["status"], "HIDDEN");

    // Re-publishing keeps the original publication date.
    let before = app
        .gql_as(
            &staff,
            "{ post(slug: \"question-2\") { publishedAt } }",
            json!({}),
        )
        .await;
    let res = status_change(&app, &staff, "publishPost", id).await;
    assert_eq!(
        res["post"]["publishedAt"],
        before["data"]["post"]["publishedAt"]
    );
}

async fn tags_are_replaced_in_order(app: TestApp) {
    app.import_jsonl(&numbered_posts(1, "smp", "Pigments"))
        .await;
    let staff = app.token(Role::Staff).await;
    let id = app
        .gql("{ post(slug: \"question-1\") { id } }", json!({}))
        .await["data"]["post"]["id"]
        .clone();
    let set = post_mutation("setPostTags", "SetPostTagsInput!");

    let res = app
        .gql_as(
            &staff,
            &set,
            json!({"input": {"id": id, "tags": ["Scarring", "hair loss", "Hair-Loss"]}}),
        )
        .await;
    assert_eq!(
        res["data"]["setPostTags"]["post"]["tags"],
        json!([{"name": "Scarring"}, {"name": "hair loss"}]),
        "{res}"
    );
    let by_tag = app
        .gql(
            "{ posts(tag: \"scarring\") { totalCount } smp: posts(tag: \"smp\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(by_tag["data"]["posts"]["totalCount"], 1);
    assert_eq!(by_tag["data"]["smp"]["totalCount"], 0);

    let too_many: Vec<String> = (0..21).map(|i| format!("tag {i}")).collect();
    let res = app
        .gql_as(&staff, &set, json!({"input": {"id": id, "tags": too_many}}))
        .await;
    assert_eq!(
        res["data"]["setPostTags"]["userErrors"][0]["code"], "TOO_LONG",
        "{res}"
    );
}

async fn admins_delete_posts(app: TestApp) {
    app.import_jsonl(&numbered_posts(1, "smp", "Pigments"))
        .await;
    let admin = app.token(Role::Admin).await;
    let id = app
        .gql("{ post(slug: \"question-1\") { id } }", json!({}))
        .await["data"]["post"]["id"]
        .clone();
    let delete = "mutation($id: ID!) { deletePost(id: $id) { deletedPostId userErrors { code } } }";

    let res = app.gql_as(&admin, delete, json!({"id": id})).await;
    assert_eq!(res["data"]["deletePost"]["deletedPostId"], id, "{res}");
    assert_eq!(
        app.gql("{ posts { totalCount } }", json!({})).await["data"]["posts"]["totalCount"],
        0
    );
    let again = app.gql_as(&admin, delete, json!({"id": id})).await;
    assert_eq!(
        again["data"]["deletePost"]["userErrors"][0]["code"], "NOT_FOUND",
        "{again}"
    );
}

async fn every_post_write_appends_to_the_outbox(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let start = app.store.outbox_head().await.unwrap();
    let id = app.ask("Does the outbox see this?").await;
    app.answer(&staff, &id, "Yes.").await;
    status_change(&app, &staff, "hidePost", &id).await;
    let entries = app.store.outbox_after(start, 100).await.unwrap();
    assert_eq!(entries.len(), 3);
    for entry in &entries {
        assert_eq!(app.post_id(entry.post_id).await, id);
    }
    assert!(entries.windows(2).all(|w| w[0].seq < w[1].seq));

    // A refused write leaves no trace.
    status_change(&app, &staff, "publishPost", &app.post_id(999_999).await).await;
    assert_eq!(app.store.outbox_head().await.unwrap(), entries[2].seq);
}
