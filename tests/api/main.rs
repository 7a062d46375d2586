//! kbql's integration tests: one binary (linking the stack once), one
//! module per area. Every test drives a real server over HTTP.

mod helpers;

mod audit;
mod auth;
mod authz;
mod cli;
mod durability;
mod hostile_documents;
mod http_fuzz;
mod limits;
mod listing;
mod live;
mod meaning;
mod media;
mod metrics;
mod mutation_limits;
mod operator_errors;
mod playground;
mod questions;
mod rate_limits;
mod replicas;
mod response_cache;
mod retention;
mod schema;
mod search;
mod search_index;
mod slow_clients;
mod staff;
mod taxonomy;
mod transport;
