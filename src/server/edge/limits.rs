//! Abuse limits: who the client is, and how often it may do something.
//!
//! [`client_ip`] names the client (the peer, or the address the trusted proxy saw);
//! [`client_key`] groups addresses one client can rotate through (an IPv6 /64, an
//! IPv4-mapped IPv6 address as its IPv4 address). [`RateLimiter`] is a keyed GCRA limit
//! (the "generic cell rate algorithm": one instant per client, constant time per check)
//! split over shards so that checks from different clients rarely wait on one lock;
//! entries that no longer limit anyone are swept once a shard doubles, so memory stays
//! bounded by the clients seen within one window.
//!
//! An IPv6 subscriber is commonly given a /56 or a /48, not one /64, so an IPv6 action is
//! counted three times ([`client_keys`]): against its /64 with the limit's allowance,
//! against its /56 with [`SLASH_56_SHARE`] times it, and against its /48 with
//! [`SLASH_48_SHARE`] times it; it is allowed only when all three allow it. A subscriber
//! rotating /64s gets at most 16 times one address's allowance; neighbours who share a
//! /48 (a small provider's customers) share that much between them.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// The window a limit is counted over, for [`RateLimiter::new`].
const WINDOW: Duration = Duration::from_secs(60);
/// Shards of the client table (a power of two).
const SHARDS: usize = 16;
/// Most clients one shard tracks; beyond it the stalest entry is dropped.
const MAX_PER_SHARD: usize = 1 << 16;

/// The client's address: the peer, or, when the peer is the trusted proxy, the right-most
/// `X-Forwarded-For` entry that is not the proxy itself. Entries further left are the
/// client's own claims and are never used; if the right-most candidate is not an address,
/// the proxy's own address is used.
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trusted_proxy: Option<IpAddr>) -> IpAddr {
    let Some(proxy) = trusted_proxy.filter(|p| p.to_canonical() == peer.ip().to_canonical()) else {
        return peer.ip();
    };
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in entries.iter().rev() {
        match parse_forwarded(entry) {
            Some(ip) if ip.to_canonical() == proxy.to_canonical() => continue,
            Some(ip) => return ip,
            None => return peer.ip(),
        }
    }
    peer.ip()
}

/// [`client_ip`] of a request, from the peer address the listener attached; requests
/// without one (driven in-process) count as the unspecified address.
pub fn request_client<B>(req: &axum::http::Request<B>, trusted_proxy: Option<IpAddr>) -> IpAddr {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0);
    client_ip(peer, req.headers(), trusted_proxy)
}

/// An `X-Forwarded-For` entry: an address, with or without a port.
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The key a client is counted under: IPv4 addresses as they are (IPv4-mapped IPv6 too),
/// IPv6 addresses by their /64, which one subscriber usually holds whole.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
    }
}

/// How many times a /64's allowance an IPv6 /56 is allowed.
pub const SLASH_56_SHARE: u32 = 4;
/// How many times a /64's allowance an IPv6 /48 is allowed.
pub const SLASH_48_SHARE: u32 = 16;

/// What one action is counted against: a key (an address or a network, with its prefix
/// length) and how many times the limit's allowance it has.
pub fn client_keys(ip: IpAddr) -> Vec<((IpAddr, u8), u32)> {
    match client_key(ip) {
        IpAddr::V4(v4) => vec![((IpAddr::V4(v4), 32), 1)],
        IpAddr::V6(v6) => {
            let net = |len: u32| {
                let bits = u128::from(v6) & !(u128::MAX >> len);
                IpAddr::V6(Ipv6Addr::from(bits))
            };
            vec![
                ((net(64), 64), 1),
                ((net(56), 56), SLASH_56_SHARE),
                ((net(48), 48), SLASH_48_SHARE),
            ]
        }
    }
}

