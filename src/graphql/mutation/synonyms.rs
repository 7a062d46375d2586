use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::actor::actor;
use super::input::Problems;
use crate::domain::{FieldError, FieldErrorCode, Label, Limits};
use crate::graphql::context::{search, store};
use crate::graphql::guards::RoleGuard;
use crate::graphql::ids::{parse_record_id, record_id};
use crate::graphql::types::{SynonymGroup, UserError};

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

/// Applies the stored groups to search on this server. The change is
/// committed by then, so a failure here is logged rather than reported:
/// the other servers pick the change up on their own, and so does this
/// one at its next refresh.
async fn reload_synonyms(ctx: &Context<'_>) {
    if let Err(e) = search(ctx).reload_synonyms().await {
        tracing::warn!(error = %e, "synonyms saved but not yet applied here");
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
        let id = input
            .id
            .as_ref()
            .and_then(|id| p.check(parse_record_id(id, "synonym group")));
        if input.terms.len() > Limits::SYNONYM_TERMS {
            return Ok(refused(vec![FieldError::new(
                "terms",
                FieldErrorCode::TooLong,
                format!("a group has at most {} terms", Limits::SYNONYM_TERMS),
            )]));
        }
        let mut terms: Vec<Label> = Vec::new();
        for t in &input.terms {
            if let Some(label) = p.check(Label::parse("terms", t, Limits::SYNONYM_TERM))
                && !terms.iter().any(|known| known.key() == label.key())
            {
                terms.push(label);
            }
        }
        if !(2..=Limits::SYNONYM_TERMS).contains(&terms.len()) {
            p.check::<()>(Err(FieldError::new(
                "terms",
                FieldErrorCode::Invalid,
                format!(
                    "a group needs 2 to {} different terms",
                    Limits::SYNONYM_TERMS
                ),
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
        reload_synonyms(ctx).await;
        Ok(SynonymsPayload {
            synonyms: Some(SynonymGroup {
                id: record_id(saved.id),
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
        let n = match parse_record_id(&id, "synonym group") {
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
        reload_synonyms(ctx).await;
        Ok(RemoveSynonymsPayload {
            removed_id: Some(record_id(n)),
            user_errors: vec![],
        })
    }
}
