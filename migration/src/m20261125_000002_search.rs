use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Synonym groups the kbql team starts every site with; staff edit them
/// through GraphQL. Each group is a list of interchangeable terms.
const DEFAULT_SYNONYMS: &[&[&str]] = &[
    &[
        "smp",
        "scalp micropigmentation",
        "scalp micro pigmentation",
        "micropigmentation",
        "scalp tattoo",
        "hairline tattoo",
    ],
    &[
        "hair loss",
        "hairloss",
        "balding",
        "baldness",
        "thinning hair",
    ],
    &[
        "touch-up",
        "touch up",
        "touchup",
        "top-up",
        "top up",
        "refresh session",
    ],
    &[
        "hair transplant",
        "hair transplantation",
        "ht",
        "hair restoration surgery",
    ],
    &["fue", "follicular unit extraction"],
    &[
        "fut",
        "strip surgery",
        "strip procedure",
        "follicular unit transplantation",
    ],
    &["cost", "price", "fee", "how much", "charge"],
    &["fade", "fading", "lighten", "wash out"],
    &["sun", "sunlight", "uv", "ultraviolet", "sunshine"],
    &["scar", "scarring"],
    &["pigment", "ink"],
    &["pain", "hurt", "painful", "sore"],
    &["shave", "shaving", "buzz cut", "clippers"],
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SynonymGroup::Table)
                    .col(big_pk_auto(SynonymGroup::Id))
                    .col(text(SynonymGroup::Terms))
                    .col(timestamp_with_time_zone(SynonymGroup::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(SynonymGroup::Table)
            .columns([SynonymGroup::Terms, SynonymGroup::UpdatedAt])
            .to_owned();
        for group in DEFAULT_SYNONYMS {
            // Terms are stored one per line: no term contains a newline.
            insert.values_panic([group.join("\n").into(), Expr::current_timestamp()]);
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(SearchLog::Table)
                    .col(big_pk_auto(SearchLog::Id))
                    .col(string_len(SearchLog::Query, 200))
                    .col(string_len(SearchLog::Source, 16))
                    .col(big_integer(SearchLog::Hits))
                    .col(integer(SearchLog::TookMicros))
                    .col(timestamp_with_time_zone(SearchLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_log_created")
                    .table(SearchLog::Table)
                    .col(SearchLog::CreatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SearchLog::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SynonymGroup::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SynonymGroup {
    Table,
    Id,
    Terms,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SearchLog {
    Table,
    Id,
    Query,
    Source,
    Hits,
    TookMicros,
    CreatedAt,
}
