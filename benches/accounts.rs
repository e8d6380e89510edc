//! Sign-in cost: the argon2id parameters copbook hashes passwords with, and the time one
//! hash and one verification take on this machine (median of `ACCOUNTS_BENCH_ROUNDS`,
//! default 20).
//!
//! `cargo bench --bench accounts`. The HTTP side (an admin page with a session against
//! the old token) is `bash benches/http/admin.sh`.

use std::time::{Duration, Instant};

use copbook::auth::password;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let rounds: usize = std::env::var("ACCOUNTS_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(1);
    println!(
        "argon2id m={} KiB, t={}, p={}, 32-byte output, 16-byte salt",
        password::MEMORY_KIB,
        password::PASSES,
        password::LANES
    );
    let secret = "a long enough benchmark password";
    let mut hashes = Vec::with_capacity(rounds);
    let mut phc = String::new();
    for _ in 0..rounds {
        let start = Instant::now();
        phc = password::hash(secret).expect("hash");
        hashes.push(start.elapsed());
    }
    let mut verifies = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        assert!(password::verify(secret, &phc));
        verifies.push(start.elapsed());
    }
    println!(
        "hash: median {:.1} ms, verify: median {:.1} ms ({rounds} rounds each)",
        median(hashes).as_secs_f64() * 1e3,
        median(verifies).as_secs_f64() * 1e3
    );
}
