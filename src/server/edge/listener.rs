//! The accept loop: how many connections the server holds, for how long, and how it stops.
//!
//! `axum::serve` has no connection cap and no timeouts, so one client could hold every file
//! descriptor. This loop accepts connections itself and serves each with hyper's HTTP/1
//! connection:
//! - a cap on open connections in total and per client address (IPv6 by /64), chosen below
//!   the process's file limit (`RLIMIT_NOFILE`, read at start-up): half of what is left
//!   after a reserve, since a connection sending a file of the site holds that file's
//!   descriptor as well as its socket (with every connection streaming a file, the
//!   database and the search index would otherwise find no descriptor left); a connection
//!   over the per-client cap is closed at once, which frees its descriptor;
//! - **room for newcomers when the total cap is full**: a few clients each filling their
//!   share (nine addresses × an eighth of the cap) would otherwise shut every other
//!   client out for as long as they keep their connections open. When the total cap is
//!   reached, the connection of a client holding fewer connections than the client
//!   holding the most is let in by closing one of that heaviest client's connections,
//!   the one that made progress (a byte read or written) least recently: a stalled or
//!   idle one before one in use. A new client therefore always gets in unless every
//!   client holds at most one connection more than it, clients filling the cap converge
//!   on equal shares, and a flood from a few addresses evicts only its own connections.
//!   The trusted proxy's connections (one address for every proxied client) are counted
//!   in the total but never closed this way. Such closes are counted and logged (at most
//!   once per 10 s). A connection from a client already holding as many as the client
//!   with the most is closed at once, as before;
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
//!
//! A connection closed to make room frees its descriptor as soon as its task next runs
//! (at once, on another worker thread); the descriptors reserved below the file limit
//! cover the few such closes in flight.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
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
    /// Most connections open at once (default and ceiling: half the process's file limit
    /// less a reserve, since a connection sending a file holds two descriptors; the chosen
    /// figure is printed at start-up).
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
                // A connection holds its socket and, while it sends a file of the site,
                // that file: two descriptors each.
                usize::try_from(limit.saturating_sub(reserve) / 2)
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

/// Every open connection: how many in total and per client address, and for each
/// keyed connection when it last made progress and how to close it to make room.
struct Connections {
    table: Mutex<Table>,
    /// Progress times are milliseconds since this instant.
    epoch: std::time::Instant,
}

#[derive(Default)]
struct Table {
    /// Open connections, the trusted proxy's included.
    total: usize,
    /// Per client key: its open connections by id.
    clients: HashMap<IpAddr, HashMap<u64, Open>>,
    /// `(open connections, key)` of every client in `clients`, to find the heaviest.
    by_size: BTreeSet<(usize, IpAddr)>,
    next_id: u64,
}

/// One counted connection of a client.
struct Open {
    /// When it last read or wrote a byte (see [`Connections::epoch`]).
    progress: Arc<AtomicU64>,
    /// Closes it (its task drops the connection).
    close: oneshot::Sender<()>,
}

/// Why a connection was not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Its client holds the per-client cap already.
    ClientCap,
    /// The total cap is reached and no client holds more than one more than it.
    Full,
}

/// A connection let in: its place under the caps (given back when dropped), the signal
/// that it must close to make room, and its progress time.
struct Admitted {
    slot: Slot,
    closed: oneshot::Receiver<()>,
    progress: Arc<AtomicU64>,
    /// Whether another client's connection was closed to let it in.
    evicted: bool,
}

/// One connection's place under the caps; given back when dropped.
struct Slot {
    connections: Arc<Connections>,
    /// The client key, `None` for the trusted proxy (counted in the total only).
    key: Option<IpAddr>,
    id: u64,
}

impl Connections {
    fn new() -> Connections {
        Connections {
            table: Mutex::new(Table::default()),
            epoch: std::time::Instant::now(),
        }
    }

