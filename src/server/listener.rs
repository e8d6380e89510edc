//! The accept loop: how many connections the server holds, for how long, and how it stops.
//!
//! `axum::serve` has no connection cap and no timeouts, so one client could hold every file
//! descriptor. This loop accepts connections itself and serves each with hyper's HTTP/1
//! connection:
//! - a cap on open connections in total and per client address (IPv6 by /64), chosen below
//!   the process's file limit (`RLIMIT_NOFILE`, read at start-up); a connection over a cap
//!   is closed at once, which frees its descriptor;
//! - a header-read timeout, which hyper also starts whenever a keep-alive connection goes
//!   idle, so it is the idle timeout too;
//! - a deadline on reading each request body;
//! - a write timeout: a connection whose responses make no write progress for
//!   `--write-timeout` (a reader that stopped reading, perhaps with many pipelined
//!   requests queued behind) is closed, which frees its place under the caps and the
//!   memory of the response it held; such closes are counted and logged (at most once
//!   per 10 s). Pipelined requests queue in hyper's read buffer, bounded to
//!   [`MAX_READ_BUFFER`] bytes per connection: hyper reads the next request only once the
//!   response before it is written;
//! - a growing pause after an accept error (such as "too many open files") instead of a
//!   busy loop;
//! - graceful shutdown that lets requests in flight finish for a bounded time, then closes
//!   the rest.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// Descriptors kept free for everything but connections (the database, the search index,
/// files being served, rebuilds), at the least.
const MIN_RESERVED_FILES: u64 = 64;
/// The first pause after an accept error; it doubles up to [`MAX_ACCEPT_BACKOFF`].
const MIN_ACCEPT_BACKOFF: Duration = Duration::from_millis(5);
/// At most one "connection cap reached" line per this interval.
const CAP_LOG_INTERVAL: Duration = Duration::from_secs(10);
/// The longest pause after repeated accept errors.
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);
/// The most bytes of requests (pipelined ones included) hyper buffers per connection.
pub const MAX_READ_BUFFER: usize = 64 * 1024;

/// How connections are limited; set from `copbook serve` flags.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectionOptions {
    /// Most connections open at once (default and ceiling: the process's file limit less a
    /// reserve; the chosen figure is printed at start-up).
    #[arg(long)]
    pub max_connections: Option<usize>,
    /// Most connections open at once from one client address, IPv6 counted by /64
    /// (default: an eighth of --max-connections, at least 16). The trusted proxy is exempt.
    #[arg(long)]
    pub max_connections_per_client: Option<usize>,
    /// Time allowed to send a request's headers, and to stay idle between requests on a
    /// kept-alive connection (e.g. `10s`, `500ms`).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// Time allowed to send a request's body.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub body_timeout: Duration,
    /// Time a connection may go without any of its response being written (the client
    /// not reading) before it is closed.
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    pub write_timeout: Duration,
    /// On Ctrl-C or SIGTERM, time given to requests in flight before the rest are closed.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
}

impl Default for ConnectionOptions {
    fn default() -> Self {
        ConnectionOptions {
            max_connections: None,
            max_connections_per_client: None,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(20),
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// Parses `250ms`, `10s` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit_ms) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000)
    } else {
        (s, 1000)
    };
    let n: u64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: write e.g. `10s` or `500ms`"))?;
    if n == 0 {
        return Err(format!("`{s}`: the duration must be more than zero"));
    }
    Ok(Duration::from_millis(n.saturating_mul(unit_ms)))
}

/// The connection caps chosen at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionCaps {
    /// Most connections in total.
    pub total: usize,
    /// Most connections from one client address.
    pub per_client: usize,
}

impl ConnectionCaps {
    /// Caps below `file_limit` (the soft `RLIMIT_NOFILE`; `None` when unknown), lowered
    /// further by the options.
    pub fn choose(opts: &ConnectionOptions, file_limit: Option<u64>) -> ConnectionCaps {
        let ceiling = match file_limit {
            Some(limit) => {
                let reserve = MIN_RESERVED_FILES.max(limit / 8);
                usize::try_from(limit.saturating_sub(reserve))
                    .unwrap_or(usize::MAX)
                    .max(1)
            }
            None => 1024,
        };
        let total = opts
            .max_connections
            .map_or(ceiling, |m| m.clamp(1, ceiling));
        let per_client = opts
            .max_connections_per_client
            .unwrap_or((total / 8).max(16))
            .clamp(1, total);
        ConnectionCaps { total, per_client }
    }
}

/// The process's soft limit on open files, when the platform reports one.
pub fn file_limit() -> Option<u64> {
    match rlimit::Resource::NOFILE.get() {
        Ok((soft, _hard)) if soft != rlimit::INFINITY => Some(soft),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!("cannot read the open-file limit: {e}");
            None
        }
    }
}

