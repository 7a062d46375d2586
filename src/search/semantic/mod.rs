//! Matching by meaning: a local sentence-embedding model turns posts and
//! questions into vectors, and posts near a question's vector are found
//! even when they share none of its words. Vectors are derived data like
//! the index: made in the background (`embedder`), kept in the database
//! so replicas share them, and loaded into memory (`nearest`). Without a
//! model kbql matches words only.

mod embedder;
mod fusion;
pub mod model;
pub mod nearest;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use quick_cache::sync::Cache;

pub use embedder::{embed_missing, run as run_embedder};
pub use fusion::{Fused, closeness, fuse};
pub use model::SentenceModel;
use nearest::Nearest;

use crate::error::{Error, Result};
use crate::store::Store;

/// Turns texts into unit-length vectors; the model, or a stand-in in tests.
pub trait Encoder: Send + Sync + 'static {
    /// Names the model and its weights: vectors of different versions are
    /// never compared.
    fn version(&self) -> &str;
    fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>>;
}

/// Query vectors kept, by text: a visitor's question is often asked again.
const QUERY_VECTORS: usize = 4_096;

pub struct Semantic {
    encoder: Arc<dyn Encoder>,
    nearest: Nearest,
    /// The last stored vector row loaded into `nearest`.
    loaded_row: AtomicI64,
    /// Grows with every batch of vectors loaded; results computed before
    /// may differ from results computed after.
    version: AtomicU64,
    queries: Cache<String, Arc<Vec<f32>>>,
}

impl Semantic {
    pub fn new(encoder: Arc<dyn Encoder>) -> Semantic {
        Semantic {
            encoder,
            nearest: Nearest::default(),
            loaded_row: AtomicI64::new(0),
            version: AtomicU64::new(0),
            queries: Cache::new(QUERY_VECTORS),
        }
    }

    pub fn model_version(&self) -> &str {
        self.encoder.version()
    }

    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// How many posts have a vector in memory.
    pub fn vector_count(&self) -> usize {
        self.nearest.len()
    }

    /// `text`'s vector, computed off the async threads (it takes
    /// milliseconds of CPU) unless it was asked for lately.
    pub async fn query_vector(&self, text: &str) -> Result<Arc<Vec<f32>>> {
        if let Some(v) = self.queries.get(text) {
            return Ok(v);
        }
        let encoder = self.encoder.clone();
        let owned = text.to_owned();
        let mut vectors = tokio::task::spawn_blocking(move || encoder.embed(&[owned.as_str()]))
            .await
            .map_err(Error::internal)?
            .map_err(model_failed)?;
        let vector = Arc::new(vectors.pop().unwrap_or_default());
        self.queries.insert(text.to_owned(), vector.clone());
        Ok(vector)
    }

    /// The `k` posts nearest `vector`, with cosines, nearest first.
    pub fn nearest(&self, vector: &[f32], k: usize) -> Vec<(i64, f32)> {
        self.nearest.nearest(vector, k)
    }

    /// The cosine between `post_id`'s vector and `vector`; 0 for a post
    /// without one yet (it is found by its words until its vector lands).
    pub fn cosine(&self, post_id: i64, vector: &[f32]) -> f32 {
        self.nearest.cosine(post_id, vector).unwrap_or(0.0)
    }

    /// Loads the vectors stored since the last load, by this process or
    /// another replica; returns how many.
    pub async fn load_new(&self, store: &Store) -> Result<usize> {
        let mut loaded = 0;
        loop {
            let after = self.loaded_row.load(Ordering::Acquire);
            let rows = store
                .vectors_after(self.model_version(), after, 2_000)
                .await?;
            let Some(last) = rows.last().map(|r| r.row) else {
                break;
            };
            for row in &rows {
                self.nearest.insert(row.post_id, &row.vector);
            }
            loaded += rows.len();
            self.loaded_row.store(last, Ordering::Release);
            self.version.fetch_add(1, Ordering::AcqRel);
        }
        Ok(loaded)
    }
}

/// A failure of the model, as an internal error with its whole cause.
fn model_failed(e: anyhow::Error) -> Error {
    Error::internal(std::io::Error::other(format!("{e:#}")))
}

/// The text of a post that its vector stands for: what it asks, then the
/// opening of its answer. The question and the first sentences say what a
/// post is about, and the model's cost grows with the text: 600
/// characters are about 140 word pieces, half of what it could read.
pub fn post_text(title: &str, question: &str, answer: &str) -> String {
    const CHARS: usize = 600;
    let mut text = String::with_capacity(CHARS + 8);
    text.push_str(title);
    if !question.is_empty() && question.trim() != title.trim() {
        text.push('\n');
        text.push_str(question);
    }
    text.push('\n');
    text.push_str(answer);
    if text.len() > CHARS {
        let mut cut = CHARS;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    text
}
