//! Serving a kept response again, and keeping a new one (what may be kept
//! is decided in `graphql::response_cache`).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use async_graphql::{BatchResponse, Response as GqlResponse};
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::config::ServeConfig;
use crate::graphql::{CachedResponse, Replay, ResponseCache, ResponseKey, response_cache};
use crate::rate_limit::{Bucket, RateLimits};
use crate::search::Search;

pub struct KeptResponses {
    cache: ResponseCache,
    hits: AtomicU64,
}

impl KeptResponses {
    pub fn new(config: &ServeConfig) -> Self {
        KeptResponses {
            cache: response_cache(config),
            hits: AtomicU64::new(0),
        }
    }

    /// Requests answered with a kept response so far.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// The kept response to `key`, when there is one and `client`'s quota
    /// allows what it cost the first time; its searches are logged again.
    /// A refusal is left to the full execution, which explains it.
    pub fn serve(
        &self,
        key: &ResponseKey,
        client: IpAddr,
        limits: &RateLimits,
        search: &Search,
    ) -> Option<Response> {
        let started = Instant::now();
        let kept = self.cache.get(key)?;
        limits
            .check_n(Bucket::Search, client, kept.replay.search_quota)
            .ok()?;
        for (params, total) in &kept.replay.searches {
            search.log_search(params, *total, started, true);
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(json(kept.body))
    }

    /// Encodes `response` (one without errors), keeping it under `key`
    /// when it has data and `replay` recorded everything it did.
    pub fn keep(&self, key: ResponseKey, response: GqlResponse, replay: Replay) -> Response {
        let succeeded = response.errors.is_empty() && response.data != async_graphql::Value::Null;
        let body = match serde_json::to_vec(&BatchResponse::Single(response)) {
            Ok(body) => Bytes::from(body),
            Err(e) => {
                tracing::error!(error = %e, "encoding a response");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        if succeeded && let Some(recorded) = replay.into_recorded() {
            self.cache.insert(
                key,
                CachedResponse {
                    body: body.clone(),
                    replay: Arc::new(recorded),
                },
            );
        }
        json(body)
    }
}

fn json(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
