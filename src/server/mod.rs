//! HTTP: the router, its layers, and start-up. Handlers are thin: they
//! check the transport, resolve the caller and hand the request to the
//! GraphQL schema.

mod client_ip;
mod connections;
mod graphql_http;
mod kept_responses;
mod live;
mod media_type;
mod metrics;
mod playground;
mod probes;
pub mod upkeep;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::ServeConfig;
use anyhow::Context;

use crate::error::{Error, Explain, OperatorResult};
use crate::graphql::{Documents, KbSchema, PublicIds, build_schema};
use crate::rate_limit::RateLimits;
use crate::search::Search;
use crate::search::semantic::{Semantic, run_embedder};
use crate::store::Store;
use connections::{ConnectionLimits, OpenConnections};
use graphql_http::{HttpPolicy, PREFLIGHT_HEADERS, refuse};
use kept_responses::KeptResponses;

/// What every handler shares, behind one `Arc`: axum clones the state for
/// every request.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub store: Store,
    pub search: Search,
    pub schema: KbSchema,
    documents: Arc<Documents>,
    kept: KeptResponses,
    limits: Arc<RateLimits>,
    http: HttpPolicy,
    connections: Arc<OpenConnections>,
    live: Arc<live::LiveClients>,
    metrics: metrics::Metrics,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(config: &ServeConfig, store: Store, search: Search, ids: PublicIds) -> Self {
        let limits = Arc::new(RateLimits::new(
            config.asks_per_minute,
            config.searches_per_minute,
        ));
        let documents = Arc::new(crate::graphql::documents());
        let metrics = metrics::Metrics::new(search.latency());
        let schema = build_schema(
            config,
            store.clone(),
            search.clone(),
            limits.clone(),
            documents.clone(),
            ids,
        );
        AppState(Arc::new(Shared {
            store,
            search,
            schema,
            documents,
            kept: KeptResponses::new(config),
            limits,
            http: HttpPolicy::new(config),
            connections: Arc::default(),
            live: live::LiveClients::new(config.live_connections_per_client),
            metrics,
        }))
    }
}

/// The background work of a running kbql: the indexer following the
/// outbox (woken by other processes' writes on PostgreSQL), the refresh
/// of synonyms edited elsewhere, the embedder when a model is set up, and
/// the heartbeat and pruning (`upkeep`).
pub struct Services {
    pub search: Search,
    store: Store,
    replica_id: String,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Services {
    /// Opens the search index under `data_dir` and starts following the
    /// database. The index catches up in the background; `/readyz` (and
    /// `Search::wait_ready`) say when it has. `cache_bytes` is the memory
    /// for recent results (`ServeConfig::result_cache_bytes`).
    pub async fn start(
        store: &Store,
        data_dir: &Path,
        cache_bytes: u64,
        semantic: Option<Arc<Semantic>>,
        retention: crate::store::Retention,
    ) -> OperatorResult<Services> {
        let replica_id = {
            use anyhow::Context;
            upkeep::replica_id(data_dir).with_context(|| {
                format!(
                    "cannot read or write {}",
                    data_dir.join("replica-id").display()
                )
            })?
        };
        let opened = Search::open(data_dir, store.clone(), cache_bytes, semantic.clone())
            .await
            .explain(|| {
                format!(
                    "cannot open the search index in {}",
                    data_dir.join("index").display()
                )
            })?;
        let (shutdown, stop) = watch::channel(false);
        let mut indexer = opened.indexer;
        let ready = opened.ready;
        let indexing = tokio::spawn(async move {
            let progress = |done: u64, total: u64| {
                if done % 10_000 < 1_000 || done == total {
                    tracing::info!(done, total, "rebuilding the search index");
                }
            };
            if let Err(e) = Search::catch_up(&mut indexer, &progress).await {
                tracing::error!(error = %e, cause = ?e, "search index could not catch up at start-up");
            }
            let _ = ready.send(true);
            indexer.run(stop).await;
        });
        let refresh = tokio::spawn(opened.search.clone().refresh_synonyms(shutdown.subscribe()));
        let mut tasks = vec![indexing, refresh];
        tasks.extend(store.listen_for_writes(shutdown.subscribe()));
        tasks.push(tokio::spawn(upkeep::run(
            store.clone(),
            opened.search.clone(),
            replica_id.clone(),
            retention,
            shutdown.subscribe(),
        )));
        if let Some(semantic) = semantic {
            tasks.push(tokio::spawn(run_embedder(
                semantic,
                store.clone(),
                shutdown.subscribe(),
            )));
        }
        Ok(Services {
            search: opened.search,
            store: store.clone(),
            replica_id,
            shutdown,
            tasks,
        })
    }

    /// Stops the background work; the indexer commits what it has first,
    /// and the queued search log is written.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        upkeep::stopped(&self.store, &self.search, &self.replica_id).await;
        self.search.flush_search_log().await;
    }
}

