//! The JSON shapes the audit log keeps of a record before and after a
//! change. They use the GraphQL field names and value forms (ids as
//! strings, enums in capitals, RFC 3339 times), so a client can show a
//! snapshot next to the live `Post` without translating either.

use entity::{category, post, post_tag, tag};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use super::SynonymGroup;
use crate::error::Result;

/// A post with its category and tags as they are inside `db`'s
/// transaction. The asker's e-mail is left out: no staff mutation changes
/// it, and the log keeps no personal data that deleting the post would
/// otherwise erase.
pub(super) async fn post(db: &impl ConnectionTrait, p: &post::Model) -> Result<Value> {
    let tags: Vec<String> = post_tag::Entity::find()
        .filter(post_tag::Column::PostId.eq(p.id))
        .order_by_asc(post_tag::Column::Position)
        .find_also_related(tag::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, t)| t.map(|t| t.name))
        .collect();
    let category = match p.category_id {
        Some(id) => category::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.name),
        None => None,
    };
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Ok(json!({
        "id": p.id.to_string(),
        "kind": p.kind.as_str().to_ascii_uppercase(),
        "status": p.status.as_str().to_ascii_uppercase(),
        "slug": p.slug,
        "title": p.title,
        "question": text(&p.question),
        "answer": text(&p.answer),
        "askedBy": p.asked_by,
        "answeredBy": p.answered_by,
        "category": category,
        "tags": tags,
        "createdAt": p.created_at.to_rfc3339(),
        "updatedAt": p.updated_at.to_rfc3339(),
        "publishedAt": p.published_at.map(|t| t.to_rfc3339()),
    }))
}

pub(super) fn synonym_group(g: &SynonymGroup) -> Value {
    json!({ "id": g.id.to_string(), "terms": g.terms })
}