    /// Milliseconds since [`Connections::epoch`].
    fn now_ms(epoch: std::time::Instant) -> u64 {
        u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Lets a connection from `key` (`None`: the trusted proxy) in under `caps`, closing
    /// the least-progressing connection of the heaviest client if the total cap is full
    /// and that client holds at least two more than `key` does.
    fn admit(
        self: &Arc<Self>,
        key: Option<IpAddr>,
        caps: ConnectionCaps,
    ) -> Result<Admitted, Refusal> {
        let mut table = self.table.lock().unwrap_or_else(|p| p.into_inner());
        let own = key.map_or(0, |k| table.clients.get(&k).map_or(0, HashMap::len));
        if key.is_some() && own >= caps.per_client {
            return Err(Refusal::ClientCap);
        }
        let mut evicted = false;
        if table.total >= caps.total {
            let victim = table
                .by_size
                .last()
                .copied()
                .filter(|&(size, _)| size >= own + 2);
            let Some((_, victim)) = victim else {
                return Err(Refusal::Full);
            };
            let stalest = table.clients.get(&victim).and_then(|open| {
                open.iter()
                    .min_by_key(|(id, o)| (o.progress.load(Ordering::Relaxed), **id))
                    .map(|(id, _)| *id)
            });
            let Some(open) = stalest.and_then(|id| table.remove(victim, id)) else {
                return Err(Refusal::Full);
            };
            let _ = open.close.send(());
            evicted = true;
        }
        let id = table.next_id;
        table.next_id += 1;
        table.total += 1;
        let progress = Arc::new(AtomicU64::new(Self::now_ms(self.epoch)));
        let (close, closed) = oneshot::channel();
        if let Some(key) = key {
            let before = own;
            table.by_size.remove(&(before, key));
            table.by_size.insert((before + 1, key));
            table.clients.entry(key).or_default().insert(
                id,
                Open {
                    progress: Arc::clone(&progress),
                    close,
                },
            );
        }
        Ok(Admitted {
            slot: Slot {
                connections: Arc::clone(self),
                key,
                id,
            },
            closed,
            progress,
            evicted,
        })
    }
}

impl Table {
    /// Takes connection `id` of `key` out of the counts; `None` if it is not counted
    /// (already closed to make room).
    fn remove(&mut self, key: IpAddr, id: u64) -> Option<Open> {
        let open = self.clients.get_mut(&key)?;
        let before = open.len();
        let removed = open.remove(&id)?;
        self.by_size.remove(&(before, key));
        if open.is_empty() {
            self.clients.remove(&key);
        } else {
            self.by_size.insert((before - 1, key));
        }
        self.total = self.total.saturating_sub(1);
        Some(removed)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut table = self
            .connections
            .table
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        match self.key {
            // A connection closed to make room was uncounted then.
            Some(key) => {
                table.remove(key, self.id);
            }
            None => table.total = table.total.saturating_sub(1),
        }
    }
}

/// A rate-limited warning: at most one line per [`CAP_LOG_INTERVAL`], with a running count.
#[derive(Default)]
struct Counted {
    count: AtomicU64,
    logged_at: Mutex<Option<std::time::Instant>>,
}

impl Counted {
    /// Counts one more; `Some(count so far)` when it is time to log.
    fn record(&self) -> Option<u64> {
        let count = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        let mut logged_at = self.logged_at.lock().unwrap_or_else(|p| p.into_inner());
        if logged_at.is_none_or(|t| t.elapsed() >= CAP_LOG_INTERVAL) {
            *logged_at = Some(std::time::Instant::now());
            Some(count)
        } else {
            None
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
    let connections = Arc::new(Connections::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut backoff = MIN_ACCEPT_BACKOFF;
    let refused = Counted::default();
    let evictions = Counted::default();
    let stalled = Arc::new(Counted::default());
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
        let key = (trusted_proxy != Some(peer.ip()))
            .then(|| crate::server::edge::limits::client_key(peer.ip()));
        let admitted = match connections.admit(key, caps) {
            Ok(admitted) => admitted,
            Err(Refusal::ClientCap) => {
                tracing::debug!("closing a connection from {peer}: per-client cap reached");
                continue;
            }
            Err(Refusal::Full) => {
                if refused.record().is_some() {
                    tracing::warn!(
                        "{} connections open, the most allowed, none from a client holding \
                         more than its share: closing new ones until some end",
                        caps.total
                    );
                }
                continue;
            }
        };
        if admitted.evicted
            && let Some(count) = evictions.record()
        {
            tracing::warn!(
                "{} connections open, the most allowed: closed the stalest connection of \
                 the client holding the most to let another in ({count} so far)",
                caps.total
            );
        }
        let _ = stream.set_nodelay(true);
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(opts.header_timeout)
            .max_buf_size(MAX_READ_BUFFER)
            .keep_alive(true)
            .serve_connection(
                TokioIo::new(WriteDeadline {
                    inner: stream,
                    timeout: opts.write_timeout,
                    stalled_since: None,
                    count: Arc::clone(&stalled),
                    progress: admitted.progress,
                    epoch: connections.epoch,
                }),
                service(app.clone(), peer, opts.body_timeout),
            );
        let conn = graceful.watch(conn);
        tokio::spawn(hold_connection(conn, admitted.slot, admitted.closed));
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

/// Runs one connection to its end, or until it is closed to make room, holding its
/// place under the caps.
async fn hold_connection<F: Future<Output = Result<(), hyper::Error>>>(
    conn: F,
    _slot: Slot,
    closed: oneshot::Receiver<()>,
) {
    tokio::select! {
        ended = conn => {
            if let Err(e) = ended {
                tracing::debug!("connection ended: {e}");
            }
        }
        // Also when the sender is gone, which happens only once this task ends.
        _ = closed => tracing::debug!("closed a connection to make room for another client"),
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

/// A connection's stream whose writes fail once none has made progress for the timeout:
/// the timer starts when a write cannot proceed and is cleared by any progress. Every
/// byte read or written also stamps the connection's progress time, by which the
/// stalest connection is chosen when one must close to make room.
struct WriteDeadline {
    inner: tokio::net::TcpStream,
    timeout: Duration,
    stalled_since: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Connections closed for making no write progress.
    count: Arc<Counted>,
    progress: Arc<AtomicU64>,
    epoch: std::time::Instant,
}

impl WriteDeadline {
    /// After a write that could not proceed: whether the deadline has passed (the timer
    /// starts now if it was not running).
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Error> {
        let timeout = self.timeout;
        let sleep = self
            .stalled_since
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                if let Some(closed) = self.count.record() {
                    tracing::warn!(
                        "closed a connection that made no write progress for {timeout:?} \
                         ({closed} so far): a client not reading its responses"
                    );
                }
                Poll::Ready(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no write progress",
                ))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// After a write: clears the stall timer and stamps progress if bytes went out.
    fn wrote(&mut self, done: &std::io::Result<usize>) {
        self.stalled_since = None;
        if matches!(done, Ok(n) if *n > 0) {
            self.stamp();
        }
    }

    fn stamp(&self) {
        self.progress
            .store(Connections::now_ms(self.epoch), Ordering::Relaxed);
    }
}

impl tokio::io::AsyncRead for WriteDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.stamp();
        }
        read
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
            Poll::Ready(done) => {
                self.wrote(&done);
                Poll::Ready(done)
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
            Poll::Ready(done) => {
                self.wrote(&done);
                Poll::Ready(done)
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
    fn a_full_table_makes_room_by_closing_the_heaviest_clients_stalest_connection() {
        let caps = ConnectionCaps {
            total: 4,
            per_client: 3,
        };
        let table = Arc::new(Connections::new());
        let total = || table.table.lock().expect("table").total;
        let (a, b, newcomer) = (
            IpAddr::from([10, 0, 0, 1]),
            IpAddr::from([10, 0, 0, 2]),
            IpAddr::from([10, 0, 0, 3]),
        );
        let mut from_a: Vec<Admitted> = (0..3)
            .map(|_| table.admit(Some(a), caps).expect("a"))
            .collect();
        assert_eq!(
            table.admit(Some(a), caps).err(),
            Some(Refusal::ClientCap),
            "a holds its share"
        );
        let from_b = table.admit(Some(b), caps).expect("b");
        assert!(!from_b.evicted);
        assert_eq!(total(), 4);
        // The second of a's connections made progress least recently.
        for (open, at) in from_a.iter().zip([50, 10, 90]) {
            open.progress.store(at, Ordering::Relaxed);
        }
        let mut from_newcomer = table.admit(Some(newcomer), caps).expect("room is made");
        assert!(from_newcomer.evicted);
        assert_eq!(total(), 4);
        assert_eq!(from_a[1].closed.try_recv(), Ok(()), "the stalest is closed");
        assert!(from_a[0].closed.try_recv().is_err());
        assert!(from_a[2].closed.try_recv().is_err());
        assert!(from_newcomer.closed.try_recv().is_err());
        // Now a holds 2, b and the newcomer 1 each: nobody holds two more than they do.
        assert_eq!(table.admit(Some(newcomer), caps).err(), Some(Refusal::Full));
        assert_eq!(table.admit(Some(b), caps).err(), Some(Refusal::Full));
        assert_eq!(table.admit(Some(a), caps).err(), Some(Refusal::Full));
        // The closed connection's task ends: it was uncounted already.
        drop(from_a.remove(1));
        assert_eq!(total(), 4);
        drop(from_b);
        assert_eq!(total(), 3);
        let again = table.admit(Some(b), caps).expect("a place is free");
        assert!(!again.evicted);
        // The trusted proxy counts in the total and is never closed to make room: a client
        // holding none is let in by closing the stalest of a's two.
        drop(again);
        let mut proxied = table.admit(None, caps).expect("proxy");
        assert_eq!(total(), 4);
        let b_again = table.admit(Some(b), caps).expect("b");
        assert!(b_again.evicted);
        assert_eq!(from_a[0].closed.try_recv(), Ok(()));
        assert!(proxied.closed.try_recv().is_err());
        drop(proxied);
        assert_eq!(total(), 3);
    }

    #[test]
    fn caps_stay_below_the_file_limit() {
        let opts = ConnectionOptions::default();
        let caps = ConnectionCaps::choose(&opts, Some(1024));
        assert_eq!(caps.total, (1024 - 128) / 2);
        assert_eq!(caps.per_client, 56);
        let low = ConnectionCaps::choose(&opts, Some(256));
        assert_eq!(
            low,
            ConnectionCaps {
                total: 96,
                per_client: 16
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
                total: 448,
                per_client: 5
            }
        );
    }
}
