//! The log of searches that staff analytics read.

use chrono::{DateTime, Utc};
use entity::search_log;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::Store;
use crate::error::Result;

/// One search, as logged.
#[derive(Debug, Clone)]
pub struct SearchLogEntry {
    pub query: String,
    pub source: &'static str,
    pub hits: u64,
    pub took_micros: u32,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct QueryCount {
    pub query: String,
    pub searches: i64,
    pub last_searched_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchStats {
    pub total_searches: u64,
    pub zero_result_searches: u64,
    pub top_queries: Vec<QueryCount>,
    pub zero_result_queries: Vec<QueryCount>,
}

impl Store {
    pub async fn log_searches(&self, entries: &[SearchLogEntry]) -> Result<()> {
        for chunk in entries.chunks(300) {
            let rows = chunk.iter().map(|e| search_log::ActiveModel {
                query: Set(e.query.clone()),
                source: Set(e.source.to_owned()),
                hits: Set(e.hits.min(i64::MAX as u64) as i64),
                took_micros: Set(e.took_micros.min(i32::MAX as u32) as i32),
                created_at: Set(e.at),
                ..Default::default()
            });
            search_log::Entity::insert_many(rows)
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// What visitors searched for since `since`: the most frequent queries,
    /// and the most frequent that found nothing.
    pub async fn search_stats(&self, since: DateTime<Utc>, limit: u64) -> Result<SearchStats> {
        let recent = search_log::Column::CreatedAt.gte(since);
        let total_searches = search_log::Entity::find()
            .filter(recent.clone())
            .count(&self.db)
            .await?;
        let zero = search_log::Column::Hits.eq(0);
        let zero_result_searches = search_log::Entity::find()
            .filter(recent.clone())
            .filter(zero.clone())
            .count(&self.db)
            .await?;
        let grouped = |only_zero: bool| {
            let mut q = search_log::Entity::find()
                .select_only()
                .column(search_log::Column::Query)
                .column_as(search_log::Column::Id.count(), "searches")
                .column_as(search_log::Column::CreatedAt.max(), "last_searched_at")
                .filter(recent.clone());
            if only_zero {
                q = q.filter(zero.clone());
            }
            q.group_by(search_log::Column::Query)
                .order_by_desc(Expr::col(Alias::new("searches")))
                .order_by_asc(search_log::Column::Query)
                .limit(limit)
                .into_model::<QueryCount>()
        };
        Ok(SearchStats {
            total_searches,
            zero_result_searches,
            top_queries: grouped(false).all(&self.db).await?,
            zero_result_queries: grouped(true).all(&self.db).await?,
        })
    }
}
