use async_graphql::{Context, Guard, Result};

use super::context::principal;
use crate::domain::Role;
use crate::error::Error;

/// Lets through callers whose token has at least `min` role. Anonymous
/// callers get UNAUTHENTICATED, weaker roles FORBIDDEN.
pub struct RoleGuard {
    min: Role,
}

impl RoleGuard {
    pub fn staff() -> Self {
        RoleGuard { min: Role::Staff }
    }

    pub fn admin() -> Self {
        RoleGuard { min: Role::Admin }
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        match principal(ctx).role() {
            None => Err(Error::Unauthenticated.into()),
            Some(role) if role < self.min => Err(Error::Forbidden.into()),
            Some(_) => Ok(()),
        }
    }
}
