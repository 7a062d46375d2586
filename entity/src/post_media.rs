use sea_orm::entity::prelude::*;

/// A video or image a post shows, in `position` order. `url` is absent
/// when only the caption is known (a blog page dumped as text).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_media")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub post_id: i64,
    pub position: i32,
    /// `video` or `image`.
    pub kind: String,
    pub url: Option<String>,
    pub caption: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
