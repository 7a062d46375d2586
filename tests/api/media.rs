//! Videos, images and links on posts (GraphQL, JSON Lines, blog pages),
//! and the photo a visitor may send with a question (a multipart upload
//! that only staff see).

use kbql::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};
use crate::on_both_backends;

on_both_backends!(
    articles_carry_media_and_links,
    imports_carry_media_and_links,
    a_visitor_s_photo_reaches_staff_only,
);

const SHOWN: &str = "media { kind url caption } links { title url }";

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

async fn articles_carry_media_and_links(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let res = app
        .gql_as(
            &staff,
            &format!(
                "mutation($input: CreateArticleInput!) {{ createArticle(input: $input) {{
                    post {{ id {SHOWN} }} userErrors {{ field code }} }} }}"
            ),
            json!({ "input": {
                "title": "Scar camouflage, before and after",
                "body": "Two sessions blended this scar.",
                "media": [
                    { "kind": "VIDEO", "url": "https://videos.example/scar.mp4", "caption": "SMP scalp scar video" },
                    { "kind": "IMAGE", "caption": "SMP before/after for FUE scars" }
                ],
                "links": [{ "title": "How Hollywood fights baldness", "url": "https://news.example/hollywood" }]
            }}),
        )
        .await;
    let payload = &res["data"]["createArticle"];
    assert_eq!(payload["userErrors"], json!([]), "{res}");
    let post = &payload["post"];
    assert_eq!(
        post["media"],
        json!([
            { "kind": "VIDEO", "url": "https://videos.example/scar.mp4", "caption": "SMP scalp scar video" },
            { "kind": "IMAGE", "url": null, "caption": "SMP before/after for FUE scars" }
        ])
    );
    assert_eq!(
        post["links"],
        json!([{ "title": "How Hollywood fights baldness", "url": "https://news.example/hollywood" }])
    );

    // Links replaced, media left as they were.
    let id = post["id"].as_str().unwrap();
    let update = format!(
        "mutation($input: UpdatePostInput!) {{ updatePost(input: $input) {{
            post {{ {SHOWN} }} userErrors {{ field code }} }} }}"
    );
    let res = app
        .gql_as(
            &staff,
            &update,
            json!({ "input": { "id": id, "links": [] } }),
        )
        .await;
    let post = &res["data"]["updatePost"]["post"];
    assert_eq!(post["links"], json!([]), "{res}");
    assert_eq!(post["media"].as_array().unwrap().len(), 2, "{res}");

    // What a browser would run, or nothing at all, is refused, field by field.
    let res = app
        .gql_as(
            &staff,
            &update,
            json!({ "input": { "id": id, "media": [
                { "kind": "IMAGE", "url": "javascript:alert(1)" },
                { "kind": "VIDEO" }
            ] } }),
        )
        .await;
    assert_eq!(
        res["data"]["updatePost"]["userErrors"],
        json!([{ "field": "media.url", "code": "INVALID" }, { "field": "media", "code": "BLANK" }]),
        "{res}"
    );
    let eleven: Vec<Value> = (0..11)
        .map(|n| json!({ "kind": "IMAGE", "caption": format!("Photo {n}") }))
        .collect();
    let res = app
        .gql_as(
            &staff,
            &update,
            json!({ "input": { "id": id, "media": eleven } }),
        )
        .await;
    assert_eq!(
        res["data"]["updatePost"]["userErrors"],
        json!([{ "field": "media", "code": "TOO_LONG" }]),
        "{res}"
    );
    // Nothing of the refused edits was stored; visitors see the media too.
    let res = app
        .gql(
            &format!("query($id: ID!) {{ post(id: $id) {{ {SHOWN} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        res["data"]["post"]["media"].as_array().unwrap().len(),
        2,
        "{res}"
    );
}

