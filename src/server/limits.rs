//! Abuse limits: who the client is, and how many submissions it may make per minute.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;

/// The window the rate limit counts over.
const WINDOW: Duration = Duration::from_secs(60);
/// Clients tracked before old entries are swept.
const SWEEP_AT: usize = 10_000;

/// The client's address: the peer, or, when the peer is the trusted proxy, the address the
/// proxy appended last to `X-Forwarded-For` (earlier entries are the client's own claims).
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap, trusted_proxy: Option<IpAddr>) -> IpAddr {
    if trusted_proxy != Some(peer.ip()) {
        return peer.ip();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer.ip())
}

/// A sliding-window limit of submissions per client per minute.
pub struct RateLimiter {
    /// Submissions allowed per client per minute; 0: no limit.
    pub per_minute: u32,
    seen: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` submissions per client; 0 switches it off.
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Records a submission from `ip` at `now`; `Err(wait)` when over the limit.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let mut seen = match self.seen.lock() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        if seen.len() >= SWEEP_AT {
            seen.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < WINDOW)
            });
        }
        let times = seen.entry(ip).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= self.per_minute as usize {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(WINDOW.saturating_sub(now.duration_since(oldest)));
        }
        times.push_back(now);
        Ok(())
    }
}

/// Counts a submission from `ip`: against the store's shared counts when it keeps them
/// (several instances on one database), else in this process. `Err(wait)` when over.
/// A store that cannot count just now lets the submission through: the store itself is
/// then most likely down, and the submission gets its 503 there.
pub async fn check_shared(state: &super::AppState, ip: IpAddr) -> Result<(), Duration> {
    if let Some(store) = &state.store {
        let key = ip.to_string();
        match store
            .count_submission(key.as_bytes(), state.limits.per_minute)
            .await
        {
            Ok(Some(crate::comments::Admission::Allowed)) => return Ok(()),
            Ok(Some(crate::comments::Admission::Refused { retry_after })) => {
                return Err(retry_after);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!("the shared submission limit could not be checked: {e}");
                return Ok(());
            }
        }
    }
    state.limits.check(ip, Instant::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_client() {
        let limiter = RateLimiter::new(2);
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        let t0 = Instant::now();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0).is_ok());
        let wait = limiter
            .check(a, t0 + Duration::from_secs(10))
            .expect_err("limited");
        assert_eq!(wait, Duration::from_secs(50));
        assert!(limiter.check(b, t0).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn zero_switches_off() {
        let limiter = RateLimiter::new(0);
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        for _ in 0..1000 {
            assert!(limiter.check(a, Instant::now()).is_ok());
        }
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
        assert_eq!(
            client_ip(proxy, &headers, Some(proxy.ip())),
            "2.2.2.2".parse::<IpAddr>().expect("ip")
        );
        let other: SocketAddr = "127.0.0.8:5000".parse().expect("addr");
        assert_eq!(client_ip(other, &headers, Some(proxy.ip())), other.ip());
    }
}
