//! Posts' embedding vectors: which posts still need one under a model, and
//! the vectors themselves, kept so that replicas share the CPU they cost.

use chrono::{DateTime, Utc};
use entity::{post, post_vector};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::Store;
use crate::domain::PostStatus;
use crate::error::Result;

/// The text of a post that needs a vector, and the edit it reflects.
#[derive(Debug, Clone)]
pub struct EmbeddingSource {
    pub post_id: i64,
    pub updated_at: DateTime<Utc>,
    pub title: String,
    pub question: String,
    pub answer: String,
}

/// A stored vector; `row` only grows, so "rows after n" is what is new.
#[derive(Debug, Clone)]
pub struct StoredVector {
    pub row: i64,
    pub post_id: i64,
    pub vector: Vec<f32>,
}

impl Store {
    /// Published posts with no vector under `model` for their current text
    /// (never embedded, or edited since), in id order.
    pub async fn posts_to_embed(&self, model: &str, limit: u64) -> Result<Vec<EmbeddingSource>> {
        let current = Query::select()
            .expr(Expr::val(1))
            .from(post_vector::Entity)
            .and_where(
                Expr::col((post_vector::Entity, post_vector::Column::PostId))
                    .equals((post::Entity, post::Column::Id)),
            )
            .and_where(Expr::col((post_vector::Entity, post_vector::Column::Model)).eq(model))
            .and_where(
                Expr::col((post_vector::Entity, post_vector::Column::PostUpdatedAt))
                    .equals((post::Entity, post::Column::UpdatedAt)),
            )
            .to_owned();
        let rows = post::Entity::find()
            .filter(post::Column::Status.eq(PostStatus::Published.as_str()))
            .filter(Condition::all().add(Expr::exists(current).not()))
            .order_by_asc(post::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|p| EmbeddingSource {
                post_id: p.id,
                updated_at: p.updated_at,
                title: p.title,
                question: p.question,
                answer: p.answer,
            })
            .collect())
    }

    /// Keeps `vectors` as the posts' current ones under `model`, replacing
    /// older ones. A post deleted meanwhile takes its vector with it (the
    /// foreign key), so a vanished post is skipped, not an error.
    pub async fn save_vectors(
        &self,
        model: &str,
        vectors: &[(EmbeddingSource, Vec<f32>)],
    ) -> Result<()> {
        let tx = self.db.begin().await?;
        for (source, vector) in vectors {
            post_vector::Entity::delete_many()
                .filter(post_vector::Column::PostId.eq(source.post_id))
                .filter(post_vector::Column::Model.eq(model))
                .exec(&tx)
                .await?;
            let exists = post::Entity::find_by_id(source.post_id)
                .select_only()
                .column(post::Column::Id)
                .into_tuple::<i64>()
                .one(&tx)
                .await?
                .is_some();
            if !exists {
                continue;
            }
            post_vector::Entity::insert(post_vector::ActiveModel {
                post_id: Set(source.post_id),
                model: Set(model.to_owned()),
                post_updated_at: Set(source.updated_at),
                vector: Set(to_bytes(vector)),
                ..Default::default()
            })
            .exec_without_returning(&tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Vectors under `model` stored after row `after`, oldest first.
    pub async fn vectors_after(
        &self,
        model: &str,
        after: i64,
        limit: u64,
    ) -> Result<Vec<StoredVector>> {
        let rows = post_vector::Entity::find()
            .filter(post_vector::Column::Model.eq(model))
            .filter(post_vector::Column::Id.gt(after))
            .order_by_asc(post_vector::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| StoredVector {
                row: r.id,
                post_id: r.post_id,
                vector: from_bytes(&r.vector),
            })
            .collect())
    }
}

fn to_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_through_bytes() {
        let v = vec![0.5, -1.25, f32::MIN_POSITIVE, 3.0e7];
        assert_eq!(from_bytes(&to_bytes(&v)), v);
    }
}
