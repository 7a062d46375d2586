//! The GraphQL API: schema, types, loaders and guards. Resolvers stay thin:
//! they parse arguments into domain types, call the store, map errors.

mod connection;
mod context;
pub mod document;
mod guards;
mod ids;
pub mod limits;
mod loaders;
mod mutation;
mod query;
pub mod response_cache;
pub(crate) mod search_connection;
pub(crate) mod search_query;
mod subscription;
mod types;

use std::sync::Arc;

use async_graphql::{MergedObject, Schema};

pub use context::RequestContext;
pub use document::{Documents, FieldTypes, Prepared};
pub use ids::PublicIds;
pub use mutation::MutationRoot;
pub use response_cache::{CachedResponse, Replay, ResponseCache, ResponseKey};
pub use subscription::{SubscriptionRoot, SubscriptionSlots};

use crate::config::ServeConfig;
use crate::rate_limit::RateLimits;
use crate::search::Search;
use crate::store::Store;

// Named `Query` in the schema (and the others `Mutation`, `Subscription`): the names
// clients and code generators assume.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    query::PostQuery,
    search_query::SearchQuery,
    query::AuditQuery,
);

pub type KbSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Responses to public searches, with their share of the search cache
/// budget (`ServeConfig::response_cache_bytes`).
pub fn response_cache(config: &ServeConfig) -> ResponseCache {
    ResponseCache::new(config.response_cache_bytes(), 8_192)
}

/// The schema with its shared data. Per-request data (the caller, the
/// loaders) is added by [`RequestContext::attach`]. `limits` is shared
/// with the HTTP layer, which draws on it for responses it repeats.
pub fn build_schema(
    config: &ServeConfig,
    store: Store,
    search: Search,
    limits: Arc<RateLimits>,
    documents: Arc<Documents>,
    ids: PublicIds,
) -> KbSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .data(store)
    .data(search)
    .data(limits)
    .data(ids)
    .limit_complexity(config.max_complexity)
    .extension(limits::QueryShape {
        max_depth: config.max_depth,
        max_aliases: config.max_aliases,
        max_directives: config.max_directives,
        documents,
    });
    if config.production {
        // Without introspection, suggestions would still leak field names.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// Flattened documents, for the schema and the HTTP layer to share.
pub fn documents() -> Documents {
    Documents::new(FieldTypes::from_sdl(&sdl()))
}

/// The schema in SDL, as `kbql schema` prints it and `schema.graphql` holds.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .finish()
    .sdl()
}
