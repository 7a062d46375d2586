//! Accepting connections and holding them to time: a cap on how many are
//! open at once, a deadline for a request's headers once they begin, and
//! one for a connection that sits idle between requests (or never sends
//! one). Without these a client that opens a connection and sends half a
//! header, or nothing, holds it (and its memory) for ever; a few thousand
//! such clients hold the server. The body has its own deadline, read in
//! the handler (`graphql_http`); a request's run, its own time limit.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};
use tower_service::Service;

/// The limits on connections, from `ServeConfig`.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Open connections at most; past it, new ones wait to be accepted.
    pub max_connections: usize,
    /// From a request's first byte until its headers are complete.
    pub header_timeout: Duration,
    /// A connection with no request under way: after its previous
    /// response, or from when it opened.
    pub idle_timeout: Duration,
}

/// Connections open now, for `/metrics`.
#[derive(Debug, Default)]
pub struct OpenConnections(AtomicU64);

impl OpenConnections {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Serves `router` on `listener` until `stop` resolves, then waits for the
/// open connections to finish their requests (the caller bounds that wait).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    open: Arc<OpenConnections>,
    stop: impl std::future::Future<Output = ()>,
) {
    let capacity = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(capacity));
    // hyper-util's graceful shutdown cannot watch connections that may
    // upgrade, so each connection watches this itself.
    let (stopping, _) = tokio::sync::watch::channel(false);
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before
                    // it was accepted: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let phase = Arc::new(Phase::default());
        let io = TimedIo::new(stream, limits, phase.clone());
        let service = PerConnection {
            router: router.clone(),
            peer,
            phase,
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            // Our own deadlines replace hyper's header timeout, which also
            // runs while a connection is idle.
            .header_read_timeout(None)
            .serve_connection(TokioIo::new(io), service)
            // Subscriptions upgrade the connection to a WebSocket.
            .with_upgrades();
        let open = open.clone();
        open.0.fetch_add(1, Ordering::Relaxed);
        let mut stop = stopping.subscribe();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let mut asked = false;
            let result = loop {
                tokio::select! {
                    result = connection.as_mut() => break result,
                    _ = stop.wait_for(|stop| *stop), if !asked => {
                        // The request under way is answered; no next one
                        // is read.
                        asked = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, %peer, "connection closed");
            }
            open.0.fetch_sub(1, Ordering::Relaxed);
            drop(slot);
        });
    }
    // Stop listening at once, so that clients go elsewhere, while the
    // open connections finish.
    drop(listener);
    let _ = stopping.send(true);
    // Every connection gives its slot back when it ends.
    let _ = slots.acquire_many(capacity as u32).await;
}

/// Whether a request is under way on a connection, shared by the
/// connection's service (which knows when one starts and ends) and its IO
/// (which holds the deadlines).
#[derive(Debug, Default)]
struct Phase {
    busy: AtomicBool,
    /// The connection became a WebSocket: quiet is normal on it (a
    /// subscription waits for events), so the deadlines end; the cap on
    /// such connections per client bounds what they hold.
    upgraded: AtomicBool,
    /// Requests answered so far: each answer starts a new idle period.
    answered: AtomicU64,
}

/// The router for one connection, telling the IO when a request is under
/// way and handing handlers the peer's address.
#[derive(Clone)]
struct PerConnection {
    router: Router,
    peer: SocketAddr,
    phase: Arc<Phase>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for PerConnection {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        self.phase.busy.store(true, Ordering::Relaxed);
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let mut router = self.router.clone();
        let phase = self.phase.clone();
        Box::pin(async move {
            let response = router.call(request).await;
            if let Ok(response) = &response
                && response.status() == axum::http::StatusCode::SWITCHING_PROTOCOLS
            {
                phase.upgraded.store(true, Ordering::Relaxed);
            }
            phase.answered.fetch_add(1, Ordering::Relaxed);
            phase.busy.store(false, Ordering::Relaxed);
            response
        })
    }
}

/// A TCP stream that fails its reads and writes once the connection has
/// been idle, or has been sending headers, for too long.
struct TimedIo {
    stream: TcpStream,
    limits: ConnectionLimits,
    phase: Arc<Phase>,
    /// When the connection's time is up, moved with every request.
    deadline: Instant,
    /// A timer that wakes the connection by `deadline`. It is moved when it
    /// would wake too late or has woken too early, not with every request:
    /// resetting a timer costs more than reading the clock.
    timer: Pin<Box<Sleep>>,
    /// `answered` when the deadline was last set.
    seen: u64,
    /// Bytes of the next request have arrived: its header deadline runs.
    in_head: bool,
}

impl TimedIo {
    fn new(stream: TcpStream, limits: ConnectionLimits, phase: Arc<Phase>) -> Self {
        let deadline = Instant::now() + limits.idle_timeout;
        TimedIo {
            stream,
            limits,
            phase,
            deadline,
            timer: Box::pin(tokio::time::sleep_until(deadline)),
            seen: 0,
            in_head: false,
        }
    }

    /// Whether a deadline applies now: between requests, or inside a
    /// request's headers; not while a request is being handled.
    fn waiting(&mut self) -> bool {
        if self.phase.busy.load(Ordering::Relaxed) || self.phase.upgraded.load(Ordering::Relaxed) {
            self.in_head = false;
            return false;
        }
        let answered = self.phase.answered.load(Ordering::Relaxed);
        if answered != self.seen {
            self.seen = answered;
            self.in_head = false;
            self.deadline = Instant::now() + self.limits.idle_timeout;
        }
        true
    }

    /// Whether the deadline has passed; if not, the timer is armed to wake
    /// the connection by then. Called only when the client keeps it
    /// waiting, so a client that sends each request whole moves no timer.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        if self.timer.deadline() > self.deadline {
            let deadline = self.deadline;
            self.timer.as_mut().reset(deadline);
        }
        loop {
            if self.timer.as_mut().poll(cx).is_pending() {
                return false;
            }
            if Instant::now() >= self.deadline {
                return true;
            }
            // The timer fired for an earlier deadline: re-arm it.
            let deadline = self.deadline;
            self.timer.as_mut().reset(deadline);
        }
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "the client was too slow")
}

impl AsyncRead for TimedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let waiting = this.waiting();
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if waiting && !this.in_head && buf.filled().len() > before {
                    this.in_head = true;
                    this.deadline = Instant::now() + this.limits.header_timeout;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if waiting && this.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let waiting = this.waiting();
        match Pin::new(&mut this.stream).poll_write(cx, buf) {
            // A client that stops reading its answer is as idle as one
            // that stops sending.
            Poll::Pending if waiting && this.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let waiting = this.waiting();
        match Pin::new(&mut this.stream).poll_flush(cx) {
            Poll::Pending if waiting && this.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let waiting = this.waiting();
        match Pin::new(&mut this.stream).poll_write_vectored(cx, bufs) {
            Poll::Pending if waiting && this.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
