//! What the database sheds as it ages: outbox rows every live replica has
//! applied, search-log and audit-log rows past their retention, and the
//! registry rows of replicas long gone. Every delete is idempotent, so any
//! number of replicas may prune at once.

use std::time::Duration;

use entity::{audit_log, outbox, replica, search_log};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Store, now};
use crate::error::Result;

/// How long rows of the search log and the audit log are kept; `None`
/// keeps them forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub search_log: Option<Duration>,
    pub audit_log: Option<Duration>,
    /// A replica silent this long no longer holds the outbox back.
    pub replica_timeout: Duration,
}

/// A replica's registry row is forgotten this long after it was last
/// heard from: by then it would rebuild its index on return anyway.
const FORGET_REPLICA_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// Rows one pruning pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub outbox: u64,
    pub search_log: u64,
    pub audit_log: u64,
    pub replicas: u64,
}

fn ago(d: Duration) -> chrono::DateTime<chrono::Utc> {
    now() - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl Store {
    /// One pruning pass. The outbox keeps every row from the lowest
    /// sequence a live replica has applied (that row included: it is how
    /// the replica's index recognises this database's history), and is
    /// left alone while no replica is live, since nothing then says what
    /// is safe to drop.
    pub async fn prune(&self, retention: &Retention) -> Result<Pruned> {
        let mut pruned = Pruned::default();
        if let Some(floor) = self.live_replicas_floor(retention.replica_timeout).await? {
            pruned.outbox = outbox::Entity::delete_many()
                .filter(outbox::Column::Seq.lt(floor))
                .exec(&self.db)
                .await?
                .rows_affected;
        }
        if let Some(keep) = retention.search_log {
            pruned.search_log = search_log::Entity::delete_many()
                .filter(search_log::Column::CreatedAt.lt(ago(keep)))
                .exec(&self.db)
                .await?
                .rows_affected;
        }
        if let Some(keep) = retention.audit_log {
            pruned.audit_log = audit_log::Entity::delete_many()
                .filter(audit_log::Column::OccurredAt.lt(ago(keep)))
                .exec(&self.db)
                .await?
                .rows_affected;
        }
        pruned.replicas = replica::Entity::delete_many()
            .filter(replica::Column::HeartbeatAt.lt(ago(FORGET_REPLICA_AFTER)))
            .exec(&self.db)
            .await?
            .rows_affected;
        Ok(pruned)
    }

    /// The oldest sequence still in the outbox, `None` when it is empty.
    pub async fn outbox_first_seq(&self) -> Result<Option<i64>> {
        use sea_orm::QuerySelect;
        let first: Option<Option<i64>> = outbox::Entity::find()
            .select_only()
            .column_as(outbox::Column::Seq.min(), "first")
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(first.flatten())
    }
}
