//! The search path a visitor's text takes: planning (typo, prefix and
//! synonym expansion), the tantivy query built from the plan, the search
//! and re-ranking, "did you mean", snippets, and the chat answer.
//!
//! The index is built once per process, as `kbql serve` builds it: a
//! temporary SQLite database with the demo posts and a few synonym groups,
//! indexed by the real indexer. Every iteration then only reads it.
#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::Duration;

use kbql::domain::Label;
use kbql::import::{Format, demo::DEMO_POSTS, parse};
use kbql::search::{Filters, MAX_QUERY_CHARS, Mode, Search, SearchParams};
use kbql::server::Services;
use kbql::store::{Actor, Store};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    search: Search,
    /// The ids of the posts imported: every hit must be one of them.
    posts: HashSet<i64>,
    /// Runs the indexer, and the searches' database reads.
    runtime: tokio::runtime::Runtime,
    // Kept alive for the life of the process: the directory holds the
    // database and the index.
    _services: Services,
    _dir: tempfile::TempDir,
}

const SYNONYMS: &[&[&str]] = &[
    &["SMP", "scalp micropigmentation"],
    &["touch-up", "touchup", "top up session"],
    &["cost", "price", "how much"],
];

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let (search, services, posts) = runtime.block_on(async {
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("kbql.db").display());
            let store = Store::connect(&url).await.expect("connect");
            store.migrate().await.expect("migrate");
            let posts = parse(Format::JsonLines, DEMO_POSTS).expect("demo posts parse");
            store.import_posts(&posts, &|_| {}).await.expect("import");
            let admin = Actor {
                token_id: 0,
                name: "fuzzing".into(),
            };
            for group in SYNONYMS {
                let terms: Vec<String> = group.iter().map(|t| t.to_string()).collect();
                store
                    .save_synonym_group(&admin, None, &terms)
                    .await
                    .expect("synonym group");
            }
            let services = Services::start(&store, dir.path(), 0, None)
                .await
                .expect("search starts");
            let search = services.search.clone();
            assert!(
                search.wait_ready(Duration::from_secs(60)).await,
                "index ready"
            );
            assert!(search.indexed_posts() > 0, "the index holds the posts");
            let ids: Vec<i64> = (1..=1_000).collect();
            let posts = store
                .posts_by_ids(&ids)
                .await
                .expect("posts")
                .into_keys()
                .collect();
            (search, services, posts)
        });
        Fixture {
            search,
            posts,
            _services: services,
            runtime,
            _dir: dir,
        }
    })
}

fuzz_target!(
    // Built before fuzzing starts, so that its cost is not taken for a
    // slow input.
    init: {
        fixture();
    },
    |data: &[u8]| run(data)
);

fn run(data: &[u8]) {
    let fx = fixture();
    let text = String::from_utf8_lossy(data);
    let too_long = text.chars().count() > MAX_QUERY_CHARS;

    // What the `search` field does, plus one variation picked by the input
    // so that every input costs about the same.
    let mut params = SearchParams::new(text.as_ref(), 10);
    match data.len() % 5 {
        0 => params.mode = Mode::Baseline,
        1 => {
            params.filters = Filters {
                tags: vec!["smp".into(), "cost".into()],
                category: Some("scalp-micropigmentation".into()),
                kind: Some("question".into()),
            };
            params.with_facets = true;
        }
        2 => params.offset = 5,
        3 => params.with_facets = true,
        _ => {
            // Filters are visitor text too: keyed as the resolver keys them.
            let mut words = text.split_whitespace();
            params.filters = Filters {
                tags: words.by_ref().take(2).map(Label::key_of).collect(),
                category: Some(Label::key_of(&text)),
                kind: words.next().map(str::to_owned),
            };
        }
    }
    // As the resolvers run them: a page of results with its posts and
    // snippets, and a chat answer.
    match fx.runtime.block_on(fx.search.results(&params)) {
        Err(e) if too_long => assert_eq!(e.code(), "BAD_USER_INPUT", "{e}"),
        Err(e) => panic!(
            "search of {} chars failed: {e} ({e:?})",
            text.chars().count()
        ),
        Ok(_) if too_long => panic!("a query over {MAX_QUERY_CHARS} chars was accepted"),
        Ok(page) => {
            assert!(page.hits.len() <= params.limit);
            for (i, hit) in page.hits.iter().enumerate() {
                assert!(hit.hit.score.is_finite(), "score {}", hit.hit.score);
                assert!(fx.posts.contains(&hit.post.id), "a hit is a known post");
                for h in page.highlights(i) {
                    for &(start, end) in &h.ranges {
                        assert!(start <= end && end <= h.fragment.len());
                        assert!(h.fragment.is_char_boundary(start));
                        assert!(h.fragment.is_char_boundary(end));
                    }
                }
            }
        }
    }

    match fx.runtime.block_on(fx.search.answer(&text)) {
        Err(e) if too_long => assert_eq!(e.code(), "BAD_USER_INPUT", "{e}"),
        Err(e) => panic!("answer search failed: {e} ({e:?})"),
        Ok(_) if too_long => panic!("a question over {MAX_QUERY_CHARS} chars was accepted"),
        Ok(Some(found)) => {
            assert!(!found.sentences.is_empty());
            assert!((0.0..=1.0).contains(&found.confidence));
        }
        Ok(None) => {}
    }
}
