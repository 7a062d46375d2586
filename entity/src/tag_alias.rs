use sea_orm::entity::prelude::*;

/// A spelling that `mergeTags` folded into another tag: a label whose
/// match key is here means `tag_id`, in imports, edits and filters.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tag_alias")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub match_key: String,
    pub tag_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
