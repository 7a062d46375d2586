//! `/metrics` in the OpenMetrics text format (what Prometheus scrapes), by
//! the Prometheus project's own client: GraphQL requests and their
//! latency by operation, errors by code, search latency, how far the index
//! is behind the outbox, the database pool, and the process's counters.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Distinct operation names kept as labels; later names count as
/// `(other)`. Clients choose the names, and each is a time series.
const OPERATION_LABELS: usize = 100;
/// Operation names longer than this count as `(other)` too.
const OPERATION_NAME_BYTES: usize = 64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: String,
    /// The HTTP status of the response.
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    /// `extensions.code`, one of the documented codes.
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    /// `busy` or `idle`.
    state: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// From 100 µs to about 3 s, doubling.
fn request_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.000_1, 2.0, 16))
}

/// Values read when scraped, by whoever owns them.
pub struct Readings {
    pub sql_statements: u64,
    pub response_cache_hits: u64,
    pub index_watermark: i64,
    pub outbox_head: i64,
    /// How long the oldest write the index has not applied has waited.
    pub index_lag: Duration,
    pub index_posts: u64,
    pub index_segments: usize,
    pub post_vectors: usize,
    pub http_connections: u64,
    pub live_connections: usize,
    pub pool: crate::store::PoolUse,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Histograms<OperationLabels>,
    errors: Family<ErrorLabels, Counter>,
    operations: Mutex<HashSet<String>>,
    // Read at scrape time.
    sql_statements: Counter,
    response_cache_hits: Counter,
    index_watermark: Gauge,
    outbox_head: Gauge,
    index_lag_sequences: Gauge,
    index_lag_seconds: Gauge<f64, AtomicU64>,
    index_posts: Gauge,
    index_segments: Gauge,
    post_vectors: Gauge,
    http_connections: Gauge,
    live_connections: Gauge,
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    /// Scrapes turn readings into counter increments one at a time.
    scrape: Mutex<()>,
}

