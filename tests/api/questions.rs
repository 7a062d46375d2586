//! Visitors ask questions; nothing they send is public until staff publish.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};
use crate::on_both_backends;
use kbql::domain::Role;

on_both_backends!(
    an_asked_question_waits_unseen_for_staff,
    blank_or_oversized_questions_are_refused_and_not_stored,
    every_bad_field_is_reported_at_once,
    the_askers_email_is_for_staff_only,
    markup_is_stored_as_plain_text,
    asking_reveals_no_hidden_post,
);

const ASK: &str = "mutation($input: AskQuestionInput!) {
    askQuestion(input: $input) {
        question { id slug status title question askedBy }
        userErrors { field message code }
    }
}";

const PENDING: &str =
    "{ pendingQuestions(first: 10) { totalCount nodes { id title question status } } }";

async fn an_asked_question_waits_unseen_for_staff(app: TestApp) {
    let res = app
        .gql(ASK, json!({"input": {"question": "Will my SMP fade if I work outdoors all summer?", "name": "Marco"}}))
        .await;
    let q = &res["data"]["askQuestion"]["question"];
    assert_eq!(q["status"], "PENDING", "{res}");
    assert_eq!(
        q["title"],
        "Will my SMP fade if I work outdoors all summer?"
    );
    assert_eq!(q["askedBy"], "Marco");
    // Provisional until it is published: nothing in it depends on other
    // posts.
    let provisional = q["slug"].as_str().unwrap();
    assert!(
        provisional.starts_with("will-my-smp-fade-if-i-work-outdoors-all-summer--"),
        "{res}"
    );
    let id = q["id"].as_str().unwrap();

    let public = app.gql("{ posts { totalCount } }", json!({})).await;
    assert_eq!(public["data"]["posts"]["totalCount"], 0);
    let direct = app
        .gql(
            "query($id: ID!) { post(id: $id) { id } }",
            json!({"id": id}),
        )
        .await;
    assert!(direct["data"]["post"].is_null(), "{direct}");

    let second = app.ask("And a second question, asked later?").await;
    let staff = app.token(Role::Staff).await;
    let pending = app.gql_as(&staff, PENDING, json!({})).await;
    let nodes = pending["data"]["pendingQuestions"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(pending["data"]["pendingQuestions"]["totalCount"], 2);
    assert_eq!(nodes[0]["id"], id, "oldest first: {pending}");
    assert_eq!(nodes[1]["id"], second.as_str());

    // Asking the same question twice gives two posts with distinct slugs,
    // each of the same form: the second says nothing of the first.
    let again = app
        .gql(
            ASK,
            json!({"input": {"question": "Will my SMP fade if I work outdoors all summer?"}}),
        )
        .await;
    let again_slug = again["data"]["askQuestion"]["question"]["slug"]
        .as_str()
        .unwrap();
    assert_ne!(again_slug, provisional);
    assert_eq!(again_slug.len(), provisional.len(), "{again}");

    // Published, each takes its lasting slug from its title.
    app.answer(&staff, id, "Use sunscreen on the scalp.").await;
    let again_id = again["data"]["askQuestion"]["question"]["id"]
        .as_str()
        .unwrap();
    let published = app.answer(&staff, again_id, "It fades slowly.").await;
    assert!(published["userErrors"] == json!([]), "{published}");
    let slug_of = |id: &str| {
        let id = id.to_owned();
        let app = &app;
        async move {
            app.gql(
                "query($id: ID!) { post(id: $id) { slug } }",
                json!({"id": id}),
            )
            .await["data"]["post"]["slug"]
                .clone()
        }
    };
    assert_eq!(
        slug_of(id).await,
        "will-my-smp-fade-if-i-work-outdoors-all-summer"
    );
    assert_eq!(
        slug_of(again_id).await,
        "will-my-smp-fade-if-i-work-outdoors-all-summer-2"
    );
}

/// A visitor learns nothing of posts they cannot see: not from the slug
/// their question gets, nor from the ids they are shown.
async fn asking_reveals_no_hidden_post(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let hidden = app
        .gql_as(
            &staff,
            "mutation { createArticle(input: {title: \"Price changes next year\", body: \"Draft.\", publish: false}) { post { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        hidden["data"]["createArticle"]["post"]["slug"], "price-changes-next-year",
        "{hidden}"
    );
    let ask_titled = |title: &'static str| {
        let app = &app;
        async move {
            app.gql(
                ASK,
                json!({"input": {"question": "When do prices change?", "title": title}}),
            )
            .await["data"]["askQuestion"]["question"]
                .clone()
        }
    };
    let on_taken = ask_titled("Price changes next year").await;
    let on_free = ask_titled("Price changes next month").await;
    let tail = |q: &Value| {
        let slug = q["slug"].as_str().unwrap().to_owned();
        slug.rsplit_once("--").map(|(_, t)| t.len())
    };
    assert!(
        on_taken["slug"]
            .as_str()
            .unwrap()
            .starts_with("price-changes-next-year--"),
        "no -2: {on_taken}"
    );
    assert_eq!(tail(&on_taken), tail(&on_free), "{on_taken} {on_free}");

    // Ids are not counters: two questions asked one after the other get
    // ids with nothing in common, neither a number.
    let (a, b) = (
        on_taken["id"].as_str().unwrap(),
        on_free["id"].as_str().unwrap(),
    );
    assert!(
        a.parse::<i64>().is_err() && b.parse::<i64>().is_err(),
        "{a} {b}"
    );
    assert_ne!(a[..3], b[..3]);
}

