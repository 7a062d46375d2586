//! Subscriptions over WebSocket at `/graphql` (graphql-transport-ws, the
//! protocol current clients speak, and the older graphql-ws): who may
//! open one, how many, and what runs on it.
//!
//! A browser sends its cookies with a WebSocket opened by any page, and
//! CORS does not apply to WebSockets, so the upgrade itself checks the
//! page's origin. Credentials come in `connection_init`'s payload, the
//! only place browser clients can put them.

use std::any::TypeId;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Data, Executor, Request, Response as GqlResponse};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use futures_util::SinkExt as _;
use futures_util::stream::{self, BoxStream, StreamExt};

use super::AppState;
use super::graphql_http::refuse;
use crate::auth::{self, Principal};
use crate::domain::Limits;
use crate::error::Error;
use crate::graphql::{Prepared, RequestContext, SubscriptionSlots};
use crate::rate_limit::ClientIp;

/// Open subscription connections by client address, against the
/// per-client cap (`ServeConfig::live_connections_per_client`).
pub struct LiveClients {
    per_client: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One admitted connection; it frees its place when dropped.
pub struct Admitted {
    clients: Arc<LiveClients>,
    client: IpAddr,
}

impl LiveClients {
    pub fn new(per_client: usize) -> Arc<Self> {
        Arc::new(LiveClients {
            per_client,
            open: Mutex::default(),
        })
    }

    fn admit(self: &Arc<Self>, client: IpAddr) -> Result<Admitted, Error> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(client).or_default();
        if *count >= self.per_client {
            return Err(Error::TooManyLiveConnections(self.per_client));
        }
        *count += 1;
        Ok(Admitted {
            clients: self.clone(),
            client,
        })
    }

    /// Subscription connections open now, for `/metrics`.
    pub fn open(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.values().sum()
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.clients.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// A page may open a subscription from the server's own origin or one of
/// `--cors-origins`; a client that is no browser sends no `Origin`.
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/');
    let own = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
        });
    own || allowed
        .iter()
        .map(|a| a.trim().trim_end_matches('/'))
        .any(|a| a == "*" || a.eq_ignore_ascii_case(origin))
}

/// `GET /graphql` with `Upgrade: websocket`.
pub fn upgrade(
    state: AppState,
    client: IpAddr,
    headers: &HeaderMap,
    ws: WebSocketUpgrade,
    protocol: GraphQLProtocol,
) -> Response {
    if !origin_allowed(headers, &state.http.cors_origins) {
        return refuse(Error::OriginRefused);
    }
    let admitted = match state.live.admit(client) {
        Ok(admitted) => admitted,
        Err(e) => return refuse(e),
    };
    let store = state.store.clone();
    let executor = LiveExecutor { state, client };
    ws.protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let mut data = Data::default();
            data.insert(SubscriptionSlots::default());
            let (initialised, mut told) = tokio::sync::watch::channel(false);
            let ending = Arc::new(AtomicU8::new(Ending::INVALID));
            let (sink, incoming) = socket.split();
            let sink = {
                let ending = ending.clone();
                sink.with(move |message: Message| {
                    std::future::ready(Ok::<_, axum::Error>(close_code(message, &ending)))
                })
            };
            // A connection that never says who it is would hold one of its
            // client's few places for as long as it liked: past its time,
            // it is closed (4408).
            let deadline = {
                let ending = ending.clone();
                async move {
                    let in_time = tokio::time::timeout(
                        Limits::LIVE_INIT_TIME,
                        told.wait_for(|initialised| *initialised),
                    )
                    .await
                    .is_ok_and(|told| told.is_ok());
                    if in_time {
                        return None;
                    }
                    ending.store(Ending::TIMED_OUT, Ordering::Release);
                    tracing::debug!(%client, "closed a connection that sent no connection_init");
                    // A failed read would end the connection without a
                    // close frame; a message outside the protocol makes
                    // async-graphql close it, and `close_code` says why.
                    Some(Ok(Message::text("{}")))
                }
            };
            // The client's messages and the deadline's, ending when the
            // client's end (not when the deadline passes too), so that a
            // client gone before saying who it is frees its place at once.
            let incoming = stream::select(
                incoming
                    .map(Some)
                    .chain(stream::once(std::future::ready(None))),
                stream::once(deadline)
                    .filter_map(std::future::ready)
                    .map(Some),
            )
            .take_while(|message| std::future::ready(message.is_some()))
            .filter_map(std::future::ready);
            let refused = ending.clone();
            GraphQLWebSocket::new_with_pair(sink, incoming, executor, protocol)
                .with_data(data)
                .on_connection_init(move |payload| async move {
                    initialised.send_replace(true);
                    let principal = caller(&store, &payload).await.inspect_err(|_| {
                        refused.store(Ending::REFUSED, Ordering::Release);
                    })?;
                    let mut data = Data::default();
                    data.insert(principal);
                    Ok(data)
                })
                .serve()
                .await;
            drop(admitted);
        })
}

