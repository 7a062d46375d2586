//! Probes for orchestrators and monitoring: liveness, readiness, metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::AppState;

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

/// Counters in the Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let body = format!(
        "# HELP kbql_sql_statements_total SQL statements run by this process.\n\
         # TYPE kbql_sql_statements_total counter\n\
         kbql_sql_statements_total {}\n\
         # HELP kbql_index_watermark Last outbox sequence the search index reflects.\n\
         # TYPE kbql_index_watermark gauge\n\
         kbql_index_watermark {}\n\
         # HELP kbql_index_posts Posts the search index holds.\n\
         # TYPE kbql_index_posts gauge\n\
         kbql_index_posts {}\n\
         # HELP kbql_index_segments Segments of the search index a search reads.\n\
         # TYPE kbql_index_segments gauge\n\
         kbql_index_segments {}\n\
         # HELP kbql_response_cache_hits_total Public searches answered with a kept response.\n\
         # TYPE kbql_response_cache_hits_total counter\n\
         kbql_response_cache_hits_total {}\n\
         # HELP kbql_http_connections HTTP connections open now.\n\
         # TYPE kbql_http_connections gauge\n\
         kbql_http_connections {}\n\
         # HELP kbql_live_connections Subscription (WebSocket) connections open now.\n\
         # TYPE kbql_live_connections gauge\n\
         kbql_live_connections {}\n\
         # HELP kbql_post_vectors Posts whose meaning vector is loaded (0 without a model).\n\
         # TYPE kbql_post_vectors gauge\n\
         kbql_post_vectors {}\n",
        state.store.sql_statement_count(),
        state.search.applied(),
        state.search.indexed_posts(),
        state.search.index_segments(),
        state.kept.hits(),
        state.connections.get(),
        state.live.open(),
        state.search.semantic().map_or(0, |s| s.vector_count())
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
}
