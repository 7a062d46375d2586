use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::error::{Error, Result};

/// How long a SQLite writer waits for another process's write lock before
/// giving up: long enough for an import batch, short of a client timeout.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// One connection tried before the pool is made: a pool retries a refused
/// connection until its timeout and then reports only that it timed out,
/// while one attempt says why ("connection refused", "password
/// authentication failed").
async fn probe_postgres(url: &str) -> Result<()> {
    use sea_orm::sqlx::Connection;
    let attempt = sea_orm::sqlx::PgConnection::connect(url);
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(Error::internal(e)),
        Err(_) => Err(Error::internal(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no answer in {} s", CONNECT_TIMEOUT.as_secs()),
        ))),
    }
}

/// How long connecting may take before the database is taken for dead.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) async fn open(url: &str, counter: Arc<AtomicU64>) -> Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(CONNECT_TIMEOUT)
        .acquire_timeout(CONNECT_TIMEOUT);
    if url.starts_with("sqlite:") {
        options.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    } else if !url.starts_with("postgres:") && !url.starts_with("postgresql:") {
        return Err(Error::bad_input(
            "database URL must start with sqlite: or postgres:",
        ));
    } else {
        options.max_connections(16);
        probe_postgres(url).await?;
    }
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    Ok(db)
}