async fn imports_carry_media_and_links(app: TestApp) {
    let line = json!({
        "kind": "article", "slug": "press-hollywood", "title": "In the press",
        "answer": "Our clinic was quoted on scalp micropigmentation.",
        "media": [{ "kind": "image", "url": "https://img.example/clinic.jpg", "caption": "The clinic" }],
        "links": [{ "title": "How Hollywood fights baldness", "url": "https://news.example/hollywood" }]
    });
    app.import_jsonl(&format!("{line}\n")).await;
    let res = app
        .gql(
            &format!("{{ post(slug: \"press-hollywood\") {{ {SHOWN} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        res["data"]["post"]["media"],
        json!([{ "kind": "IMAGE", "url": "https://img.example/clinic.jpg", "caption": "The clinic" }]),
        "{res}"
    );
    assert_eq!(
        res["data"]["post"]["links"][0]["title"],
        "How Hollywood fights baldness"
    );

    // A blog page dumped as text keeps captions and linked titles only.
    let page = "All Pigments related posts\n\n\
        This patient had one session on his transplant scar. The video was taken right after.\n\n\
        Scar camouflage video\n\n\
        Most scars need two or three sessions to blend in.\n\n\
        Tags: smp, scarring\n\n\
        A weekly paper asked us about scalp tattoos for actors.\n\n\
        Read the rest — Scalp Tattoos Behind the Scenes\n\n\
        Tags: press\n";
    let posts = kbql::import::parse(kbql::import::Format::BlogText, page).unwrap();
    app.store.import_posts(&posts, &|_| {}).await.unwrap();
    app.indexed().await;
    let res = app
        .gql(
            &format!("{{ posts(first: 10) {{ nodes {{ title answer {SHOWN} }} }} }}"),
            json!({}),
        )
        .await;
    let nodes = res["data"]["posts"]["nodes"].as_array().unwrap().clone();
    let video = nodes
        .iter()
        .find(|n| n["title"].as_str().unwrap().starts_with("This patient"))
        .unwrap_or_else(|| panic!("{res}"));
    assert_eq!(
        video["media"],
        json!([{ "kind": "VIDEO", "url": null, "caption": "Scar camouflage video" }])
    );
    assert!(
        !video["answer"]
            .as_str()
            .unwrap()
            .contains("Scar camouflage video"),
        "the caption is not prose: {video}"
    );
    let press = nodes
        .iter()
        .find(|n| n["title"] == "Scalp Tattoos Behind the Scenes")
        .unwrap_or_else(|| panic!("{res}"));
    assert_eq!(
        press["links"],
        json!([{ "title": "Scalp Tattoos Behind the Scenes", "url": null }])
    );

    // A line with a bad URL names its line and stores nothing of the file.
    let bad = format!(
        "{}\n{}\n",
        json!({"slug": "fine", "answer": "Fine."}),
        json!({"slug": "broken", "answer": "Broken.", "media": [{"kind": "video", "url": "ftp://x.example/v"}]})
    );
    let err = kbql::import::parse(kbql::import::Format::JsonLines, &bad).unwrap_err();
    assert!(err.to_string().starts_with("line 2:"), "{err}");
}

/// A GraphQL multipart request (the spec apollo-upload-client and others
/// follow): the operation, the map of files to variables, the file.
async fn ask_with_photo(app: &TestApp, photo: &[u8], preflight: bool) -> reqwest::Response {
    let boundary = "kbqlboundary7MA4YWxkTrZu0gW";
    let operations = json!({
        "query": "mutation($photo: Upload) { askQuestion(input: {question: \"Is my scar a good fit for SMP?\", photo: $photo}) { question { id } userErrors { field code } } }",
        "variables": { "photo": null }
    });
    let mut body = Vec::new();
    let mut part = |headers: &str, content: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"operations\"",
        operations.to_string().as_bytes(),
    );
    part(
        "Content-Disposition: form-data; name=\"map\"",
        br#"{"0": ["variables.photo"]}"#,
    );
    // The browser's claim is not believed: the bytes decide.
    part(
        "Content-Disposition: form-data; name=\"0\"; filename=\"me.png\"\r\nContent-Type: image/png",
        photo,
    );
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    if preflight {
        request = request.header("apollo-require-preflight", "true");
    }
    request.send().await.unwrap()
}

async fn a_visitor_s_photo_reaches_staff_only(app: TestApp) {
    let staff = app.token(Role::Staff).await;
    let res: Value = ask_with_photo(&app, PNG, true).await.json().await.unwrap();
    assert_eq!(res["data"]["askQuestion"]["userErrors"], json!([]), "{res}");
    let id = res["data"]["askQuestion"]["question"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let photo_query =
        "query($id: ID!) { post(id: $id) { photo { contentType byteSize dataUrl } } }";
    let res = app.gql_as(&staff, photo_query, json!({ "id": id })).await;
    let photo = &res["data"]["post"]["photo"];
    assert_eq!(photo["contentType"], "image/png", "{res}");
    assert_eq!(photo["byteSize"], PNG.len());
    assert!(
        photo["dataUrl"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBORw0KGgo")
    );

    // Published, the post is public; its photo is not.
    let answered = app.answer(&staff, &id, "Yes: scars blend well.").await;
    assert_eq!(answered["userErrors"], json!([]), "{answered}");
    let res = app.gql(photo_query, json!({ "id": id })).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "{res}");
    assert!(
        res["data"]["post"].is_null() || res["data"]["post"]["photo"].is_null(),
        "{res}"
    );

    // Bytes that are no image are refused, and the question with them.
    let res: Value = ask_with_photo(&app, b"<svg onload=alert(1)></svg>", true)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        res["data"]["askQuestion"]["userErrors"],
        json!([{ "field": "photo", "code": "INVALID" }]),
        "{res}"
    );
    // A form any site could post is not accepted.
    let res = ask_with_photo(&app, PNG, false).await;
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(&res.json().await.unwrap()), "CSRF_REFUSED");
    // Past the size limit.
    let mut huge = PNG.to_vec();
    huge.resize(kbql::limits::Limits::PHOTO_BYTES + 1, 0);
    let res = ask_with_photo(&app, &huge, true).await;
    assert_eq!(res.status(), 413);
    assert_eq!(error_code(&res.json().await.unwrap()), "PAYLOAD_TOO_LARGE");

    let pending = app
        .gql_as(
            &staff,
            "{ pendingQuestions(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pending["data"]["pendingQuestions"]["totalCount"], 0,
        "only the one question was stored, and it is answered: {pending}"
    );
}
