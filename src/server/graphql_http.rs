//! GraphQL over HTTP at `/graphql`: what a request must look like before
//! the schema sees it, and which HTTP status each refusal gets.
//!
//! The stock extractor of async-graphql-axum runs whatever arrives (a
//! mutation in a GET, a form post, a batch, a body of any size); this one
//! accepts a JSON body within the limits, or a read-only GET.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use async_graphql::http::parse_query_string;
use async_graphql::{BatchRequest, Request, Response as GqlResponse, ServerError, Value};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::AppState;
use super::client_ip::TrustedProxies;
use super::media_type::ResponseType;
use crate::auth::{self, Principal};
use crate::config::ServeConfig;
use crate::error::Error;
use crate::graphql::limits::ReadOnlyTransport;
use crate::graphql::{Prepared, Replay, RequestContext, ResponseKey};
use crate::limits::Limits;
use crate::rate_limit::ClientIp;

/// Headers a browser cannot add to a cross-site request without a CORS
/// preflight; either one vouches for a non-JSON POST (Apollo's rule).
pub const PREFLIGHT_HEADERS: [&str; 2] = ["apollo-require-preflight", "x-apollo-operation-name"];

/// The limits of the transport, from `ServeConfig`.
pub struct HttpPolicy {
    max_body_bytes: usize,
    pub(super) max_query_bytes: usize,
    max_batch: usize,
    timeout: Duration,
    body_timeout: Duration,
    graphiql: bool,
    proxies: TrustedProxies,
    /// Origins whose pages may call the API (`--cors-origins`), which
    /// subscriptions check themselves.
    pub(super) cors_origins: Vec<String>,
}

impl HttpPolicy {
    pub fn new(config: &ServeConfig) -> Self {
        HttpPolicy {
            max_body_bytes: config.max_body_bytes,
            max_query_bytes: config.max_query_bytes,
            max_batch: config.max_batch,
            timeout: Duration::from_millis(config.request_timeout_ms),
            body_timeout: Duration::from_millis(config.body_timeout_ms),
            graphiql: !config.production,
            proxies: TrustedProxies::new(config.trusted_proxies.clone()),
            cors_origins: config.cors_origins.clone(),
        }
    }
}

#[tracing::instrument(name = "graphql", skip_all, fields(method = "POST", client))]
pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let response = match ResponseType::negotiate(&headers) {
        Ok(media) => stamp(
            media,
            post_as(state.clone(), peer, headers, body, media).await,
        ),
        Err(e) => refuse(e),
    };
    measured(&state, started, response)
}

/// The operation a response answered, for `/metrics`; `execute` sets it,
/// and a request refused before it has none.
#[derive(Clone)]
struct Operation(String);

/// The code of an error that refused a request before execution.
#[derive(Clone, Copy)]
struct RefusedWith(&'static str);

/// Counts a finished request in `/metrics`.
fn measured(state: &AppState, started: Instant, response: Response) -> Response {
    let operation = response
        .extensions()
        .get::<Operation>()
        .map_or_else(|| "(refused)".to_owned(), |o| o.0.clone());
    if let Some(RefusedWith(code)) = response.extensions().get::<RefusedWith>() {
        state.metrics.error(code);
    }
    state
        .metrics
        .request(operation, response.status().as_u16(), started.elapsed());
    response
}

async fn post_as(
    state: AppState,
    peer: SocketAddr,
    headers: HeaderMap,
    body: Body,
    media: ResponseType,
) -> Response {
    let policy = &state.http;
    let client = policy.proxies.client(peer.ip(), &headers);
    tracing::Span::current().record("client", tracing::field::display(client));
    let body_type = match check_content_type(&headers) {
        Ok(body_type) => body_type,
        Err(e) => return refuse(e),
    };
    // A multipart body carries a visitor's photo besides the request.
    let limit = match body_type {
        BodyType::Json => policy.max_body_bytes,
        BodyType::Multipart => policy.max_body_bytes + Limits::PHOTO_BYTES,
    };
    let reading = read_body(&headers, body, limit);
    let body = match tokio::time::timeout(policy.body_timeout, reading)
        .await
        .unwrap_or(Err(Error::BodyTimeout))
    {
        Ok(body) => body,
        Err(e) => return refuse(e),
    };
    let parsed = match body_type {
        BodyType::Json => serde_json::from_slice::<BatchRequest>(&body)
            .map_err(|e| Error::bad_input(format!("the body is not a GraphQL request: {e}"))),
        BodyType::Multipart => multipart(&headers, &body).await,
    };
    let batch = match parsed {
        Ok(batch) => batch,
        Err(e) => return refuse(e),
    };
    // A batch gets an array back, even a batch of one.
    let (requests, single) = match batch {
        BatchRequest::Single(request) => (vec![request], true),
        BatchRequest::Batch(requests) => {
            if let Err(e) = check_batch(requests.len(), policy.max_batch) {
                return refuse(e);
            }
            (requests, false)
        }
    };
    execute(&state, &headers, client, requests, single, media).await
}

/// Labels a JSON response with the negotiated type (what was refused
/// before execution included); the playground's page keeps its own.
fn stamp(media: ResponseType, mut response: Response) -> Response {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, media.header_value());
    }
    response
}

