//! Synonym groups for search, edited by admins. The database is their
//! source of truth; every kbql process reloads them. Edits go through the
//! serialised write transaction, like post writes, with their audit row.

use entity::synonym_group;
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};

use super::audit::{self, Actor, AuditAction, Change};
use super::{Store, now, snapshot};
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
        actor: &Actor,
        id: Option<i64>,
        terms: &[String],
    ) -> Result<Option<SynonymGroup>> {
        let tx = self.begin_write().await?;
        let at = now();
        let joined = terms.join("\n");
        let (before, saved) = match id {
            None => {
                let created = synonym_group::ActiveModel {
                    terms: Set(joined),
                    updated_at: Set(at),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
                (None, created)
            }
            Some(id) => {
                let Some(current) = synonym_group::Entity::find_by_id(id).one(&tx).await? else {
                    return Ok(None);
                };
                let before = snapshot::synonym_group(&current.clone().into());
                let mut model: synonym_group::ActiveModel = current.into();
                model.terms = Set(joined);
                model.updated_at = Set(at);
                (Some(before), model.update(&tx).await?)
            }
        };
        let saved = SynonymGroup::from(saved);
        let after = snapshot::synonym_group(&saved);
        let change =
            Change::of_synonym_group(AuditAction::SetSynonyms, saved.id, before, Some(after));
        audit::record(&tx, actor, at, change).await?;
        tx.commit().await?;
        Ok(Some(saved))
    }

    /// False when no group has this id.
    pub async fn delete_synonym_group(&self, actor: &Actor, id: i64) -> Result<bool> {
        let tx = self.begin_write().await?;
        let Some(current) = synonym_group::Entity::find_by_id(id).one(&tx).await? else {
            return Ok(false);
        };
        let before = snapshot::synonym_group(&current.into());
        synonym_group::Entity::delete_by_id(id).exec(&tx).await?;
        let change = Change::of_synonym_group(AuditAction::RemoveSynonyms, id, Some(before), None);
        audit::record(&tx, actor, now(), change).await?;
        tx.commit().await?;
        Ok(true)
    }
}
