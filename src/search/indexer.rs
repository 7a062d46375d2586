//! The one writer of the index. It applies the outbox in batches, one
//! commit per batch with the batch's last outbox row (its sequence and
//! when it was written) as the commit payload, so the index always knows
//! exactly how far it has followed the database, and which database.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tantivy::{IndexWriter, TantivyDocument, Term};
use tokio::sync::watch;

use super::document::to_document;
use super::index::{SearchIndex, Watermark};
use crate::error::{Error, Result};
use crate::store::Store;

/// Outbox rows applied per commit at most.
const BATCH: u64 = 2_000;
/// How often to look for other processes' writes when nothing announces
/// them: the same process wakes the indexer at once, and on PostgreSQL so
/// do other processes (`store::notify`); polling is the fallback.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// tantivy's indexing memory budget.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

pub struct Indexer {
    store: Store,
    index: Arc<SearchIndex>,
    writer: Option<IndexWriter<TantivyDocument>>,
    applied: Arc<watch::Sender<i64>>,
    /// Whether the index is known to follow this database's outbox (see
    /// `check_history`); false until the first catch-up of the process.
    history_checked: bool,
}

impl Indexer {
    /// Takes the index's writer lock; fails if another process holds it.
    pub fn new(
        store: Store,
        index: Arc<SearchIndex>,
        applied: Arc<watch::Sender<i64>>,
    ) -> Result<Indexer> {
        let writer = index
            .index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::bad_input(
                    "the search index is in use by another kbql process (a running `kbql serve`?)",
                ),
                other => Error::internal(other),
            })?;
        Ok(Indexer {
            store,
            index,
            writer: Some(writer),
            applied,
            history_checked: false,
        })
    }

    pub fn applied(&self) -> i64 {
        *self.applied.borrow()
    }

    /// Re-creates the index from the posts table: everything published,
    /// committed with the outbox head taken before reading, so that the
    /// replay that follows covers whatever changed meanwhile.
    pub async fn rebuild(&mut self, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<()> {
        let head = match self.store.outbox_last().await? {
            Some(last) => Watermark::of(&last),
            None => Watermark::NONE,
        };
        let total = self.store.count_all_published().await?;
        self.with_writer(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
        .await?;
        let mut last_id = 0;
        let mut done = 0;
        loop {
            let ids = self.store.published_ids_after(last_id, 1_000).await?;
            let Some(&max) = ids.last() else { break };
            last_id = max;
            let posts = self.store.indexable_posts(&ids).await?;
            let fields = self.index.fields;
            let docs: Vec<TantivyDocument> =
                posts.iter().map(|p| to_document(&fields, p)).collect();
            done += docs.len() as u64;
            self.with_writer(move |w| {
                for doc in docs {
                    w.add_document(doc)?;
                }
                Ok(())
            })
            .await?;
            progress(done, total);
        }
        self.commit(head).await?;
        self.history_checked = true;
        tracing::info!(posts = done, watermark = head.seq, "search index rebuilt");
        Ok(())
    }

    /// Merges the index into one segment. A search does per-segment work
    /// for every term it looks up, so after a rebuild or a long replay one
    /// segment answers faster than the handful that bulk indexing leaves
    /// behind (README, Speed). The commit payload is kept by the merge;
    /// a failure only costs speed, so it is logged, not returned.
    pub async fn compact(&mut self) {
        let index = self.index.index.clone();
        let merged = self
            .with_writer(move |w| {
                let segments = index.searchable_segment_ids()?;
                if segments.len() > 1 {
                    w.merge(&segments).wait()?;
                }
                Ok(())
            })
            .await
            .and_then(|()| self.index.reader.reload().map_err(Error::internal));
        if let Err(e) = merged {
            tracing::warn!(error = %e, "could not merge the search index's segments");
        }
    }

    /// Applies every outbox row after the watermark; returns how many.
    pub async fn catch_up(&mut self) -> Result<usize> {
        if !self.history_checked {
            self.check_history().await?;
        }
        let mut applied = 0;
        loop {
            let entries = self.store.outbox_after(self.applied(), BATCH).await?;
            let Some(last) = entries.last().map(Watermark::of) else {
                return Ok(applied);
            };
            // A gap after the watermark is a sequence number a rolled-back
            // write used, or this replica's part of the outbox pruned while
            // it was not heard from; only the latter loses the row the
            // watermark names, and then only a rebuild is complete.
            if self.applied() > 0 && entries[0].seq > self.applied() + 1 {
                self.check_history().await?;
                if self.applied() >= entries[0].seq {
                    continue;
                }
            }
            applied += entries.len();
            let mut seen = HashSet::new();
            let ids: Vec<i64> = entries
                .iter()
                .map(|e| e.post_id)
                .filter(|id| seen.insert(*id))
                .collect();
            // Re-read the posts now: the row says what changed, the table
            // says what it is. Applying a row twice is therefore harmless.
            let posts = self.store.indexable_posts(&ids).await?;
            let fields = self.index.fields;
            let docs: Vec<TantivyDocument> =
                posts.iter().map(|p| to_document(&fields, p)).collect();
            self.with_writer(move |w| {
                for id in ids {
                    w.delete_term(Term::from_field_u64(fields.id, id as u64));
                }
                for doc in docs {
                    w.add_document(doc)?;
                }
                Ok(())
            })
            .await?;
            self.commit(last).await?;
            if (entries.len() as u64) < BATCH {
                return Ok(applied);
            }
        }
    }

    /// Rebuilds an index whose watermark is not a point in this database's
    /// history: the database was replaced (a fresh SQLite file, another
    /// PostgreSQL database) or restored from a backup older than the index,
    /// or the outbox was pruned past it while this replica was away.
    /// Replaying such an index from its watermark would skip the new
    /// database's first rows and keep posts that no longer exist.
    async fn check_history(&mut self) -> Result<()> {
        let recorded = self.index.commit_mark()?;
        if recorded.seq != 0 {
            let ours = self.store.outbox_entry(recorded.seq).await?;
            if !recorded.matches(ours.as_ref()) {
                tracing::warn!(
                    watermark = recorded.seq,
                    "the search index's watermark is not in this database's outbox (was the \
                     database replaced or restored, or the outbox pruned while this replica \
                     was away?); rebuilding it"
                );
                self.rebuild(&|_, _| {}).await?;
            }
        }
        self.history_checked = true;
        Ok(())
    }

    /// Follows the outbox until `shutdown` fires, then commits what it has.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut wake = self.store.subscribe_written();
        let mut announced = self.store.subscribe_announced();
        let mut failures = 0u32;
        loop {
            match self.catch_up().await {
                Ok(_) => failures = 0,
                Err(e) => {
                    failures += 1;
                    tracing::error!(error = %e, cause = ?e, "indexing failed; retrying");
                }
            }
            let pause = if failures == 0 {
                POLL_INTERVAL
            } else {
                POLL_INTERVAL * failures.min(25)
            };
            tokio::select! {
                _ = wake.changed() => {}
                _ = announced.changed() => {}
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => break,
            }
        }
        if let Err(e) = self.catch_up().await {
            tracing::warn!(error = %e, "final indexing pass failed; the next start replays it");
        }
        if let Some(writer) = self.writer.take() {
            let _ = tokio::task::spawn_blocking(move || writer.wait_merging_threads()).await;
        }
        // `applied` only moves after a successful commit, so this is what
        // the next start will find on disk; operators (and the shutdown
        // test) compare it with the outbox's last sequence.
        tracing::info!(
            "search index committed through outbox sequence {}",
            self.applied()
        );
    }

    async fn commit(&mut self, mark: Watermark) -> Result<()> {
        self.with_writer(move |w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&mark.payload());
            prepared.commit()?;
            Ok(())
        })
        .await?;
        self.index.reader.reload().map_err(Error::internal)?;
        self.applied.send_replace(mark.seq);
        Ok(())
    }

    /// Runs tantivy's blocking work off the async threads.
    async fn with_writer<F>(&mut self, f: F) -> Result<()>
    where
        F: FnOnce(&mut IndexWriter<TantivyDocument>) -> tantivy::Result<()> + Send + 'static,
    {
        let mut writer = self
            .writer
            .take()
            .ok_or_else(|| Error::internal(std::io::Error::other("index writer gone")))?;
        let (writer, result) = tokio::task::spawn_blocking(move || {
            let result = f(&mut writer);
            (writer, result)
        })
        .await
        .map_err(Error::internal)?;
        self.writer = Some(writer);
        result.map_err(Error::internal)
    }
}
