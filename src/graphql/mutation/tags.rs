use async_graphql::{Context, Object, Result, SimpleObject};

use super::actor::actor;
use super::input::Problems;
use crate::domain::{FieldError, FieldErrorCode, Label, Limits};
use crate::graphql::context::{store_for_write, wait_for_index};
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::{Tag, UserError};

#[derive(SimpleObject, Default)]
pub struct MergeTagsPayload {
    /// The tag that remains, now on every post the others were on.
    pub tag: Option<Tag>,
    pub user_errors: Vec<UserError>,
}

fn refused(errors: Vec<FieldError>) -> MergeTagsPayload {
    MergeTagsPayload {
        tag: None,
        user_errors: errors.into_iter().map(UserError::from).collect(),
    }
}

#[derive(Default)]
pub struct TagMutation;

#[Object]
impl TagMutation {
    /// Staff: folds the tags `from` (1 to 20 names or slugs) into the tag
    /// `into`. Their posts carry `into` instead, they are deleted, and
    /// their names stay as aliases of `into`: `posts(tag:)`, search's
    /// `tags` filter and later imports naming them all mean `into`. Tags
    /// differing only by spacing ("hairloss", "hair loss") are one tag
    /// already and need no merge. Returns once search reflects the merge.
    #[graphql(guard = "RoleGuard::staff()")]
    async fn merge_tags(
        &self,
        ctx: &Context<'_>,
        into: String,
        from: Vec<String>,
    ) -> Result<MergeTagsPayload> {
        let mut p = Problems::default();
        let into = p.check(Label::tag("into", &into));
        if !(1..=Limits::TAGS_PER_MERGE).contains(&from.len()) {
            return Ok(refused(vec![FieldError::new(
                "from",
                FieldErrorCode::Invalid,
                format!(
                    "name 1 to {} tags to merge, got {}",
                    Limits::TAGS_PER_MERGE,
                    from.len()
                ),
            )]));
        }
        let from: Vec<Label> = from
            .iter()
            .filter_map(|name| p.check(Label::tag("from", name)))
            .collect();
        let (Some(into), true) = (into, p.is_empty()) else {
            return Ok(refused(p.into_errors()));
        };
        let merged = match store_for_write(ctx)
            .merge_tags(&actor(ctx)?, &into, &from)
            .await?
        {
            Ok(merged) => merged,
            Err(e) => return Ok(refused(vec![e])),
        };
        wait_for_index(ctx).await;
        Ok(MergeTagsPayload {
            tag: Some(Tag::from(merged)),
            user_errors: vec![],
        })
    }
}
