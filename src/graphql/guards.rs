use std::sync::Arc;

use async_graphql::{Context, Guard, Result};

use super::context::principal;
use super::response_cache::Replay;
use crate::domain::Role;
use crate::error::Error;
use crate::rate_limit::{Bucket, ClientIp, RateLimits};

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

/// Draws on the caller's quota of a public operation (see `rate_limit`).
/// Staff are not limited: they are few, known, and do bulk work.
pub struct RateLimitGuard {
    bucket: Bucket,
}

impl RateLimitGuard {
    pub fn ask() -> Self {
        RateLimitGuard {
            bucket: Bucket::Ask,
        }
    }

    pub fn search() -> Self {
        RateLimitGuard {
            bucket: Bucket::Search,
        }
    }
}

impl Guard for RateLimitGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        if principal(ctx).role().is_some() {
            return Ok(());
        }
        if self.bucket == Bucket::Search
            && let Some(replay) = ctx.data_opt::<Replay>()
        {
            replay.drew_search_quota();
        }
        let (Some(limits), Some(client)) = (
            ctx.data_opt::<Arc<RateLimits>>(),
            ctx.data_opt::<ClientIp>(),
        ) else {
            return Ok(());
        };
        Ok(limits.check(self.bucket, client.0)?)
    }
}
