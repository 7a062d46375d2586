use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// What a post shows besides its text: videos and images (a URL, a
/// caption, or both: a blog dump keeps the caption and loses the URL),
/// links to other pages (a press mention's article), and the photo a
/// visitor sent with a question, kept in the database so that every
/// replica can serve it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PostMedia::Table)
                    .col(big_pk_auto(PostMedia::Id))
                    .col(big_integer(PostMedia::PostId))
                    .col(integer(PostMedia::Position))
                    .col(string_len(PostMedia::Kind, 16))
                    .col(text_null(PostMedia::Url))
                    .col(text_null(PostMedia::Caption))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostMedia::Table, PostMedia::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("post_media_post")
                    .table(PostMedia::Table)
                    .col(PostMedia::PostId)
                    .col(PostMedia::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PostLink::Table)
                    .col(big_pk_auto(PostLink::Id))
                    .col(big_integer(PostLink::PostId))
                    .col(integer(PostLink::Position))
                    .col(text(PostLink::Title))
                    .col(text_null(PostLink::Url))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PostLink::Table, PostLink::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("post_link_post")
                    .table(PostLink::Table)
                    .col(PostLink::PostId)
                    .col(PostLink::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuestionPhoto::Table)
                    .col(big_integer(QuestionPhoto::PostId).primary_key())
                    .col(string_len(QuestionPhoto::ContentType, 32))
                    .col(integer(QuestionPhoto::ByteSize))
                    .col(blob(QuestionPhoto::Bytes))
                    .col(timestamp_with_time_zone(QuestionPhoto::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(QuestionPhoto::Table, QuestionPhoto::PostId)
                            .to(Post::Table, Post::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            QuestionPhoto::Table.into_iden(),
            PostLink::Table.into_iden(),
            PostMedia::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum PostMedia {
    Table,
    Id,
    PostId,
    Position,
    Kind,
    Url,
    Caption,
}

#[derive(DeriveIden)]
enum PostLink {
    Table,
    Id,
    PostId,
    Position,
    Title,
    Url,
}

#[derive(DeriveIden)]
enum QuestionPhoto {
    Table,
    PostId,
    ContentType,
    ByteSize,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Post {
    Table,
    Id,
}