#[tracing::instrument(name = "graphql", skip_all, fields(method = "GET", client))]
pub async fn get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    let started = Instant::now();
    let websocket = is_websocket(request.headers());
    let response = get_as(state.clone(), peer, request).await;
    // A subscription's connection is not a request to time, nor is the
    // playground's page.
    if websocket
        || response.extensions().get::<Operation>().is_none() && response.status().is_success()
    {
        return response;
    }
    measured(&state, started, response)
}

async fn get_as(state: AppState, peer: SocketAddr, request: axum::extract::Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let headers = &parts.headers;
    let client = state.http.proxies.client(peer.ip(), headers);
    tracing::Span::current().record("client", tracing::field::display(client));
    if is_websocket(headers) {
        return subscribe(state, client, &mut parts).await;
    }
    let query = parts.uri.query().unwrap_or_default();
    if query.is_empty() {
        return if state.http.graphiql {
            super::playground::page()
        } else {
            refuse(Error::bad_input(
                "send a GraphQL query: POST a JSON body, or GET with ?query=",
            ))
        };
    }
    let media = match ResponseType::negotiate(headers) {
        Ok(media) => media,
        Err(e) => return refuse(e),
    };
    let response = match parse_query_string(query) {
        Ok(request) => {
            let request = request.data(ReadOnlyTransport);
            execute(&state, headers, client, vec![request], true, media).await
        }
        Err(e) => refuse(Error::bad_input(format!(
            "invalid GraphQL GET request: {e}"
        ))),
    };
    stamp(media, response)
}

fn is_websocket(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// A WebSocket upgrade for subscriptions (`server::live`); one that is
/// not a GraphQL WebSocket is refused before it is upgraded.
async fn subscribe(
    state: AppState,
    client: IpAddr,
    parts: &mut axum::http::request::Parts,
) -> Response {
    use axum::extract::FromRequestParts;
    use axum::extract::ws::WebSocketUpgrade;
    let ws = match WebSocketUpgrade::from_request_parts(parts, &state).await {
        Ok(ws) => ws,
        Err(rejection) => {
            return refuse(Error::bad_input(format!(
                "not a WebSocket upgrade: {rejection}"
            )));
        }
    };
    let Ok(protocol) = async_graphql_axum::GraphQLProtocol::from_request_parts(parts, &state).await
    else {
        return refuse(Error::bad_input(
            "ask for the graphql-transport-ws (or graphql-ws) subprotocol in Sec-WebSocket-Protocol",
        ));
    };
    super::live::upgrade(state, client, &parts.headers, ws, protocol)
}

/// What a POST's body holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyType {
    Json,
    /// The GraphQL multipart request spec's form: the operation, a map,
    /// and one file (a visitor's photo).
    Multipart,
}

