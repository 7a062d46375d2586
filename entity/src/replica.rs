use sea_orm::entity::prelude::*;

/// A kbql process following the database: how far its search index has
/// applied the outbox, and when it last said so.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "replica")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub applied_seq: i64,
    pub heartbeat_at: DateTimeUtc,
    /// Set when the process shut down cleanly.
    pub stopped: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
