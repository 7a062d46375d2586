use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Request};

use super::loaders::{CategoryLoader, PostCountLoader, TagsLoader};
use crate::auth::Principal;
use crate::store::Store;

/// Everything that belongs to one request: who asks, and loaders whose
/// caches must not outlive the request (a cached tag list must not leak
/// a stale view into the next request).
pub struct RequestContext {
    pub principal: Principal,
}

impl RequestContext {
    pub fn attach(self, request: Request, store: &Store) -> Request {
        request
            .data(self.principal)
            .data(DataLoader::new(TagsLoader(store.clone()), tokio::spawn))
            .data(DataLoader::new(CategoryLoader(store.clone()), tokio::spawn))
            .data(DataLoader::new(
                PostCountLoader(store.clone()),
                tokio::spawn,
            ))
    }
}

pub(super) fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}

pub(super) fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    ctx.data_opt::<Principal>().unwrap_or(&Principal::Anonymous)
}