/// A limit of `burst` actions per client per window, refilled evenly across the window.
pub struct RateLimiter {
    /// Actions allowed per client per window (a minute for submissions); 0: no limit.
    pub per_minute: u32,
    /// Time between two actions at the steady rate; zero switches the limit off.
    interval: Duration,
    /// How far ahead of `now` a client's schedule may run: (burst - 1) × interval.
    tolerance: Duration,
    /// The window, to work out the steady rate of a wider IPv6 network.
    window: Duration,
    shards: Vec<Mutex<Shard>>,
    hasher: std::collections::hash_map::RandomState,
}

/// One shard: each client's theoretical arrival time (when its schedule is clear again),
/// by address or network and prefix length.
#[derive(Default)]
struct Shard {
    clear_at: HashMap<(IpAddr, u8), Instant>,
    /// Sweep when the table reaches this size.
    sweep_at: usize,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` actions per client per minute; 0 switches it off.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter::per_window(per_minute, WINDOW)
    }

    /// A limiter allowing `burst` actions per client within `window`, refilled evenly;
    /// 0 switches it off.
    pub fn per_window(burst: u32, window: Duration) -> RateLimiter {
        let (interval, tolerance) = match burst {
            0 => (Duration::ZERO, Duration::ZERO),
            n => {
                let interval = window / n;
                (interval, interval * (n - 1))
            }
        };
        RateLimiter {
            per_minute: burst,
            interval,
            tolerance,
            window,
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    /// The steady interval and the tolerance of a key with `share` times the allowance.
    fn schedule(&self, share: u32) -> (Duration, Duration) {
        if share == 1 {
            return (self.interval, self.tolerance);
        }
        let burst = self.per_minute.saturating_mul(share);
        let interval = self.window / burst;
        (interval, interval * (burst - 1))
    }

    /// Records an action from `ip` (counted by [`client_keys`]) at `now`; `Err(wait)` when
    /// over the limit of any of its keys, with the time until the next action is allowed.
    /// The keys' shards are locked together (in index order), so the check and the record
    /// are one step.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.interval.is_zero() {
            return Ok(());
        }
        let keys = client_keys(ip);
        let mut indices: Vec<usize> = keys.iter().map(|(k, _)| self.shard_of(k)).collect();
        indices.sort_unstable();
        indices.dedup();
        let mut guards: Vec<(usize, std::sync::MutexGuard<'_, Shard>)> = indices
            .iter()
            .map(|&i| (i, self.shards[i].lock().unwrap_or_else(|p| p.into_inner())))
            .collect();
        let mut plan = Vec::with_capacity(keys.len());
        let mut wait = Duration::ZERO;
        for (key, share) in &keys {
            let (interval, tolerance) = self.schedule(*share);
            let i = self.shard_of(key);
            let Some((_, shard)) = guards.iter().find(|(j, _)| *j == i) else {
                continue;
            };
            let start = shard
                .clear_at
                .get(key)
                .copied()
                .filter(|t| *t > now)
                .unwrap_or(now);
            let ahead = start.duration_since(now);
            if ahead > tolerance {
                wait = wait.max(ahead - tolerance);
            }
            plan.push((i, *key, start + interval));
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for (i, key, clear_at) in plan {
            if let Some((_, shard)) = guards.iter_mut().find(|(j, _)| *j == i) {
                if !shard.clear_at.contains_key(&key) {
                    shard.make_room(now);
                }
                shard.clear_at.insert(key, clear_at);
            }
        }
        Ok(())
    }

    /// Whether an action from `ip` at `now` would be allowed, without recording it.
    pub fn peek(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.interval.is_zero() {
            return Ok(());
        }
        let mut wait = Duration::ZERO;
        for (key, share) in client_keys(ip) {
            let (_, tolerance) = self.schedule(share);
            let ahead = self
                .shard(&key)
                .clear_at
                .get(&key)
                .map_or(Duration::ZERO, |t| t.saturating_duration_since(now));
            if ahead > tolerance {
                wait = wait.max(ahead - tolerance);
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    /// Forgets `ip`'s record (for example after it proved who it is): its own key; the
    /// wider IPv6 networks keep counting, as they are shared.
    pub fn forget(&self, ip: IpAddr) {
        if let Some((key, _)) = client_keys(ip).into_iter().next() {
            self.shard(&key).clear_at.remove(&key);
        }
    }

    /// Clients currently tracked.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).clear_at.len())
            .sum()
    }

    /// Whether no client is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard_of(&self, key: &(IpAddr, u8)) -> usize {
        (self.hasher.hash_one(key) as usize) & (SHARDS - 1)
    }

    fn shard(&self, key: &(IpAddr, u8)) -> std::sync::MutexGuard<'_, Shard> {
        self.shards[self.shard_of(key)]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
}

impl Shard {
    /// Before adding a client: once the table has doubled since the last sweep, drop the
    /// clients whose schedule is clear (amortised constant time); at the hard cap, drop the
    /// client that clears first.
    fn make_room(&mut self, now: Instant) {
        if self.clear_at.len() < self.sweep_at.max(64) && self.clear_at.len() < MAX_PER_SHARD {
            return;
        }
        self.clear_at.retain(|_, t| *t > now);
        self.clear_at.shrink_to(self.clear_at.len() * 2);
        self.sweep_at = self.clear_at.len() * 2;
        if self.clear_at.len() >= MAX_PER_SHARD
            && let Some(oldest) = self
                .clear_at
                .iter()
                .min_by_key(|(_, t)| **t)
                .map(|(k, _)| *k)
        {
            self.clear_at.remove(&oldest);
        }
    }
}

/// Counts a submission from `ip`: against the store's shared counts when it keeps them
/// (several instances on one database), else in this process. `Err(wait)` when over.
/// A store that cannot count just now lets the submission through: the store itself is
/// then most likely down, and the submission gets its 503 there.
pub async fn check_shared(state: &crate::server::AppState, ip: IpAddr) -> Result<(), Duration> {
    if let Some(store) = &state.store {
        // An IPv6 client is counted by its /64 (the key as before), then by its /56 and /48
        // with their larger allowances; each count is one round trip, so a refusal by
        // a wider network has already counted the narrower ones (on the safe side).
        let mut shared = true;
        for (n, ((net, len), share)) in client_keys(ip).into_iter().enumerate() {
            let key = if n == 0 {
                net.to_string()
            } else {
                format!("{net}/{len}")
            };
            let limit = state.limits.per_minute.saturating_mul(share);
            match store.count_submission(key.as_bytes(), limit).await {
                Ok(Some(crate::comments::Admission::Allowed)) => {}
                Ok(Some(crate::comments::Admission::Refused { retry_after })) => {
                    return Err(retry_after);
                }
                Ok(None) => {
                    shared = false;
                    break;
                }
                Err(e) => {
                    tracing::warn!("the shared submission limit could not be checked: {e}");
                    return Ok(());
                }
            }
        }
        if shared {
            return Ok(());
        }
    }
    state.limits.check(ip, Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn limits_per_client() {
        let limiter = RateLimiter::new(2);
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        let t0 = Instant::now();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0).is_ok());
        let wait = limiter
            .check(a, t0 + Duration::from_secs(10))
            .expect_err("limited");
        assert_eq!(wait, Duration::from_secs(20));
        assert!(limiter.check(b, t0).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(30)).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(31)).is_err());
        assert!(limiter.check(a, t0 + Duration::from_secs(120)).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(120)).is_ok());
    }

    #[test]
    fn zero_switches_off() {
        let limiter = RateLimiter::new(0);
        for _ in 0..1000 {
            assert!(limiter.check(ip("10.0.0.1"), Instant::now()).is_ok());
        }
        assert!(limiter.is_empty());
    }

    #[test]
    fn ipv6_counts_by_slash_64_and_mapped_ipv4_as_ipv4() {
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        assert!(limiter.check(ip("2001:db8:1:2::1"), t0).is_ok());
        assert!(limiter.check(ip("2001:db8:1:2:ffff::9"), t0).is_err());
        assert!(limiter.check(ip("2001:db8:1:3::1"), t0).is_ok());
        assert!(limiter.check(ip("192.0.2.7"), t0).is_ok());
        assert!(limiter.check(ip("::ffff:192.0.2.7"), t0).is_err());
    }

    #[test]
    fn rotating_slash_64s_inside_one_slash_48_is_refused_after_its_allowance() {
        let limiter = RateLimiter::new(1);
        let t0 = Instant::now();
        // A new /64 in a new /56 each time: only the /48 can tell them apart.
        let rotated = |i: u32| ip(&format!("2001:db8:7:{:x}00::1", i));
        for i in 0..SLASH_48_SHARE {
            assert!(limiter.check(rotated(i), t0).is_ok(), "/64 number {i}");
        }
        let wait = limiter
            .check(rotated(SLASH_48_SHARE), t0)
            .expect_err("the /48's allowance is spent");
        assert!(wait > Duration::ZERO);
        assert!(limiter.peek(rotated(99), t0).is_err());
        // Another /48 is another subscriber.
        assert!(limiter.check(ip("2001:db8:8::1"), t0).is_ok());
        // Inside one /56: its allowance, then refused.
        for i in 0..SLASH_56_SHARE {
            assert!(
                limiter
                    .check(ip(&format!("2001:db8:9:{i:x}::1")), t0)
                    .is_ok()
            );
        }
        assert!(limiter.check(ip("2001:db8:9:ff::1"), t0).is_err());
        // A window later the /48 may act again.
        assert!(limiter.check(rotated(200), t0 + WINDOW).is_ok());
    }

    #[test]
    fn memory_stays_bounded_by_recent_clients() {
        let limiter = RateLimiter::new(10);
        let t0 = Instant::now();
        for i in 0..50_000u32 {
            let addr = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            assert!(limiter.check(addr, t0).is_ok());
        }
        let later = t0 + Duration::from_secs(61);
        for i in 0..50_000u32 {
            let addr = IpAddr::V4(std::net::Ipv4Addr::from(0x0b00_0000 + i));
            assert!(limiter.check(addr, later).is_ok());
        }
        assert!(limiter.len() < 75_000, "{} clients tracked", limiter.len());
    }

    #[test]
    fn forwarded_only_from_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "1.1.1.1, 2.2.2.2".parse().expect("header"),
        );
        let proxy: SocketAddr = "127.0.0.9:5000".parse().expect("addr");
        assert_eq!(client_ip(proxy, &headers, None), proxy.ip());
        assert_eq!(client_ip(proxy, &headers, Some(proxy.ip())), ip("2.2.2.2"));
        let other: SocketAddr = "127.0.0.8:5000".parse().expect("addr");
        assert_eq!(client_ip(other, &headers, Some(proxy.ip())), other.ip());
    }

    #[test]
    fn forwarded_takes_the_right_most_address_that_is_not_the_proxy() {
        let proxy: SocketAddr = "10.0.0.1:5000".parse().expect("addr");
        let of = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-forwarded-for", value.parse().expect("header"));
            client_ip(proxy, &headers, Some(proxy.ip()))
        };
        assert_eq!(of("spoof, 192.0.2.50"), ip("192.0.2.50"));
        assert_eq!(of("198.51.100.1, 192.0.2.50, 10.0.0.1"), ip("192.0.2.50"));
        assert_eq!(of("192.0.2.50:4711"), ip("192.0.2.50"));
        // A right-most entry that is not an address: never fall back to earlier claims.
        assert_eq!(of("198.51.100.1, garbage"), proxy.ip());
        assert_eq!(of("10.0.0.1"), proxy.ip());
        let bare = HeaderMap::new();
        assert_eq!(client_ip(proxy, &bare, Some(proxy.ip())), proxy.ip());
    }
}
