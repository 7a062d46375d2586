//! kbql's integration tests: one binary (linking the stack once), one
//! module per area. Every test drives a real server over HTTP.

mod helpers;

mod auth;
mod cli;
mod durability;
mod listing;
mod questions;
mod schema;
mod search;
mod search_index;
mod staff;
