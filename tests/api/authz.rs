//! Who may call what, checked against the live schema. Every root query
//! and mutation is classified below; the test reads the schema over HTTP,
//! fails on any operation the table does not know (so a new one cannot
//! slip in unguarded), calls each guarded one with placeholder arguments
//! built from its introspected types, as every weaker caller, and checks
//! that each was refused and nothing in the database changed.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

use crate::helpers::{TestApp, numbered_posts};
use crate::on_both_backends;
use kbql::domain::Role;

on_both_backends!(
    every_root_operation_is_classified,
    guarded_operations_refuse_weaker_callers_and_change_nothing,
    permitted_callers_are_let_through,
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Public,
    Staff,
    Admin,
}

use Access::{Admin, Public, Staff};

const QUERIES: &[(&str, Access)] = &[
    ("posts", Public),
    ("post", Public),
    ("node", Public),
    ("tags", Public),
    ("categories", Public),
    ("search", Public),
    ("answer", Public),
    ("similarQuestions", Public),
    ("pendingQuestions", Staff),
    ("searchStats", Staff),
    ("synonyms", Staff),
    ("auditLog", Admin),
];

const MUTATIONS: &[(&str, Access)] = &[
    ("askQuestion", Public),
    ("answerQuestion", Staff),
    ("createArticle", Staff),
    ("updatePost", Staff),
    ("mergeTags", Staff),
    ("publishPost", Staff),
    ("hidePost", Staff),
    ("setPostTags", Staff),
    ("deletePost", Admin),
    ("setSynonyms", Admin),
    ("removeSynonyms", Admin),
];

/// Subscriptions run only over WebSocket; tests/api/live.rs subscribes to
/// the guarded ones as a visitor and checks the refusal.
const SUBSCRIPTIONS: &[(&str, Access)] = &[("questionAsked", Staff), ("postPublished", Public)];

/// Guarded fields below the root, each with a query reaching it through a
/// published post (`$id`), which anyone may read.
const GUARDED_FIELDS: &[(&str, &str, Access, &str)] = &[
    (
        "Post",
        "askerEmail",
        Staff,
        "query($id: ID!) { post(id: $id) { id askerEmail } }",
    ),
    (
        "Post",
        "photo",
        Staff,
        "query($id: ID!) { post(id: $id) { id photo { contentType } } }",
    ),
];

const INTROSPECTION: &str = "
fragment TypeRef on __Type {
    kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
}
query {
    __schema {
        queryType { name }
        mutationType { name }
        subscriptionType { name }
        types {
            kind name
            fields { name args { name defaultValue type { ...TypeRef } } type { ...TypeRef } }
            inputFields { name defaultValue type { ...TypeRef } }
            enumValues { name }
        }
    }
}";

/// The introspected schema: every named type, and the two root types.
struct Schema {
    types: BTreeMap<String, Value>,
    query: String,
    mutation: String,
    subscription: String,
}

impl Schema {
    async fn load(app: &TestApp) -> Schema {
        let res = app.gql(INTROSPECTION, json!({})).await;
        assert!(res["errors"].is_null(), "{res}");
        let schema = &res["data"]["__schema"];
        let types = schema["types"]
            .as_array()
            .expect("types")
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
            .collect();
        Schema {
            types,
            query: schema["queryType"]["name"].as_str().unwrap().to_owned(),
            mutation: schema["mutationType"]["name"].as_str().unwrap().to_owned(),
            subscription: schema["subscriptionType"]["name"]
                .as_str()
                .unwrap()
                .to_owned(),
        }
    }

    fn named(&self, name: &str) -> &Value {
        self.types
            .get(name)
            .unwrap_or_else(|| panic!("type {name} is not in the schema"))
    }

