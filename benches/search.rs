//! What a full search costs in process, without HTTP, GraphQL or caches:
//! the keystrokes of one-off search-box queries (2 to 4 words of the
//! domain, a third misspelt, sent every 3 characters, as the HTTP
//! benchmark's `scripts/bench/mix.lua` does for the queries no cache has
//! seen), each searched once over a generated corpus.
//!
//! ```sh
//! cargo bench --bench search                     # 100,000 posts
//! BENCH_POSTS=10000 BENCH_QUERIES=500 cargo bench --bench search
//! ```
//!
//! Prints the mean and percentiles, in microseconds, of what a request's
//! search costs before GraphQL: `Search::results` (plan, retrieval,
//! ranking, the page's posts read from the database) and the snippets of
//! every hit, the same code the server runs, with its caches off. The
//! corpus, the queries and so the figures repeat from run to run.

use std::io::Write;
use std::time::Instant;

use kbql::search::{Search, SearchParams};
use kbql::store::Store;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The visitor mix's vocabulary, read from the script so both benchmarks
/// draw from one list.
fn vocabulary() -> Vec<String> {
    let script = include_str!("../scripts/bench/mix.lua");
    let block = script
        .split("local vocab = {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("mix.lua defines `local vocab = { ... }`");
    block
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// A small deterministic generator: the same queries on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Two neighbouring letters swapped, as `mix.lua` misspells.
fn typo(word: &str, rng: &mut Lcg) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 5 {
        return word.to_owned();
    }
    let i = 1 + rng.below(chars.len() - 2);
    chars.swap(i, i + 1);
    chars.into_iter().collect()
}

fn keystrokes(sessions: usize) -> Vec<String> {
    let vocab = vocabulary();
    let mut rng = Lcg(42);
    let mut out = Vec::new();
    for _ in 0..sessions {
        let words: Vec<String> = (0..2 + rng.below(3))
            .map(|_| {
                let word = &vocab[rng.below(vocab.len())];
                if rng.below(3) == 0 {
                    typo(word, &mut rng)
                } else {
                    word.clone()
                }
            })
            .collect();
        let query = words.join(" ");
        let mut typed = 0;
        while typed < query.len() {
            typed = (typed + 3).min(query.len());
            out.push(query[..typed].to_owned());
        }
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let posts = env_or("BENCH_POSTS", 100_000);
    let sessions = env_or("BENCH_QUERIES", 300);
    let dir = tempfile::tempdir()?;
    let corpus = dir.path().join("corpus.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&corpus)?);
    kbql::import::generate::generate(posts, 1, &mut file)?;
    file.flush()?;
    drop(file);

    let url = format!("sqlite://{}/kbql.db?mode=rwc", dir.path().display());
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    kbql::import::import_file(&store, &corpus, |_| {}, &|_| {}).await?;
    // No cache: every keystroke is a full search.
    let mut opened = Search::open(dir.path(), store, 0, None).await?;
    Search::catch_up(&mut opened.indexer, &|_, _| {}).await?;
    let search = opened.search;

    let queries = keystrokes(sessions);
    let mut micros = Vec::with_capacity(queries.len());
    for query in &queries {
        let params = SearchParams::new(query.as_str(), 10);
        let started = Instant::now();
        let page = search.results(&params).await?;
        for i in 0..page.hits.len() {
            std::hint::black_box(page.highlights(i));
        }
        micros.push(started.elapsed().as_secs_f64() * 1e6);
    }
    micros.sort_by(f64::total_cmp);
    let at = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    let mean = micros.iter().sum::<f64>() / micros.len() as f64;
    writeln!(
        std::io::stdout().lock(),
        "{posts} posts, {} searches: mean {mean:.0} µs, p50 {:.0}, p90 {:.0}, p99 {:.0}, max {:.0}",
        micros.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
    )?;
    Ok(())
}
