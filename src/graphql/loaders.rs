//! Batch loaders, made per request. Each turns N lookups in a listing
//! into one statement.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{category, post_link, post_media, tag};

use crate::store::{LabelKind, Store};

pub struct TagsLoader(pub Store);
pub struct MediaLoader(pub Store);
pub struct LinksLoader(pub Store);
pub struct CategoryLoader(pub Store);
/// Counts of published posts per tag or category, for `postCount` when the
/// label was reached through a post rather than through `tags`/`categories`.
pub struct PostCountLoader(pub Store);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TagId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CategoryId(pub i64);

impl Loader<i64> for TagsLoader {
    type Value = Vec<tag::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, post_ids: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut found = self.0.tags_for_posts(post_ids).await?;
        // Every key gets an entry, so that an untagged post is cached as
        // "no tags" rather than looked up again.
        for id in post_ids {
            found.entry(*id).or_default();
        }
        Ok(found)
    }
}

impl Loader<i64> for MediaLoader {
    type Value = Vec<post_media::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, post_ids: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut found = self.0.media_for_posts(post_ids).await?;
        for id in post_ids {
            found.entry(*id).or_default();
        }
        Ok(found)
    }
}

impl Loader<i64> for LinksLoader {
    type Value = Vec<post_link::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, post_ids: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let mut found = self.0.links_for_posts(post_ids).await?;
        for id in post_ids {
            found.entry(*id).or_default();
        }
        Ok(found)
    }
}

impl Loader<i64> for CategoryLoader {
    type Value = category::Model;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        Ok(self.0.categories_by_ids(ids).await?)
    }
}

impl Loader<TagId> for PostCountLoader {
    type Value = i64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[TagId]) -> Result<HashMap<TagId, Self::Value>, Self::Error> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let counts = self.0.published_counts(LabelKind::Tag, &ids).await?;
        Ok(counts.into_iter().map(|(id, n)| (TagId(id), n)).collect())
    }
}

impl Loader<CategoryId> for PostCountLoader {
    type Value = i64;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[CategoryId],
    ) -> Result<HashMap<CategoryId, Self::Value>, Self::Error> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let counts = self.0.published_counts(LabelKind::Category, &ids).await?;
        Ok(counts
            .into_iter()
            .map(|(id, n)| (CategoryId(id), n))
            .collect())
    }
}
