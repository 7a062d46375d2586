use sea_orm::entity::prelude::*;

/// A tag. `slug` is the normalised name ("Hair Loss" gives "hair-loss");
/// `match_key` is the slug without hyphens and carries the uniqueness, so
/// "hairloss", "hair loss" and "Hair-Loss" are one tag.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tag")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    #[sea_orm(unique)]
    pub match_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
