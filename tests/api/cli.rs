//! The `kbql` binary: import, tokens, migrate, and serving the demo.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::helpers::{TestApp, kbql_cli};
use crate::on_both_backends;

on_both_backends!(
    importing_a_blog_page_yields_its_posts_and_tags,
    reimporting_adds_nothing,
    a_page_imported_under_the_old_titles_reimports_in_place,
    a_malformed_file_names_its_line_and_imports_nothing,
    a_file_of_many_chunks_lands_whole_or_not_at_all,
    an_faq_whose_titles_ask_imports_as_questions,
    a_cli_token_works_against_the_server,
);

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/blog_page.txt");

/// Runs `kbql` against the test app's own database.
fn kbql(app: &TestApp, args: &[&str]) -> Output {
    kbql_cli(app.data_dir.path(), &app.database_url, args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn importing_a_blog_page_yields_its_posts_and_tags(app: TestApp) {
    let out = kbql(&app, &["import", FIXTURE]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("6 created, 0 updated, 0 unchanged"),
        "{}",
        stdout(&out)
    );

    let res = app
        .gql(
            "{ all: posts(first: 100) { totalCount nodes { kind title question answer category { name } } }
               hairLoss: posts(tag: \"hair loss\") { totalCount }
               scarring: posts(tag: \"scarring\") { totalCount }
               traction: posts(tag: \"Traction Alopecia\") { totalCount }
               smp: posts(tag: \"SMP\") { totalCount } }",
            json!({}),
        )
        .await;
    let data = &res["data"];
    assert_eq!(data["all"]["totalCount"], 6, "{res}");
    assert_eq!(data["hairLoss"]["totalCount"], 4);
    assert_eq!(data["scarring"]["totalCount"], 2);
    assert_eq!(data["traction"]["totalCount"], 1);
    assert_eq!(data["smp"]["totalCount"], 6);
    let nodes = data["all"]["nodes"].as_array().unwrap();
    let articles: Vec<&Value> = nodes.iter().filter(|n| n["kind"] == "ARTICLE").collect();
    assert_eq!(articles.len(), 1);
    assert!(articles[0]["question"].is_null());
    for n in nodes {
        assert_eq!(n["category"]["name"], "Pigments");
        let text = format!("{}{}{}", n["title"], n["question"], n["answer"]);
        for chrome in [
            "Block Quote",
            "Tags:",
            "Valid CSS",
            "Page 3 of",
            "As Seen on",
        ] {
            assert!(!text.contains(chrome), "{chrome} leaked into {n}");
        }
    }
    // The touch-up answer survives with its fee.
    assert!(
        nodes
            .iter()
            .any(|n| n["answer"].as_str().unwrap_or("").contains("$250")),
        "{res}"
    );
}

async fn reimporting_adds_nothing(app: TestApp) {
    assert!(kbql(&app, &["import", FIXTURE]).status.success());
    let head = app.store.outbox_head().await.unwrap();
    let again = kbql(&app, &["import", FIXTURE]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("0 created, 0 updated, 6 unchanged"),
        "{}",
        stdout(&again)
    );
    assert_eq!(
        app.store.outbox_head().await.unwrap(),
        head,
        "unchanged posts are not re-indexed"
    );
    let res = app.gql("{ posts { totalCount } }", json!({})).await;
    assert_eq!(res["data"]["posts"]["totalCount"], 6);

    // A changed answer in the file updates the post in place.
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("page.txt");
    let text = std::fs::read_to_string(FIXTURE)
        .unwrap()
        .replace("$250", "$275");
    std::fs::write(&edited, text).unwrap();
    let out = kbql(&app, &["import", edited.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("0 created, 1 updated, 5 unchanged"),
        "{}",
        stdout(&out)
    );
}

/// Titles once came from a letter's opening sentence; they now come from
/// the sentence that asks. A page imported back then must update its posts,
/// under the slugs they have always had, rather than add them again.
async fn a_page_imported_under_the_old_titles_reimports_in_place(app: TestApp) {
    let old_title = "I had my whole scalp done about eighteen months ago and I love the result.";
    let old_slug = "i-had-my-whole-scalp-done-about-eighteen-months-ago-and-i-love-the-result";
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.jsonl");
    let line = json!({
        "slug": old_slug,
        "title": old_title,
        "question": "I had my whole scalp done about eighteen months ago. How long does it last?",
        "answer": "It lasts for years.",
        "tags": ["smp"],
    });
    std::fs::write(&before, format!("{line}\n")).unwrap();
    assert!(
        kbql(&app, &["import", before.to_str().unwrap()])
            .status
            .success()
    );

    let out = kbql(&app, &["import", FIXTURE]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("5 created, 1 updated, 0 unchanged"),
        "{}",
        stdout(&out)
    );
    let res = app
        .gql(
            &format!("{{ posts {{ totalCount }} post(slug: \"{old_slug}\") {{ title answer }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(res["data"]["posts"]["totalCount"], 6, "{res}");
    assert_eq!(
        res["data"]["post"]["title"],
        "How long does the pigment really last, and what does a refresh cost if I need one?",
        "{res}"
    );
    assert!(
        res["data"]["post"]["answer"]
            .as_str()
            .unwrap()
            .contains("$250")
    );
}

async fn a_malformed_file_names_its_line_and_imports_nothing(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("posts.jsonl");
    std::fs::write(
        &jsonl,
        "{\"question\":\"Is this fine?\",\"answer\":\"Yes.\"}\n{\"question\":\"Broken\",\"answer\":\n",
    )
    .unwrap();
    let txt = dir.path().join("page.txt");
    let page = std::fs::read_to_string(FIXTURE).unwrap();
    // Cut the last post's closing "Tags:" line off.
    let cut = page.rfind("Tags:").unwrap();
    std::fs::write(&txt, &page[..cut]).unwrap();
    let unknown = dir.path().join("posts.csv");
    std::fs::write(&unknown, "a,b\n").unwrap();

    for (file, expect) in [
        (&jsonl, "line 2"),
        (&txt, "line "),
        (&unknown, "unsupported file type"),
    ] {
        let out = kbql(&app, &["import", file.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(expect),
            "{}: {}",
            file.display(),
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("nothing from this file was imported"),
            "{}",
            stderr(&out)
        );
    }
    let res = app.gql("{ posts { totalCount } }", json!({})).await;
    assert_eq!(res["data"]["posts"]["totalCount"], 0, "{res}");
}

/// Imports stream the file in chunks; a fault anywhere in it, however
/// late, still refuses all of it, and a good file lands whole.
async fn a_file_of_many_chunks_lands_whole_or_not_at_all(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let posts = 1_234;
    let mut good = String::new();
    for i in 0..posts {
        // Every third post shares a title, so derived slugs number on
        // across chunk boundaries.
        let title = if i % 3 == 0 {
            "Does the pigment fade?".to_owned()
        } else {
            format!("Question number {i}")
        };
        let tag = ["smp", "fading", "touch ups"][i % 3];
        good.push_str(&json!({"title": title, "question": format!("{title} Asking for post {i}."), "answer": format!("Answer {i}."), "tags": [tag]}).to_string());
        good.push('\n');
    }
    let late_faults: [(&str, Vec<u8>, String); 3] = [
        (
            "truncated.jsonl",
            format!("{good}{{\"question\":\"Broken\",\"answer\":\n").into_bytes(),
            format!("line {}", posts + 1),
        ),
        (
            "latin1.jsonl",
            [good.as_bytes(), b"{\"answer\":\"caf\xe9\"}\n"].concat(),
            format!("line {}: the file is not valid UTF-8", posts + 1),
        ),
        (
            "twice.jsonl",
            format!(
                "{{\"slug\":\"kept\",\"answer\":\"a\"}}\n{good}{{\"slug\":\"kept\",\"answer\":\"b\"}}\n"
            )
            .into_bytes(),
            format!("line {}: slug \"kept\" appears twice", posts + 2),
        ),
    ];
    for (name, bytes, expect) in late_faults {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = kbql(&app, &["import", file.to_str().unwrap()]);
        assert!(!out.status.success(), "{name}");
        assert!(stderr(&out).contains(&expect), "{name}: {}", stderr(&out));
    }
    let res = app
        .gql("{ posts { totalCount } tags { name } }", json!({}))
        .await;
    assert_eq!(res["data"]["posts"]["totalCount"], 0, "{res}");

    let file = dir.path().join("good.jsonl");
    std::fs::write(&file, &good).unwrap();
    let out = kbql(&app, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("{posts} created, 0 updated, 0 unchanged")),
        "{}",
        stdout(&out)
    );
    let res = app
        .gql(
            r#"{ posts(tag: "fading") { totalCount } last: post(slug: "does-the-pigment-fade-412") { title } }"#,
            json!({}),
        )
        .await;
    assert_eq!(res["data"]["posts"]["totalCount"], 411, "{res}");
    assert_eq!(
        res["data"]["last"]["title"], "Does the pigment fade?",
        "the 412th post of that title: {res}"
    );
    let again = kbql(&app, &["import", file.to_str().unwrap()]);
    assert!(
        stdout(&again).contains(&format!("0 created, 0 updated, {posts} unchanged")),
        "{}",
        stdout(&again)
    );
}

/// An existing FAQ: each entry a question as its title and the answer,
/// with no separate letter from a visitor.
async fn an_faq_whose_titles_ask_imports_as_questions(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("faq.jsonl");
    let lines = [
        json!({"kind": "question", "title": "Can I swim after a session?", "answer": "Wait four days before you swim."}),
        json!({"title": "How much does a touch-up cost?", "answer": "A touch-up is $250.", "tags": ["cost"]}),
        json!({"title": "Visiting the clinic", "answer": "We are by the station."}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let out = kbql(&app, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let res = app
        .gql(
            r#"{
                swim: post(slug: "can-i-swim-after-a-session") { kind question }
                cost: post(slug: "how-much-does-a-touch-up-cost") { kind question title }
                visit: post(slug: "visiting-the-clinic") { kind question }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(res["data"]["swim"]["kind"], "QUESTION", "{res}");
    assert_eq!(
        res["data"]["swim"]["question"],
        "Can I swim after a session?"
    );
    assert_eq!(res["data"]["cost"]["kind"], "QUESTION", "{res}");
    assert_eq!(
        res["data"]["cost"]["question"],
        "How much does a touch-up cost?"
    );
    assert_eq!(res["data"]["visit"]["kind"], "ARTICLE", "{res}");
    assert!(res["data"]["visit"]["question"].is_null());
}

async fn a_cli_token_works_against_the_server(app: TestApp) {
    let out = kbql(
        &app,
        &[
            "token",
            "create",
            "--name",
            "Dr. Lina Moreau",
            "--role",
            "staff",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&out).lines().last().unwrap().trim().to_owned();
    assert!(
        token.starts_with("kbql_") && token.len() >= 5 + 32,
        "{token}"
    );

    let id = app.ask("Who answers me?").await;
    let answered = app.answer(&token, &id, "Dr. Moreau does.").await;
    assert_eq!(
        answered["post"]["answeredBy"], "Dr. Lina Moreau",
        "{answered}"
    );

    let list = kbql(&app, &["token", "list"]);
    let listing = stdout(&list);
    assert!(
        listing.contains("Dr. Lina Moreau") && listing.contains("staff"),
        "{listing}"
    );
    assert!(!listing.contains(&token), "secrets are never listed");

    let token_id = app.store.list_tokens().await.unwrap()[0].id.to_string();
    assert!(kbql(&app, &["token", "revoke", &token_id]).status.success());
    let res = app
        .gql_as(&token, "{ pendingQuestions { totalCount } }", json!({}))
        .await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

    let bad_role = kbql(&app, &["token", "create", "--name", "x", "--role", "owner"]);
    assert!(!bad_role.status.success());
}

#[test]
fn help_names_every_operation() {
    let out = Command::new(env!("CARGO_BIN_EXE_kbql"))
        .arg("--help")
        .output()
        .unwrap();
    let help = stdout(&out);
    for sub in ["serve", "import", "migrate", "schema", "token"] {
        assert!(help.contains(sub), "{sub} missing from --help:\n{help}");
    }
}

#[test]
fn migrate_creates_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(Path::new(&dir.path().join("kbql.db")).exists());
}

/// Log collectors get one JSON object a line; people get text.
#[test]
fn logs_come_as_json_lines_when_asked() {
    let run = |format: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_kbql"))
            .args(["migrate", "--log-format", format, "--data-dir"])
            .arg(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("KBQL_LOG_FORMAT")
            .env("RUST_LOG", "info")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    let json = run("json");
    let lines: Vec<&str> = json.lines().collect();
    assert!(!lines.is_empty(), "migrating logs what it applies");
    for line in lines {
        let event: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(event["level"], "INFO", "{line}");
        assert!(event["fields"]["message"].is_string(), "{line}");
        assert!(event["timestamp"].is_string(), "{line}");
    }
    let text = run("text");
    assert!(text.lines().count() > 0);
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<Value>(l).is_err()),
        "{text}"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args(["schema", "--log-format", "xml"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("possible values: text, json"),
        "{}",
        stderr(&bad)
    );
}

/// The README's first command: the demo server, browsed like a frontend.
#[tokio::test]
async fn the_demo_server_lists_posts_by_tag_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.trim().to_owned();
        }
    };
    let client = reqwest::Client::new();
    let query = "query($after: String) { posts(tag: \"hair loss\", first: 4, after: $after) {
        totalCount nodes { slug tags { slug } } pageInfo { hasNextPage endCursor } } }";
    let mut after = Value::Null;
    let mut seen = Vec::new();
    let mut total;
    loop {
        let res: Value = client
            .post(&address)
            .json(&json!({"query": query, "variables": {"after": after}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let posts = &res["data"]["posts"];
        total = posts["totalCount"].as_u64().unwrap();
        for n in posts["nodes"].as_array().unwrap() {
            assert!(
                n["tags"]
                    .as_array()
                    .unwrap()
                    .contains(&json!({"slug": "hair-loss"})),
                "{n}"
            );
            seen.push(n["slug"].as_str().unwrap().to_owned());
        }
        if posts["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = posts["pageInfo"]["endCursor"].clone();
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        total >= 8,
        "the demo has a tag worth paging through: {total}"
    );
    assert_eq!(seen.len() as u64, total);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len() as u64, total, "no post shows twice");
}

#[test]
fn eval_reports_relevance_beside_the_baseline() {
    let out = Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args([
            "eval",
            concat!(env!("CARGO_MANIFEST_DIR"), "/eval/demo_queries.jsonl"),
        ])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    let all = report
        .lines()
        .find(|l| l.starts_with("all"))
        .unwrap_or_else(|| panic!("{report}"));
    let figures: Vec<f64> = all
        .split_whitespace()
        .skip(2)
        .map(|f| f.parse().unwrap())
        .collect();
    let (ours, baseline) = (figures[0], figures[3]);
    assert!(
        ours > baseline,
        "kbql's MRR@10 {ours} beats BM25's {baseline}:\n{report}"
    );
    for kind in ["plain", "typo", "prefix", "paraphrase"] {
        assert!(
            report.lines().any(|l| l.starts_with(kind)),
            "{kind} missing:\n{report}"
        );
    }
}

/// The held-out half of the third-party evaluation, with the real model:
/// matching by meaning ranks above BM25 and answers more questions right
/// than the baseline. Needs the FAQ (`scripts/eval/debian_faq.sh`) and the
/// model (`scripts/model/fetch_minilm.sh`), which `.ci/run` fetches.
#[test]
fn eval_on_the_held_out_faq_half_beats_the_baseline() {
    let faq = concat!(env!("CARGO_MANIFEST_DIR"), "/target/eval/debian_faq.jsonl");
    let Some(model) = crate::helpers::model_dir() else {
        return;
    };
    if !std::path::Path::new(faq).is_file() {
        eprintln!("note: the FAQ evaluation is skipped: scripts/eval/debian_faq.sh makes {faq}");
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args([
            "eval",
            concat!(env!("CARGO_MANIFEST_DIR"), "/eval/debian_faq_test.jsonl"),
            "--corpus",
            faq,
        ])
        .arg("--model-dir")
        .arg(&model)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stdout(&out);
    let figures = |prefix: &str| -> Vec<f64> {
        report
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line:\n{report}"))
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect()
    };
    // n, then MRR@10, P@1, R@3 for words, BM25, words + meaning.
    let all = figures("all ");
    let (bm25, hybrid) = (all[4], all[7]);
    assert!(
        hybrid > bm25,
        "MRR@10 {hybrid} against BM25's {bm25}:\n{report}"
    );
    // "right (of answered)  a/b share  c/d share"
    let right = figures("right (of answered)");
    assert!(right[0] > right[1], "answers right {right:?}:\n{report}");
}

#[test]
fn gen_writes_a_deterministic_importable_corpus() {
    let generate = |seed: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_kbql"))
            .args(["gen", "--posts", "200", "--seed", seed])
            .output()
            .unwrap();
        assert!(out.status.success());
        stdout(&out)
    };
    let a = generate("7");
    assert_eq!(a, generate("7"));
    assert_ne!(a, generate("8"));
    assert_eq!(a.lines().count(), 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("corpus.jsonl");
    std::fs::write(&file, &a).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kbql"))
        .args(["import", file.to_str().unwrap(), "--data-dir"])
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("200 created"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
