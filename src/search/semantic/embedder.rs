//! The background task that gives every published post a vector: it wakes
//! on this process's writes (and every few seconds, for other replicas'),
//! loads the vectors others stored, and embeds what still has none for its
//! current text, a batch at a time. The database says what is missing, so
//! a lost or deleted vector is simply made again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::{Semantic, model_failed, post_text};
use crate::error::{Error, Result};
use crate::store::{EmbeddingSource, Store};

/// Posts embedded per model call: batches amortise the call, and a batch
/// is what shutdown waits for at most.
const BATCH: u64 = 16;
/// How often to look for vectors other replicas stored.
const POLL: Duration = Duration::from_secs(2);

pub async fn run(semantic: Arc<Semantic>, store: Store, mut shutdown: watch::Receiver<bool>) {
    let mut wake = store.subscribe_written();
    let mut failures = 0u32;
    loop {
        match embed_missing(&semantic, &store, &shutdown).await {
            Ok(_) => failures = 0,
            Err(e) => {
                failures += 1;
                tracing::error!(error = %e, cause = ?e, "embedding failed; retrying");
            }
        }
        let pause = POLL * failures.clamp(1, 30);
        tokio::select! {
            _ = wake.changed() => {}
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Loads what other replicas stored, then embeds every published post
/// that has no vector for its current text, until none is left or
/// `shutdown` fires; returns how many it embedded.
pub async fn embed_missing(
    semantic: &Arc<Semantic>,
    store: &Store,
    shutdown: &watch::Receiver<bool>,
) -> Result<usize> {
    semantic.load_new(store).await?;
    let model = semantic.model_version().to_owned();
    let started = Instant::now();
    let mut embedded = 0usize;
    while !*shutdown.borrow() {
        let batch = store.posts_to_embed(&model, BATCH).await?;
        if batch.is_empty() {
            break;
        }
        let vectors = embed(semantic, &batch).await?;
        let done: Vec<(EmbeddingSource, Vec<f32>)> = batch.into_iter().zip(vectors).collect();
        store.save_vectors(&model, &done).await?;
        embedded += done.len();
        semantic.load_new(store).await?;
    }
    if embedded > 0 {
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!(
            posts = embedded,
            seconds = format!("{seconds:.1}"),
            per_second = format!("{:.1}", embedded as f64 / seconds.max(1e-9)),
            "embedded posts"
        );
    }
    Ok(embedded)
}

async fn embed(semantic: &Arc<Semantic>, batch: &[EmbeddingSource]) -> Result<Vec<Vec<f32>>> {
    let texts: Vec<String> = batch
        .iter()
        .map(|p| post_text(&p.title, &p.question, &p.answer))
        .collect();
    let encoder = semantic.encoder.clone();
    let vectors = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        encoder.embed(&refs)
    })
    .await
    .map_err(Error::internal)?
    .map_err(model_failed)?;
    if vectors.len() != batch.len() {
        return Err(Error::internal(std::io::Error::other(
            "the model returned another number of vectors than texts",
        )));
    }
    Ok(vectors)
}
