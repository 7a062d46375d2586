//! Synonym groups for search, edited by admins. The database is their
//! source of truth; every kbql process reloads them.

use entity::synonym_group;
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};

use super::{Store, now};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    pub id: i64,
    pub terms: Vec<String>,
}

impl From<synonym_group::Model> for SynonymGroup {
    fn from(m: synonym_group::Model) -> Self {
        SynonymGroup {
            id: m.id,
            terms: m
                .terms
                .lines()
                .map(str::to_owned)
                .filter(|t| !t.is_empty())
                .collect(),
        }
    }
}

impl Store {
    pub async fn synonym_groups(&self) -> Result<Vec<SynonymGroup>> {
        Ok(synonym_group::Entity::find()
            .order_by_asc(synonym_group::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(SynonymGroup::from)
            .collect())
    }

    /// Creates a group, or replaces group `id`'s terms; `None` if `id` names
    /// no group.
    pub async fn save_synonym_group(
        &self,
        id: Option<i64>,
        terms: &[String],
    ) -> Result<Option<SynonymGroup>> {
        let joined = terms.join("\n");
        let saved = match id {
            None => {
                synonym_group::ActiveModel {
                    terms: Set(joined),
                    updated_at: Set(now()),
                    ..Default::default()
                }
                .insert(&self.db)
                .await?
            }
            Some(id) => {
                let Some(current) = synonym_group::Entity::find_by_id(id).one(&self.db).await?
                else {
                    return Ok(None);
                };
                let mut model: synonym_group::ActiveModel = current.into();
                model.terms = Set(joined);
                model.updated_at = Set(now());
                model.update(&self.db).await?
            }
        };
        Ok(Some(saved.into()))
    }

    /// False when no group has this id.
    pub async fn delete_synonym_group(&self, id: i64) -> Result<bool> {
        Ok(synonym_group::Entity::delete_by_id(id)
            .exec(&self.db)
            .await?
            .rows_affected
            > 0)
    }
}
