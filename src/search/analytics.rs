//! Logging searches without slowing them: entries go to a bounded queue
//! that a background task writes to the database in batches. Under a flood
//! the queue drops entries rather than make visitors wait.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::store::{SearchLogEntry, Store};

const QUEUE: usize = 10_000;
const FLUSH_EVERY: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct Logger {
    tx: mpsc::Sender<SearchLogEntry>,
    stop: Arc<watch::Sender<bool>>,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Logger {
    pub fn start(store: Store) -> Logger {
        let (tx, mut rx) = mpsc::channel::<SearchLogEntry>(QUEUE);
        let (stop, mut stopping) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut batch = Vec::new();
            loop {
                let closed = tokio::select! {
                    n = rx.recv_many(&mut batch, 1_000) => n == 0,
                    _ = tokio::time::sleep(FLUSH_EVERY) => false,
                    _ = stopping.changed() => {
                        // Shutting down: take what is queued, then stop.
                        rx.close();
                        while rx.recv_many(&mut batch, 1_000).await > 0 {}
                        true
                    }
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
        Logger {
            tx,
            stop: Arc::new(stop),
            task: Arc::new(Mutex::new(Some(task))),
        }
    }

    pub fn record(&self, entry: SearchLogEntry) {
        let _ = self.tx.try_send(entry);
    }

    /// Writes what is queued and stops logging (at shutdown).
    pub async fn flush_and_stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}
