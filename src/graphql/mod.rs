//! The GraphQL API: schema, types, loaders and guards. Resolvers stay thin:
//! they parse arguments into domain types, call the store, map errors.

mod connection;
mod context;
mod documents;
mod guards;
mod ids;
pub mod limits;
mod loaders;
mod mutation;
mod query;
pub(crate) mod search_connection;
pub(crate) mod search_query;
mod types;

use async_graphql::{EmptySubscription, MergedObject, Schema};

pub use context::RequestContext;
pub use documents::ParsedDocuments;
pub use mutation::MutationRoot;

use crate::config::ServeConfig;
use crate::rate_limit::RateLimits;
use crate::search::Search;
use crate::store::Store;
use search_connection::{PostCache, SearchCache};

#[derive(MergedObject, Default)]
pub struct QueryRoot(
    query::PostQuery,
    search_query::SearchQuery,
    query::AuditQuery,
);

pub type KbSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema with its shared data. Per-request data (the caller, the
/// loaders) is added by [`RequestContext::attach`].
pub fn build_schema(config: &ServeConfig, store: Store, search: Search) -> KbSchema {
    let cache_bytes = config.search_cache_mb.saturating_mul(1 << 20);
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .data(store)
    .data(search)
    // The budget is shared: three quarters for pages of results, a quarter
    // for the posts they show (a repeat of a post spares a database read
    // even when the search itself is new).
    .data(SearchCache::new(cache_bytes / 4 * 3, 16_384))
    .data(PostCache::new(cache_bytes / 4, 2_048))
    .data(RateLimits::new(
        config.asks_per_minute,
        config.searches_per_minute,
    ))
    .limit_depth(config.max_depth)
    .limit_complexity(config.max_complexity)
    .limit_directives(config.max_directives)
    .extension(limits::QueryShape {
        max_aliases: config.max_aliases,
    });
    if config.production {
        // Without introspection, suggestions would still leak field names.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The schema in SDL, as `kbql schema` prints it and `schema.graphql` holds.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .finish()
    .sdl()
}
