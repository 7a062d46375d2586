//! Where kbql keeps its data and how it is reached. Every setting has a
//! flag and an environment variable; flags win.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;

use anyhow::Context;

use crate::error::{Explain, OperatorResult, redacted_url};
use crate::limits::Limits;
use crate::search::semantic::{Semantic, SentenceModel};
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
    pub async fn open_store(&self) -> OperatorResult<Store> {
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        let url = self.database_url();
        let store = Store::connect(&url)
            .await
            .explain(|| format!("cannot connect to the database {}", redacted_url(&url)))?;
        store
            .migrate()
            .await
            .explain(|| format!("cannot migrate the database {}", redacted_url(&url)))?;
        Ok(store)
    }
}

/// How long kbql keeps what it logs, for `kbql serve` (which prunes every
/// few minutes) and `kbql prune`.
#[derive(Args, Debug, Clone)]
pub struct RetentionConfig {
    /// Days the search log (what visitors searched, behind staff's search
    /// analytics) is kept; 0 keeps it forever.
    #[arg(
        long,
        env = "KBQL_SEARCH_LOG_DAYS",
        default_value_t = Limits::SEARCH_LOG_DAYS,
        help_heading = "Retention"
    )]
    pub search_log_days: u32,

    /// Days the audit log of staff changes is kept; 0 keeps it forever.
    #[arg(
        long,
        env = "KBQL_AUDIT_LOG_DAYS",
        default_value_t = Limits::AUDIT_LOG_DAYS,
        help_heading = "Retention"
    )]
    pub audit_log_days: u32,
}

impl RetentionConfig {
    pub fn retention(&self) -> crate::store::Retention {
        let days = |n: u32| (n > 0).then(|| std::time::Duration::from_secs(u64::from(n) * 86_400));
        crate::store::Retention {
            search_log: days(self.search_log_days),
            audit_log: days(self.audit_log_days),
            replica_timeout: crate::store::REPLICA_TIMEOUT,
        }
    }
}

/// Options of `kbql serve`. Each limit is documented in SECURITY.md.
#[derive(Args, Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "KBQL_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Load the built-in sample posts when the database has no posts yet.
    #[arg(long, env = "KBQL_DEMO")]
    pub demo: bool,

    /// Memory for recent search results, the posts they showed and whole
    /// responses to public searches, in MiB (0 turns these caches off).
    /// Entries are dropped whenever the index or the synonyms change.
    #[arg(long, env = "KBQL_SEARCH_CACHE_MB", default_value_t = Limits::SEARCH_CACHE_MB)]
    pub search_cache_mb: u64,

    /// A sentence-embedding model directory (all-MiniLM-L6-v2 in the
    /// sentence-transformers layout; `scripts/model/fetch_minilm.sh` makes
    /// one and checks it) for matching by meaning in `answer`,
    /// `similarQuestions` and `search(semantic: true)`. Without one, kbql
    /// matches words only.
    #[arg(long, env = "KBQL_MODEL_DIR")]
    pub model_dir: Option<PathBuf>,

    #[command(flatten)]
    pub retention: RetentionConfig,

    /// Production mode: no introspection, no GraphiQL page, and no "did you
    /// mean" field suggestions in errors.
    #[arg(long, env = "KBQL_PRODUCTION", help_heading = "Security")]
    pub production: bool,

    /// Origins allowed to call the API from a browser (comma-separated, or
    /// `*` for any), e.g. the sites that embed a search widget. None by
    /// default: only same-origin pages can read responses.
    #[arg(
        long,
        env = "KBQL_CORS_ORIGINS",
        value_delimiter = ',',
        help_heading = "Security"
    )]
    pub cors_origins: Vec<String>,

    /// Addresses of reverse proxies whose X-Forwarded-For header is
    /// believed (comma-separated IPs or CIDR ranges, e.g.
    /// `10.0.0.5,10.1.0.0/16`). Others' is ignored.
    #[arg(
        long,
        env = "KBQL_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_ip_range,
        help_heading = "Security"
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Anonymous `askQuestion` calls allowed per client IP per minute, all
    /// of them usable at once (0: unlimited). Staff tokens are exempt.
    #[arg(
        long,
        env = "KBQL_ASKS_PER_MINUTE",
        default_value_t = Limits::ASKS_PER_MINUTE,
        help_heading = "Security"
    )]
    pub asks_per_minute: u32,

    /// Anonymous `search`, `answer` and `similarQuestions` calls allowed per
    /// client IP per minute, all of them usable at once (0: unlimited).
    #[arg(
        long,
        env = "KBQL_SEARCHES_PER_MINUTE",
        default_value_t = Limits::SEARCHES_PER_MINUTE,
        help_heading = "Security"
    )]
    pub searches_per_minute: u32,

    /// Largest request body, in bytes (larger ones get 413).
    #[arg(long, env = "KBQL_MAX_BODY_BYTES", default_value_t = Limits::MAX_BODY_BYTES, help_heading = "Limits")]
    pub max_body_bytes: usize,

    /// Longest GraphQL query text, in bytes (variables not included).
    #[arg(long, env = "KBQL_MAX_QUERY_BYTES", default_value_t = Limits::MAX_QUERY_BYTES, help_heading = "Limits")]
    pub max_query_bytes: usize,

    /// Deepest nesting of fields in a query.
    #[arg(
        long,
        env = "KBQL_MAX_DEPTH",
        default_value_t = Limits::MAX_DEPTH,
        help_heading = "Limits"
    )]
    pub max_depth: usize,

    /// Highest query complexity: each field counts 1, and a list field
    /// counts its children once per item asked for (`first`).
    #[arg(
        long,
        env = "KBQL_MAX_COMPLEXITY",
        default_value_t = Limits::MAX_COMPLEXITY,
        help_heading = "Limits"
    )]
    pub max_complexity: usize,

    /// Most aliased fields one query executes (a fragment spread twice
    /// counts its aliases twice).
    #[arg(
        long,
        env = "KBQL_MAX_ALIASES",
        default_value_t = Limits::MAX_ALIASES,
        help_heading = "Limits"
    )]
    pub max_aliases: usize,

    /// Most directives in one query, wherever they are written (on the
    /// operation, its variables, fields and fragments).
    #[arg(
        long,
        env = "KBQL_MAX_DIRECTIVES",
        default_value_t = Limits::MAX_DIRECTIVES,
        help_heading = "Limits"
    )]
    pub max_directives: usize,

    /// Most operations in one batched request (a JSON array); 0 refuses
    /// batches.
    #[arg(
        long,
        env = "KBQL_MAX_BATCH",
        default_value_t = 0,
        help_heading = "Limits"
    )]
    pub max_batch: usize,

    /// Most HTTP connections open at once; past it, new connections wait
    /// in the listen queue until one closes.
    #[arg(
        long,
        env = "KBQL_MAX_CONNECTIONS",
        default_value_t = Limits::MAX_CONNECTIONS,
        help_heading = "Limits"
    )]
    pub max_connections: usize,

    /// Most WebSocket (subscription) connections one client address may
    /// hold open at once; past it, upgrades are refused with 429. They
    /// count towards `--max-connections` too.
    #[arg(
        long,
        env = "KBQL_LIVE_CONNECTIONS_PER_CLIENT",
        default_value_t = Limits::LIVE_CONNECTIONS_PER_CLIENT,
        help_heading = "Limits"
    )]
    pub live_connections_per_client: usize,

    /// Longest a client may take to send a request's headers, from their
    /// first byte, in milliseconds; then the connection is closed.
    #[arg(
        long,
        env = "KBQL_HEADER_TIMEOUT_MS",
        default_value_t = Limits::HEADER_TIMEOUT_MS,
        help_heading = "Limits"
    )]
    pub header_timeout_ms: u64,

    /// Longest a client may take to send a request's body, in
    /// milliseconds; then it is answered 408 REQUEST_TIMEOUT.
    #[arg(
        long,
        env = "KBQL_BODY_TIMEOUT_MS",
        default_value_t = Limits::BODY_TIMEOUT_MS,
        help_heading = "Limits"
    )]
    pub body_timeout_ms: u64,

    /// Longest a connection may stay open with no request under way (after
    /// its last response, or from when it opened), in milliseconds.
    #[arg(
        long,
        env = "KBQL_IDLE_TIMEOUT_MS",
        default_value_t = Limits::IDLE_TIMEOUT_MS,
        help_heading = "Limits"
    )]
    pub idle_timeout_ms: u64,

    /// Longest a request may take, in milliseconds, before it is answered
    /// with a TIMEOUT error.
    #[arg(
        long,
        env = "KBQL_REQUEST_TIMEOUT_MS",
        default_value_t = Limits::REQUEST_TIMEOUT_MS,
        help_heading = "Limits"
    )]
    pub request_timeout_ms: u64,
}

