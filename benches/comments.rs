//! Comment ingestion: 32 concurrent clients submitting through `CommentStore::submit` against
//! a database on disk (WAL, `synchronous=FULL`), each waiting for its acknowledgement
//! before sending the next, as a respondent's browser would.
//!
//! `cargo bench --bench comments`; `COMMENTS_BENCH_SECS` (default 5) and
//! `COMMENTS_BENCH_CLIENTS` (default 32) change the run.

use std::time::{Duration, Instant};

use copbook::comments::store::prelude::*;
use copbook::comments::{NewComment, Publish, RespondentType, SqliteStore, Target};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secs = env_or("COMMENTS_BENCH_SECS", 5);
    let clients = env_or("COMMENTS_BENCH_CLIENTS", 32);
    // Under target/, on the real disk: /tmp may be a tmpfs, where fsync is free.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let store = SqliteStore::open(dir.path())?;
    let target = Target {
        id: "share-lawful-basis".to_string(),
        number: Some("5.3".to_string()),
        title: "Sharing with other organisations".to_string(),
        text: "LEDS data may be shared with an organisation outside policing only where \
               there is a lawful basis for the sharing, the sharing is necessary and \
               proportionate, and the receiving organisation has agreed in writing to \
               the safeguards in this Code."
            .to_string(),
    };
    let body = "I am concerned that the safeguards on sharing are not strong enough. \
                The Code should say who checks that the written agreement is kept, and \
                what happens when it is not. "
        .repeat(3);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (latencies, elapsed) = runtime.block_on(async {
        let start = Instant::now();
        let deadline = start + Duration::from_secs(secs);
        let tasks: Vec<_> = (0..clients)
            .map(|client| {
                let store = store.clone();
                let target = target.clone();
                let body = body.clone();
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut i = 0u64;
                    while Instant::now() < deadline {
                        let comment = NewComment {
                            on: target.id.clone(),
                            question: Some("q-sharing".to_string()),
                            body: format!("{body} (client {client}, comment {i})"),
                            respondent_type: RespondentType::Individual,
                            name: Some("Ann Example".to_string()),
                            organisation: None,
                            email: Some("ann@example.com".to_string()),
                            publish: Publish::Anonymous,
                            attribution: None,
                            honeypot: false,
                            language: "en".to_string(),
                        };
                        let sent = Instant::now();
                        store.submit(comment, target.clone(), "0.1").await?;
                        latencies.push(sent.elapsed());
                        i += 1;
                    }
                    Ok::<_, copbook::comments::StoreError>(latencies)
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await??);
        }
        Ok::<_, Box<dyn std::error::Error>>((all, start.elapsed()))
    })?;

    let stored = runtime.block_on(store.count())?;
    let mut latencies = latencies;
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        latencies.get(i).copied().unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "comments/submit: {clients} clients, {:.1} s, synchronous=FULL, WAL, on disk",
        elapsed.as_secs_f64()
    );
    println!(
        "  acknowledged: {} ({} rows stored), {:.0} submissions/s",
        latencies.len(),
        stored,
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(latencies.last().copied().unwrap_or_default())
    );
    assert_eq!(
        stored,
        latencies.len() as u64,
        "every acknowledged comment is stored"
    );
    Ok(())
}
