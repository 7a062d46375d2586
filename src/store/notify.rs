//! Wake-ups across processes. On PostgreSQL every write transaction sends
//! `NOTIFY` on [`CHANNEL`] with its last outbox sequence (PostgreSQL
//! delivers it at commit, never for a rollback), and each kbql process
//! listens, so another replica's write reaches its indexer in a few
//! milliseconds instead of at the next poll. Polling stays as the fallback
//! for a lost connection, and is all SQLite has.

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use super::Store;
use super::live::{self, LiveEvent};
use crate::error::Result;

/// The channel writes are announced on.
pub const CHANNEL: &str = "kbql_outbox";
/// Pause before listening again after the connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// Announces `seq` to every listening process once `tx` commits.
pub(super) async fn announce(tx: &DatabaseTransaction, seq: i64) -> Result<()> {
    if seq > 0 && tx.get_database_backend() == DbBackend::Postgres {
        // `seq` is a number, so the statement cannot be anything else.
        tx.execute_unprepared(&format!("NOTIFY {CHANNEL}, '{seq}'"))
            .await?;
    }
    Ok(())
}

impl Store {
    /// Wakes whenever any process announces a write (PostgreSQL only; on
    /// SQLite it never fires).
    pub fn subscribe_announced(&self) -> watch::Receiver<i64> {
        self.announced.subscribe()
    }

    /// Listens for other processes' writes until `shutdown`, on a
    /// connection of its own; `None` on SQLite.
    pub fn listen_for_writes(&self, mut shutdown: watch::Receiver<bool>) -> Option<JoinHandle<()>> {
        if self.backend() != DbBackend::Postgres {
            return None;
        }
        let url = self.url.clone();
        let announced = self.announced.clone();
        let live = self.live.clone();
        Some(tokio::spawn(async move {
            loop {
                tokio::select! {
                    result = listen(&url, &announced, &live) => {
                        if let Err(e) = result {
                            tracing::warn!(error = %e, "lost the database's write notifications; polling until they are back");
                        }
                    }
                    _ = shutdown.changed() => return,
                }
                tokio::select! {
                    _ = tokio::time::sleep(RECONNECT_PAUSE) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }))
    }
}

async fn listen(
    url: &str,
    announced: &watch::Sender<i64>,
    live: &broadcast::Sender<LiveEvent>,
) -> std::result::Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen_all([CHANNEL, live::CHANNEL]).await?;
    // Whatever was written while nobody listened is found by the poll.
    announced.send_modify(|_| {});
    loop {
        let notification = listener.recv().await?;
        if notification.channel() == live::CHANNEL {
            if let Some(event) = LiveEvent::decode(notification.payload()) {
                let _ = live.send(event);
            }
            continue;
        }
        let Ok(seq) = notification.payload().parse::<i64>() else {
            continue;
        };
        announced.send_if_modified(|current| {
            let newer = seq > *current;
            if newer {
                *current = seq;
            }
            newer
        });
    }
}