async fn multipart(headers: &HeaderMap, body: &[u8]) -> Result<BatchRequest, Error> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let options = async_graphql::http::MultipartOptions::default()
        .max_num_files(1)
        .max_file_size(Limits::PHOTO_BYTES);
    async_graphql::http::receive_batch_body(content_type, body, options)
        .await
        .map_err(|e| match e {
            async_graphql::ParseRequestError::PayloadTooLarge => Error::TooLarge(format!(
                "a photo must be at most {} MiB",
                Limits::PHOTO_BYTES >> 20
            )),
            other => Error::bad_input(format!(
                "the multipart body is not a GraphQL request: {other}"
            )),
        })
}

/// A JSON body passes; a body a browser may send cross-site without a
/// preflight passes only with a header that forced one.
fn check_content_type(headers: &HeaderMap) -> Result<BodyType, Error> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let preflighted = PREFLIGHT_HEADERS
        .iter()
        .any(|name| headers.get(*name).is_some_and(|v| !v.is_empty()));
    match media_type.as_str() {
        "application/json" | "application/graphql-response+json" => Ok(BodyType::Json),
        // An upload, from a client that proved it is not a forged form.
        "multipart/form-data" if preflighted => Ok(BodyType::Multipart),
        // A form cannot carry a GraphQL request; refuse it outright once
        // it is known not to be forged.
        "application/x-www-form-urlencoded" if preflighted => Err(Error::UnsupportedMediaType),
        "" | "text/plain" if preflighted => Ok(BodyType::Json),
        "" | "text/plain" | "application/x-www-form-urlencoded" | "multipart/form-data" => {
            Err(Error::CsrfSuspected)
        }
        _ => Err(Error::UnsupportedMediaType),
    }
}

