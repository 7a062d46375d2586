use async_graphql::{ID, Interface};

use super::Post;

/// Anything with a global id, for clients that normalise their caches and
/// refetch by id (Relay, Apollo): `node(id:)` reads it back. Tags and
/// categories are known by their slugs instead.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Opaque and global: no two objects share one, whatever their type."
))]
pub enum Node {
    Post(Post),
}