/// Why a connection is being closed, where graphql-transport-ws gives the
/// reason a code of its own; async-graphql closes all three as 1002.
struct Ending;

impl Ending {
    /// A message that is not the protocol's (4400 Invalid message).
    const INVALID: u8 = 0;
    /// `connection_init` with a token that failed (4403 Forbidden).
    const REFUSED: u8 = 1;
    /// No `connection_init` within `Limits::LIVE_INIT_TIME` (4408
    /// Connection initialisation timeout).
    const TIMED_OUT: u8 = 2;
}

/// A close frame's reason is at most 123 bytes (RFC 6455's 125 for the
/// frame, less the code); a longer one is a protocol error at the client.
const CLOSE_REASON_BYTES: usize = 123;

/// `message`, with a protocol-error close (1002) given the code of why,
/// and its reason cut to what a close frame holds.
fn close_code(message: Message, ending: &AtomicU8) -> Message {
    match message {
        Message::Close(Some(frame)) if frame.code == 1002 => {
            let (code, reason) = match ending.load(Ordering::Acquire) {
                Ending::REFUSED => (4403, frame.reason.as_str()),
                Ending::TIMED_OUT => (4408, "connection initialisation timeout"),
                _ => (4400, frame.reason.as_str()),
            };
            Message::Close(Some(CloseFrame {
                code,
                reason: reason[..reason.floor_char_boundary(CLOSE_REASON_BYTES)].into(),
            }))
        }
        other => other,
    }
}

/// Who the connection acts for, from `connection_init`'s payload:
/// `{"authorization": "Bearer <token>"}` (any capitalisation of the key),
/// or nothing for a visitor. A token that is sent and fails ends the
/// connection (4403 Forbidden), as a request with a bad token is refused.
async fn caller(
    store: &crate::store::Store,
    payload: &serde_json::Value,
) -> async_graphql::Result<Principal> {
    let header = payload.as_object().and_then(|fields| {
        fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.as_str().unwrap_or("invalid"))
    });
    match auth::authenticate(store, header).await {
        Ok(Some(principal)) => Ok(principal),
        Ok(None) => Err(Error::Unauthenticated.into()),
        Err(e) => Err(e.into()),
    }
}

/// Runs what arrives on a connection through the same preparation as
/// over HTTP (the document limits), with the connection's caller.
#[derive(Clone)]
struct LiveExecutor {
    state: AppState,
    client: IpAddr,
}

impl LiveExecutor {
    fn refused(error: Error) -> BoxStream<'static, GqlResponse> {
        stream::once(async move { GqlResponse::from_errors(vec![error.into()]) }).boxed()
    }
}

