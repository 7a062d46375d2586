use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Sentence-embedding vectors of posts, one per post and model. Derived
/// data like the search index, but hours of CPU to recompute at 100,000
/// posts, so kept where every replica can load them. `id` only grows (a
/// re-embedded post gets a new row), which lets a replica load what
/// others embedded since it last looked.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PostVector::Table)
                    .col(big_pk_auto(PostVector::Id))
                    .col(big_integer(PostVector::PostId))
                    .col(string_len(PostVector::Model, 64))
                    // The post's `updated_at` when its text was embedded:
                    // a later edit makes the vector stale.
                    .col(timestamp_with_time_zone(PostVector::PostUpdatedAt))
                    .col(blob(PostVector::Vector))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostVector::Table, PostVector::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("post_vector_post_model")
                    .table(PostVector::Table)
                    .col(PostVector::PostId)
                    .col(PostVector::Model)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PostVector::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PostVector {
    Table,
    Id,
    PostId,
    Model,
    PostUpdatedAt,
    Vector,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
}
