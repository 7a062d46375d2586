//! Data access. Every write runs in one transaction that also appends to
//! the outbox, so the search index can never miss a change, and, for staff
//! changes, to the audit log. Nothing here knows GraphQL.

mod audit;
mod connect;
mod import;
mod live;
mod media;
mod notify;
mod outbox;
mod page;
mod post_reads;
mod post_writes;
mod pruning;
mod replicas;
mod search_feed;
mod search_log;
mod secrets;
mod snapshot;
mod synonyms;
mod tag_keys;
mod taxonomy;
mod tokens;
mod vectors;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

pub use audit::{Actor, AuditAction, AuditFilter, AuditRecord, Subject};
pub use import::{CHUNK as IMPORT_CHUNK, Import, ImportPost, ImportSummary};
pub use live::LiveEvent;
pub use notify::CHANNEL as WRITES_CHANNEL;
pub use outbox::OutboxEntry;
pub use page::{Cursor, Page, PageRequest};
pub use post_reads::{PostFilter, PostRef};
pub use post_writes::{Moderation, NewArticle, NewQuestion, PostPatch, WriteResult};
pub use pruning::{Pruned, Retention};
pub use replicas::REPLICA_TIMEOUT;
pub use search_feed::IndexablePost;
pub use search_log::{QueryCount, SearchLogEntry, SearchStats};
pub use synonyms::SynonymGroup;
pub use taxonomy::{LabelCount, LabelKind};
pub use tokens::TokenRecord;
pub use vectors::{EmbeddingSource, StoredVector};

use crate::error::Result;

/// Connections of the database pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Open now, busy or idle.
    pub open: u32,
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

/// The database handle the rest of kbql uses. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    sql_statements: Arc<AtomicU64>,
    /// The newest outbox sequence this process has committed; the search
    /// indexer wakes on it, and writers wait for the index to reach it.
    written: Arc<tokio::sync::watch::Sender<i64>>,
    /// The newest sequence any process announced (`store::notify`).
    announced: Arc<tokio::sync::watch::Sender<i64>>,
    /// Events for subscribers (`store::live`).
    live: tokio::sync::broadcast::Sender<LiveEvent>,
    /// Kept for the notification listener's own connection; never logged.
    url: Arc<str>,
}

impl Store {
    /// Connects (creating a SQLite file if needed) and counts statements
    /// for the `/metrics` endpoint.
    pub async fn connect(url: &str) -> Result<Store> {
        let sql_statements = Arc::new(AtomicU64::new(0));
        let db = connect::open(url, sql_statements.clone()).await?;
        let (written, _) = tokio::sync::watch::channel(0);
        let (announced, _) = tokio::sync::watch::channel(0);
        let (live, _) = tokio::sync::broadcast::channel(live::BACKLOG);
        Ok(Store {
            db,
            sql_statements,
            written: Arc::new(written),
            announced: Arc::new(announced),
            live,
            url: url.into(),
        })
    }

    /// Brings the schema up to date; safe to call on every start.
    pub async fn migrate(&self) -> Result<()> {
        use migration::MigratorTrait;
        migration::Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Answers when the database does (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// How many SQL statements this handle has run since it was opened.
    pub fn sql_statement_count(&self) -> u64 {
        self.sql_statements.load(Ordering::Relaxed)
    }

    /// The newest outbox sequence committed by this process.
    pub fn written_seq(&self) -> i64 {
        *self.written.borrow()
    }

    /// Wakes whenever this process commits a write.
    pub fn subscribe_written(&self) -> tokio::sync::watch::Receiver<i64> {
        self.written.subscribe()
    }

    /// Commits a write transaction whose outbox rows end at `seq`, then
    /// announces `seq` in-process.
    pub(crate) async fn commit_write(&self, tx: DatabaseTransaction, seq: i64) -> Result<()> {
        notify::announce(&tx, seq).await?;
        tx.commit().await?;
        self.written.send_if_modified(|current| {
            let newer = seq > *current;
            if newer {
                *current = seq;
            }
            newer
        });
        Ok(())
    }

    /// [`Store::commit_write`] for a write subscribers hear of.
    pub(crate) async fn commit_write_telling(
        &self,
        tx: DatabaseTransaction,
        seq: i64,
        events: &[LiveEvent],
    ) -> Result<()> {
        let here = self.queue_events(&tx, events).await?;
        self.commit_write(tx, seq).await?;
        self.deliver(here);
        Ok(())
    }

    /// The connection pool's state now, for `/metrics`.
    pub fn pool_use(&self) -> PoolUse {
        let (open, idle, max) = match self.backend() {
            DbBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            _ => {
                let pool = self.db.get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
        };
        PoolUse {
            open,
            idle: idle as u32,
            max,
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Starts a write transaction that is serialised with every other
    /// writer of the same database, in any process. On SQLite that is
    /// `BEGIN IMMEDIATE` (no lock upgrades, so no SQLITE_BUSY deadlocks);
    /// on PostgreSQL a transaction-scoped advisory lock, which also makes
    /// outbox sequence numbers commit in order, so a reader that has seen
    /// sequence N can never later find a smaller one appear.
    pub(crate) async fn begin_write(&self) -> Result<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let tx = self.db.begin_with_options(options).await?;
        if tx.get_database_backend() == DbBackend::Postgres {
            tx.execute_unprepared("SELECT pg_advisory_xact_lock(7316823)")
                .await?;
        }
        Ok(tx)
    }
}

/// The current time at the precision both databases store (microseconds),
/// so that a value read back compares equal to the one written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    truncate_to_micros(chrono::Utc::now())
}

pub fn truncate_to_micros(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}
