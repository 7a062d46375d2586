use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::actor::actor;
use super::input::Problems;
use crate::domain::{FieldError, FieldErrorCode, Label};
use crate::graphql::context::{search, store};
use crate::graphql::guards::RoleGuard;
use crate::graphql::ids::{field_id, to_id};
use crate::graphql::types::{SynonymGroup, UserError};

const MAX_TERMS: usize = 20;
const MAX_TERM_CHARS: usize = 60;

/// A group of interchangeable search terms. Without `id` a new group is
/// made; with it, that group's terms are replaced.
#[derive(InputObject)]
pub struct SetSynonymsInput {
    pub id: Option<ID>,
    /// 2 to 20 words or phrases, e.g. ["smp", "scalp micropigmentation"].
    pub terms: Vec<String>,
}

#[derive(SimpleObject, Default)]
pub struct SynonymsPayload {
    pub synonyms: Option<SynonymGroup>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject, Default)]
pub struct RemoveSynonymsPayload {
    pub removed_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

fn refused(errors: Vec<FieldError>) -> SynonymsPayload {
    SynonymsPayload {
        synonyms: None,
        user_errors: errors.into_iter().map(UserError::from).collect(),
    }
}

#[derive(Default)]
pub struct SynonymMutation;

#[Object]
impl SynonymMutation {
    /// Admin: creates or replaces a synonym group. Search applies it at
    /// once on this server and within seconds on the others; nothing is
    /// re-indexed.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn set_synonyms(
        &self,
        ctx: &Context<'_>,
        input: SetSynonymsInput,
    ) -> Result<SynonymsPayload> {
        let mut p = Problems::default();
        let id = input.id.as_ref().and_then(|id| p.check(field_id(id)));
        let mut terms: Vec<Label> = Vec::new();
        for t in &input.terms {
            if let Some(label) = p.check(Label::parse("terms", t, MAX_TERM_CHARS))
                && !terms.iter().any(|known| known.key() == label.key())
            {
                terms.push(label);
            }
        }
        if !(2..=MAX_TERMS).contains(&terms.len()) {
            p.check::<()>(Err(FieldError::new(
                "terms",
                FieldErrorCode::Invalid,
                format!("a group needs 2 to {MAX_TERMS} different terms"),
            )));
        }
        if !p.is_empty() {
            return Ok(refused(p.into_errors()));
        }
        let names: Vec<String> = terms.iter().map(|l| l.name().to_lowercase()).collect();
        let Some(saved) = store(ctx)
            .save_synonym_group(&actor(ctx)?, id, &names)
            .await?
        else {
            return Ok(refused(vec![FieldError::new(
                "id",
                FieldErrorCode::NotFound,
                "no synonym group has this id",
            )]));
        };
        search(ctx).reload_synonyms().await?;
        Ok(SynonymsPayload {
            synonyms: Some(SynonymGroup {
                id: to_id(saved.id),
                terms: saved.terms,
            }),
            user_errors: vec![],
        })
    }

    /// Admin: removes a synonym group.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn remove_synonyms(&self, ctx: &Context<'_>, id: ID) -> Result<RemoveSynonymsPayload> {
        let refuse = |e: FieldError| RemoveSynonymsPayload {
            removed_id: None,
            user_errors: vec![UserError::from(e)],
        };
        let n = match field_id(&id) {
            Ok(n) => n,
            Err(e) => return Ok(refuse(e)),
        };
        if !store(ctx).delete_synonym_group(&actor(ctx)?, n).await? {
            return Ok(refuse(FieldError::new(
                "id",
                FieldErrorCode::NotFound,
                "no synonym group has this id",
            )));
        }
        search(ctx).reload_synonyms().await?;
        Ok(RemoveSynonymsPayload {
            removed_id: Some(to_id(n)),
            user_errors: vec![],
        })
    }
}
