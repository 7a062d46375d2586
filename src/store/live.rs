//! Live events for subscriptions: a visitor asked, a post went public.
//!
//! A write names its events inside its transaction. On PostgreSQL they go
//! out with `pg_notify` on [`CHANNEL`], which PostgreSQL delivers at commit
//! (never for a rollback) to every listening process, this one included,
//! so subscribers on every replica hear every replica's writes through the
//! same path. SQLite has one process: its events are handed to this
//! process's subscribers right after the commit.
//!
//! Delivery is at most once: an event sent while a replica's listening
//! connection is down is not replayed (subscribers are told of new things;
//! what they missed, a query finds).

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use tokio::sync::broadcast;

use super::Store;
use crate::error::Result;

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "kbql_live";
/// Events a slow subscriber may fall behind by before it skips ahead.
pub(super) const BACKLOG: usize = 1_024;

/// Something subscribers may want to hear of, by post id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    /// A visitor's question arrived (pending, for staff).
    QuestionAsked(i64),
    /// A post became public: published for the first time, or again.
    PostPublished(i64),
}

impl LiveEvent {
    fn encode(self) -> String {
        match self {
            LiveEvent::QuestionAsked(id) => format!("asked:{id}"),
            LiveEvent::PostPublished(id) => format!("published:{id}"),
        }
    }

    pub(super) fn decode(payload: &str) -> Option<LiveEvent> {
        let (kind, id) = payload.split_once(':')?;
        let id = id.parse().ok()?;
        match kind {
            "asked" => Some(LiveEvent::QuestionAsked(id)),
            "published" => Some(LiveEvent::PostPublished(id)),
            _ => None,
        }
    }
}

impl Store {
    /// Every event from now on, from every process sharing the database.
    pub fn live_events(&self) -> broadcast::Receiver<LiveEvent> {
        self.live.subscribe()
    }

    /// Sends `events` once `tx` commits: queued in the transaction on
    /// PostgreSQL, and returned for [`Store::deliver`] after the commit on
    /// SQLite.
    pub(super) async fn queue_events(
        &self,
        tx: &DatabaseTransaction,
        events: &[LiveEvent],
    ) -> Result<Vec<LiveEvent>> {
        if tx.get_database_backend() != DbBackend::Postgres {
            return Ok(events.to_vec());
        }
        for event in events {
            tx.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), event.encode().into()],
            ))
            .await?;
        }
        Ok(Vec::new())
    }

    /// Hands events to this process's subscribers (none listening is fine).
    pub(super) fn deliver(&self, events: impl IntoIterator<Item = LiveEvent>) {
        for event in events {
            let _ = self.live.send(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_the_notification_payload() {
        for event in [
            LiveEvent::QuestionAsked(7),
            LiveEvent::PostPublished(1 << 40),
        ] {
            assert_eq!(LiveEvent::decode(&event.encode()), Some(event));
        }
        assert_eq!(LiveEvent::decode("asked:x"), None);
        assert_eq!(LiveEvent::decode("edited:3"), None);
        assert_eq!(LiveEvent::decode(""), None);
    }
}
