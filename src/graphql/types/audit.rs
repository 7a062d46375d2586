//! The audit log as admins read it: a Relay connection of entries,
//! newest first.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::graphql::connection::PageInfo;
use crate::graphql::context::store;
use crate::graphql::ids::{cursor, record_id, to_id};
use crate::store::{AuditAction, AuditFilter, AuditRecord, Page, PageRequest, Store, Subject};

/// What a staff change did: one value per staff mutation.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "AuditAction", remote = "AuditAction")]
pub enum GqlAuditAction {
    AnswerQuestion,
    CreateArticle,
    UpdatePost,
    PublishPost,
    HidePost,
    SetPostTags,
    DeletePost,
    SetSynonyms,
    RemoveSynonyms,
    MergeTags,
}

pub struct AuditEntry(pub AuditRecord);

/// One staff change: who made it, when, to what, and the record before
/// and after.
#[Object]
impl AuditEntry {
    async fn id(&self) -> ID {
        record_id(self.0.id)
    }

    /// When the change was committed; equal to the `updatedAt` it gave the
    /// post, when it changed one.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The token's name at the time of the change.
    async fn actor_name(&self) -> &str {
        &self.0.actor.name
    }

    /// The id of the token the change was made with (`kbql token list`).
    async fn actor_token_id(&self) -> ID {
        record_id(self.0.actor.token_id)
    }

    async fn action(&self) -> GqlAuditAction {
        self.0.action.into()
    }

    /// The post changed; null for synonym changes and tag merges. The
    /// post may since have been deleted.
    async fn post_id(&self, ctx: &Context<'_>) -> Option<ID> {
        match self.0.subject {
            Subject::Post(id) => Some(to_id(ctx, id)),
            _ => None,
        }
    }

    /// The synonym group changed; null for other changes.
    async fn synonym_group_id(&self) -> Option<ID> {
        match self.0.subject {
            Subject::SynonymGroup(id) => Some(record_id(id)),
            _ => None,
        }
    }

    /// The record before the change, as a JSON object; null for creations.
    /// A post has the `Post` fields under the same names and in the same
    /// forms (`id`, `kind`, `status`, `slug`, `title`, `question`, `answer`,
    /// `askedBy`, `answeredBy`, `createdAt`, `updatedAt`, `publishedAt`),
    /// with `category` as its name and `tags` as a list of names; never the
    /// asker's e-mail. A synonym group has `id` and `terms`. A tag merge
    /// has `tags`, each `{name, slug, posts}` (posts carrying it, any
    /// status): the tag kept first, then the tags folded into it.
    async fn before(&self, ctx: &Context<'_>) -> Option<serde_json::Value> {
        self.snapshot(ctx, self.0.before.as_ref())
    }

    /// The record after the change, shaped like `before`; null for
    /// deletions. A tag merge has `tag` (`{name, slug, posts}`) and
    /// `aliases`, the spellings that now name it.
    async fn after(&self, ctx: &Context<'_>) -> Option<serde_json::Value> {
        self.snapshot(ctx, self.0.after.as_ref())
    }
}

impl AuditEntry {
    /// A stored snapshot as clients see it: a post's number becomes the id
    /// `Post.id` shows.
    fn snapshot(
        &self,
        ctx: &Context<'_>,
        stored: Option<&serde_json::Value>,
    ) -> Option<serde_json::Value> {
        let mut value = stored?.clone();
        if let (Subject::Post(id), Some(object)) = (self.0.subject, value.as_object_mut()) {
            object.insert("id".to_owned(), to_id(ctx, id).to_string().into());
        }
        Some(value)
    }
}

/// An entry with its position in the log.
#[derive(SimpleObject)]
pub struct AuditEntryEdge {
    /// Opaque; pass it as `after`.
    pub cursor: String,
    pub node: AuditEntry,
}

pub struct AuditLogConnection {
    pub filter: AuditFilter,
    pub request: PageRequest,
    pub page: Page<AuditRecord>,
}

impl AuditLogConnection {
    fn cursor(ctx: &Context<'_>, r: &AuditRecord) -> String {
        cursor(ctx, Store::audit_cursor(r))
    }
}

/// A page of the audit log, newest first.
#[Object]
impl AuditLogConnection {
    async fn edges(&self, ctx: &Context<'_>) -> Vec<AuditEntryEdge> {
        self.page
            .items
            .iter()
            .map(|r| AuditEntryEdge {
                cursor: Self::cursor(ctx, r),
                node: AuditEntry(r.clone()),
            })
            .collect()
    }

    /// The entries alone, for clients that need no cursors.
    async fn nodes(&self) -> Vec<AuditEntry> {
        self.page.items.iter().cloned().map(AuditEntry).collect()
    }

    async fn page_info(&self, ctx: &Context<'_>) -> PageInfo {
        let items = &self.page.items;
        PageInfo {
            has_next_page: self.page.has_more,
            has_previous_page: self.request.after.is_some(),
            start_cursor: items.first().map(|r| Self::cursor(ctx, r)),
            end_cursor: items.last().map(|r| Self::cursor(ctx, r)),
        }
    }

    /// How many entries match the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(store(ctx).count_audit(&self.filter).await?)
    }
}
