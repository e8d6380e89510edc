//! The rate limiter under many clients: checks per second while 100,000 distinct client
//! addresses (half IPv4, half IPv6 in distinct /64s) each submit, from several threads at
//! once, with the limit set so that most checks are allowed and some refused.
//!
//! `cargo bench --bench limiter`; `LIMITER_BENCH_CLIENTS` (default 100000),
//! `LIMITER_BENCH_ROUNDS` (default 20) and `LIMITER_BENCH_THREADS` (default 4) change it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Instant;

use copbook::server::edge::limits::RateLimiter;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn client(i: usize) -> IpAddr {
    let n = u32::try_from(i).unwrap_or(u32::MAX);
    if i.is_multiple_of(2) {
        IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n))
    } else {
        IpAddr::V6(Ipv6Addr::from(
            (0x2001_0db8_u128 << 96) | (u128::from(n) << 64) | 1,
        ))
    }
}

fn main() {
    let clients = env_or("LIMITER_BENCH_CLIENTS", 100_000);
    let rounds = env_or("LIMITER_BENCH_ROUNDS", 20);
    let threads = env_or("LIMITER_BENCH_THREADS", 4);
    let limiter = Arc::new(RateLimiter::new(10));
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let limiter = Arc::clone(&limiter);
            std::thread::spawn(move || {
                let (mut allowed, mut refused) = (0u64, 0u64);
                for _ in 0..rounds {
                    for i in (t..clients).step_by(threads) {
                        match limiter.check(client(i), Instant::now()) {
                            Ok(()) => allowed += 1,
                            Err(_) => refused += 1,
                        }
                    }
                }
                (allowed, refused)
            })
        })
        .collect();
    let (mut allowed, mut refused) = (0, 0);
    for h in handles {
        let (a, r) = h.join().unwrap_or((0, 0));
        allowed += a;
        refused += r;
    }
    let elapsed = started.elapsed();
    let checks = allowed + refused;
    println!(
        "limiter: {checks} checks from {clients} distinct clients on {threads} threads in {:.2} s: \
         {:.0} checks/s ({allowed} allowed, {refused} refused); {} clients tracked",
        elapsed.as_secs_f64(),
        checks as f64 / elapsed.as_secs_f64(),
        limiter.len()
    );
}
