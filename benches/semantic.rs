//! What matching by meaning costs in process: a question's vector, a
//! post's vector, and the scan of every post's vector for the nearest.
//!
//! ```sh
//! scripts/model/fetch_minilm.sh && cargo bench --bench semantic
//! BENCH_VECTORS=10000 cargo bench --bench semantic
//! ```
//!
//! Questions and posts are generated (`kbql gen`'s corpus), so the
//! figures repeat; the scan runs over `BENCH_VECTORS` (100,000) vectors
//! that the model made for a sample of posts, repeated with noise, since
//! embedding 100,000 posts takes hours.

use std::io::Write;
use std::time::Instant;

use kbql::search::semantic::SentenceModel;
use kbql::search::semantic::nearest::Nearest;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentiles(label: &str, unit: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    let _ = writeln!(
        std::io::stdout().lock(),
        "{label}: n {} mean {mean:.2} p50 {:.2} p90 {:.2} p99 {:.2} max {:.2} {unit}",
        samples.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

fn main() -> anyhow::Result<()> {
    let dir = std::env::var("KBQL_MODEL_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/model/all-minilm-l6-v2").to_owned()
    });
    let model = SentenceModel::load(std::path::Path::new(&dir))?;

    let mut corpus = Vec::new();
    kbql::import::generate::generate(200, 7, &mut corpus)?;
    let posts: Vec<serde_json::Value> = String::from_utf8(corpus)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;

    // Questions: each post's title, as a visitor might type it.
    let mut query_ms = Vec::new();
    for post in posts.iter().take(100) {
        let title = post["title"].as_str().unwrap_or_default();
        let started = Instant::now();
        model.embed(&[title])?;
        query_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    percentiles("question vector", "ms", query_ms);

    // Posts: what the background embedder reads of each.
    let texts: Vec<String> = posts
        .iter()
        .take(100)
        .map(|p| {
            kbql::search::semantic::post_text(
                p["title"].as_str().unwrap_or_default(),
                p["question"].as_str().unwrap_or_default(),
                p["answer"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let started = Instant::now();
    let mut sample = Vec::new();
    let mut post_ms = Vec::new();
    for text in &texts {
        let one = Instant::now();
        sample.extend(model.embed(&[text.as_str()])?);
        post_ms.push(one.elapsed().as_secs_f64() * 1e3);
    }
    let rate = texts.len() as f64 / started.elapsed().as_secs_f64();
    percentiles("post vector", "ms", post_ms);
    writeln!(
        std::io::stdout().lock(),
        "posts embedded: {rate:.1}/s, so 100,000 posts in {:.1} h",
        100_000.0 / rate / 3600.0
    )?;

    let count = env_or("BENCH_VECTORS", 100_000);
    let nearest = Nearest::default();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for id in 0..count {
        let base = &sample[id % sample.len()];
        let noisy: Vec<f32> = base
            .iter()
            .map(|x| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                x + ((state % 1000) as f32 / 1000.0 - 0.5) * 0.02
            })
            .collect();
        let norm = noisy.iter().map(|x| x * x).sum::<f32>().sqrt();
        nearest.insert(
            id as i64,
            &noisy.iter().map(|x| x / norm).collect::<Vec<_>>(),
        );
    }
    let mut scan_ms = Vec::new();
    for query in sample.iter().take(50) {
        let started = Instant::now();
        std::hint::black_box(nearest.nearest(query, 20));
        scan_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    percentiles(&format!("nearest 20 of {count} vectors"), "ms", scan_ms);
    Ok(())
}
