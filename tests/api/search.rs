//! Visitors search the answers: typos, half-typed words and synonyms still
//! find the right post first, with the matched words marked.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};
use crate::on_both_backends;
use kbql::domain::Role;

on_both_backends!(
    finds_the_best_post_first_and_marks_the_words,
    tolerates_typos_and_scores_them_below_exact_matches,
    completes_the_last_word_while_typing,
    synonyms_match_both_ways_and_admins_edit_them,
    a_word_on_every_post_does_not_decide_the_ranking,
    only_published_posts_are_found_and_writes_show_at_once,
    facets_filters_and_paging,
    suggests_a_correction_when_little_is_found,
    hostile_input_is_words_or_a_clear_error,
    answers_the_question_with_the_sentence_that_does,
    a_numbered_question_gets_its_own_numbered_answer,
    similar_and_related_posts,
    search_analytics_for_staff,
);

const SEARCH: &str = "query($q: String!, $tags: [String!], $category: String, $first: Int, $after: String) {
    search(query: $q, tags: $tags, category: $category, first: $first, after: $after) {
        totalCount didYouMean
        edges { cursor node { score post { slug } highlights { field snippet fragment ranges { start end } } } }
        pageInfo { hasNextPage endCursor }
        facets { tags { name slug count } }
    }
}";

const FIXTURE: &str = include_str!("../fixtures/search_posts.jsonl");

async fn search(app: &TestApp, q: &str) -> Value {
    app.gql(SEARCH, json!({"q": q})).await
}

fn slugs(res: &Value) -> Vec<String> {
    res["data"]["search"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {res}"))
        .iter()
        .map(|e| e["node"]["post"]["slug"].as_str().unwrap().to_owned())
        .collect()
}

fn first_slug(res: &Value) -> String {
    slugs(res)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("nothing found: {res}"))
}

