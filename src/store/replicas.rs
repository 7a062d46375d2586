//! The registry of kbql processes following this database (the `replica`
//! table): each says, with a heartbeat, how far its index has applied the
//! outbox, which is what bounds outbox pruning (`store::pruning`).

use std::time::Duration;

use entity::replica;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::{Store, now};
use crate::error::Result;

/// A replica not heard from for this long no longer holds outbox pruning
/// back: a process that crashed must not make the outbox grow forever.
/// If it comes back after its part of the outbox is gone, it rebuilds its
/// index from the posts (`search::indexer`).
pub const REPLICA_TIMEOUT: Duration = Duration::from_secs(15 * 60);

impl Store {
    /// Records that replica `id` has applied the outbox through `applied`
    /// and is alive.
    pub async fn heartbeat(&self, id: &str, applied: i64) -> Result<()> {
        self.save_replica(id, applied, false).await
    }

    /// Records that replica `id` shut down cleanly after applying the
    /// outbox through `applied`; it holds pruning back no longer.
    pub async fn replica_stopped(&self, id: &str, applied: i64) -> Result<()> {
        self.save_replica(id, applied, true).await
    }

    async fn save_replica(&self, id: &str, applied: i64, stopped: bool) -> Result<()> {
        let row = replica::ActiveModel {
            id: Set(id.to_owned()),
            applied_seq: Set(applied),
            heartbeat_at: Set(now()),
            stopped: Set(stopped),
        };
        replica::Entity::insert(row)
            .on_conflict(
                OnConflict::column(replica::Column::Id)
                    .update_columns([
                        replica::Column::AppliedSeq,
                        replica::Column::HeartbeatAt,
                        replica::Column::Stopped,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The lowest sequence applied by a live replica (running, heard from
    /// within `timeout`); `None` when no replica is live.
    pub async fn live_replicas_floor(&self, timeout: Duration) -> Result<Option<i64>> {
        let since = now() - chrono::Duration::from_std(timeout).unwrap_or(chrono::Duration::MAX);
        let floor: Option<Option<i64>> = replica::Entity::find()
            .select_only()
            .column_as(replica::Column::AppliedSeq.min(), "floor")
            .filter(replica::Column::Stopped.eq(false))
            .filter(replica::Column::HeartbeatAt.gt(since))
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(floor.flatten())
    }

    /// How far each replica has applied the outbox, newest heartbeat first
    /// (for `kbql prune` and operators).
    pub async fn replicas(&self) -> Result<Vec<replica::Model>> {
        use sea_orm::QueryOrder;
        Ok(replica::Entity::find()
            .order_by_desc(replica::Column::HeartbeatAt)
            .all(&self.db)
            .await?)
    }
}