pub fn router(config: &ServeConfig, state: AppState) -> Router {
    let mut router = Router::new()
        .route("/graphql", get(graphql_http::get).post(graphql_http::post))
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz))
        .route("/metrics", get(probes::metrics));
    if !config.production {
        router = router.route("/playground/{file}", get(playground::asset));
    }
    let mut router = router
        .with_state(state)
        .layer(CatchPanicLayer::custom(panicked));
    if let Some(cors) = cors(&config.cors_origins) {
        router = router.layer(cors);
    }
    router
}

/// Browsers may call the API from the configured origins; with none
/// configured no CORS headers are sent and only same-origin pages can read
/// responses.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<&str> = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .collect();
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()),
        )
    };
    let mut headers = vec![header::CONTENT_TYPE, header::AUTHORIZATION];
    headers.extend(PREFLIGHT_HEADERS.map(HeaderName::from_static));
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(headers)
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(3_600)),
    )
}

/// A panic is a bug; the client still gets a coded error and a correlation
/// id, and the panic text goes to the log only.
fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let text = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
        .to_owned();
    refuse(Error::internal(std::io::Error::other(format!(
        "handler panicked: {text}"
    ))))
}

/// A bound, not yet serving, server: tests read the port before serving.
pub struct Server {
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    connections: Arc<OpenConnections>,
}

impl Server {
    pub async fn bind(
        config: &ServeConfig,
        store: Store,
        search: Search,
    ) -> OperatorResult<Server> {
        let ids = PublicIds::load(&store)
            .await
            .explain(|| "cannot read the key of public ids from the database".to_owned())?;
        let addr = config.bind;
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let state = AppState::new(config, store, search, ids);
        Ok(Server {
            listener,
            limits: ConnectionLimits {
                max_connections: config.max_connections,
                header_timeout: Duration::from_millis(config.header_timeout_ms),
                idle_timeout: Duration::from_millis(config.idle_timeout_ms),
            },
            connections: state.connections.clone(),
            router: router(config, state),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until the process receives Ctrl-C or SIGTERM, then lets
    /// in-flight requests finish (for at most `SHUTDOWN_GRACE`).
    pub async fn run(self) {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` resolves, then lets in-flight requests finish
    /// for at most `SHUTDOWN_GRACE`: a client that never completes its
    /// request must not keep the process, and the index's final commit,
    /// waiting forever.
    pub async fn run_until(self, stop: impl std::future::Future<Output = ()> + Send + 'static) {
        let (stopping, mut stopped) = watch::channel(false);
        let serving = connections::serve(
            self.listener,
            self.router,
            self.limits,
            self.connections,
            async move {
                stop.await;
                let _ = stopping.send(true);
            },
        );
        let grace_over = async move {
            let _ = stopped.wait_for(|s| *s).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        tokio::select! {
            () = serving => {}
            () = grace_over => {
                tracing::warn!(grace = ?SHUTDOWN_GRACE, "requests still running at shutdown; stopping anyway");
            }
        }
    }
}

/// How long in-flight requests may run on after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_a_coded_error_without_its_text() {
        let response = panicked(Box::new(
            "index out of bounds at src/secret.rs:42".to_owned(),
        ));
        assert_eq!(response.status(), 500);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("INTERNAL_SERVER_ERROR"), "{text}");
        assert!(text.contains("correlationId"), "{text}");
        assert!(!text.contains("secret.rs"), "{text}");
    }
}
