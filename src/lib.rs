//! kbql: a search-first question-and-answer knowledge base over GraphQL.
//!
//! Requests flow one way: HTTP ([`server`]) → GraphQL ([`graphql`]) →
//! data ([`store`]) → back. [`domain`] holds the validated input types
//! every layer shares.

pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod import;
pub mod limits;
pub mod rate_limit;
pub mod search;
pub mod server;
pub mod store;
pub mod telemetry;

pub use error::{Error, Result};
