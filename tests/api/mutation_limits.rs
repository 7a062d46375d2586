//! The rule every mutation keeps: it succeeds and says so, or it fails and
//! stores nothing. Walked over every mutation with each limited input at
//! its limit and one past it.

use kbql::domain::{Limits, Role};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

/// Everything a mutation can change, as text: two equal fingerprints mean
/// nothing was stored.
async fn fingerprint(app: &TestApp) -> String {
    let db = app.store.connection();
    let posts = entity::post::Entity::find().all(db).await.unwrap();
    let groups = entity::synonym_group::Entity::find().all(db).await.unwrap();
    format!(
        "{posts:?}\n{groups:?}\ntags {} categories {} links {} audit {} outbox {}",
        entity::tag::Entity::find().count(db).await.unwrap(),
        entity::category::Entity::find().count(db).await.unwrap(),
        entity::post_tag::Entity::find().count(db).await.unwrap(),
        entity::audit_log::Entity::find().count(db).await.unwrap(),
        entity::outbox::Entity::find().count(db).await.unwrap(),
    )
}

/// `n` characters of text, two bytes each, ending in a letter.
fn text(n: usize) -> String {
    "é".repeat(n)
}

/// An e-mail address of exactly `n` characters.
fn email(n: usize) -> String {
    let domain = "@example.com";
    format!("{}{domain}", "a".repeat(n - domain.len()))
}

/// `count` different tag names of `len` characters.
fn tags(count: usize, len: usize) -> Vec<String> {
    (0..count)
        .map(|i| format!("{i:02}{}", "t".repeat(len - 2)))
        .collect()
}

struct Case {
    what: String,
    role: Option<Role>,
    mutation: &'static str,
    query: &'static str,
    variables: Value,
    accepted: bool,
}

fn case(
    what: impl Into<String>,
    role: Option<Role>,
    mutation: &'static str,
    query: &'static str,
    variables: Value,
    accepted: bool,
) -> Case {
    Case {
        what: what.into(),
        role,
        mutation,
        query,
        variables,
        accepted,
    }
}

const ASK: &str = "mutation($input: AskQuestionInput!) { askQuestion(input: $input) { question { id } userErrors { field code } } }";
const ANSWER: &str = "mutation($input: AnswerQuestionInput!) { answerQuestion(input: $input) { post { id } userErrors { field code } } }";
const ARTICLE: &str = "mutation($input: CreateArticleInput!) { createArticle(input: $input) { post { id } userErrors { field code } } }";
const UPDATE: &str = "mutation($input: UpdatePostInput!) { updatePost(input: $input) { post { id } userErrors { field code } } }";
const TAGS: &str = "mutation($input: SetPostTagsInput!) { setPostTags(input: $input) { post { id } userErrors { field code } } }";
const SYNONYMS: &str = "mutation($input: SetSynonymsInput!) { setSynonyms(input: $input) { synonyms { id } userErrors { field code } } }";
const PUBLISH: &str =
    "mutation($id: ID!) { publishPost(id: $id) { post { id } userErrors { field code } } }";
const HIDE: &str =
    "mutation($id: ID!) { hidePost(id: $id) { post { id } userErrors { field code } } }";
const DELETE: &str =
    "mutation($id: ID!) { deletePost(id: $id) { deletedPostId userErrors { field code } } }";
const UNSYNONYM: &str =
    "mutation($id: ID!) { removeSynonyms(id: $id) { removedId userErrors { field code } } }";

