//! Which tag a name means: tags are told apart by their match key (the
//! slug without hyphens: "hairloss" = "hair loss"), and a name staff
//! folded into another tag with `mergeTags` means that tag from then on.

use std::collections::HashMap;

use entity::{post_tag, tag, tag_alias};
use sea_orm::sea_query::{Expr, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::audit::{self, Actor, AuditAction, Change};
use super::{Store, WriteResult, now, outbox};
use crate::domain::{FieldError, FieldErrorCode, Label};
use crate::error::Result;

/// The tags the match keys name, directly or through an alias.
async fn tags_by_match(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<HashMap<String, tag::Model>> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(500) {
        let tags = tag::Entity::find()
            .filter(tag::Column::MatchKey.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        found.extend(
            tags.into_iter()
                .filter_map(|t| Some((t.match_key.clone()?, t))),
        );
    }
    let rest: Vec<String> = keys
        .iter()
        .filter(|k| !found.contains_key(*k))
        .cloned()
        .collect();
    for chunk in rest.chunks(500) {
        let aliases = tag_alias::Entity::find()
            .filter(tag_alias::Column::MatchKey.is_in(chunk.iter().cloned()))
            .find_also_related(tag::Entity)
            .all(db)
            .await?;
        found.extend(
            aliases
                .into_iter()
                .filter_map(|(alias, tag)| Some((alias.match_key, tag?))),
        );
    }
    Ok(found)
}

/// [`tags_by_match`], by id.
async fn ids_by_match(db: &impl ConnectionTrait, keys: &[String]) -> Result<HashMap<String, i64>> {
    Ok(tags_by_match(db, keys)
        .await?
        .into_iter()
        .map(|(key, t)| (key, t.id))
        .collect())
}

/// Ids for the given tags by [`Label::key`], creating the missing ones.
/// Of several spellings new in one call, the one given most often names
/// the tag (on a tie, the first), so pass every occurrence, repeats
/// included; an existing tag keeps its name.
pub(super) async fn ensure_tags(
    db: &impl ConnectionTrait,
    labels: &[Label],
) -> Result<HashMap<String, i64>> {
    if labels.is_empty() {
        return Ok(HashMap::new());
    }
    // Per spelling (key): how often, and where first.
    let mut spellings: HashMap<&str, (usize, usize, &Label)> = HashMap::new();
    for (at, label) in labels.iter().enumerate() {
        spellings.entry(label.key()).or_insert((0, at, label)).0 += 1;
    }
    let mut by_match: HashMap<String, (usize, usize, &Label)> = HashMap::new();
    for (count, first, label) in spellings.into_values() {
        by_match
            .entry(label.match_key())
            .and_modify(|kept| {
                if (count, std::cmp::Reverse(first)) > (kept.0, std::cmp::Reverse(kept.1)) {
                    *kept = (count, first, label);
                }
            })
            .or_insert((count, first, label));
    }
    let by_match: HashMap<String, &Label> =
        by_match.into_iter().map(|(k, (_, _, l))| (k, l)).collect();
    let keys: Vec<String> = by_match.keys().cloned().collect();
    let mut found = ids_by_match(db, &keys).await?;
    let missing: Vec<tag::ActiveModel> = by_match
        .iter()
        .filter(|(key, _)| !found.contains_key(*key))
        .map(|(key, l)| tag::ActiveModel {
            name: Set(l.name().to_owned()),
            slug: Set(l.key().to_owned()),
            match_key: Set(Some(key.clone())),
            ..Default::default()
        })
        .collect();
    if !missing.is_empty() {
        // Another process may have created one meanwhile; DO NOTHING
        // keeps that harmless, and the second lookup finds it.
        for chunk in missing.chunks(200) {
            tag::Entity::insert_many(chunk.to_vec())
                .on_conflict(OnConflict::new().do_nothing().to_owned())
                .exec_without_returning(db)
                .await?;
        }
        found = ids_by_match(db, &keys).await?;
    }
    Ok(labels
        .iter()
        .filter_map(|l| Some((l.key().to_owned(), *found.get(&l.match_key())?)))
        .collect())
}

/// The condition "the post carries the tag `key` names".
pub(super) fn tagged(key: &str) -> SimpleExpr {
    let matched = Label::match_key_of(key);
    let tag_ids = Query::select()
        .column(tag::Column::Id)
        .from(tag::Entity)
        .and_where(tag::Column::MatchKey.eq(matched.as_str()))
        .union(
            sea_orm::sea_query::UnionType::All,
            Query::select()
                .column(tag_alias::Column::TagId)
                .from(tag_alias::Entity)
                .and_where(tag_alias::Column::MatchKey.eq(matched.as_str()))
                .to_owned(),
        )
        .to_owned();
    entity::post::Column::Id.in_subquery(
        Query::select()
            .column(post_tag::Column::PostId)
            .from(post_tag::Entity)
            .and_where(post_tag::Column::TagId.in_subquery(tag_ids))
            .to_owned(),
    )
}

/// How many posts carry each of the tags, any status.
async fn post_counts(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, i64>> {
    Ok(post_tag::Entity::find()
        .select_only()
        .column(post_tag::Column::TagId)
        .column_as(post_tag::Column::PostId.count(), "posts")
        .filter(post_tag::Column::TagId.is_in(ids.iter().copied()))
        .group_by(post_tag::Column::TagId)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// A tag as the audit log keeps it in a merge: `{name, slug, posts}`.
fn described(t: &tag::Model, counts: &HashMap<i64, i64>) -> serde_json::Value {
    serde_json::json!({
        "name": t.name,
        "slug": t.slug,
        "posts": counts.get(&t.id).copied().unwrap_or(0),
    })
}

impl Store {
    /// The slugs of the tags `keys` name (through aliases too), in order;
    /// a key naming no tag is kept as it is, and so matches nothing.
    pub async fn resolve_tag_slugs(&self, keys: &[String]) -> Result<Vec<String>> {
        if keys.is_empty() {
            return Ok(vec![]);
        }
        let matches: Vec<String> = keys.iter().map(|k| Label::match_key_of(k)).collect();
        let tags = tags_by_match(&self.db, &matches).await?;
        Ok(keys
            .iter()
            .zip(&matches)
            .map(|(key, m)| tags.get(m).map_or_else(|| key.clone(), |t| t.slug.clone()))
            .collect())
    }

    /// Folds the tags `from` into `into`: their posts carry `into` instead
    /// (once each, where the first of them stood), they are deleted, and
    /// their spellings (and their aliases) become aliases of `into`, so
    /// imports and filters naming them land on `into` from now on. Every
    /// post whose tags changed is queued for the search index.
    pub async fn merge_tags(
        &self,
        actor: &Actor,
        into: &Label,
        from: &[Label],
    ) -> Result<WriteResult<tag::Model>> {
        let tx = self.begin_write().await?;
        let into_key = into.match_key();
        let mut keys: Vec<String> = from.iter().map(Label::match_key).collect();
        keys.push(into_key.clone());
        let tags = tags_by_match(&tx, &keys).await?;
        let Some(kept) = tags.get(&into_key).cloned() else {
            return Ok(Err(FieldError::new(
                "into",
                FieldErrorCode::NotFound,
                format!("no tag is called \"{}\"", into.name()),
            )));
        };
        // The tags folded, once each, in the order named.
        let mut folded: Vec<tag::Model> = Vec::new();
        for label in from {
            match tags.get(&label.match_key()) {
                None => {
                    return Ok(Err(FieldError::new(
                        "from",
                        FieldErrorCode::NotFound,
                        format!("no tag is called \"{}\"", label.name()),
                    )));
                }
                Some(t) if t.id == kept.id => {
                    return Ok(Err(FieldError::new(
                        "from",
                        FieldErrorCode::Invalid,
                        format!("\"{}\" is the tag merged into", label.name()),
                    )));
                }
                Some(t) if !folded.iter().any(|f| f.id == t.id) => folded.push(t.clone()),
                Some(_) => {}
            }
        }
        let from_ids: Vec<i64> = folded.iter().map(|t| t.id).collect();
        let affected: Vec<i64> = post_tag::Entity::find()
            .select_only()
            .column(post_tag::Column::PostId)
            .filter(post_tag::Column::TagId.is_in(from_ids.iter().copied()))
            .distinct()
            .into_tuple()
            .all(&tx)
            .await?;
        let mut all_ids = vec![kept.id];
        all_ids.extend(&from_ids);
        let counts = post_counts(&tx, &all_ids).await?;
        let before = serde_json::json!({
            "tags": std::iter::once(&kept)
                .chain(&folded)
                .map(|t| described(t, &counts))
                .collect::<Vec<_>>(),
        });
        let listed: Vec<String> = from_ids.iter().map(i64::to_string).collect();
        // Ids are numbers from the database, so the statements are safe.
        for statement in
            migration::m20261202_000009_tag_match_key::merge_links(kept.id, &listed.join(","))
        {
            tx.execute_unprepared(&statement).await?;
        }
        tag_alias::Entity::update_many()
            .col_expr(tag_alias::Column::TagId, Expr::value(kept.id))
            .filter(tag_alias::Column::TagId.is_in(from_ids.iter().copied()))
            .exec(&tx)
            .await?;
        let aliases: Vec<tag_alias::ActiveModel> = folded
            .iter()
            .filter_map(|t| t.match_key.clone())
            .map(|key| tag_alias::ActiveModel {
                match_key: Set(key),
                tag_id: Set(kept.id),
            })
            .collect();
        if !aliases.is_empty() {
            tag_alias::Entity::insert_many(aliases)
                .on_conflict(
                    OnConflict::column(tag_alias::Column::MatchKey)
                        .update_column(tag_alias::Column::TagId)
                        .to_owned(),
                )
                .exec_without_returning(&tx)
                .await?;
        }
        tag::Entity::delete_many()
            .filter(tag::Column::Id.is_in(from_ids.iter().copied()))
            .exec(&tx)
            .await?;
        let seq = outbox::append(&tx, &affected).await?;
        let aliases: Vec<String> = tag_alias::Entity::find()
            .select_only()
            .column(tag_alias::Column::MatchKey)
            .filter(tag_alias::Column::TagId.eq(kept.id))
            .order_by_asc(tag_alias::Column::MatchKey)
            .into_tuple()
            .all(&tx)
            .await?;
        let after = serde_json::json!({
            "tag": described(&kept, &post_counts(&tx, &[kept.id]).await?),
            "aliases": aliases,
        });
        let change = Change::of_tag(AuditAction::MergeTags, kept.id, before, after);
        audit::record(&tx, actor, now(), change).await?;
        self.commit_write(tx, seq).await?;
        Ok(Ok(kept))
    }
}
