//! Who a staff mutation acts for, as the audit log records it.

use async_graphql::Context;

use crate::auth::Principal;
use crate::error::Error;
use crate::graphql::context::principal;
use crate::store::Actor;

/// The caller's token, for the audit row of the change about to be made.
/// Guards have already let only staff through; an anonymous caller here
/// would be a missing guard, and is refused rather than left unaudited.
pub fn actor(ctx: &Context<'_>) -> Result<Actor, Error> {
    match principal(ctx) {
        Principal::Staff { token_id, name, .. } => Ok(Actor {
            token_id: *token_id,
            name: name.clone(),
        }),
        Principal::Anonymous => Err(Error::Unauthenticated),
    }
}
