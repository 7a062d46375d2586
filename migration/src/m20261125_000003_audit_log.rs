use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys: the log must outlive the posts, synonym groups
        // and tokens it names.
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(big_pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::OccurredAt))
                    .col(big_integer(AuditLog::ActorTokenId))
                    .col(string(AuditLog::ActorName))
                    .col(string_len(AuditLog::Action, 32))
                    .col(big_integer_null(AuditLog::PostId))
                    .col(big_integer_null(AuditLog::SynonymGroupId))
                    .col(text_null(AuditLog::BeforeJson))
                    .col(text_null(AuditLog::AfterJson))
                    .to_owned(),
            )
            .await?;
        // The two ways admins read it: everything newest first, and one
        // post's history newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_occurred")
                    .table(AuditLog::Table)
                    .col(AuditLog::OccurredAt)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_post")
                    .table(AuditLog::Table)
                    .col(AuditLog::PostId)
                    .col(AuditLog::OccurredAt)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    OccurredAt,
    ActorTokenId,
    ActorName,
    Action,
    PostId,
    SynonymGroupId,
    BeforeJson,
    AfterJson,
}