impl Executor for LiveExecutor {
    async fn execute(&self, request: Request) -> GqlResponse {
        self.execute_stream(request, None)
            .next()
            .await
            .unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        session: Option<Arc<Data>>,
    ) -> BoxStream<'static, GqlResponse> {
        let state = &self.state;
        if request.query.len() > state.http.max_query_bytes {
            return Self::refused(Error::TooLarge(format!(
                "the query text is over {} bytes",
                state.http.max_query_bytes
            )));
        }
        let prepared = match state.documents.prepare(request) {
            Ok(prepared) => prepared,
            Err(refused) => return Self::refused(refused),
        };
        let Prepared {
            request, mutates, ..
        } = prepared;
        if mutates {
            return Self::refused(Error::bad_input(
                "send mutations over HTTP (POST /graphql); this connection carries subscriptions",
            ));
        }
        let principal = session
            .as_ref()
            .and_then(|data| data.get(&TypeId::of::<Principal>()))
            .and_then(|p| p.downcast_ref::<Principal>())
            .cloned()
            .unwrap_or(Principal::Anonymous);
        let request = RequestContext { principal }
            .attach(request, &state.store)
            .data(ClientIp(self.client));
        match session {
            Some(session) => state
                .schema
                .execute_stream_with_session_data(request, session)
                .boxed(),
            None => state.schema.execute_stream(request).boxed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, origin.parse().unwrap());
        }
        headers
    }

    fn closed(message: Message) -> (u16, String) {
        match message {
            Message::Close(Some(frame)) => (frame.code, frame.reason.to_string()),
            other => panic!("not a close: {other:?}"),
        }
    }

    #[test]
    fn protocol_errors_close_with_the_code_of_why() {
        let close = |code: u16, reason: &str| {
            Message::Close(Some(CloseFrame {
                code,
                reason: reason.into(),
            }))
        };
        let ending = AtomicU8::new(Ending::INVALID);
        // A reason past what a close frame holds is cut at a character.
        let (code, reason) = closed(close_code(close(1002, &"é".repeat(100)), &ending));
        assert_eq!((code, reason.len()), (4400, 122));
        ending.store(Ending::REFUSED, Ordering::Release);
        assert_eq!(
            closed(close_code(close(1002, "bad token"), &ending)),
            (4403, "bad token".to_owned())
        );
        ending.store(Ending::TIMED_OUT, Ordering::Release);
        assert_eq!(closed(close_code(close(1002, "x"), &ending)).0, 4408);
        // Other closes and messages pass as they are.
        assert_eq!(closed(close_code(close(1000, "bye"), &ending)).0, 1000);
        assert!(matches!(
            close_code(Message::text("{}"), &ending),
            Message::Text(_)
        ));
    }

    #[test]
    fn pages_from_other_origins_may_not_subscribe() {
        let none: &[String] = &[];
        let widget = ["https://clinic.example".to_owned()];
        assert!(origin_allowed(&headers(None, "kb:8080"), none));
        assert!(origin_allowed(
            &headers(Some("http://kb:8080"), "kb:8080"),
            none
        ));
        assert!(!origin_allowed(
            &headers(Some("https://evil.example"), "kb:8080"),
            none
        ));
        assert!(origin_allowed(
            &headers(Some("https://clinic.example"), "kb:8080"),
            &widget
        ));
        assert!(!origin_allowed(
            &headers(Some("http://kb:9999"), "kb:8080"),
            &widget
        ));
        assert!(origin_allowed(
            &headers(Some("https://any.example"), "kb"),
            &["*".to_owned()]
        ));
    }

    #[test]
    fn each_client_has_its_own_cap() {
        let clients = LiveClients::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = clients.admit(a).unwrap();
        let _second = clients.admit(a).unwrap();
        assert!(matches!(
            clients.admit(a),
            Err(Error::TooManyLiveConnections(2))
        ));
        let _other = clients.admit(b).unwrap();
        assert_eq!(clients.open(), 3);
        drop(first);
        assert!(clients.admit(a).is_ok());
    }
}
