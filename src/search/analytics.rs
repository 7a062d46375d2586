//! Logging searches without slowing them: entries go to a bounded queue
//! that a background task writes to the database in batches. Under a flood
//! the queue drops entries rather than make visitors wait.

use std::time::Duration;

use tokio::sync::mpsc;

use crate::store::{SearchLogEntry, Store};

const QUEUE: usize = 10_000;
const FLUSH_EVERY: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct Logger {
    tx: mpsc::Sender<SearchLogEntry>,
}

impl Logger {
    pub fn start(store: Store) -> Logger {
        let (tx, mut rx) = mpsc::channel::<SearchLogEntry>(QUEUE);
        tokio::spawn(async move {
            let mut batch = Vec::new();
            loop {
                let closed = tokio::select! {
                    n = rx.recv_many(&mut batch, 1_000) => n == 0,
                    _ = tokio::time::sleep(FLUSH_EVERY) => false,
                };
                if !batch.is_empty() {
                    if let Err(e) = store.log_searches(&batch).await {
                        tracing::warn!(error = %e, dropped = batch.len(), "could not write the search log");
                    }
                    batch.clear();
                }
                if closed {
                    return;
                }
                // Collect for a moment so that writes come in batches.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        Logger { tx }
    }

    pub fn record(&self, entry: SearchLogEntry) {
        let _ = self.tx.try_send(entry);
    }
}
