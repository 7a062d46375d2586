//! The staff playground: served from the binary, loading nothing from
//! elsewhere, and working in a real browser with no internet.

use kbql::domain::Role;
use serde_json::Value;

use crate::helpers::TestApp;

fn has(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

#[tokio::test]
async fn the_page_loads_only_files_the_server_holds() {
    let app = TestApp::spawn_sqlite().await;
    let page = app.get("/graphql").await;
    assert_eq!(page.status(), 200);
    let policy = page
        .headers()
        .get("content-security-policy")
        .expect("a content security policy")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("://"),
        "the page names no other origin: {html}"
    );

    let mut loaded = 0;
    for src in html
        .split(['"', '\''])
        .filter(|s| s.starts_with("/playground/"))
    {
        let asset = app.get(src).await;
        assert_eq!(asset.status(), 200, "{src}");
        let kind = asset.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            kind.starts_with("text/javascript") || kind.starts_with("text/css"),
            "{src}: {kind}"
        );
        assert!(
            asset.bytes().await.unwrap().len() > 100,
            "{src} has content"
        );
        loaded += 1;
    }
    assert_eq!(
        loaded, 6,
        "GraphiQL, React, ReactDOM, its style, kbql's script and style"
    );
    assert_eq!(app.get("/playground/nothing.js").await.status(), 404);
}

#[tokio::test]
async fn production_serves_no_playground() {
    let mut config = TestApp::config();
    config.production = true;
    let app = TestApp::spawn_sqlite_with(config).await;
    assert_eq!(app.get("/playground/kbql.js").await.status(), 404);
    let page = app.get("/graphql").await;
    assert_eq!(page.status(), 400);
}

/// Headless Chromium opens the playground on a server it can reach while
/// every other host is unresolvable, runs the search tab, then the staff
/// tab with a token typed into the token field. Skipped without Chromium
/// or Node.js unless KBQL_REQUIRE_BROWSER is set, as CI sets it. With
/// KBQL_PLAYGROUND_SCREENSHOT=<file.png> it saves what the page showed
/// (the README's picture).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_with_no_internet_runs_a_search_in_the_playground() {
    let browser = chromium();
    if !has("node") || !has("npm") || !std::path::Path::new(&browser).exists() {
        assert!(
            std::env::var_os("KBQL_REQUIRE_BROWSER").is_none(),
            "the browser test needs Node.js, npm and Chromium (Debian: apt-get install nodejs npm chromium)"
        );
        eprintln!("skipped: the playground's browser test needs Node.js, npm and Chromium");
        return;
    }
    let scripts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/browser");
    if !scripts.join("node_modules/playwright-core").exists() {
        let installed = std::process::Command::new("npm")
            .args([
                "ci",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&scripts)
            .output()
            .expect("npm runs");
        assert!(
            installed.status.success(),
            "npm ci: {}",
            String::from_utf8_lossy(&installed.stderr)
        );
    }

    let app = TestApp::spawn_sqlite().await;
    app.import_jsonl(include_str!("../fixtures/search_posts.jsonl"))
        .await;
    let asked = "Can I go swimming in the sea a week after my session?";
    app.ask(asked).await;
    let token = app.token(Role::Staff).await;
    let origin = app.address.clone();
    let screenshot = std::env::var("KBQL_PLAYGROUND_SCREENSHOT").unwrap_or_default();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(scripts.join("playground.mjs"))
            .args([
                origin.as_str(),
                token.as_str(),
                "Will the pigment fade in the sun?",
                "swimming in the sea",
                screenshot.as_str(),
            ])
            .env("CHROMIUM", browser)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "no report ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["offsite"], serde_json::json!([]), "{report}");
    assert_eq!(report["failed"], serde_json::json!([]), "{report}");
    assert_eq!(report["consoleErrors"], serde_json::json!([]), "{report}");
    let tabs = report["tabs"].to_string();
    for tab in [
        "PostsByTag",
        "Search",
        "Answer",
        "AskQuestion",
        "PendingQuestions",
        "AnswerQuestion",
        "QuestionAsked",
    ] {
        assert!(tabs.contains(tab), "a tab for {tab}: {report}");
    }
    assert_eq!(report["tokenState"], "requests go out as staff", "{report}");
    let steps = report["steps"].to_string();
    assert!(
        steps.contains("QuestionAsked"),
        "the live tab showed a question: {report}"
    );
}
