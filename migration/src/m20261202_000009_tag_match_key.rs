use std::collections::HashMap;

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, FromQueryResult, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tags that differ only by spacing are one tag: "hairloss", "hair loss"
/// and "Hair-Loss" share a match key (the slug without its hyphens), which
/// is unique. Duplicates already stored are folded into the tag with the
/// most posts (on a tie, the spaced spelling, then the oldest), and
/// every post whose tags changed is queued for the search index. Staff
/// fold tags that differ by more than spacing with `mergeTags`, which
/// keeps the folded keys in `tag_alias` so that later imports follow,
/// and records the merge in the audit log under `audit_log.tag_id`.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tag::Table)
                    .add_column(text_null(Tag::MatchKey))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TagAlias::Table)
                    .col(string(TagAlias::MatchKey).primary_key())
                    .col(big_integer(TagAlias::TagId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TagAlias::Table, TagAlias::TagId)
                            .to(Tag::Table, Tag::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(big_integer_null(AuditLog::TagId))
                    .to_owned(),
            )
            .await?;
        fold_duplicates(manager.get_connection()).await?;
        manager
            .create_index(
                Index::create()
                    .name("tag_match_key")
                    .table(Tag::Table)
                    .col(Tag::MatchKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .drop_column(AuditLog::TagId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(TagAlias::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("tag_match_key")
                    .table(Tag::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tag::Table)
                    .drop_column(Tag::MatchKey)
                    .to_owned(),
            )
            .await
    }
}

#[derive(FromQueryResult)]
struct TagRow {
    id: i64,
    slug: String,
    posts: i64,
}

async fn fold_duplicates(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let tags = TagRow::find_by_statement(Statement::from_string(
        backend,
        "SELECT t.id AS id, t.slug AS slug, \
         (SELECT COUNT(*) FROM post_tag pt WHERE pt.tag_id = t.id) AS posts \
         FROM tag t ORDER BY t.id",
    ))
    .all(db)
    .await?;
    let mut groups: HashMap<String, Vec<&TagRow>> = HashMap::new();
    for tag in &tags {
        groups
            .entry(tag.slug.replace('-', ""))
            .or_default()
            .push(tag);
    }
    let mut touched: Vec<i64> = Vec::new();
    for (key, mut group) in groups {
        // Most posts, then the spaced spelling, then the oldest.
        group.sort_by_key(|t| (-t.posts, -(t.slug.matches('-').count() as i64), t.id));
        let survivor = group[0].id;
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm_migration::sea_orm::DbBackend::Postgres => {
                    "UPDATE tag SET match_key = $1 WHERE id = $2"
                }
                _ => "UPDATE tag SET match_key = ? WHERE id = ?",
            },
            [key.clone().into(), survivor.into()],
        ))
        .await?;
        let losers: Vec<String> = group[1..].iter().map(|t| t.id.to_string()).collect();
        if losers.is_empty() {
            continue;
        }
        let losers = losers.join(",");
        // Ids are numbers read from the table, so the text is safe.
        let affected: Vec<i64> = PostId::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT DISTINCT post_id FROM post_tag WHERE tag_id IN ({losers})"),
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.post_id)
        .collect();
        touched.extend(&affected);
        for statement in merge_links(survivor, &losers) {
            db.execute_unprepared(&statement).await?;
        }
        db.execute_unprepared(&format!("DELETE FROM tag WHERE id IN ({losers})"))
            .await?;
    }
    touched.sort_unstable();
    touched.dedup();
    // Stamped with a time already stored (the newest outbox entry's, else
    // the post's own), so that both backends read it back as they wrote it.
    for chunk in touched.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(i64::to_string).collect();
        db.execute_unprepared(&format!(
            "INSERT INTO outbox (post_id, created_at) \
             SELECT p.id, COALESCE((SELECT MAX(o.created_at) FROM outbox o), p.updated_at) \
             FROM post p WHERE p.id IN ({}) ORDER BY p.id",
            ids.join(",")
        ))
        .await?;
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct PostId {
    post_id: i64,
}

/// Moves the links of tags `from` (ids, comma-separated) to tag `into`,
/// one link per post, at the earliest position any of them had.
pub fn merge_links(into: i64, from: &str) -> [String; 3] {
    [
        // Posts that have `into` already lose the others.
        format!(
            "DELETE FROM post_tag WHERE tag_id IN ({from}) AND post_id IN \
             (SELECT post_id FROM post_tag WHERE tag_id = {into})"
        ),
        // Of several merged tags on one post, the first stays.
        format!(
            "DELETE FROM post_tag WHERE tag_id IN ({from}) AND EXISTS \
             (SELECT 1 FROM post_tag p2 WHERE p2.post_id = post_tag.post_id \
              AND p2.tag_id IN ({from}) AND (p2.position < post_tag.position \
              OR (p2.position = post_tag.position AND p2.tag_id < post_tag.tag_id)))"
        ),
        format!("UPDATE post_tag SET tag_id = {into} WHERE tag_id IN ({from})"),
    ]
}

#[derive(DeriveIden)]
enum Tag {
    Table,
    Id,
    MatchKey,
}

#[derive(DeriveIden)]
enum TagAlias {
    Table,
    MatchKey,
    TagId,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    TagId,
}
