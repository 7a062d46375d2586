//! Staff operations need a live token of a sufficient role.

use serde_json::json;

use crate::helpers::{TestApp, error_code};
use crate::on_both_backends;
use kbql::domain::Role;

on_both_backends!(
    staff_operations_refuse_anonymous_callers_and_change_nothing,
    a_bad_or_revoked_token_is_unauthenticated,
    deleting_needs_an_admin,
);

async fn staff_operations_refuse_anonymous_callers_and_change_nothing(app: TestApp) {
    let id = app.ask("Anonymous callers cannot answer me?").await;
    let operations = [
        "{ pendingQuestions { totalCount } }".to_owned(),
        format!(
            "mutation {{ answerQuestion(input: {{id: \"{id}\", answer: \"x\"}}) {{ post {{ id }} }} }}"
        ),
        format!("mutation {{ publishPost(id: \"{id}\") {{ post {{ id }} }} }}"),
        format!("mutation {{ hidePost(id: \"{id}\") {{ post {{ id }} }} }}"),
        format!("mutation {{ deletePost(id: \"{id}\") {{ deletedPostId }} }}"),
        format!(
            "mutation {{ setPostTags(input: {{id: \"{id}\", tags: [\"x\"]}}) {{ post {{ id }} }} }}"
        ),
        format!(
            "mutation {{ updatePost(input: {{id: \"{id}\", title: \"x\"}}) {{ post {{ id }} }} }}"
        ),
        "mutation { createArticle(input: {title: \"x\", body: \"y\"}) { post { id } } }".to_owned(),
    ];
    let head = app.store.outbox_head().await.unwrap();
    for op in &operations {
        let res = app.gql(op, json!({})).await;
        assert_eq!(error_code(&res), "UNAUTHENTICATED", "{op}: {res}");
    }
    assert_eq!(
        app.store.outbox_head().await.unwrap(),
        head,
        "nothing was written"
    );
    let staff = app.token(Role::Staff).await;
    let pending = app
        .gql_as(
            &staff,
            "{ pendingQuestions { nodes { title status } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pending["data"]["pendingQuestions"]["nodes"],
        json!([{"title": "Anonymous callers cannot answer me?", "status": "PENDING"}])
    );
}

async fn a_bad_or_revoked_token_is_unauthenticated(app: TestApp) {
    let token = app.token(Role::Staff).await;
    let query = "{ pendingQuestions { totalCount } }";
    assert!(app.gql_as(&token, query, json!({})).await["errors"].is_null());

    for bad in ["kbql_0000", "not-even-prefixed", ""] {
        let res = app.gql_as(bad, query, json!({})).await;
        assert_eq!(error_code(&res), "UNAUTHENTICATED", "{bad:?}: {res}");
    }
    // A bad token is refused even for public fields: a client with a
    // broken token should learn it, not silently see the public view.
    let res = app
        .gql_as("kbql_0000", "{ posts { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED");

    let id = app.store.list_tokens().await.unwrap()[0].id;
    assert!(app.store.revoke_token(id).await.unwrap());
    let res = app.gql_as(&token, query, json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "{res}");

    let used = &app.store.list_tokens().await.unwrap()[0];
    assert!(used.last_used_at.is_some(), "last use is recorded");
}

async fn deleting_needs_an_admin(app: TestApp) {
    let id = app.ask("Only admins may delete me?").await;
    let staff = app.token(Role::Staff).await;
    let res = app
        .gql_as(
            &staff,
            "mutation($id: ID!) { deletePost(id: $id) { deletedPostId } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(error_code(&res), "FORBIDDEN", "{res}");
    let pending = app
        .gql_as(&staff, "{ pendingQuestions { totalCount } }", json!({}))
        .await;
    assert_eq!(pending["data"]["pendingQuestions"]["totalCount"], 1);
}

/// The scheme of an `Authorization` header is case-insensitive (RFC 9110).
#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = TestApp::spawn_sqlite().await;
    let token = app.token(Role::Staff).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let res: serde_json::Value = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", format!("{scheme} {token}"))
            .json(&json!({"query": "{ pendingQuestions { totalCount } }"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            res["data"]["pendingQuestions"]["totalCount"], 0,
            "{scheme}: {res}"
        );
    }
    for wrong in [
        format!("Basic {token}"),
        token.clone(),
        format!("Bearer{token}"),
    ] {
        let res: serde_json::Value = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", wrong.as_str())
            .json(&json!({"query": "{ __typename }"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(error_code(&res), "UNAUTHENTICATED", "{wrong}: {res}");
    }
}