    fn fields(&self, type_name: &str) -> Vec<Value> {
        self.named(type_name)["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn field_names(&self, type_name: &str) -> BTreeSet<String> {
        self.fields(type_name)
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// A GraphQL literal of type `ty`: a placeholder any resolver would
    /// accept far enough to act, were it not guarded.
    fn literal(&self, ty: &Value, post_id: &str) -> String {
        let name = ty["name"].as_str().unwrap_or_default();
        match ty["kind"].as_str().unwrap() {
            "NON_NULL" => self.literal(&ty["ofType"], post_id),
            "LIST" => format!("[{}]", self.literal(&ty["ofType"], post_id)),
            "SCALAR" => match name {
                "ID" => format!("\"{post_id}\""),
                "String" => "\"x\"".to_owned(),
                "Int" => "1".to_owned(),
                "Float" => "1.0".to_owned(),
                "Boolean" => "true".to_owned(),
                "DateTime" => "\"2026-01-01T00:00:00Z\"".to_owned(),
                other => panic!("no placeholder for scalar {other}: add one here"),
            },
            "ENUM" => self.named(name)["enumValues"][0]["name"]
                .as_str()
                .expect("an enum has values")
                .to_owned(),
            "INPUT_OBJECT" => {
                let fields = self.named(name)["inputFields"].as_array().unwrap();
                format!("{{{}}}", self.required(fields, post_id))
            }
            other => panic!("{other} {name} cannot be an input"),
        }
    }

    /// `name: literal` for each argument or input field that must be given
    /// (non-null without a default).
    fn required(&self, values: &[Value], post_id: &str) -> String {
        values
            .iter()
            .filter(|v| v["type"]["kind"] == "NON_NULL" && v["defaultValue"].is_null())
            .map(|v| {
                format!(
                    "{}: {}",
                    v["name"].as_str().unwrap(),
                    self.literal(&v["type"], post_id)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A complete operation calling root field `field` of `root`.
    fn call(&self, root: &str, field: &Value, post_id: &str) -> String {
        let name = field["name"].as_str().unwrap();
        let args = self.required(field["args"].as_array().unwrap(), post_id);
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({args})")
        };
        let mut ty = &field["type"];
        while ty["kind"] == "NON_NULL" || ty["kind"] == "LIST" {
            ty = &ty["ofType"];
        }
        let selection = match ty["kind"].as_str().unwrap() {
            "OBJECT" | "INTERFACE" | "UNION" => " { __typename }",
            _ => "",
        };
        let keyword = if root == self.mutation {
            "mutation"
        } else {
            "query"
        };
        format!("{keyword} {{ {name}{args}{selection} }}")
    }
}

/// The fields of `root` the table gives `access`, as introspected.
fn classified(
    schema: &Schema,
    root: &str,
    table: &[(&str, Access)],
    wanted: impl Fn(Access) -> bool,
) -> Vec<Value> {
    schema
        .fields(root)
        .into_iter()
        .filter(|f| {
            table
                .iter()
                .any(|(name, access)| f["name"] == *name && wanted(*access))
        })
        .collect()
}

/// The code of the one error a refused call returns, checking that it
/// concerns `field` and that no data came back for it.
fn refusal_code(res: &Value, field: &str) -> String {
    let errors = res["errors"].as_array().unwrap_or_else(|| {
        panic!("{field} was not refused: {res}");
    });
    assert_eq!(errors.len(), 1, "{field}: {res}");
    assert_eq!(errors[0]["path"][0], field, "{res}");
    let data = &res["data"];
    assert!(
        data.is_null() || data[field].is_null(),
        "{field} returned data: {res}"
    );
    errors[0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code: {res}"))
        .to_owned()
}

/// Everything a staff operation could change, read straight from the
/// database. Search logs and token use times are left out: public calls
/// and every authenticated request write those.
#[derive(Debug, PartialEq)]
struct Snapshot {
    posts: Vec<entity::post::Model>,
    post_tags: Vec<entity::post_tag::Model>,
    tags: Vec<entity::tag::Model>,
    categories: Vec<entity::category::Model>,
    synonym_groups: Vec<entity::synonym_group::Model>,
    audit_log: Vec<entity::audit_log::Model>,
    outbox_head: i64,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    use entity::{audit_log, category, post, post_tag, synonym_group, tag};
    let db = app.store.connection();
    Snapshot {
        posts: post::Entity::find()
            .order_by_asc(post::Column::Id)
            .all(db)
            .await
            .unwrap(),
        post_tags: post_tag::Entity::find()
            .order_by_asc(post_tag::Column::PostId)
            .order_by_asc(post_tag::Column::TagId)
            .all(db)
            .await
            .unwrap(),
        tags: tag::Entity::find()
            .order_by_asc(tag::Column::Id)
            .all(db)
            .await
            .unwrap(),
        categories: category::Entity::find()
            .order_by_asc(category::Column::Id)
            .all(db)
            .await
            .unwrap(),
        synonym_groups: synonym_group::Entity::find()
            .order_by_asc(synonym_group::Column::Id)
            .all(db)
            .await
            .unwrap(),
        audit_log: audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(db)
            .await
            .unwrap(),
        outbox_head: app.store.outbox_head().await.unwrap(),
    }
}

/// Published posts (and a pending question) for the calls to act on; the
/// id placeholder is a published question, which every post mutation
/// could change and everyone may read.
async fn seed(app: &TestApp) -> String {
    app.import_jsonl(&numbered_posts(2, "smp", "Pigments"))
        .await;
    let res = app
        .gql(
            "mutation { askQuestion(input: {question: \"Pending, with an e-mail?\", email: \"ana@example.com\"}) { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(res["data"]["askQuestion"]["userErrors"], json!([]), "{res}");
    let res = app
        .gql("{ post(slug: \"question-1\") { id } }", json!({}))
        .await;
    res["data"]["post"]["id"].as_str().expect("id").to_owned()
}

async fn every_root_operation_is_classified(app: TestApp) {
    let schema = Schema::load(&app).await;
    for (root, table) in [
        (&schema.query, QUERIES),
        (&schema.mutation, MUTATIONS),
        (&schema.subscription, SUBSCRIPTIONS),
    ] {
        let in_schema = schema.field_names(root);
        let in_table: BTreeSet<String> = table.iter().map(|(n, _)| (*n).to_owned()).collect();
        let unclassified: Vec<_> = in_schema.difference(&in_table).collect();
        assert!(
            unclassified.is_empty(),
            "{root} has fields nobody classified as public, staff or admin: {unclassified:?}; \
             add them to the table in tests/api/authz.rs"
        );
        let stale: Vec<_> = in_table.difference(&in_schema).collect();
        assert!(
            stale.is_empty(),
            "the table names {root} fields that no longer exist: {stale:?}"
        );
        assert_eq!(in_table.len(), table.len(), "{root} classified twice");
    }
    for (type_name, field, _, _) in GUARDED_FIELDS {
        assert!(
            schema.field_names(type_name).contains(*field),
            "{type_name}.{field} no longer exists"
        );
    }
}

async fn guarded_operations_refuse_weaker_callers_and_change_nothing(app: TestApp) {
    let post_id = seed(&app).await;
    let staff = app.token(Role::Staff).await;
    let schema = Schema::load(&app).await;
    let before = snapshot(&app).await;

    let mut calls = 0;
    for (root, table) in [(&schema.query, QUERIES), (&schema.mutation, MUTATIONS)] {
        for field in classified(&schema, root, table, |a| a != Public) {
            let name = field["name"].as_str().unwrap();
            let op = schema.call(root, &field, &post_id);
            let res = app.gql(&op, json!({})).await;
            assert_eq!(
                refusal_code(&res, name),
                "UNAUTHENTICATED",
                "anonymous {op}"
            );
            calls += 1;
        }
        for field in classified(&schema, root, table, |a| a == Admin) {
            let name = field["name"].as_str().unwrap();
            let op = schema.call(root, &field, &post_id);
            let res = app.gql_as(&staff, &op, json!({})).await;
            assert_eq!(refusal_code(&res, name), "FORBIDDEN", "staff {op}");
            calls += 1;
        }
    }
    // Each guarded field anonymously, the admin ones again as staff.
    let expected: usize = [QUERIES, MUTATIONS]
        .iter()
        .flat_map(|t| t.iter())
        .map(|(_, access)| match access {
            Public => 0,
            Staff => 1,
            Admin => 2,
        })
        .sum();
    assert_eq!(calls, expected, "every guarded field was called");

    for (type_name, field, access, query) in GUARDED_FIELDS {
        let vars = json!({"id": post_id});
        let res = app.gql(query, vars.clone()).await;
        let error = &res["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "UNAUTHENTICATED",
            "anonymous {type_name}.{field}: {res}"
        );
        assert_eq!(error["path"], json!(["post", field]), "{res}");
        assert_eq!(res["data"]["post"]["id"], post_id.as_str(), "{res}");
        assert!(
            res["data"]["post"][field].is_null(),
            "{type_name}.{field} leaked: {res}"
        );
        if *access == Admin {
            let res = app.gql_as(&staff, query, vars).await;
            assert_eq!(
                res["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "staff {type_name}.{field}: {res}"
            );
        }
    }

    let after = snapshot(&app).await;
    assert_eq!(before, after, "a refused call changed the database");
    assert!(after.audit_log.is_empty(), "nothing was audited");
}

/// The other side of the table: each operation is open to the callers it
/// names, so a guard cannot be tighter than documented either. Only
/// queries are called; mutations would change what other tests check.
async fn permitted_callers_are_let_through(app: TestApp) {
    let post_id = seed(&app).await;
    let staff = app.token(Role::Staff).await;
    let admin = app.token(Role::Admin).await;
    let schema = Schema::load(&app).await;
    let before = snapshot(&app).await;

    for (access, token) in [(Public, None), (Staff, Some(&staff)), (Admin, Some(&admin))] {
        for field in classified(&schema, &schema.query, QUERIES, |a| a == access) {
            let op = schema.call(&schema.query, &field, &post_id);
            let res = app
                .gql_with(token.map(String::as_str), &op, json!({}))
                .await;
            let codes: Vec<_> = res["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| e["extensions"]["code"].clone())
                .collect();
            assert!(
                !codes.contains(&json!("UNAUTHENTICATED")) && !codes.contains(&json!("FORBIDDEN")),
                "{access:?} caller refused {op}: {res}"
            );
        }
    }
    for (type_name, field, access, query) in GUARDED_FIELDS {
        let token = if *access == Admin { &admin } else { &staff };
        let res = app.gql_as(token, query, json!({"id": post_id})).await;
        assert!(res["errors"].is_null(), "{type_name}.{field}: {res}");
    }
    assert_eq!(before, snapshot(&app).await, "queries changed nothing");
}
