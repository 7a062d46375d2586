//! A running kbql's housekeeping: it tells the database how far its index
//! has applied the outbox (a heartbeat in the `replica` table, under an id
//! kept in the data directory, so a restart is the same replica), and it
//! prunes what every replica has applied and what has outlived its
//! retention (`store::pruning`).

use std::path::Path;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::search::Search;
use crate::store::{Retention, Store};

/// How often a replica reports how far its index has got. Well inside
/// [`crate::store::REPLICA_TIMEOUT`], so a live replica never looks gone.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// A replica whose index moved reports it at once, but not more often
/// than this: a write burst costs one heartbeat, not one per write.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// How often a replica prunes. Every replica does; the deletes are
/// idempotent.
pub const PRUNE_EVERY: Duration = Duration::from_secs(5 * 60);

/// The file in the data directory that names this replica.
const REPLICA_ID_FILE: &str = "replica-id";

/// This data directory's replica id, made on first use. The index lives
/// in the data directory, so the id goes with it.
pub fn replica_id(data_dir: &Path) -> std::io::Result<String> {
    let path = data_dir.join(REPLICA_ID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(id) if !id.trim().is_empty() => return Ok(id.trim().to_owned()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    use rand::Rng;
    let id: String = {
        let mut rng = rand::rng();
        (0..20)
            .map(|_| char::from(b"abcdefghijkmnpqrstuvwxyz23456789"[rng.random_range(0..32)]))
            .collect()
    };
    std::fs::create_dir_all(data_dir)?;
    std::fs::write(&path, format!("{id}\n"))?;
    Ok(id)
}

/// Heartbeats and pruning until `shutdown`; then records that this
/// replica stopped, so it holds pruning back no longer.
pub async fn run(
    store: Store,
    search: Search,
    id: String,
    retention: Retention,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut prune = tokio::time::interval(PRUNE_EVERY);
    // The first prune waits a period: a replica starting up has not yet
    // said how far its index is.
    prune.reset();
    let mut applied = search.watch_applied();
    let mut last_beat = Instant::now();
    // Progress seen since the last heartbeat, to report once it is due.
    let mut behind = false;
    loop {
        let due = tokio::time::Instant::from_std(last_beat + PROGRESS_EVERY);
        let beat = tokio::select! {
            _ = heartbeat.tick() => true,
            Ok(()) = applied.changed() => {
                behind = true;
                last_beat.elapsed() >= PROGRESS_EVERY
            }
            _ = tokio::time::sleep_until(due), if behind => true,
            _ = prune.tick() => {
                match store.prune(&retention).await {
                    Ok(p) => tracing::debug!(outbox = p.outbox, search_log = p.search_log, audit_log = p.audit_log, "pruned"),
                    Err(e) => tracing::warn!(error = %e, "pruning failed; trying again later"),
                }
                false
            }
            _ = shutdown.changed() => break,
        };
        if beat {
            last_beat = Instant::now();
            behind = false;
            if let Err(e) = store.heartbeat(&id, search.applied()).await {
                tracing::warn!(error = %e, "could not record this replica's heartbeat");
            }
        }
    }
}

/// Records that replica `id` stopped, having applied what `search` has.
pub async fn stopped(store: &Store, search: &Search, id: &str) {
    if let Err(e) = store.replica_stopped(id, search.applied()).await {
        tracing::warn!(error = %e, "could not record that this replica stopped");
    }
}
