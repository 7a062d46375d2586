//! Every staff change leaves one audit row, written with the change;
//! admins read the log through `auditLog`.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code, numbered_posts};
use crate::on_both_backends;
use kbql::domain::Role;

on_both_backends!(
    every_staff_mutation_writes_one_audit_row,
    refused_mutations_write_no_audit_row,
    the_audit_log_pages_newest_first,
    the_audit_log_filters_by_post_and_action,
    only_admins_read_the_audit_log,
);

const LOG: &str = "query($first: Int, $after: String, $postId: ID, $action: AuditAction) {
    auditLog(first: $first, after: $after, postId: $postId, action: $action) {
        totalCount
        edges { cursor node { id occurredAt actorName actorTokenId action postId synonymGroupId before after } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}";

const POST: &str = "post { id status title answer answeredBy updatedAt publishedAt tags { name } category { name } }
    userErrors { field code message }";

/// `auditLog` read by `token` with the given variables; panics on errors.
async fn read_log(app: &TestApp, token: &str, variables: Value) -> Value {
    let res = app.gql_as(token, LOG, variables).await;
    assert!(res["errors"].is_null(), "{res}");
    res["data"]["auditLog"].clone()
}

fn nodes(log: &Value) -> Vec<Value> {
    log["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Reads the log after each change and checks it grew by exactly one.
struct Watch<'a> {
    app: &'a TestApp,
    admin: String,
    seen: u64,
}

impl Watch<'_> {
    /// The one entry written since the last call.
    async fn one_new(&mut self, what: &str) -> Value {
        let log = read_log(self.app, &self.admin, json!({"first": 1})).await;
        assert_eq!(
            log["totalCount"],
            self.seen + 1,
            "{what} writes exactly one audit row: {log}"
        );
        self.seen += 1;
        nodes(&log).remove(0)
    }

    async fn none_new(&self, what: &str) {
        let log = read_log(self.app, &self.admin, json!({"first": 1})).await;
        assert_eq!(log["totalCount"], self.seen, "{what} writes nothing: {log}");
    }
}

/// The id `kbql token list` shows for the token named `name`.
async fn token_id(app: &TestApp, name: &str) -> String {
    app.store
        .list_tokens()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .expect("token exists")
        .id
        .to_string()
}

async fn post_id(app: &TestApp, slug: &str) -> String {
    let res = app
        .gql(&format!("{{ post(slug: \"{slug}\") {{ id }} }}"), json!({}))
        .await;
    res["data"]["post"]["id"].as_str().expect("id").to_owned()
}

/// Runs a staff mutation by name; panics on GraphQL errors (user errors
/// come back in the payload).
async fn mutate(app: &TestApp, token: &str, field: &str, variables: Value) -> Value {
    let (params, selection) = match field {
        "answerQuestion" => ("$input: AnswerQuestionInput!", POST),
        "createArticle" => ("$input: CreateArticleInput!", POST),
        "updatePost" => ("$input: UpdatePostInput!", POST),
        "setPostTags" => ("$input: SetPostTagsInput!", POST),
        "publishPost" | "hidePost" => ("$id: ID!", POST),
        "deletePost" => ("$id: ID!", "deletedPostId userErrors { field code }"),
        "setSynonyms" => (
            "$input: SetSynonymsInput!",
            "synonyms { id terms } userErrors { field code }",
        ),
        "removeSynonyms" => ("$id: ID!", "removedId userErrors { field code }"),
        other => panic!("no test call for {other}"),
    };
    let args = if params.starts_with("$id") {
        "id: $id"
    } else {
        "input: $input"
    };
    let query = format!("mutation({params}) {{ {field}({args}) {{ {selection} }} }}");
    let res = app.gql_as(token, &query, variables).await;
    assert!(res["errors"].is_null(), "{field}: {res}");
    res["data"][field].clone()
}

fn assert_entry(entry: &Value, action: &str, actor: &str, actor_id: &str, post: Option<&str>) {
    assert_eq!(entry["action"], action, "{entry}");
    assert_eq!(entry["actorName"], actor, "{entry}");
    assert_eq!(entry["actorTokenId"], actor_id, "{entry}");
    assert_eq!(entry["postId"], json!(post), "{entry}");
    if post.is_some() {
        assert!(entry["synonymGroupId"].is_null(), "{entry}");
    }
}

async fn every_staff_mutation_writes_one_audit_row(app: TestApp) {
    app.import_jsonl(&numbered_posts(1, "smp", "Pigments"))
        .await;
    let staff = app.token(Role::Staff).await;
    let admin = app.token(Role::Admin).await;
    let staff_id = token_id(&app, "Dr. Test Staff").await;
    let admin_id = token_id(&app, "Dr. Test Admin").await;
    let mut log = Watch {
        app: &app,
        admin: admin.clone(),
        seen: 0,
    };
    log.none_new("importing").await;
    let asked = app.ask("Can I swim after a session?").await;
    log.none_new("a visitor's question").await;

    // answerQuestion: from unanswered to answered, still pending.
    let res = mutate(
        &app,
        &staff,
        "answerQuestion",
        json!({"input": {"id": asked, "answer": "Wait a week.", "publish": false}}),
    )
    .await;
    let entry = log.one_new("answerQuestion").await;
    assert_entry(
        &entry,
        "ANSWER_QUESTION",
        "Dr. Test Staff",
        &staff_id,
        Some(&asked),
    );
    assert_eq!(entry["before"]["answer"], Value::Null, "{entry}");
    assert_eq!(entry["before"]["answeredBy"], Value::Null);
    assert_eq!(entry["before"]["status"], "PENDING");
    assert_eq!(entry["before"]["id"], asked.as_str());
    assert_eq!(entry["after"]["answer"], "Wait a week.");
    assert_eq!(entry["after"]["answeredBy"], "Dr. Test Staff");
    assert_eq!(entry["after"]["status"], "PENDING");
    assert_eq!(
        entry["occurredAt"], res["post"]["updatedAt"],
        "the row carries the time of its change"
    );
    assert_eq!(entry["after"]["updatedAt"], res["post"]["updatedAt"]);
    assert!(
        entry["before"].get("askerEmail").is_none(),
        "no personal data in the log: {entry}"
    );

    // publishPost and hidePost: the status moves.
    mutate(&app, &staff, "publishPost", json!({"id": asked})).await;
    let entry = log.one_new("publishPost").await;
    assert_entry(
        &entry,
        "PUBLISH_POST",
        "Dr. Test Staff",
        &staff_id,
        Some(&asked),
    );
    assert_eq!(entry["before"]["status"], "PENDING");
    assert_eq!(entry["before"]["publishedAt"], Value::Null);
    assert_eq!(entry["after"]["status"], "PUBLISHED");
    assert!(entry["after"]["publishedAt"].is_string(), "{entry}");

    mutate(&app, &staff, "hidePost", json!({"id": asked})).await;
    let entry = log.one_new("hidePost").await;
    assert_entry(
        &entry,
        "HIDE_POST",
        "Dr. Test Staff",
        &staff_id,
        Some(&asked),
    );
    assert_eq!(entry["before"]["status"], "PUBLISHED");
    assert_eq!(entry["after"]["status"], "HIDDEN");

    // updatePost: the fields given change, the others are kept as they were.
    let imported = post_id(&app, "question-1").await;
    let res = mutate(
        &app,
        &staff,
        "updatePost",
        json!({"input": {"id": imported, "title": "A clearer title", "category": "Aftercare"}}),
    )
    .await;
    assert_eq!(res["post"]["title"], "A clearer title", "{res}");
    let entry = log.one_new("updatePost").await;
    assert_entry(
        &entry,
        "UPDATE_POST",
        "Dr. Test Staff",
        &staff_id,
        Some(&imported),
    );
    assert_eq!(entry["before"]["title"], "Question number 1");
    assert_eq!(entry["before"]["category"], "Pigments");
    assert_eq!(entry["after"]["title"], "A clearer title");
    assert_eq!(entry["after"]["category"], "Aftercare");
    assert_eq!(entry["after"]["answer"], entry["before"]["answer"]);
    assert_eq!(entry["occurredAt"], res["post"]["updatedAt"]);

    // setPostTags: the tag lists, in order.
    mutate(
        &app,
        &staff,
        "setPostTags",
        json!({"input": {"id": imported, "tags": ["Scarring", "hair loss"]}}),
    )
    .await;
    let entry = log.one_new("setPostTags").await;
    assert_entry(
        &entry,
        "SET_POST_TAGS",
        "Dr. Test Staff",
        &staff_id,
        Some(&imported),
    );
    assert_eq!(entry["before"]["tags"], json!(["smp"]), "{entry}");
    assert_eq!(entry["after"]["tags"], json!(["Scarring", "hair loss"]));

    // createArticle: nothing before.
    let res = mutate(
        &app,
        &staff,
        "createArticle",
        json!({"input": {"title": "Video: a session", "body": "Watch it.", "tags": ["video"], "category": "Videos"}}),
    )
    .await;
    let article = res["post"]["id"].as_str().expect("created").to_owned();
    let entry = log.one_new("createArticle").await;
    assert_entry(
        &entry,
        "CREATE_ARTICLE",
        "Dr. Test Staff",
        &staff_id,
        Some(&article),
    );
    assert_eq!(entry["before"], Value::Null);
    assert_eq!(entry["after"]["kind"], "ARTICLE");
    assert_eq!(entry["after"]["title"], "Video: a session");
    assert_eq!(entry["after"]["answer"], "Watch it.");
    assert_eq!(entry["after"]["tags"], json!(["video"]));
    assert_eq!(entry["after"]["category"], "Videos");
    assert_eq!(entry["after"]["question"], Value::Null);

    // deletePost: nothing after; the admin is the actor.
    let res = mutate(&app, &admin, "deletePost", json!({"id": article})).await;
    assert_eq!(res["deletedPostId"], article.as_str(), "{res}");
    let entry = log.one_new("deletePost").await;
    assert_entry(
        &entry,
        "DELETE_POST",
        "Dr. Test Admin",
        &admin_id,
        Some(&article),
    );
    assert_eq!(entry["before"]["title"], "Video: a session");
    assert_eq!(entry["before"]["tags"], json!(["video"]));
    assert_eq!(entry["after"], Value::Null);

    // setSynonyms creates, then replaces; removeSynonyms deletes.
    let res = mutate(
        &app,
        &admin,
        "setSynonyms",
        json!({"input": {"terms": ["redness", "erythema"]}}),
    )
    .await;
    let group = res["synonyms"]["id"].as_str().expect("created").to_owned();
    let entry = log.one_new("setSynonyms (new)").await;
    assert_entry(&entry, "SET_SYNONYMS", "Dr. Test Admin", &admin_id, None);
    assert_eq!(entry["synonymGroupId"], group.as_str());
    assert_eq!(entry["before"], Value::Null);
    assert_eq!(
        entry["after"],
        json!({"id": group, "terms": ["redness", "erythema"]})
    );

    mutate(
        &app,
        &admin,
        "setSynonyms",
        json!({"input": {"id": group, "terms": ["redness", "flushing"]}}),
    )
    .await;
    let entry = log.one_new("setSynonyms (replace)").await;
    assert_entry(&entry, "SET_SYNONYMS", "Dr. Test Admin", &admin_id, None);
    assert_eq!(entry["before"]["terms"], json!(["redness", "erythema"]));
    assert_eq!(entry["after"]["terms"], json!(["redness", "flushing"]));

    mutate(&app, &admin, "removeSynonyms", json!({"id": group})).await;
    let entry = log.one_new("removeSynonyms").await;
    assert_entry(&entry, "REMOVE_SYNONYMS", "Dr. Test Admin", &admin_id, None);
    assert_eq!(entry["synonymGroupId"], group.as_str());
    assert_eq!(entry["before"]["terms"], json!(["redness", "flushing"]));
    assert_eq!(entry["after"], Value::Null);
}

async fn refused_mutations_write_no_audit_row(app: TestApp) {
    app.import_jsonl(&numbered_posts(2, "smp", "Pigments"))
        .await;
    let staff = app.token(Role::Staff).await;
    let admin = app.token(Role::Admin).await;
    let log = Watch {
        app: &app,
        admin: admin.clone(),
        seen: 0,
    };
    let asked = app.ask("Unanswered, so not publishable?").await;
    let imported = post_id(&app, "question-1").await;
    let article = {
        let res = mutate(
            &app,
            &staff,
            "createArticle",
            json!({"input": {"title": "An article", "body": "Text."}}),
        )
        .await;
        res["post"]["id"].as_str().expect("created").to_owned()
    };
    let baseline = read_log(&app, &admin, json!({})).await["totalCount"].clone();
    assert_eq!(baseline, 1);
    let log = Watch { seen: 1, ..log };

    let missing = app.post_id(999_999).await;
    let refusals = [
        (
            "answerQuestion",
            json!({"input": {"id": asked, "answer": "   "}}),
            "BLANK",
        ),
        (
            "answerQuestion",
            json!({"input": {"id": missing, "answer": "Yes."}}),
            "NOT_FOUND",
        ),
        (
            "answerQuestion",
            json!({"input": {"id": article, "answer": "Yes."}}),
            "INVALID_STATE",
        ),
        ("publishPost", json!({"id": asked}), "INVALID_STATE"),
        ("hidePost", json!({"id": "abc"}), "INVALID"),
        (
            "updatePost",
            json!({"input": {"id": imported, "slug": "question-2"}}),
            "TAKEN",
        ),
        (
            "updatePost",
            json!({"input": {"id": article, "question": "An article has none?"}}),
            "INVALID_STATE",
        ),
        (
            "createArticle",
            json!({"input": {"title": "", "body": "Text."}}),
            "BLANK",
        ),
        (
            "createArticle",
            json!({"input": {"title": "Again", "body": "Text.", "slug": "question-1"}}),
            "TAKEN",
        ),
        (
            "setPostTags",
            json!({"input": {"id": imported, "tags": (0..21).map(|i| format!("tag {i}")).collect::<Vec<_>>()}}),
            "TOO_LONG",
        ),
        (
            "setPostTags",
            json!({"input": {"id": missing, "tags": ["x"]}}),
            "NOT_FOUND",
        ),
    ];
    for (field, input, code) in refusals {
        let res = mutate(&app, &staff, field, input.clone()).await;
        assert_eq!(res["userErrors"][0]["code"], code, "{field} {input}: {res}");
        log.none_new(&format!("{field} refused with {code}")).await;
    }
    let admin_refusals = [
        ("deletePost", json!({"id": missing}), "NOT_FOUND"),
        ("removeSynonyms", json!({"id": "999999"}), "NOT_FOUND"),
        (
            "setSynonyms",
            json!({"input": {"terms": ["lonely"]}}),
            "INVALID",
        ),
        (
            "setSynonyms",
            json!({"input": {"id": "999999", "terms": ["a b", "c d"]}}),
            "NOT_FOUND",
        ),
    ];
    for (field, input, code) in admin_refusals {
        let res = mutate(&app, &admin, field, input.clone()).await;
        assert_eq!(res["userErrors"][0]["code"], code, "{field} {input}: {res}");
        log.none_new(&format!("{field} refused with {code}")).await;
    }

    // Refused by a guard: staff may not delete, visitors may not edit.
    let res = app
        .gql_as(
            &staff,
            "mutation($id: ID!) { deletePost(id: $id) { deletedPostId } }",
            json!({"id": imported}),
        )
        .await;
    assert_eq!(error_code(&res), "FORBIDDEN", "{res}");
    let res = app
        .gql(
            "mutation($id: ID!) { hidePost(id: $id) { post { id } } }",
            json!({"id": imported}),
        )
        .await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "{res}");
    log.none_new("mutations refused by guards").await;
}