async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, Error> {
    let too_large = || Error::TooLarge(format!("the request body is over {limit} bytes"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    // Past the declared length, the only way to fail is a body that keeps
    // coming (or a client that went away, which reads no answer anyway).
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())
}

fn check_batch(len: usize, max: usize) -> Result<(), Error> {
    if max == 0 {
        Err(Error::bad_input(
            "batched requests are not accepted: send one operation per request",
        ))
    } else if len == 0 || len > max {
        Err(Error::bad_input(format!(
            "a batch must hold 1 to {max} operations, got {len}"
        )))
    } else {
        Ok(())
    }
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    client: IpAddr,
    requests: Vec<Request>,
    single: bool,
    media: ResponseType,
) -> Response {
    // Read once the document has been prepared (and so is known).
    let named = match (single, requests.first()) {
        (true, Some(r)) => Some((r.query.clone(), r.operation_name.clone())),
        _ => None,
    };
    let mut response = execute_as(state, headers, client, requests, single, media).await;
    let operation = match named {
        Some((query, name)) => {
            let name = state.documents.operation_name(&query, name.as_deref());
            state.metrics.operation(name.as_deref())
        }
        None => "(batch)".to_owned(),
    };
    response.extensions_mut().insert(Operation(operation));
    response
}

async fn execute_as(
    state: &AppState,
    headers: &HeaderMap,
    client: IpAddr,
    requests: Vec<Request>,
    single: bool,
    media: ResponseType,
) -> Response {
    let policy = &state.http;
    let names: Vec<String> = requests
        .iter()
        .map(|r| r.operation_name.clone().unwrap_or_default())
        .collect();
    if requests.iter().any(|r| r.query.trim().is_empty()) {
        return refuse(Error::bad_input("the request has no query"));
    }
    if let Some(long) = requests
        .iter()
        .find(|r| r.query.len() > policy.max_query_bytes)
    {
        return refuse(Error::TooLarge(format!(
            "the query text is {} bytes; at most {} are allowed",
            long.query.len(),
            policy.max_query_bytes
        )));
    }
    let header = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("invalid"));
    // Only a request without credentials is answered as anyone else's
    // would be; the generation is taken first, so that what is kept under
    // it is at least as new as it.
    let kept_key = match (single, header, requests.first()) {
        (true, None, Some(request)) => ResponseKey::new(state.search.generation(), request),
        _ => None,
    };
    if let Some(key) = &kept_key
        && let Some(response) = state.kept.serve(key, client, &state.limits, &state.search)
    {
        return response;
    }
    let principal = match auth::authenticate(&state.store, header).await {
        Ok(Some(p)) => p,
        Ok(None) => return refuse(Error::Unauthenticated),
        Err(e) => return refuse(e),
    };
    if let Principal::Staff { token_id, role, .. } = &principal {
        tracing::debug!(token_id, %role, "staff request");
    }
    let mut replay = None;
    let mut mutates = false;
    // A request refused while its document is prepared gets its error in
    // its place (of a batch, too).
    let requests: Vec<Result<Request, ServerError>> = requests
        .into_iter()
        .map(|r| {
            let prepared = state.documents.prepare(r)?;
            mutates |= prepared.mutates;
            let Prepared {
                request, cacheable, ..
            } = prepared;
            let request = RequestContext {
                principal: principal.clone(),
            }
            .attach(request, &state.store)
            .data(ClientIp(client));
            Ok(if cacheable && kept_key.is_some() {
                let recorder = Replay::default();
                replay = Some(recorder.clone());
                request.data(recorder)
            } else {
                request
            })
        })
        .collect();
    let run = async {
        let mut responses = Vec::with_capacity(requests.len());
        for (request, name) in requests.into_iter().zip(&names) {
            // One span an operation, whatever the batch.
            let span =
                tracing::info_span!("operation", name = %name, errors = tracing::field::Empty);
            let response = match request {
                Ok(request) => state.schema.execute(request).instrument(span.clone()).await,
                Err(refused) => GqlResponse::from_errors(vec![refused]),
            };
            span.record("errors", response.errors.len());
            responses.push(response);
        }
        responses
    };
    // A mutation may have committed by the time the limit passes, and an
    // answer of TIMEOUT would then lie: it runs to its end, which its own
    // waits bound (the database's busy timeout, the index wait).
    let mut responses = if mutates {
        run.await
    } else {
        match tokio::time::timeout(policy.timeout, run).await {
            Ok(responses) => responses,
            Err(_) => {
                tracing::warn!(timeout = ?policy.timeout, "request timed out");
                return refuse(Error::Timeout);
            }
        }
    };
    // A failure goes the usual way below: its status and codes are set
    // there, and it is not kept.
    if let (Some(key), Some(replay)) = (kept_key, replay)
        && responses[0].errors.is_empty()
    {
        return state.kept.keep(key, responses.remove(0), replay);
    }
    for response in &mut responses {
        code_every_error(response);
        cap_errors(response);
    }
    for code in codes(&responses) {
        if let Value::String(code) = code {
            state.metrics.error(code);
        }
    }
    let mut status = status_of(&responses);
    // Under the current media type, a request that could not run at all
    // (it did not parse or validate) is the client's error.
    if media == ResponseType::GraphqlResponse
        && status == StatusCode::OK
        && single
        && never_ran(&responses[0])
    {
        status = StatusCode::BAD_REQUEST;
    }
    let retry_after = retry_after(&responses);
    let mut response = if single {
        (status, axum::Json(Shown(responses.remove(0)))).into_response()
    } else {
        let all: Vec<Shown> = responses.into_iter().map(Shown).collect();
        (status, axum::Json(all)).into_response()
    };
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    response
}

/// Errors raised by async-graphql itself (syntax, validation, limits,
/// argument coercion) carry no code; every error a client sees must.
fn code_every_error(response: &mut GqlResponse) {
    let executed = !never_ran(response);
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            let code = if executed {
                "BAD_USER_INPUT"
            } else {
                "GRAPHQL_VALIDATION_FAILED"
            };
            extensions.set("code", code);
        }
    }
}

/// Past [`Limits::ERRORS_PER_RESPONSE`] errors, one more says how many were
/// left out: a document can be written to fail in thousands of places,
/// and a client learns nothing from the thousandth.
const MAX_ERRORS: usize = Limits::ERRORS_PER_RESPONSE;

fn cap_errors(response: &mut GqlResponse) {
    if response.errors.len() <= MAX_ERRORS {
        return;
    }
    let left_out = response.errors.len() - MAX_ERRORS;
    let code = response.errors[0]
        .extensions
        .as_ref()
        .and_then(|e| e.get("code").cloned())
        .unwrap_or_else(|| Value::from("GRAPHQL_VALIDATION_FAILED"));
    response.errors.truncate(MAX_ERRORS);
    let mut more = ServerError::new(
        format!("{left_out} more errors are not shown; fix these first"),
        None,
    );
    more.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    response.errors.push(more);
}

