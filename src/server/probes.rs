//! Probes for orchestrators and monitoring: liveness, readiness, metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::AppState;
use super::metrics::Readings;

/// 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// 200 once the search index has caught up with the database at start-up.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.search.is_ready() {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "search index catching up")
    }
}

/// `/metrics`, in the OpenMetrics text format.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let watermark = state.search.applied();
    // A database that does not answer leaves the lag unknown (0) rather
    // than failing the scrape: /healthz says the database is down.
    let (head, oldest_unapplied) = state
        .store
        .outbox_lag(watermark)
        .await
        .unwrap_or((watermark, None));
    let lag = oldest_unapplied
        .and_then(|at| (crate::store::now() - at).to_std().ok())
        .unwrap_or_default();
    let readings = Readings {
        sql_statements: state.store.sql_statement_count(),
        response_cache_hits: state.kept.hits(),
        index_watermark: watermark,
        outbox_head: head,
        index_lag: lag,
        index_posts: state.search.indexed_posts(),
        index_segments: state.search.index_segments(),
        post_vectors: state.search.semantic().map_or(0, |s| s.vector_count()),
        http_connections: state.connections.get(),
        live_connections: state.live.open(),
        pool: state.store.pool_use(),
    };
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(readings),
    )
}