/// An address range, or one address (a range of one).
fn parse_ip_range(text: &str) -> Result<ipnet::IpNet, String> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{text:?} is neither an IP address nor a CIDR range"))
}

impl ServeConfig {
    /// The search cache budget (`--search-cache-mb`) is shared: three
    /// quarters for pages of results and the posts they show (the search
    /// side splits it), a quarter for whole responses to public searches.
    pub fn result_cache_bytes(&self) -> u64 {
        self.search_cache_mb.saturating_mul(1 << 20) / 4 * 3
    }

    pub fn response_cache_bytes(&self) -> u64 {
        self.search_cache_mb.saturating_mul(1 << 20) / 4
    }
}

/// Loads the sentence-embedding model in `dir` (its weights' checksum
/// checked), for matching by meaning.
pub async fn load_model(dir: &Path) -> OperatorResult<Arc<Semantic>> {
    let owned = dir.to_owned();
    let model = tokio::task::spawn_blocking(move || SentenceModel::load(&owned))
        .await
        .context("the model loader stopped")?
        .with_context(|| {
            format!(
                "cannot load the sentence-embedding model in {}",
                dir.display()
            )
        })?;
    tracing::info!(model = model.model_version(), dir = %dir.display(), "loaded the sentence-embedding model");
    Ok(Arc::new(Semantic::new(Arc::new(model))))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Result<ServeConfig, clap::Error> {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            serve: ServeConfig,
        }
        let mut all = vec!["kbql"];
        all.extend(args);
        <Cli as clap::Parser>::try_parse_from(all).map(|c| c.serve)
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges() {
        let config = serve(&["--trusted-proxies", "10.0.0.5, 10.1.0.0/16,::1"]).unwrap();
        let ranges: Vec<String> = config
            .trusted_proxies
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(ranges, ["10.0.0.5/32", "10.1.0.0/16", "::1/128"]);
        let refused = serve(&["--trusted-proxies", "proxy.example"])
            .err()
            .unwrap();
        assert!(
            refused.to_string().contains("neither an IP address"),
            "{refused}"
        );
    }
}