fn codes(responses: &[GqlResponse]) -> impl Iterator<Item = &Value> {
    responses
        .iter()
        .flat_map(|r| &r.errors)
        .filter_map(|e| e.extensions.as_ref()?.get("code"))
}

fn status_of(responses: &[GqlResponse]) -> StatusCode {
    let has = |code: &str| codes(responses).any(|c| c == &Value::from(code));
    if has("RATE_LIMITED") {
        StatusCode::TOO_MANY_REQUESTS
    } else if has("METHOD_NOT_ALLOWED") {
        StatusCode::METHOD_NOT_ALLOWED
    } else {
        StatusCode::OK
    }
}

fn retry_after(responses: &[GqlResponse]) -> Option<u64> {
    responses
        .iter()
        .flat_map(|r| &r.errors)
        .filter_map(|e| match e.extensions.as_ref()?.get("retryAfter")? {
            Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .max()
}

/// A GraphQL-shaped error response for a request refused before execution.
pub fn refuse(err: Error) -> Response {
    let status = match &err {
        Error::Unauthenticated => StatusCode::UNAUTHORIZED,
        Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::MutationOverGet => StatusCode::METHOD_NOT_ALLOWED,
        Error::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Error::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
        Error::Timeout => StatusCode::SERVICE_UNAVAILABLE,
        Error::OriginRefused => StatusCode::FORBIDDEN,
        Error::TooManyLiveConnections(_) => StatusCode::TOO_MANY_REQUESTS,
        Error::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let code = err.code();
    let body = GqlResponse::from_errors(vec![err.into()]);
    let mut response = (status, axum::Json(Shown(body))).into_response();
    response.extensions_mut().insert(RefusedWith(code));
    response
}

/// Whether `response` answers a request refused before execution (it did
/// not parse or validate, or was refused first): errors and no data.
fn never_ran(response: &GqlResponse) -> bool {
    response.data == Value::Null && !response.errors.is_empty()
}

/// A response as the client sees it: one that never ran (it did not
/// parse or validate, or was refused first) has no `data` entry at all,
/// as the GraphQL spec asks of errors raised before execution.
struct Shown(GqlResponse);

impl serde::Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Unrun<'a> {
            errors: &'a [ServerError],
        }
        let r = &self.0;
        if never_ran(r) {
            Unrun { errors: &r.errors }.serialize(serializer)
        } else {
            r.serialize(serializer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_type(ct: Option<&str>, extra: Option<(&'static str, &str)>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(ct) = ct {
            h.insert(header::CONTENT_TYPE, ct.parse().unwrap());
        }
        if let Some((name, value)) = extra {
            h.insert(name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn json_passes_and_simple_bodies_need_a_preflight_header() {
        assert!(
            check_content_type(&with_type(Some("application/json; charset=utf-8"), None)).is_ok()
        );
        for simple in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            None,
        ] {
            assert!(
                matches!(
                    check_content_type(&with_type(simple, None)),
                    Err(Error::CsrfSuspected)
                ),
                "{simple:?}"
            );
        }
        let vouched = Some(("apollo-require-preflight", "true"));
        assert!(check_content_type(&with_type(Some("text/plain"), vouched)).is_ok());
        // An upload (a visitor's photo) from a client that forced a preflight.
        assert!(matches!(
            check_content_type(&with_type(Some("multipart/form-data"), vouched)),
            Ok(BodyType::Multipart)
        ));
        assert!(matches!(
            check_content_type(&with_type(
                Some("application/x-www-form-urlencoded"),
                vouched
            )),
            Err(Error::UnsupportedMediaType)
        ));
        assert!(matches!(
            check_content_type(&with_type(Some("application/xml"), None)),
            Err(Error::UnsupportedMediaType)
        ));
    }

    #[test]
    fn batches_are_refused_unless_configured() {
        assert!(check_batch(2, 0).is_err());
        assert!(check_batch(2, 5).is_ok());
        assert!(check_batch(6, 5).is_err());
        assert!(check_batch(0, 5).is_err());
    }
}
