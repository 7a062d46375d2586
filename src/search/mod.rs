//! Search: analysis, the index and its indexer, query planning (word
//! expansion, the plan), execution and ranking, pages of results with
//! snippets, answers, more-like-this and the analytics log. Nothing here
//! knows HTTP or GraphQL.
//!
//! A search flows one way: `analysis` → `expansion` (what each word may
//! stand for) → `planner` (the queries) → `executor` (retrieval, then
//! `rank`) → `results` (posts and snippets, cached). `suggest` offers a
//! corrected query; `answer` picks the sentence that answers a question.

pub(crate) mod analysis;
mod analytics;
pub mod answer;
mod document;
pub mod eval;
mod executor;
mod expansion;
mod highlight;
mod index;
mod indexer;
pub mod latency;
mod numbered;
mod planner;
mod rank;
pub mod related;
mod results;
mod schema;
pub mod semantic;
mod sentences;
mod suggest;
mod synonyms;
mod vocabulary;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::watch;

pub use answer::FoundAnswer;
pub use executor::{Hit, MAX_QUERY_CHARS, MAX_RESULT_WINDOW, SearchOutcome, SearchParams};
pub use highlight::{Highlight, Highlighter};
pub use indexer::Indexer;
pub use planner::{Filters, Mode};
pub use results::{PageHit, ResultPage};

use crate::cache::Generation;
use crate::error::Result;
use crate::store::Store;
use expansion::WordConcepts;
use index::SearchIndex;
use results::ResultCaches;
use semantic::Semantic;
use synonyms::Synonyms;

/// The read side of search, shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct Search {
    inner: Arc<Inner>,
}

struct Inner {
    index: Arc<SearchIndex>,
    store: Store,
    synonyms: RwLock<Arc<Synonyms>>,
    /// Bumped whenever the synonym groups change, for cached results.
    synonyms_version: AtomicU64,
    applied: watch::Receiver<i64>,
    ready: watch::Receiver<bool>,
    log: analytics::Logger,
    word_concepts: WordConcepts,
    results: ResultCaches,
    /// Matching by meaning, when a model was given.
    semantic: Option<Arc<Semantic>>,
    latency: latency::SearchLatency,
}

/// What `Search::open` hands back: the read side, and the indexer to run.
pub struct Opened {
    pub search: Search,
    pub indexer: Indexer,
    /// Set once the index has caught up with the database at start-up.
    pub ready: watch::Sender<bool>,
}

impl Search {
    /// Opens (or creates) the index under `data_dir` and its indexer.
    /// `cache_bytes` is the memory for recent pages of results and the
    /// posts they showed; 0 keeps none.
    pub async fn open(
        data_dir: &Path,
        store: Store,
        cache_bytes: u64,
        semantic: Option<Arc<Semantic>>,
    ) -> Result<Opened> {
        let index = Arc::new(SearchIndex::open_or_create(&index::folder(data_dir))?);
        let (applied, applied_rx) = watch::channel(index.watermark()?);
        let indexer = Indexer::new(store.clone(), index.clone(), Arc::new(applied))?;
        let (ready, ready_rx) = watch::channel(false);
        let synonyms = Synonyms::new(&store.synonym_groups().await?);
        let search = Search {
            inner: Arc::new(Inner {
                index,
                log: analytics::Logger::start(store.clone()),
                store,
                synonyms: RwLock::new(Arc::new(synonyms)),
                synonyms_version: AtomicU64::new(0),
                applied: applied_rx,
                ready: ready_rx,
                word_concepts: WordConcepts::new(crate::limits::Limits::WORD_EXPANSION_BYTES),
                results: ResultCaches::new(cache_bytes),
                semantic,
                latency: latency::new(),
            }),
        };
        Ok(Opened {
            search,
            indexer,
            ready,
        })
    }

    /// Brings a freshly opened index up to date: a full rebuild when it is
    /// new (or was lost), then the replay of the outbox after its
    /// watermark, then one merge of its segments.
    pub async fn catch_up(
        indexer: &mut Indexer,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<()> {
        if indexer.applied() == 0 {
            indexer.rebuild(progress).await?;
        }
        indexer.catch_up().await?;
        indexer.compact().await;
        Ok(())
    }

    /// The last outbox sequence the index reflects.
    pub fn applied(&self) -> i64 {
        *self.inner.applied.borrow()
    }

    /// Wakes whenever the index has applied more of the outbox.
    pub fn watch_applied(&self) -> watch::Receiver<i64> {
        self.inner.applied.clone()
    }

    /// What a search's outcome depends on besides its parameters: the
    /// searcher's generation, which moves with every commit the index
    /// applies (a rebuild included), and the synonyms' version.
    pub fn generation(&self) -> Generation {
        Generation {
            index: self
                .inner
                .index
                .reader
                .searcher()
                .generation()
                .generation_id(),
            synonyms: self.inner.synonyms_version.load(Ordering::Acquire),
            vectors: self.inner.semantic.as_ref().map_or(0, |s| s.version()),
        }
    }

    /// Matching by meaning, when a model was given.
    pub fn semantic(&self) -> Option<&Arc<Semantic>> {
        self.inner.semantic.as_ref()
    }

    /// How many posts the index holds (the searcher's current view).
    /// Search latency, for `/metrics` to register.
    pub fn latency(&self) -> latency::SearchLatency {
        self.inner.latency.clone()
    }

    pub fn indexed_posts(&self) -> u64 {
        self.inner.index.reader.searcher().num_docs()
    }

    /// How many segments a search reads; each costs a lookup per term.
    pub fn index_segments(&self) -> usize {
        self.inner.index.reader.searcher().segment_readers().len()
    }

    pub fn is_ready(&self) -> bool {
        *self.inner.ready.borrow()
    }

    /// Waits until the index reflects outbox sequence `seq`, at most
    /// `timeout`. Returns whether it does.
    pub async fn wait_for(&self, seq: i64, timeout: Duration) -> bool {
        let mut rx = self.inner.applied.clone();
        tokio::time::timeout(timeout, rx.wait_for(|applied| *applied >= seq))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let mut rx = self.inner.ready.clone();
        tokio::time::timeout(timeout, rx.wait_for(|r| *r))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Re-reads synonym groups from the database (after an edit here, or
    /// periodically to pick up edits made through other processes).
    pub async fn reload_synonyms(&self) -> Result<()> {
        let groups = self.inner.store.synonym_groups().await?;
        let compiled = Synonyms::new(&groups);
        if let Ok(mut slot) = self.inner.synonyms.write()
            && **slot != compiled
        {
            *slot = Arc::new(compiled);
            self.inner.synonyms_version.fetch_add(1, Ordering::Release);
        }
        Ok(())
    }

    fn synonyms(&self) -> Arc<Synonyms> {
        self.inner
            .synonyms
            .read()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// Writes the searches still queued for the analytics log; searches
    /// after this are not logged. For shutdown.
    pub async fn flush_search_log(&self) {
        self.inner.log.flush_and_stop().await;
    }

    /// Reloads synonyms every few seconds until `shutdown`.
    pub async fn refresh_synonyms(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = shutdown.changed() => return,
            }
            if let Err(e) = self.reload_synonyms().await {
                tracing::warn!(error = %e, "could not reload synonyms");
            }
        }
    }
}
