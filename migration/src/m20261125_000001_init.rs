use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Category::Table)
                    .col(big_pk_auto(Category::Id))
                    .col(string(Category::Name))
                    .col(string_uniq(Category::Slug))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tag::Table)
                    .col(big_pk_auto(Tag::Id))
                    .col(string(Tag::Name))
                    .col(string_uniq(Tag::Slug))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Post::Table)
                    .col(big_pk_auto(Post::Id))
                    .col(string_len(Post::Kind, 16))
                    .col(string_uniq(Post::Slug))
                    .col(string(Post::Title))
                    .col(text(Post::Question))
                    .col(text(Post::Answer))
                    .col(string_len(Post::Status, 16))
                    .col(string_null(Post::AskedBy))
                    .col(string_null(Post::AskerEmail))
                    .col(string_null(Post::AnsweredBy))
                    .col(big_integer_null(Post::CategoryId))
                    .col(timestamp_with_time_zone(Post::CreatedAt))
                    .col(timestamp_with_time_zone(Post::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Post::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Post::Table, Post::CategoryId)
                            .to(Category::Table, Category::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The two listings: published newest first, pending oldest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_post_status_published")
                    .table(Post::Table)
                    .col(Post::Status)
                    .col(Post::PublishedAt)
                    .col(Post::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_post_status_created")
                    .table(Post::Table)
                    .col(Post::Status)
                    .col(Post::CreatedAt)
                    .col(Post::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_post_category")
                    .table(Post::Table)
                    .col(Post::CategoryId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostTag::Table)
                    .col(big_integer(PostTag::PostId))
                    .col(big_integer(PostTag::TagId))
                    .col(integer(PostTag::Position))
                    .primary_key(Index::create().col(PostTag::PostId).col(PostTag::TagId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostTag::Table, PostTag::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostTag::Table, PostTag::TagId)
                            .to(Tag::Table, Tag::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Listing by tag walks from the tag to its posts.
        manager
            .create_index(
                Index::create()
                    .name("idx_post_tag_tag")
                    .table(PostTag::Table)
                    .col(PostTag::TagId)
                    .col(PostTag::PostId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .col(big_pk_auto(ApiToken::Id))
                    .col(string(ApiToken::Name))
                    .col(string_len(ApiToken::Role, 16))
                    .col(string_uniq(ApiToken::TokenHash))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .to_owned(),
            )
            .await?;
        // No foreign key to post: a delete must leave its outbox row behind
        // so the indexer learns the post is gone.
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Seq))
                    .col(big_integer(Outbox::PostId))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            ApiToken::Table.into_iden(),
            PostTag::Table.into_iden(),
            Post::Table.into_iden(),
            Tag::Table.into_iden(),
            Category::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
    Name,
    Slug,
}

#[derive(DeriveIden)]
enum Tag {
    Table,
    Id,
    Name,
    Slug,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
    Kind,
    Slug,
    Title,
    Question,
    Answer,
    Status,
    AskedBy,
    AskerEmail,
    AnsweredBy,
    CategoryId,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum PostTag {
    Table,
    PostId,
    TagId,
    Position,
}

#[derive(DeriveIden)]
enum ApiToken {
    Table,
    Id,
    Name,
    Role,
    TokenHash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Seq,
    PostId,
    CreatedAt,
}