/// Open connections per client address, for the per-client cap.
#[derive(Default)]
struct PerClient {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One counted connection; uncounts itself when dropped.
struct ClientSlot {
    table: Arc<PerClient>,
    key: IpAddr,
}

impl PerClient {
    fn try_take(self: &Arc<Self>, key: IpAddr, cap: usize) -> Option<ClientSlot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(key).or_insert(0);
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            table: Arc::clone(self),
            key,
        })
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self.table.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits at most
/// `opts.shutdown_grace` for open connections. Connections from `trusted_proxy` are
/// exempt from the per-client cap (every proxied client shares its address).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    opts: &ConnectionOptions,
    caps: ConnectionCaps,
    trusted_proxy: Option<IpAddr>,
    shutdown: impl Future<Output = ()>,
) {
    let total = Arc::new(Semaphore::new(caps.total));
    let per_client = Arc::new(PerClient::default());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut backoff = MIN_ACCEPT_BACKOFF;
    let mut refused_logged_at: Option<tokio::time::Instant> = None;
    let stalled = Arc::new(StalledCount::default());
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(ok) => {
                backoff = MIN_ACCEPT_BACKOFF;
                ok
            }
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                if backoff == MIN_ACCEPT_BACKOFF {
                    tracing::warn!("accept error: {e}; pausing new connections");
                }
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_ACCEPT_BACKOFF);
                continue;
            }
        };
        let key = super::limits::client_key(peer.ip());
        let client_slot = if trusted_proxy == Some(peer.ip()) {
            None
        } else {
            match per_client.try_take(key, caps.per_client) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!("closing a connection from {key}: per-client cap reached");
                    continue;
                }
            }
        };
        let Ok(permit) = Arc::clone(&total).try_acquire_owned() else {
            if refused_logged_at.is_none_or(|t| t.elapsed() >= CAP_LOG_INTERVAL) {
                tracing::warn!(
                    "{} connections open, the most allowed: closing new ones until some end",
                    caps.total
                );
                refused_logged_at = Some(tokio::time::Instant::now());
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(opts.header_timeout)
            .max_buf_size(MAX_READ_BUFFER)
            .keep_alive(true)
            .serve_connection(
                TokioIo::new(WriteDeadline::new(
                    stream,
                    opts.write_timeout,
                    Arc::clone(&stalled),
                )),
                service(app.clone(), peer, opts.body_timeout),
            );
        let conn = graceful.watch(conn);
        tokio::spawn(hold_connection(conn, permit, client_slot));
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(opts.shutdown_grace) => {
            tracing::warn!(
                "connections still open after {:?}: closing them",
                opts.shutdown_grace
            );
        }
    }
}

/// Runs one connection to its end, holding its places under the caps.
async fn hold_connection<F: Future<Output = Result<(), hyper::Error>>>(
    conn: F,
    _permit: OwnedSemaphorePermit,
    _slot: Option<ClientSlot>,
) {
    if let Err(e) = conn.await {
        tracing::debug!("connection ended: {e}");
    }
}

/// The hyper service for one connection: the router, told the peer's address, with a
/// deadline on each request body.
fn service(
    app: Router,
    peer: SocketAddr,
    body_timeout: Duration,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>>
             + Send
             + 'static,
> + Clone {
    hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut req = req.map(|body| Body::new(DeadlineBody::new(body, body_timeout)));
        req.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(req)
    })
}

/// Errors that concern one connection only (it was reset before we accepted it).
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// Connections closed for making no write progress, and when that was last logged.
#[derive(Default)]
struct StalledCount {
    closed: std::sync::atomic::AtomicU64,
    logged_at: Mutex<Option<std::time::Instant>>,
}

impl StalledCount {
    fn record(&self, timeout: Duration) {
        let closed = self
            .closed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let mut logged_at = self.logged_at.lock().unwrap_or_else(|p| p.into_inner());
        if logged_at.is_none_or(|t| t.elapsed() >= CAP_LOG_INTERVAL) {
            *logged_at = Some(std::time::Instant::now());
            tracing::warn!(
                "closed a connection that made no write progress for {timeout:?} \
                 ({closed} so far): a client not reading its responses"
            );
        }
    }
}

/// A connection's stream whose writes fail once none has made progress for the timeout:
/// the timer starts when a write cannot proceed and is cleared by any progress.
struct WriteDeadline {
    inner: tokio::net::TcpStream,
    timeout: Duration,
    stalled_since: Option<Pin<Box<tokio::time::Sleep>>>,
    count: Arc<StalledCount>,
}

impl WriteDeadline {
    fn new(inner: tokio::net::TcpStream, timeout: Duration, count: Arc<StalledCount>) -> Self {
        WriteDeadline {
            inner,
            timeout,
            stalled_since: None,
            count,
        }
    }

    /// After a write that could not proceed: whether the deadline has passed (the timer
    /// starts now if it was not running).
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Error> {
        let timeout = self.timeout;
        let sleep = self
            .stalled_since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.count.record(timeout);
                Poll::Ready(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no write progress",
                ))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl tokio::io::AsyncRead for WriteDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for WriteDeadline {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Pending => self.poll_deadline(cx).map(Err),
            done => {
                self.stalled_since = None;
                done
            }
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.poll_deadline(cx).map(Err),
            done => {
                self.stalled_since = None;
                done
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending => self.poll_deadline(cx).map(Err),
            done => done,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that fails once its deadline passes.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl DeadlineBody {
    fn new(inner: Incoming, timeout: Duration) -> DeadlineBody {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }
}

/// The request body was not sent in time.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body deadline passed.
    #[error("the request body was not sent in time")]
    TimedOut,
    /// The connection failed.
    #[error(transparent)]
    Hyper(#[from] hyper::Error),
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BodyError>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(BodyError::from)));
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(BodyError::TimedOut)));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("ten").is_err());
    }

    #[test]
    fn caps_stay_below_the_file_limit() {
        let opts = ConnectionOptions::default();
        let caps = ConnectionCaps::choose(&opts, Some(1024));
        assert_eq!(caps.total, 1024 - 128);
        assert_eq!(caps.per_client, 112);
        let low = ConnectionCaps::choose(&opts, Some(256));
        assert_eq!(
            low,
            ConnectionCaps {
                total: 192,
                per_client: 24
            }
        );
        let asked = ConnectionOptions {
            max_connections: Some(100_000),
            max_connections_per_client: Some(5),
            ..ConnectionOptions::default()
        };
        assert_eq!(
            ConnectionCaps::choose(&asked, Some(1024)),
            ConnectionCaps {
                total: 896,
                per_client: 5
            }
        );
    }
}