/// Five changes, oldest first: a title edit on each of two posts, then
/// hide, publish, hide on the first.
async fn five_changes(app: &TestApp, staff: &str) -> (String, String) {
    app.import_jsonl(&numbered_posts(2, "smp", "Pigments"))
        .await;
    let first = post_id(app, "question-1").await;
    let second = post_id(app, "question-2").await;
    for (id, title) in [(&first, "First edited"), (&second, "Second edited")] {
        mutate(
            app,
            staff,
            "updatePost",
            json!({"input": {"id": id, "title": title}}),
        )
        .await;
    }
    for field in ["hidePost", "publishPost", "hidePost"] {
        mutate(app, staff, field, json!({"id": first})).await;
    }
    (first, second)
}

async fn the_audit_log_pages_newest_first(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let admin = app.token(Role::Admin).await;
    five_changes(&app, &staff).await;

    let all = read_log(&app, &admin, json!({"first": 100})).await;
    assert_eq!(all["totalCount"], 5);
    let actions: Vec<_> = nodes(&all).iter().map(|n| n["action"].clone()).collect();
    assert_eq!(
        actions,
        [
            "HIDE_POST",
            "PUBLISH_POST",
            "HIDE_POST",
            "UPDATE_POST",
            "UPDATE_POST"
        ],
        "newest first"
    );
    assert_eq!(all["pageInfo"]["hasNextPage"], false);
    assert_eq!(all["pageInfo"]["hasPreviousPage"], false);

    let mut paged = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let page = read_log(&app, &admin, json!({"first": 2, "after": after})).await;
        assert_eq!(page["totalCount"], 5, "counts the whole log on every page");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_null());
        let edges = page["edges"].as_array().unwrap();
        assert_eq!(
            page["pageInfo"]["endCursor"],
            edges.last().unwrap()["cursor"]
        );
        paged.extend(nodes(&page));
        pages += 1;
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    assert_eq!(paged, nodes(&all), "pages add up to the whole log");

    for bad in [json!({"first": 0}), json!({"first": 101})] {
        let res = app.gql_as(&admin, LOG, bad.clone()).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{bad}: {res}");
    }
    let res = app
        .gql_as(&admin, LOG, json!({"after": "not-a-cursor"}))
        .await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
}