/// Each limited input at its limit (accepted) and one past it (refused),
/// with the ids of a question and an article to edit.
fn cases(question: &str, article: &str, unique: &mut usize) -> Vec<Case> {
    let staff = Some(Role::Staff);
    let admin = Some(Role::Admin);
    let mut next = || {
        *unique += 1;
        *unique
    };
    let mut all = Vec::new();
    for (n, accepted) in [(0, true), (1, false)] {
        let at = |limit: usize| limit + n;
        let u = next();
        all.extend([
            case(format!("question {}", at(Limits::QUESTION)), None, "askQuestion", ASK,
                json!({"input": {"question": format!("{u}{}", text(at(Limits::QUESTION) - u.to_string().len()))}}), accepted),
            case(format!("title {}", at(Limits::TITLE)), None, "askQuestion", ASK,
                json!({"input": {"question": "Is it waterproof?", "title": text(at(Limits::TITLE))}}), accepted),
            case(format!("name {}", at(Limits::DISPLAY_NAME)), None, "askQuestion", ASK,
                json!({"input": {"question": "Is it waterproof?", "name": text(at(Limits::DISPLAY_NAME))}}), accepted),
            case(format!("email {}", at(Limits::EMAIL)), None, "askQuestion", ASK,
                json!({"input": {"question": "Is it waterproof?", "email": email(at(Limits::EMAIL))}}), accepted),
            case(format!("answer {}", at(Limits::ANSWER)), staff, "answerQuestion", ANSWER,
                json!({"input": {"id": question, "answer": text(at(Limits::ANSWER)), "publish": false}}), accepted),
            case(format!("answeredBy {}", at(Limits::DISPLAY_NAME)), staff, "answerQuestion", ANSWER,
                json!({"input": {"id": question, "answer": "Yes.", "answeredBy": text(at(Limits::DISPLAY_NAME)), "publish": false}}), accepted),
            case(format!("article title {}", at(Limits::TITLE)), staff, "createArticle", ARTICLE,
                json!({"input": {"title": text(at(Limits::TITLE)), "body": "Body."}}), accepted),
            case(format!("article body {}", at(Limits::ANSWER)), staff, "createArticle", ARTICLE,
                json!({"input": {"title": format!("Body {u}"), "body": text(at(Limits::ANSWER))}}), accepted),
            case(format!("article slug {}", at(Limits::SLUG)), staff, "createArticle", ARTICLE,
                json!({"input": {"title": "Slugged", "body": "Body.", "slug": format!("{u}{}", "s".repeat(at(Limits::SLUG) - u.to_string().len()))}}), accepted),
            case(format!("article tags {}", at(Limits::TAGS_PER_POST)), staff, "createArticle", ARTICLE,
                json!({"input": {"title": format!("Tagged {u}"), "body": "Body.", "tags": tags(at(Limits::TAGS_PER_POST), 10)}}), accepted),
            case(format!("article tag of {}", at(Limits::TAG)), staff, "createArticle", ARTICLE,
                json!({"input": {"title": format!("Long tag {u}"), "body": "Body.", "tags": tags(1, at(Limits::TAG))}}), accepted),
            case(format!("article category {}", at(Limits::CATEGORY)), staff, "createArticle", ARTICLE,
                json!({"input": {"title": format!("Filed {u}"), "body": "Body.", "category": text(at(Limits::CATEGORY))}}), accepted),
            case(format!("article author {}", at(Limits::DISPLAY_NAME)), staff, "createArticle", ARTICLE,
                json!({"input": {"title": format!("Signed {u}"), "body": "Body.", "author": text(at(Limits::DISPLAY_NAME))}}), accepted),
            case(format!("update title {}", at(Limits::TITLE)), staff, "updatePost", UPDATE,
                json!({"input": {"id": question, "title": text(at(Limits::TITLE))}}), accepted),
            case(format!("update question {}", at(Limits::QUESTION)), staff, "updatePost", UPDATE,
                json!({"input": {"id": question, "question": text(at(Limits::QUESTION))}}), accepted),
            case(format!("update answer {}", at(Limits::ANSWER)), staff, "updatePost", UPDATE,
                json!({"input": {"id": article, "answer": text(at(Limits::ANSWER))}}), accepted),
            case(format!("update slug {}", at(Limits::SLUG)), staff, "updatePost", UPDATE,
                json!({"input": {"id": article, "slug": format!("{u}{}", "u".repeat(at(Limits::SLUG) - u.to_string().len()))}}), accepted),
            case(format!("update category {}", at(Limits::CATEGORY)), staff, "updatePost", UPDATE,
                json!({"input": {"id": article, "category": format!("{u}{}", text(at(Limits::CATEGORY) - u.to_string().len()))}}), accepted),
            case(format!("update askedBy {}", at(Limits::DISPLAY_NAME)), staff, "updatePost", UPDATE,
                json!({"input": {"id": question, "askedBy": format!("{u}{}", text(at(Limits::DISPLAY_NAME) - u.to_string().len()))}}), accepted),
            case(format!("update answeredBy {}", at(Limits::DISPLAY_NAME)), staff, "updatePost", UPDATE,
                json!({"input": {"id": question, "answeredBy": format!("{u}{}", text(at(Limits::DISPLAY_NAME) - u.to_string().len()))}}), accepted),
            case(format!("setPostTags {}", at(Limits::TAGS_PER_POST)), staff, "setPostTags", TAGS,
                json!({"input": {"id": article, "tags": tags(at(Limits::TAGS_PER_POST), 12 + n)}}), accepted),
            case(format!("setPostTags tag of {}", at(Limits::TAG)), staff, "setPostTags", TAGS,
                json!({"input": {"id": article, "tags": tags(1, at(Limits::TAG))}}), accepted),
            case(format!("synonym term {}", at(Limits::SYNONYM_TERM)), admin, "setSynonyms", SYNONYMS,
                json!({"input": {"terms": [format!("{u}{}", "w".repeat(at(Limits::SYNONYM_TERM) - u.to_string().len())), format!("other {u}")]}}), accepted),
            case(format!("synonym terms {}", at(Limits::SYNONYM_TERMS)), admin, "setSynonyms", SYNONYMS,
                json!({"input": {"terms": (0..at(Limits::SYNONYM_TERMS)).map(|i| format!("term {u} {i}")).collect::<Vec<_>>()}}), accepted),
        ]);
    }
    // Far past every limit: a list of thousands where a few are allowed.
    all.extend([
        case(
            "200,000 tags",
            staff,
            "setPostTags",
            TAGS,
            json!({"input": {"id": article, "tags": vec!["x"; 200_000]}}),
            false,
        ),
        case(
            "100,000 synonym terms",
            admin,
            "setSynonyms",
            SYNONYMS,
            json!({"input": {"terms": (0..100_000).map(|i| i.to_string()).collect::<Vec<_>>()}}),
            false,
        ),
        case(
            "a question of a whole body",
            None,
            "askQuestion",
            ASK,
            json!({"input": {"question": "x".repeat(900_000)}}),
            false,
        ),
    ]);
    // Ids that name nothing, or are not ids.
    for id in ["not an id", "", "999999999"] {
        all.extend([
            case(
                format!("publish {id:?}"),
                staff,
                "publishPost",
                PUBLISH,
                json!({"id": id}),
                false,
            ),
            case(
                format!("hide {id:?}"),
                staff,
                "hidePost",
                HIDE,
                json!({"id": id}),
                false,
            ),
            case(
                format!("delete {id:?}"),
                admin,
                "deletePost",
                DELETE,
                json!({"id": id}),
                false,
            ),
            case(
                format!("remove synonyms {id:?}"),
                admin,
                "removeSynonyms",
                UNSYNONYM,
                json!({"id": id}),
                false,
            ),
            case(
                format!("answer {id:?}"),
                staff,
                "answerQuestion",
                ANSWER,
                json!({"input": {"id": id, "answer": "Yes."}}),
                false,
            ),
        ]);
    }
    all
}