fn snippet_of(res: &Value, field: &str) -> String {
    let highlights = res["data"]["search"]["edges"][0]["node"]["highlights"]
        .as_array()
        .unwrap();
    highlights
        .iter()
        .find(|h| h["field"] == field)
        .map(|h| h["snippet"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no {field} highlight in {res}"))
}

async fn finds_the_best_post_first_and_marks_the_words(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let res = search(&app, "how much does a touch-up cost").await;
    assert_eq!(first_slug(&res), "touch-up-price", "{res}");
    let answer = snippet_of(&res, "answer");
    assert!(answer.contains("<mark>costs</mark>"), "{answer}");
    assert!(answer.contains("<mark>touch</mark>"), "{answer}");
    // Ranges point into the plain fragment.
    let hl = &res["data"]["search"]["edges"][0]["node"]["highlights"][0];
    let fragment = hl["fragment"].as_str().unwrap();
    let r = &hl["ranges"][0];
    let word =
        &fragment[r["start"].as_u64().unwrap() as usize..r["end"].as_u64().unwrap() as usize];
    assert!(
        hl["snippet"]
            .as_str()
            .unwrap()
            .contains(&format!("<mark>{word}</mark>")),
        "{hl}"
    );

    assert_eq!(
        first_slug(&search(&app, "will smp fade in the sun").await),
        "sun-and-fading"
    );
    assert_eq!(
        first_slug(&search(&app, "redness after a session").await),
        "healing-redness"
    );
}

async fn tolerates_typos_and_scores_them_below_exact_matches(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let res = search(&app, "tracton alopecai").await;
    assert_eq!(first_slug(&res), "traction-alopecia-temples", "{res}");
    assert!(
        snippet_of(&res, "title").contains("<mark>traction</mark>"),
        "{res}"
    );

    let res = search(&app, "lazer removel").await;
    assert_eq!(first_slug(&res), "laser-removal", "{res}");

    // Short words get no typo budget: "scar" must not match "star" or "scan".
    let exact = search(&app, "removal").await;
    let typo = search(&app, "remuval").await;
    let score = |r: &Value| {
        r["data"]["search"]["edges"][0]["node"]["score"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(first_slug(&typo), "laser-removal");
    assert!(
        score(&exact) > score(&typo),
        "exact {} beats typo {}",
        score(&exact),
        score(&typo)
    );
}

async fn completes_the_last_word_while_typing(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let res = search(&app, "tracti").await;
    assert_eq!(first_slug(&res), "traction-alopecia-temples", "{res}");
    assert!(snippet_of(&res, "title").contains("<mark>traction</mark>"));
    assert_eq!(
        first_slug(&search(&app, "laser remo").await),
        "laser-removal"
    );
    assert_eq!(
        first_slug(&search(&app, "shaving rout").await),
        "shaving-routine"
    );
}

async fn synonyms_match_both_ways_and_admins_edit_them(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    // The post says "strip surgery" and "FUT"; the default group joins them.
    let res = search(&app, "strip procedure scar").await;
    assert_eq!(first_slug(&res), "strip-scar-camouflage", "{res}");
    let res = search(&app, "top-up price").await;
    assert_eq!(first_slug(&res), "touch-up-price", "{res}");
    assert!(
        snippet_of(&res, "title").contains("<mark>touch</mark>"),
        "synonyms are marked: {res}"
    );

    // "wedding" and "event" mean nothing alike until an admin says so.
    let before = search(&app, "ceremony").await;
    assert_eq!(before["data"]["search"]["totalCount"], 0, "{before}");
    let admin = app.token(Role::Admin).await;
    let set = "mutation($terms: [String!]!) { setSynonyms(input: {terms: $terms}) { synonyms { id terms } userErrors { code } } }";
    let res = app
        .gql_as(
            &admin,
            set,
            json!({"terms": ["ceremony", "wedding", "Wedding"]}),
        )
        .await;
    let group = &res["data"]["setSynonyms"]["synonyms"];
    assert_eq!(group["terms"], json!(["ceremony", "wedding"]), "{res}");
    assert_eq!(
        first_slug(&search(&app, "ceremony").await),
        "healing-redness"
    );

    let staff = app.token(Role::Staff).await;
    let denied = app.gql_as(&staff, set, json!({"terms": ["a", "b"]})).await;
    assert_eq!(error_code(&denied), "FORBIDDEN");
    let bad = app.gql_as(&admin, set, json!({"terms": ["alone"]})).await;
    assert_eq!(
        bad["data"]["setSynonyms"]["userErrors"][0]["code"],
        "INVALID"
    );

    let remove = "mutation($id: ID!) { removeSynonyms(id: $id) { removedId } }";
    app.gql_as(&admin, remove, json!({"id": group["id"]})).await;
    assert_eq!(
        search(&app, "ceremony").await["data"]["search"]["totalCount"],
        0
    );
    let listed = app
        .gql_as(&staff, "{ synonyms { terms } }", json!({}))
        .await;
    assert!(
        listed["data"]["synonyms"].as_array().unwrap().len() >= 5,
        "defaults are there: {listed}"
    );
}

async fn a_word_on_every_post_does_not_decide_the_ranking(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    // Every post says "smp"; the rarer words decide.
    assert_eq!(
        first_slug(&search(&app, "smp women long hair").await),
        "smp-for-women"
    );
    assert_eq!(
        first_slug(&search(&app, "smp laser").await),
        "laser-removal"
    );
    assert_eq!(
        first_slug(&search(&app, "smp hairline transplant").await),
        "hair-transplant-first"
    );
}

async fn only_published_posts_are_found_and_writes_show_at_once(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let staff = app.token(Role::Staff).await;
    let id = app.ask("Is kelp shampoo safe on pigmented scalps?").await;
    assert_eq!(
        search(&app, "kelp").await["data"]["search"]["totalCount"],
        0,
        "pending is not searchable"
    );

    // Read-your-writes: the mutation returns once search reflects it.
    app.answer(
        &staff,
        &id,
        "Kelp shampoo is fine one week after a session.",
    )
    .await;
    assert_eq!(
        first_slug(&search(&app, "kelp").await),
        "is-kelp-shampoo-safe-on-pigmented-scalps"
    );

    let hide = "mutation($id: ID!) { hidePost(id: $id) { post { status } } }";
    app.gql_as(&staff, hide, json!({"id": id})).await;
    assert_eq!(
        search(&app, "kelp").await["data"]["search"]["totalCount"],
        0,
        "hidden leaves search"
    );

    let publish = "mutation($id: ID!) { publishPost(id: $id) { post { status } } }";
    app.gql_as(&staff, publish, json!({"id": id})).await;
    let edit = "mutation($id: ID!) { updatePost(input: {id: $id, title: \"Seaweed shampoo after SMP\"}) { post { title } } }";
    // Shown once before the edit, so kept by the search caches.
    let titled = "query($q: String!) { search(query: $q) { edges { node { post { title } } } } }";
    let title = |res: Value| res["data"]["search"]["edges"][0]["node"]["post"]["title"].clone();
    let before = title(app.gql(titled, json!({"q": "kelp"})).await);
    assert!(before.is_string() && before != "Seaweed shampoo after SMP");
    // Half-typed, a word no post has yet: its (empty) expansion is worked
    // out now, and must not outlive the edit that brings the word.
    assert_eq!(
        search(&app, "seawe").await["data"]["search"]["totalCount"],
        0
    );
    app.gql_as(&staff, edit, json!({"id": id})).await;
    assert_eq!(
        first_slug(&search(&app, "seaweed").await),
        "is-kelp-shampoo-safe-on-pigmented-scalps"
    );
    assert_eq!(
        first_slug(&search(&app, "seawe").await),
        "is-kelp-shampoo-safe-on-pigmented-scalps",
        "the half-typed word now completes to the edited title's"
    );
    assert_eq!(
        title(app.gql(titled, json!({"q": "kelp"})).await),
        "Seaweed shampoo after SMP",
        "a new search shows the post as edited"
    );

    let admin = app.token(Role::Admin).await;
    app.gql_as(
        &admin,
        "mutation($id: ID!) { deletePost(id: $id) { deletedPostId } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        search(&app, "kelp").await["data"]["search"]["totalCount"],
        0,
        "deleted leaves search"
    );
}

async fn facets_filters_and_paging(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let res = search(&app, "smp").await;
    let total = res["data"]["search"]["totalCount"].as_u64().unwrap();
    assert_eq!(total, 10, "{res}");
    let facets = res["data"]["search"]["facets"]["tags"].as_array().unwrap();
    assert_eq!(
        facets[0],
        json!({"name": "smp", "slug": "smp", "count": 10})
    );
    assert!(
        facets.contains(&json!({"name": "hair loss", "slug": "hair-loss", "count": 3})),
        "{res}"
    );

    let filtered = app
        .gql(SEARCH, json!({"q": "smp", "tags": ["Hair Loss"]}))
        .await;
    assert_eq!(filtered["data"]["search"]["totalCount"], 3, "{filtered}");
    let both = app
        .gql(SEARCH, json!({"q": "smp", "tags": ["hair loss", "women"]}))
        .await;
    assert_eq!(slugs(&both), ["smp-for-women"]);
    let category = app
        .gql(SEARCH, json!({"q": "smp", "category": "hair-loss"}))
        .await;
    assert_eq!(category["data"]["search"]["totalCount"], 2, "{category}");

    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .gql(SEARCH, json!({"q": "smp", "first": 3, "after": after}))
            .await;
        seen.extend(slugs(&page));
        if page["data"]["search"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["data"]["search"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 10);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 10, "no post twice across pages");

    let cursor = |position: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("s1:{position}"))
    };
    for vars in [
        json!({"q": "smp", "first": 0}),
        json!({"q": "smp", "first": 101}),
        json!({"q": "smp", "after": "zzz"}),
        // Positions past the 1,000 matches that can be paged through, up
        // to the largest 64-bit one (which once wrapped round to page 1).
        json!({"q": "smp", "after": cursor(&u64::MAX.to_string())}),
        json!({"q": "smp", "after": cursor(&(u64::MAX - 1).to_string())}),
        json!({"q": "smp", "after": cursor("999")}),
        json!({"q": "smp", "after": cursor("990"), "first": 20}),
        json!({"q": "x".repeat(501)}),
        json!({"q": "smp", "tags": vec!["smp"; 21]}),
        json!({"q": "smp", "tags": ["t".repeat(51)]}),
        json!({"q": "smp", "category": "c".repeat(81)}),
    ] {
        assert_eq!(
            error_code(&app.gql(SEARCH, vars.clone()).await),
            "BAD_USER_INPUT",
            "{vars}"
        );
    }
}

async fn suggests_a_correction_when_little_is_found(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let res = search(&app, "shavng routene ").await;
    assert_eq!(
        res["data"]["search"]["didYouMean"], "shaving routine",
        "{res}"
    );
    let fine = search(&app, "smp").await;
    assert!(fine["data"]["search"]["didYouMean"].is_null());
}

async fn hostile_input_is_words_or_a_clear_error(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let nested = format!("{}laser{}", "(".repeat(5_000), ")".repeat(5_000));
    for q in [
        "\"laser removal\"",
        "laser AND removal OR NOT",
        "title:laser",
        "laser*",
        "laser~2",
        "laser^10",
        "[laser TO removal]",
        "\u{0}\u{7}laser\u{1b}[31m",
        "+-&&||!(){}[]^\"~*?:\\/",
        "",
        "   ",
    ] {
        let started = Instant::now();
        let res = search(&app, q).await;
        assert!(res["errors"].is_null(), "{q:?}: {res}");
        assert!(started.elapsed() < Duration::from_secs(2), "{q:?} was slow");
    }
    assert_eq!(
        first_slug(&search(&app, "title:laser").await),
        "laser-removal"
    );
    for q in [nested.as_str(), &"smp ".repeat(2_600)] {
        let res = search(&app, q).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
        assert!(
            res["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("500 characters")
        );
    }
    // A long but legal query with many words is capped, not slow.
    let res = search(&app, &"laser smp ".repeat(45)).await;
    assert_eq!(first_slug(&res), "laser-removal");
}

/// A letter with numbered questions answered by number: the answer to the
/// third question is the third answer, however far into the post it sits,
/// with the sentence that qualifies it and without its list marker.
async fn a_numbered_question_gets_its_own_numbered_answer(app: TestApp) {
    let letter = json!({
        "slug": "three-questions-before-booking",
        "title": "Three questions before booking",
        "question": "I have three questions before I book:\n\n1) Do I need to stop my blood thinners beforehand?\n\n2) Can my teenage son come with me into the room?\n\n3) Will the colour wash out if I swim in chlorinated pools every day?",
        "answer": "1. Never stop a prescribed medicine on your own. Ask the doctor who prescribed it, and tell us at the consultation so we can plan around it.\n\n2. Yes, one companion is welcome in the treatment room. Many clients find it calming to have someone there.\n\n3. Chlorine on its own does not wash the colour out. Daily swimming in the first month slows healing, though, so wait four weeks before swimming daily.",
        "tags": ["aftercare"],
    });
    let other = json!({
        "slug": "swimming-after-a-session",
        "title": "When can I swim after a session?",
        "question": "When is it safe to go swimming after my treatment?",
        "answer": "Keep the scalp dry for four days. After that, short swims are fine.",
        "tags": ["aftercare"],
    });
    app.import_jsonl(&format!("{letter}\n{other}\n")).await;
    let res = app
        .gql(
            "query($q: String!) { answer(question: $q) { sentences post { slug } } }",
            json!({"q": "will the colour wash out in chlorinated pools?"}),
        )
        .await;
    let answer = &res["data"]["answer"];
    assert_eq!(
        answer["post"]["slug"], "three-questions-before-booking",
        "{res}"
    );
    assert_eq!(
        answer["sentences"],
        json!([
            "Chlorine on its own does not wash the colour out.",
            "Daily swimming in the first month slows healing, though, so wait four weeks before swimming daily."
        ]),
        "{res}"
    );
}

async fn answers_the_question_with_the_sentence_that_does(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let q =
        "query($q: String!) { answer(question: $q) { text sentences confidence post { slug } } }";
    let res = app
        .gql(q, json!({"q": "how much does a touch-up cost?"}))
        .await;
    let answer = &res["data"]["answer"];
    assert_eq!(answer["post"]["slug"], "touch-up-price", "{res}");
    assert!(answer["text"].as_str().unwrap().contains("$250"), "{res}");
    let confidence = answer["confidence"].as_f64().unwrap();
    assert!((0.35..=1.0).contains(&confidence), "{confidence}");

    let res = app
        .gql(q, json!({"q": "does the pigment fade in sunlight"}))
        .await;
    assert!(
        res["data"]["answer"]["text"]
            .as_str()
            .unwrap()
            .contains("ultraviolet"),
        "{res}"
    );

    let none = app
        .gql(q, json!({"q": "what is the capital of australia"}))
        .await;
    assert!(none["data"]["answer"].is_null(), "{none}");
}

async fn similar_and_related_posts(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    let res = app
        .gql(
            "{ similarQuestions(text: \"how many days will my scalp stay red after a session\", first: 3) { post { slug kind } } }",
            json!({}),
        )
        .await;
    let similar = res["data"]["similarQuestions"].as_array().unwrap();
    assert_eq!(similar[0]["post"]["slug"], "healing-redness", "{res}");
    assert!(similar.iter().all(|h| h["post"]["kind"] == "QUESTION"));

    let asked = app
        .gql(
            "mutation { askQuestion(input: {question: \"Can a laser take SMP pigment out again?\"}) { similarQuestions { post { slug } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        asked["data"]["askQuestion"]["similarQuestions"][0]["post"]["slug"], "laser-removal",
        "{asked}"
    );

    let related = app
        .gql(
            "{ post(slug: \"strip-scar-camouflage\") { relatedPosts(first: 3) { slug } } }",
            json!({}),
        )
        .await;
    let related: Vec<&str> = related["data"]["post"]["relatedPosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert!(
        !related.is_empty() && !related.contains(&"strip-scar-camouflage"),
        "{related:?}"
    );
}

async fn search_analytics_for_staff(app: TestApp) {
    app.import_jsonl(FIXTURE).await;
    // The second "kelp shampoo" is answered from the result cache, and is
    // counted all the same.
    for q in [
        "touch-up cost",
        "Touch-up  cost?",
        "laser",
        "kelp shampoo",
        "kelp shampoo",
    ] {
        search(&app, q).await;
    }
    let staff = app.token(Role::Staff).await;
    let stats = "{ searchStats { totalSearches zeroResultSearches topQueries { query searches } zeroResultQueries { query } } }";
    let deadline = Instant::now() + Duration::from_secs(10);
    let res = loop {
        let res = app.gql_as(&staff, stats, json!({})).await;
        if res["data"]["searchStats"]["totalSearches"] == 5 || Instant::now() > deadline {
            break res;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let s = &res["data"]["searchStats"];
    assert_eq!(s["totalSearches"], 5, "{res}");
    assert_eq!(s["zeroResultSearches"], 2);
    let top = s["topQueries"].as_array().unwrap();
    assert!(
        top[..2].contains(&json!({"query": "touch up cost", "searches": 2})),
        "{res}"
    );
    assert_eq!(top[2], json!({"query": "laser", "searches": 1}));
    assert_eq!(s["zeroResultQueries"], json!([{"query": "kelp shampoo"}]));
    assert!(top[..2].contains(&json!({"query": "kelp shampoo", "searches": 2})));
    assert_eq!(
        error_code(&app.gql(stats, json!({})).await),
        "UNAUTHENTICATED"
    );
}
