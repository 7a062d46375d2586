use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::{Context, Request};

use super::loaders::{CategoryLoader, LinksLoader, MediaLoader, PostCountLoader, TagsLoader};
use crate::auth::Principal;
use crate::search::Search;
use crate::store::Store;

/// Everything that belongs to one request: who asks, and loaders whose
/// caches must not outlive the request (a cached tag list must not leak
/// a stale view into the next request).
///
/// The loaders cache so that a connection can prime them with its whole
/// page in one statement each (see `connection::prime`); batching by time
/// alone splits a large page into several batches on a busy machine.
pub struct RequestContext {
    pub principal: Principal,
}

impl RequestContext {
    pub fn attach(self, request: Request, store: &Store) -> Request {
        request
            .data(self.principal)
            .data(DataLoader::with_cache(
                TagsLoader(store.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ))
            .data(DataLoader::with_cache(
                CategoryLoader(store.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ))
            .data(DataLoader::new(
                PostCountLoader(store.clone()),
                tokio::spawn,
            ))
            .data(DataLoader::new(MediaLoader(store.clone()), tokio::spawn))
            .data(DataLoader::new(LinksLoader(store.clone()), tokio::spawn))
    }
}

pub(super) fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}

pub(super) fn search<'a>(ctx: &Context<'a>) -> &'a Search {
    ctx.data_unchecked::<Search>()
}

/// How long a staff mutation waits for the search index to reflect its
/// write before it returns anyway (the index catches up regardless).
const READ_YOUR_WRITES_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Waits until search reflects every write this process made, so that a
/// search sent after a mutation returns sees it.
pub(super) async fn wait_for_index(ctx: &Context<'_>) {
    let seq = store(ctx).written_seq();
    if !search(ctx).wait_for(seq, READ_YOUR_WRITES_WAIT).await {
        tracing::warn!(seq, "search index did not catch up in time");
    }
}

/// Per-request data that `attach` always adds; missing, it is a wiring bug,
/// reported as an internal error rather than a panic.
fn request_data<'a, T: std::any::Any + Send + Sync>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a T> {
    ctx.data::<T>().map_err(|_| {
        crate::Error::internal(std::io::Error::other(format!(
            "request data {} missing",
            std::any::type_name::<T>()
        )))
        .into()
    })
}

pub(super) type CachedLoader<T> = DataLoader<T, HashMapCache>;

pub(super) fn tags_loader<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a CachedLoader<TagsLoader>> {
    request_data(ctx)
}

pub(super) fn category_loader<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a CachedLoader<CategoryLoader>> {
    request_data(ctx)
}

pub(super) fn media_loader<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a DataLoader<MediaLoader>> {
    request_data(ctx)
}

pub(super) fn links_loader<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a DataLoader<LinksLoader>> {
    request_data(ctx)
}

pub(super) fn post_count_loader<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a DataLoader<PostCountLoader>> {
    request_data(ctx)
}

pub(super) fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    ctx.data_opt::<Principal>().unwrap_or(&Principal::Anonymous)
}

/// The store, for a mutation about to write. Clears the per-request caches
/// first: mutations run one after another, and a later one must not
/// resolve its payload from what an earlier one loaded before it wrote.
pub(super) fn store_for_write<'a>(ctx: &Context<'a>) -> &'a Store {
    if let Ok(loader) = tags_loader(ctx) {
        loader.clear::<i64>();
    }
    if let Ok(loader) = category_loader(ctx) {
        loader.clear::<i64>();
    }
    store(ctx)
}