/// Whether the payload says the mutation took effect.
fn says_stored(payload: &Value) -> bool {
    payload["userErrors"] == json!([])
        && ["question", "post", "synonyms", "deletedPostId", "removedId"]
            .iter()
            .any(|k| !payload[*k].is_null())
}

async fn every_mutation_succeeds_and_says_so_or_fails_and_stores_nothing(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let admin = app.token(Role::Admin).await;
    let question = app.ask("Will the pigment fade in the sun?").await;
    let res = app
        .gql_as(
            &staff,
            ARTICLE,
            json!({"input": {"title": "Our clinic on the radio", "body": "We spoke about SMP."}}),
        )
        .await;
    let article = res["data"]["createArticle"]["post"]["id"]
        .as_str()
        .expect("article")
        .to_owned();
    let mut unique = 0;
    let cases = cases(&question, &article, &mut unique);
    assert!(cases.len() > 60);
    for case in cases {
        let before = fingerprint(&app).await;
        let token = match case.role {
            None => None,
            Some(Role::Staff) => Some(staff.as_str()),
            Some(Role::Admin) => Some(admin.as_str()),
        };
        let res = app.gql_with(token, case.query, case.variables).await;
        let after = fingerprint(&app).await;
        let payload = &res["data"][case.mutation];
        let stored = before != after;
        if case.accepted {
            assert!(says_stored(payload), "{}: {res}", case.what);
            assert!(res.get("errors").is_none(), "{}: {res}", case.what);
            assert!(stored, "{}: said stored, but nothing changed", case.what);
        } else {
            assert!(!says_stored(payload), "{}: {res}", case.what);
            assert!(
                !stored,
                "{}: refused, yet something was stored: {res}",
                case.what
            );
        }
    }
}

on_both_backends!(every_mutation_succeeds_and_says_so_or_fails_and_stores_nothing);

/// A question longer than a search takes is stored, said to be stored,
/// and still shown the questions like it.
async fn a_long_question_is_stored_and_answered_truthfully(app: TestApp) {
    app.import_jsonl(
        r#"{"slug":"sun","title":"Does sunlight fade the pigment?","question":"Will the sun fade my scalp pigment?","answer":"Wear a hat in strong sun."}"#,
    )
    .await;
    let long = format!(
        "Will the sun fade my pigment? {}",
        "I spend my summers outdoors at the beach. ".repeat(100)
    );
    assert!(long.chars().count() > Limits::SEARCH_TEXT);
    let res = app
        .gql(
            "mutation($q: String!) { askQuestion(input: {question: $q}) {
                question { id status } similarQuestions { post { slug } } userErrors { code } } }",
            json!({"q": long}),
        )
        .await;
    assert!(res.get("errors").is_none(), "{res}");
    let payload = &res["data"]["askQuestion"];
    assert_eq!(payload["question"]["status"], "PENDING", "{res}");
    assert_eq!(
        payload["similarQuestions"][0]["post"]["slug"], "sun",
        "{res}"
    );
    assert_eq!(app.store.count_pending().await.unwrap(), 1);
}

on_both_backends!(a_long_question_is_stored_and_answered_truthfully);
