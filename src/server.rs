//! HTTP: the router, its handlers, and start-up. Handlers are thin: they
//! resolve the caller and hand the request to the GraphQL schema.

use std::net::SocketAddr;
use std::path::Path;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::{self, Principal};
use crate::config::ServeConfig;
use crate::error::{Error, Result};
use crate::graphql::{KbSchema, RequestContext, build_schema};
use crate::search::Search;
use crate::store::Store;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub search: Search,
    pub schema: KbSchema,
}

impl AppState {
    pub fn new(config: &ServeConfig, store: Store, search: Search) -> Self {
        let schema = build_schema(config, store.clone(), search.clone());
        AppState {
            store,
            search,
            schema,
        }
    }
}

/// The background work of a running kbql: the indexer following the
/// outbox, and the refresh of synonyms edited elsewhere.
pub struct Services {
    pub search: Search,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Services {
    /// Opens the search index under `data_dir` and starts following the
    /// database. The index catches up in the background; `/readyz` (and
    /// `Search::wait_ready`) say when it has.
    pub async fn start(store: &Store, data_dir: &Path) -> Result<Services> {
        let opened = Search::open(data_dir, store.clone()).await?;
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
        Ok(Services {
            search: opened.search,
            shutdown,
            tasks: vec![indexing, refresh],
        })
    }

    /// Stops the background work; the indexer commits what it has first.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// A bound, not yet serving, server: tests read the port before serving.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn bind(config: &ServeConfig, store: Store, search: Search) -> Result<Server> {
        let addr = config.bind;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| Error::bad_input(format!("cannot listen on {addr}: {e}")))?;
        Ok(Server {
            listener,
            state: AppState::new(config, store, search),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until the process receives Ctrl-C or SIGTERM, then lets
    /// in-flight requests finish.
    pub async fn run(self) -> Result<()> {
        axum::serve(self.listener, router(self.state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(Error::internal)
    }

    /// Serves until `stop` resolves (for tests and embedding).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        axum::serve(self.listener, router(self.state))
            .with_graceful_shutdown(stop)
            .await
            .map_err(Error::internal)
    }
}

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

#[tracing::instrument(name = "graphql", skip_all)]
async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let header = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"));
    let principal = match auth::authenticate(&state.store, header).await {
        Ok(Some(p)) => p,
        Ok(None) => return refuse(Error::Unauthenticated, StatusCode::UNAUTHORIZED),
        Err(e) => return refuse(e, StatusCode::INTERNAL_SERVER_ERROR),
    };
    if let Principal::Staff { token_id, role, .. } = &principal {
        tracing::debug!(token_id, %role, "staff request");
    }
    let request = RequestContext { principal }.attach(request.into_inner(), &state.store);
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}

/// A GraphQL-shaped error response for failures before execution.
fn refuse(err: Error, status: StatusCode) -> Response {
    let gql: async_graphql::Error = err.into();
    let body = async_graphql::Response::from_errors(vec![
        gql.into_server_error(async_graphql::Pos::default()),
    ]);
    (status, axum::Json(body)).into_response()
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("kbql")
            .finish(),
    )
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// 200 once the search index has caught up with the database at start-up.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.search.is_ready() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "search index catching up")
    }
}

/// Counters in the Prometheus text format.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "# HELP kbql_sql_statements_total SQL statements run by this process.\n\
         # TYPE kbql_sql_statements_total counter\n\
         kbql_sql_statements_total {}\n\
         # HELP kbql_index_watermark Last outbox sequence the search index reflects.\n\
         # TYPE kbql_index_watermark gauge\n\
         kbql_index_watermark {}\n\
         # HELP kbql_index_posts Posts the search index holds.\n\
         # TYPE kbql_index_posts gauge\n\
         kbql_index_posts {}\n",
        state.store.sql_statement_count(),
        state.search.applied(),
        state.search.indexed_posts()
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
