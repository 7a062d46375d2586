use entity::outbox;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::Store;
use crate::error::Result;

/// One outbox row: "post `post_id` changed at sequence `seq`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub post_id: i64,
    /// With `seq`, this tells one database's history from another's: a
    /// replaced or restored database reuses sequence numbers, not times.
    pub written_at: chrono::DateTime<chrono::Utc>,
}

impl From<outbox::Model> for OutboxEntry {
    fn from(row: outbox::Model) -> Self {
        OutboxEntry {
            seq: row.seq,
            post_id: row.post_id,
            written_at: row.created_at,
        }
    }
}

/// Records that these posts changed. Called inside the serialised write
/// transaction, so the newest sequence afterwards is ours; it is returned
/// (0 when nothing was appended) for `Store::commit_write`.
pub(super) async fn append(db: &impl ConnectionTrait, post_ids: &[i64]) -> Result<i64> {
    if post_ids.is_empty() {
        return Ok(0);
    }
    let created_at = super::now();
    for chunk in post_ids.chunks(500) {
        let rows = chunk.iter().map(|&post_id| outbox::ActiveModel {
            post_id: Set(post_id),
            created_at: Set(created_at),
            ..Default::default()
        });
        outbox::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    head(db).await
}

async fn head(db: &impl ConnectionTrait) -> Result<i64> {
    let head: Option<i64> = outbox::Entity::find()
        .select_only()
        .column_as(outbox::Column::Seq.max(), "head")
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(head.unwrap_or(0))
}

impl Store {
    /// Outbox rows after `seq`, oldest first, at most `limit`.
    pub async fn outbox_after(&self, seq: i64, limit: u64) -> Result<Vec<OutboxEntry>> {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::Seq.gt(seq))
            .order_by_asc(outbox::Column::Seq)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(OutboxEntry::from).collect())
    }

    /// The row with sequence `seq`, if this database has one.
    pub async fn outbox_entry(&self, seq: i64) -> Result<Option<OutboxEntry>> {
        Ok(outbox::Entity::find_by_id(seq)
            .one(&self.db)
            .await?
            .map(OutboxEntry::from))
    }

    /// The newest row, `None` when the outbox is empty.
    pub async fn outbox_last(&self) -> Result<Option<OutboxEntry>> {
        Ok(outbox::Entity::find()
            .order_by_desc(outbox::Column::Seq)
            .one(&self.db)
            .await?
            .map(OutboxEntry::from))
    }

    /// The newest sequence number, 0 when the outbox is empty.
    pub async fn outbox_head(&self) -> Result<i64> {
        head(&self.db).await
    }

    /// For `/metrics`: the newest sequence, and when the oldest entry
    /// after `applied` was written (`None` when there is none). These two
    /// statements are not counted in [`Store::sql_statement_count`], so a
    /// scrape does not move the count it reports, and statements counted
    /// around a request stay exact.
    pub async fn outbox_lag(
        &self,
        applied: i64,
    ) -> Result<(i64, Option<chrono::DateTime<chrono::Utc>>)> {
        let head = head(&self.db).await;
        let oldest = self.outbox_after(applied, 1).await;
        self.sql_statements
            .fetch_sub(2, std::sync::atomic::Ordering::Relaxed);
        Ok((head?, oldest?.first().map(|e| e.written_at)))
    }
}