impl Metrics {
    pub fn new(search_latency: crate::search::latency::SearchLatency) -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "kbql_graphql_requests",
            "GraphQL requests over HTTP, by operation name (`(anonymous)` when unnamed, `(batch)` for batches) and HTTP status",
            requests.clone(),
        );
        let durations: Histograms<OperationLabels> =
            Family::new_with_constructor(request_buckets as fn() -> Histogram);
        registry.register(
            "kbql_graphql_request_duration_seconds",
            "Time from a GraphQL request's arrival to its response, by operation name",
            durations.clone(),
        );
        let errors = Family::<ErrorLabels, Counter>::default();
        registry.register(
            "kbql_graphql_errors",
            "GraphQL errors in responses, by extensions.code",
            errors.clone(),
        );
        registry.register(
            "kbql_search_duration_seconds",
            "Searches (search, answer, similar questions, related posts) by what asked and whether a kept page answered",
            search_latency,
        );
        let metrics = Metrics {
            requests,
            durations,
            errors,
            operations: Mutex::default(),
            sql_statements: Counter::default(),
            response_cache_hits: Counter::default(),
            index_watermark: Gauge::default(),
            outbox_head: Gauge::default(),
            index_lag_sequences: Gauge::default(),
            index_lag_seconds: Gauge::default(),
            index_posts: Gauge::default(),
            index_segments: Gauge::default(),
            post_vectors: Gauge::default(),
            http_connections: Gauge::default(),
            live_connections: Gauge::default(),
            pool: Family::default(),
            pool_max: Gauge::default(),
            scrape: Mutex::default(),
            registry,
        };
        metrics.register_readings()
    }

    fn register_readings(mut self) -> Self {
        let r = &mut self.registry;
        r.register(
            "kbql_sql_statements",
            "SQL statements run by this process",
            self.sql_statements.clone(),
        );
        r.register(
            "kbql_response_cache_hits",
            "Public searches answered with a kept response",
            self.response_cache_hits.clone(),
        );
        r.register(
            "kbql_index_watermark",
            "Last outbox sequence the search index reflects",
            self.index_watermark.clone(),
        );
        r.register(
            "kbql_outbox_head",
            "Newest outbox sequence in the database",
            self.outbox_head.clone(),
        );
        r.register(
            "kbql_index_lag_sequences",
            "Outbox entries written that this replica's index has not applied",
            self.index_lag_sequences.clone(),
        );
        r.register(
            "kbql_index_lag_seconds",
            "Age of the oldest outbox entry this replica's index has not applied (0 when caught up)",
            self.index_lag_seconds.clone(),
        );
        r.register(
            "kbql_index_posts",
            "Posts the search index holds",
            self.index_posts.clone(),
        );
        r.register(
            "kbql_index_segments",
            "Segments of the search index a search reads",
            self.index_segments.clone(),
        );
        r.register(
            "kbql_post_vectors",
            "Posts whose meaning vector is loaded (0 without a model)",
            self.post_vectors.clone(),
        );
        r.register(
            "kbql_http_connections",
            "HTTP connections open now (WebSockets included)",
            self.http_connections.clone(),
        );
        r.register(
            "kbql_live_connections",
            "Subscription (WebSocket) connections open now",
            self.live_connections.clone(),
        );
        r.register(
            "kbql_db_pool_connections",
            "Database pool connections open now, busy or idle",
            self.pool.clone(),
        );
        r.register(
            "kbql_db_pool_max_connections",
            "The most connections the database pool opens",
            self.pool_max.clone(),
        );
        self
    }

    /// The label for a request's operation name: the name itself while
    /// fewer than [`OPERATION_LABELS`] are known, `(other)` after.
    pub fn operation(&self, name: Option<&str>) -> String {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return "(anonymous)".to_owned();
        };
        let valid = name.len() <= OPERATION_NAME_BYTES
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return "(other)".to_owned();
        }
        let mut known = self.operations.lock().unwrap_or_else(|p| p.into_inner());
        if known.contains(name) {
            return name.to_owned();
        }
        if known.len() < OPERATION_LABELS {
            known.insert(name.to_owned());
            return name.to_owned();
        }
        "(other)".to_owned()
    }

    pub fn request(&self, operation: String, status: u16, took: Duration) {
        self.durations
            .get_or_create(&OperationLabels {
                operation: operation.clone(),
            })
            .observe(took.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels { operation, status })
            .inc();
    }

    pub fn error(&self, code: &str) {
        self.errors
            .get_or_create(&ErrorLabels {
                code: code.to_owned(),
            })
            .inc();
    }

    /// The text a scrape gets.
    pub fn render(&self, r: Readings) -> String {
        let _one_at_a_time = self.scrape.lock().unwrap_or_else(|p| p.into_inner());
        catch_up(&self.sql_statements, r.sql_statements);
        catch_up(&self.response_cache_hits, r.response_cache_hits);
        self.index_watermark.set(r.index_watermark);
        self.outbox_head.set(r.outbox_head);
        self.index_lag_sequences
            .set((r.outbox_head - r.index_watermark).max(0));
        self.index_lag_seconds.set(r.index_lag.as_secs_f64());
        self.index_posts.set(clamp(r.index_posts));
        self.index_segments.set(clamp(r.index_segments as u64));
        self.post_vectors.set(clamp(r.post_vectors as u64));
        self.http_connections.set(clamp(r.http_connections));
        self.live_connections.set(clamp(r.live_connections as u64));
        let busy = r.pool.open.saturating_sub(r.pool.idle);
        self.pool
            .get_or_create(&PoolLabels { state: "busy" })
            .set(i64::from(busy));
        self.pool
            .get_or_create(&PoolLabels { state: "idle" })
            .set(i64::from(r.pool.idle));
        self.pool_max.set(i64::from(r.pool.max));
        let mut text = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::warn!(error = %e, "encoding the metrics");
        }
        text
    }
}

/// Counters owned elsewhere are read as totals; the exported counter is
/// moved up to the total, never down.
fn catch_up(counter: &Counter, total: u64) {
    counter.inc_by(total.saturating_sub(counter.get()));
}

fn clamp(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::new(crate::search::latency::new())
    }

    #[test]
    fn operation_labels_are_bounded() {
        let m = metrics();
        assert_eq!(m.operation(None), "(anonymous)");
        assert_eq!(m.operation(Some("  ")), "(anonymous)");
        assert_eq!(m.operation(Some("Search")), "Search");
        assert_eq!(m.operation(Some("bad name\"}")), "(other)");
        assert_eq!(m.operation(Some(&"A".repeat(65))), "(other)");
        for n in 0..OPERATION_LABELS {
            m.operation(Some(&format!("Op{n}")));
        }
        assert_eq!(m.operation(Some("Search")), "Search", "known names stay");
        assert_eq!(m.operation(Some("OneMore")), "(other)");
    }

    #[test]
    fn counters_read_elsewhere_only_go_up() {
        let counter = Counter::default();
        catch_up(&counter, 5);
        catch_up(&counter, 3);
        catch_up(&counter, 9);
        assert_eq!(counter.get(), 9);
    }
}