async fn blank_or_oversized_questions_are_refused_and_not_stored(app: TestApp) {
    for (question, code) in [("   \n\t ", "BLANK"), (&*"why? ".repeat(1001), "TOO_LONG")] {
        let res = app.gql(ASK, json!({"input": {"question": question}})).await;
        let payload = &res["data"]["askQuestion"];
        assert!(payload["question"].is_null(), "{res}");
        assert_eq!(payload["userErrors"][0]["field"], "question");
        assert_eq!(payload["userErrors"][0]["code"], code);
    }
    let staff = app.token(Role::Staff).await;
    let pending = app.gql_as(&staff, PENDING, json!({})).await;
    assert_eq!(pending["data"]["pendingQuestions"]["totalCount"], 0);

    // A missing required field is a GraphQL validation error, not a crash.
    let res = app
        .gql(ASK, json!({"input": {"title": "no question"}}))
        .await;
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("question"),
        "{res}"
    );
}

async fn every_bad_field_is_reported_at_once(app: TestApp) {
    let res = app
        .gql(
            ASK,
            json!({"input": {"question": "fine question?", "email": "not-an-email", "name": "x".repeat(81), "title": " "}}),
        )
        .await;
    let errors = res["data"]["askQuestion"]["userErrors"].as_array().unwrap();
    let fields: Vec<_> = errors
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [("name", "TOO_LONG"), ("email", "INVALID")],
        "{res}"
    );
}

async fn the_askers_email_is_for_staff_only(app: TestApp) {
    let res = app
        .gql(ASK, json!({"input": {"question": "Can I email you photos?", "email": "reader@example.com"}}))
        .await;
    let id = res["data"]["askQuestion"]["question"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff = app.token(Role::Staff).await;
    app.answer(&staff, &id, "Yes, through the consultation form.")
        .await;

    let public = app
        .gql(
            "query($id: ID!) { post(id: $id) { title askerEmail } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(error_code(&public), "UNAUTHENTICATED", "{public}");
    assert!(!public.to_string().contains("reader@example.com"));

    let as_staff = app
        .gql_as(
            &staff,
            "query($id: ID!) { post(id: $id) { askerEmail } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(as_staff["data"]["post"]["askerEmail"], "reader@example.com");
}

async fn markup_is_stored_as_plain_text(app: TestApp) {
    let text = "<b>Bold?</b> <script>alert('x')</script> & more";
    let res = app.gql(ASK, json!({"input": {"question": text}})).await;
    assert_eq!(
        res["data"]["askQuestion"]["question"]["question"], text,
        "{res}"
    );
}
