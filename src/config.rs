//! Where kbql keeps its data and how it is reached. Every setting has a
//! flag and an environment variable; flags win.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use crate::error::{Error, Result};
use crate::store::Store;

/// Storage options, accepted by every subcommand.
#[derive(Args, Debug, Clone)]
pub struct StorageConfig {
    /// Directory for the embedded SQLite database (and the search index).
    #[arg(long, env = "KBQL_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite:PATH` or `postgres://USER@HOST/DB`. Defaults to
    /// `kbql.db` inside the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl StorageConfig {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("kbql.db").display()
            ),
        }
    }

    /// Creates the data directory, connects and migrates.
    pub async fn open_store(&self) -> Result<Store> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            Error::bad_input(format!(
                "cannot create data directory {}: {e}",
                self.data_dir.display()
            ))
        })?;
        let store = Store::connect(&self.database_url()).await?;
        store.migrate().await?;
        Ok(store)
    }
}

/// Options of `kbql serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "KBQL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Load the built-in sample posts when the database has no posts yet.
    #[arg(long, env = "KBQL_DEMO")]
    pub demo: bool,

    /// Memory for results of recent searches, in MiB (0 turns the cache
    /// off). Entries are dropped whenever the index or the synonyms change.
    #[arg(long, env = "KBQL_SEARCH_CACHE_MB", default_value_t = 32)]
    pub search_cache_mb: u64,
}

impl Default for ServeConfig {
    /// The defaults `kbql serve` starts with (environment variables
    /// included), for embedding and tests.
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            serve: ServeConfig,
        }
        <Defaults as clap::Parser>::parse_from(["kbql"]).serve
    }
}
