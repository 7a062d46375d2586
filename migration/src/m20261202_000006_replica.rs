use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The kbql processes following this database, each with the outbox
/// sequence its search index has applied. The outbox is pruned below what
/// every live one has applied; a process that has stopped, or has not
/// been heard from for a while, no longer holds pruning back (and, if it
/// returns past the pruned window, rebuilds its index).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Replica::Table)
                    .col(string_len(Replica::Id, 64).primary_key())
                    .col(big_integer(Replica::AppliedSeq))
                    .col(timestamp_with_time_zone(Replica::HeartbeatAt))
                    .col(boolean(Replica::Stopped).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Replica::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Replica {
    Table,
    Id,
    AppliedSeq,
    HeartbeatAt,
    Stopped,
}