async fn the_audit_log_filters_by_post_and_action(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let admin = app.token(Role::Admin).await;
    let (first, second) = five_changes(&app, &staff).await;

    let of_first = read_log(&app, &admin, json!({"postId": first})).await;
    assert_eq!(of_first["totalCount"], 4);
    assert!(
        nodes(&of_first)
            .iter()
            .all(|n| n["postId"] == first.as_str()),
        "{of_first}"
    );

    let hides = read_log(&app, &admin, json!({"action": "HIDE_POST"})).await;
    assert_eq!(hides["totalCount"], 2);
    assert!(nodes(&hides).iter().all(|n| n["action"] == "HIDE_POST"));

    let both = read_log(
        &app,
        &admin,
        json!({"postId": second, "action": "UPDATE_POST", "first": 1}),
    )
    .await;
    assert_eq!(both["totalCount"], 1);
    assert_eq!(nodes(&both)[0]["after"]["title"], "Second edited");

    // A deleted post's history stays readable.
    mutate(&app, &admin, "deletePost", json!({"id": second})).await;
    let gone = read_log(&app, &admin, json!({"postId": second})).await;
    let actions: Vec<_> = nodes(&gone).iter().map(|n| n["action"].clone()).collect();
    assert_eq!(actions, ["DELETE_POST", "UPDATE_POST"]);

    let res = app.gql_as(&admin, LOG, json!({"postId": "abc"})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    let res = app.gql_as(&admin, LOG, json!({"action": "EAT_CAKE"})).await;
    assert!(res["errors"][0]["message"].is_string(), "{res}");
}

async fn only_admins_read_the_audit_log(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let admin = app.token(Role::Admin).await;
    five_changes(&app, &staff).await;

    let res = app.gql(LOG, json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "{res}");
    assert!(res["data"].is_null(), "{res}");
    let res = app.gql_as(&staff, LOG, json!({})).await;
    assert_eq!(error_code(&res), "FORBIDDEN", "{res}");
    assert!(res["data"].is_null(), "{res}");
    assert_eq!(read_log(&app, &admin, json!({})).await["totalCount"], 5);
}
