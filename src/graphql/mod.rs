//! The GraphQL API: schema, types, loaders and guards. Resolvers stay thin:
//! they parse arguments into domain types, call the store, map errors.

mod connection;
mod context;
mod guards;
mod ids;
mod loaders;
mod mutation;
mod query;
mod types;

use async_graphql::{EmptySubscription, Schema};

pub use context::RequestContext;
pub use mutation::MutationRoot;
pub use query::QueryRoot;

use crate::store::Store;

pub type KbSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema with its shared data. Per-request data (the caller, the
/// loaders) is added by [`RequestContext::attach`].
pub fn build_schema(store: Store) -> KbSchema {
    Schema::build(QueryRoot, MutationRoot::default(), EmptySubscription)
        .data(store)
        .finish()
}

/// The schema in SDL, as `kbql schema` prints it and `schema.graphql` holds.
pub fn sdl() -> String {
    Schema::build(QueryRoot, MutationRoot::default(), EmptySubscription)
        .finish()
        .sdl()
}
