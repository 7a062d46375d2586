use sea_orm::entity::prelude::*;

/// One staff change, written in the transaction of the change itself.
///
/// What was changed is named by `post_id`, `synonym_group_id` or `tag_id`
/// (exactly one is set; `tag_id` is the tag a merge kept); none is a
/// foreign key, so the history of a deleted record stays. `before_json` and `after_json` are JSON snapshots of the
/// record: no `before` for creations, no `after` for deletions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occurred_at: DateTimeUtc,
    pub actor_token_id: i64,
    pub actor_name: String,
    pub action: String,
    pub post_id: Option<i64>,
    pub synonym_group_id: Option<i64>,
    pub tag_id: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub before_json: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub after_json: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
