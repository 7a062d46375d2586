// `async_trait` cannot name the schema manager's lifetime the way the lint wants.
#![allow(elided_lifetimes_in_paths)]

//! kbql's database schema, as sea-orm migrations. They run at server
//! start-up and with `kbql migrate`; both SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_init;
mod m20261125_000002_search;
mod m20261125_000003_audit_log;
mod m20261201_000004_instance_secret;
mod m20261202_000005_post_vector;
mod m20261202_000006_replica;
mod m20261202_000008_media;
pub mod m20261202_000009_tag_match_key;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_init::Migration),
            Box::new(m20261125_000002_search::Migration),
            Box::new(m20261125_000003_audit_log::Migration),
            Box::new(m20261201_000004_instance_secret::Migration),
            Box::new(m20261202_000005_post_vector::Migration),
            Box::new(m20261202_000006_replica::Migration),
            Box::new(m20261202_000008_media::Migration),
            Box::new(m20261202_000009_tag_match_key::Migration),
        ]
    }
}
