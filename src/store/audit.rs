//! The audit log of staff changes. Each write method records its row with
//! [`record`] inside its own write transaction, so a change is never
//! committed without its row, and a refused change (which returns before
//! committing) leaves none.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use super::Store;
use super::page::{Cursor, Page, PageRequest};
use crate::error::{Error, Result};

/// The staff member a change is made for, as their token names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub token_id: i64,
    pub name: String,
}

/// What a staff change did; one per staff mutation. Stored as the
/// snake_case name, which must never change once written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
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

impl AuditAction {
    pub const ALL: [AuditAction; 10] = [
        AuditAction::AnswerQuestion,
        AuditAction::CreateArticle,
        AuditAction::UpdatePost,
        AuditAction::PublishPost,
        AuditAction::HidePost,
        AuditAction::SetPostTags,
        AuditAction::DeletePost,
        AuditAction::SetSynonyms,
        AuditAction::RemoveSynonyms,
        AuditAction::MergeTags,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::AnswerQuestion => "answer_question",
            AuditAction::CreateArticle => "create_article",
            AuditAction::UpdatePost => "update_post",
            AuditAction::PublishPost => "publish_post",
            AuditAction::HidePost => "hide_post",
            AuditAction::SetPostTags => "set_post_tags",
            AuditAction::DeletePost => "delete_post",
            AuditAction::SetSynonyms => "set_synonyms",
            AuditAction::RemoveSynonyms => "remove_synonyms",
            AuditAction::MergeTags => "merge_tags",
        }
    }
}

impl FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audit action {s:?}"))
    }
}

/// The record a change was made to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Post(i64),
    SynonymGroup(i64),
    /// The tag a merge kept.
    Tag(i64),
}

/// One change to record: `before` is `None` for a creation, `after` for a
/// deletion.
pub(super) struct Change {
    pub action: AuditAction,
    pub subject: Subject,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends the change's row. Call it inside the change's write transaction
/// with the time the change stamped on the record, so the two agree.
pub(super) async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    at: DateTime<Utc>,
    change: Change,
) -> Result<()> {
    let (post_id, synonym_group_id, tag_id) = match change.subject {
        Subject::Post(id) => (Some(id), None, None),
        Subject::SynonymGroup(id) => (None, Some(id), None),
        Subject::Tag(id) => (None, None, Some(id)),
    };
    audit_log::ActiveModel {
        occurred_at: Set(at),
        actor_token_id: Set(actor.token_id),
        actor_name: Set(actor.name.clone()),
        action: Set(change.action.as_str().to_owned()),
        post_id: Set(post_id),
        synonym_group_id: Set(synonym_group_id),
        tag_id: Set(tag_id),
        before_json: Set(change.before.map(|v| v.to_string())),
        after_json: Set(change.after.map(|v| v.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// An audit row as read back, snapshots parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: Actor,
    pub action: AuditAction,
    pub subject: Subject,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl TryFrom<audit_log::Model> for AuditRecord {
    type Error = Error;
    fn try_from(m: audit_log::Model) -> Result<Self> {
        let corrupt = |what: String| Error::internal(std::io::Error::other(what));
        let action = m.action.parse().map_err(corrupt)?;
        let subject = match (m.post_id, m.synonym_group_id, m.tag_id) {
            (Some(id), None, None) => Subject::Post(id),
            (None, Some(id), None) => Subject::SynonymGroup(id),
            (None, None, Some(id)) => Subject::Tag(id),
            _ => return Err(corrupt(format!("audit row {} names no one subject", m.id))),
        };
        let parse = |text: Option<String>| {
            text.map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(Error::internal)
        };
        Ok(AuditRecord {
            id: m.id,
            occurred_at: m.occurred_at,
            actor: Actor {
                token_id: m.actor_token_id,
                name: m.actor_name,
            },
            action,
            subject,
            before: parse(m.before_json)?,
            after: parse(m.after_json)?,
        })
    }
}

/// Restricts an audit listing; `None` fields restrict nothing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub post_id: Option<i64>,
    pub action: Option<AuditAction>,
}

impl AuditFilter {
    fn condition(&self) -> Condition {
        let mut cond = Condition::all();
        if let Some(id) = self.post_id {
            cond = cond.add(audit_log::Column::PostId.eq(id));
        }
        if let Some(action) = self.action {
            cond = cond.add(audit_log::Column::Action.eq(action.as_str()));
        }
        cond
    }
}

/// Rows strictly past `c` for a reader moving newest to oldest
/// (`towards_older`) or the other way.
fn beyond(c: &Cursor, towards_older: bool) -> Condition {
    let at = audit_log::Column::OccurredAt;
    let id = audit_log::Column::Id;
    if towards_older {
        Condition::any()
            .add(at.lt(c.at))
            .add(Condition::all().add(at.eq(c.at)).add(id.lt(c.id)))
    } else {
        Condition::any()
            .add(at.gt(c.at))
            .add(Condition::all().add(at.eq(c.at)).add(id.gt(c.id)))
    }
}

impl Store {
    /// The audit log, newest first, keyset-paginated on (occurred_at, id).
    pub async fn audit_log(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditRecord>> {
        let mut cond = filter.condition();
        if let Some(after) = &page.after {
            cond = cond.add(beyond(after, true));
        }
        if let Some(before) = &page.before {
            cond = cond.add(beyond(before, false));
        }
        // Reading backwards walks towards newer rows and flips the page.
        let order = if page.backward {
            sea_orm::Order::Asc
        } else {
            sea_orm::Order::Desc
        };
        let rows = audit_log::Entity::find()
            .filter(cond)
            .order_by(audit_log::Column::OccurredAt, order.clone())
            .order_by(audit_log::Column::Id, order)
            .limit(page.limit + 1)
            .all(&self.db)
            .await?;
        let has_more = rows.len() as u64 > page.limit;
        let mut items = rows
            .into_iter()
            .take(page.limit as usize)
            .map(AuditRecord::try_from)
            .collect::<Result<Vec<_>>>()?;
        if page.backward {
            items.reverse();
        }
        Ok(Page { items, has_more })
    }

    pub async fn count_audit(&self, filter: &AuditFilter) -> Result<u64> {
        Ok(audit_log::Entity::find()
            .filter(filter.condition())
            .count(&self.db)
            .await?)
    }

    pub fn audit_cursor(r: &AuditRecord) -> Cursor {
        Cursor {
            at: r.occurred_at,
            id: r.id,
        }
    }
}

impl Change {
    pub(super) fn of_post(
        action: AuditAction,
        id: i64,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Change {
        Change {
            action,
            subject: Subject::Post(id),
            before,
            after,
        }
    }

    pub(super) fn of_synonym_group(
        action: AuditAction,
        id: i64,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Change {
        Change {
            action,
            subject: Subject::SynonymGroup(id),
            before,
            after,
        }
    }

    pub(super) fn of_tag(action: AuditAction, id: i64, before: Value, after: Value) -> Change {
        Change {
            action,
            subject: Subject::Tag(id),
            before: Some(before),
            after: Some(after),
        }
    }
}
