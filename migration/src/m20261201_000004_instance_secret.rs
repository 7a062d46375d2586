use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Secrets every replica of one database shares, made on first use: the
/// key that turns post ids into the opaque ids clients see.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstanceSecret::Table)
                    .col(string_len(InstanceSecret::Name, 64).primary_key())
                    .col(string_len(InstanceSecret::Value, 128))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InstanceSecret::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum InstanceSecret {
    Table,
    Name,
    Value,
}
