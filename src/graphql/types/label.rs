use async_graphql::{Context, Object, Result};

use crate::graphql::context::post_count_loader;
use crate::graphql::loaders::{CategoryId, TagId};
use crate::store::LabelCount;

/// A tag on posts ("smp", "hair loss"). Names match ignoring case and
/// spacing ("Hair Loss" = "hair-loss" = "hairloss"), and through the
/// aliases `mergeTags` leaves; `slug` is the URL-safe form of its name.
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub slug: String,
    /// Known when the tag came from a listing that counted already.
    pub post_count: Option<i64>,
}

/// A category posts sit in.
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub post_count: Option<i64>,
}

impl From<LabelCount> for Tag {
    fn from(l: LabelCount) -> Self {
        Tag {
            id: l.id,
            name: l.name,
            slug: l.slug,
            post_count: Some(l.post_count),
        }
    }
}

impl From<LabelCount> for Category {
    fn from(l: LabelCount) -> Self {
        Category {
            id: l.id,
            name: l.name,
            slug: l.slug,
            post_count: Some(l.post_count),
        }
    }
}

impl From<entity::tag::Model> for Tag {
    fn from(t: entity::tag::Model) -> Self {
        Tag {
            id: t.id,
            name: t.name,
            slug: t.slug,
            post_count: None,
        }
    }
}

impl From<entity::category::Model> for Category {
    fn from(c: entity::category::Model) -> Self {
        Category {
            id: c.id,
            name: c.name,
            slug: c.slug,
            post_count: None,
        }
    }
}

#[Object]
impl Tag {
    /// The name as first written, e.g. "Hair Loss".
    async fn name(&self) -> &str {
        &self.name
    }

    /// The URL-safe form, e.g. "hair-loss"; accepted wherever a tag is.
    async fn slug(&self) -> &str {
        &self.slug
    }

    /// How many published posts carry this tag.
    async fn post_count(&self, ctx: &Context<'_>) -> Result<i64> {
        if let Some(n) = self.post_count {
            return Ok(n);
        }
        let loader = post_count_loader(ctx)?;
        Ok(loader.load_one(TagId(self.id)).await?.unwrap_or(0))
    }
}

#[Object]
impl Category {
    /// The name, e.g. "Scalp Micropigmentation".
    async fn name(&self) -> &str {
        &self.name
    }

    /// The URL-safe form, e.g. "scalp-micropigmentation".
    async fn slug(&self) -> &str {
        &self.slug
    }

    /// How many published posts sit in this category.
    async fn post_count(&self, ctx: &Context<'_>) -> Result<i64> {
        if let Some(n) = self.post_count {
            return Ok(n);
        }
        let loader = post_count_loader(ctx)?;
        Ok(loader.load_one(CategoryId(self.id)).await?.unwrap_or(0))
    }
}
