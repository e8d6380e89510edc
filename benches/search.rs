//! Search latency and index build time, on the shipped book and on a synthetic one.
//!
//! ```text
//! cargo run --release --example synthetic_book -- target/synthetic-book 2000
//! cargo bench --bench search                      # shipped book + target/synthetic-book
//! cargo bench --bench search -- /tmp/synth        # or any other synthetic book
//! COPBOOK_BENCH_BOOK=/tmp/synth cargo bench --bench search
//! ```
//!
//! For each book: load it, build the index in RAM (and once on disk), then run a fixed
//! list of queries (plain words, questions, typos, phrases, synonyms, numbers, a part
//! filter, junk), three warm-up rounds and then [`ROUNDS`] measured rounds, timing each
//! `search` call in-process. Prints p50, p99 and max latency in microseconds.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use copbook::book::Part;
use copbook::search::{SearchIndex, SearchQuery};

const WARM_UP: usize = 3;
const ROUNDS: usize = 30;

/// Queries as readers type them. The synthetic book's vocabulary is the Code's, so the
/// same list exercises both books.
const QUERIES: &[&str] = &[
    // Words.
    "custody",
    "retention",
    "fingerprint",
    "vetting",
    "audit log",
    "data sharing agreement",
    "biometric data",
    "whistleblowing concern",
    "misuse of police systems",
    "deleting records",
    "custody images retention review",
    "independent oversight inspection report",
    "national database update",
    "victim witness privacy",
    // Questions.
    "can the police keep my photo",
    "delete my record",
    "how do I complain",
    "who checks the police are following the rules",
    "what happens if an officer looks me up for no reason",
    "can I see what the police hold about me",
    "my record is wrong how do I get it fixed",
    "how long do they keep my information",
    "what happens to my fingerprints and DNA if I am arrested but not charged and then found not guilty by the court",
    "is the police allowed to share my data with my employer or my landlord without telling me first",
    "data sharing agreement with a non police body",
    "vetting before access",
    "system unavailable what do we do",
    "who is in charge of LEDS and who inspects how forces use it every year",
    // Typos.
    "custdy imges",
    "retension",
    "fingerprnts",
    "finger prints",
    "deleet my mugshot",
    "vettting",
    "biometirc",
    "whistle blowing",
    "goverment oversite",
    "complant about misuse",
    "acess to recods",
    "intelligance grading",
    // Phrases.
    "\"custody image\"",
    "\"data sharing agreement\"",
    "\"audit log\" retention",
    "\"not convicted\"",
    "\"retention period",
    // Synonyms.
    "police computer",
    "mugshot",
    "watchdog",
    "innocent but they kept my DNA",
    // Numbers and ids.
    "5.3",
    "para 4.3",
    "paragraph 12.4",
    "§9.5",
    "share-lawful-basis",
    // Junk.
    "AND OR NOT (custody",
    "-+:^*~ \"\" ((",
    "警察数据 Полиция مرحبا 😀",
];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let synthetic = args
        .first()
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("COPBOOK_BENCH_BOOK").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("target/synthetic-book"));
    println!(
        "{} queries, {WARM_UP} warm-up rounds, {ROUNDS} measured rounds\n",
        QUERIES.len() + 2
    );
    bench_book("shipped book", Path::new("book"));
    if synthetic.join("book.toml").is_file() {
        bench_book("synthetic book", &synthetic);
    } else {
        println!(
            "synthetic book: none at {} (write one with `cargo run --release --example synthetic_book -- {} 2000`)",
            synthetic.display(),
            synthetic.display()
        );
    }
}

fn bench_book(name: &str, dir: &Path) {
    let started = Instant::now();
    let loaded = match copbook::book::load(dir) {
        Ok(loaded) => loaded,
        Err(e) => {
            println!("{name}: cannot load {}: {e}", dir.display());
            return;
        }
    };
    let load_time = started.elapsed();
    let synonyms = loaded.settings.search_synonyms();

    let started = Instant::now();
    let index = match SearchIndex::build(&loaded.corpus, &synonyms, None) {
        Ok(index) => index,
        Err(e) => {
            println!("{name}: index build failed: {e}");
            return;
        }
    };
    let ram_build = started.elapsed();
    let disk_build = tempfile::tempdir().ok().and_then(|tmp| {
        let started = Instant::now();
        SearchIndex::build(
            &loaded.corpus,
            &synonyms,
            Some(&tmp.path().join("search-index")),
        )
        .ok()
        .map(|_| started.elapsed())
    });

    let mut queries: Vec<SearchQuery> = QUERIES.iter().map(|q| SearchQuery::new(*q)).collect();
    for (text, part) in [
        ("custody images", Part::Code),
        ("how do I complain", Part::Guide),
    ] {
        queries.push(SearchQuery {
            part: Some(part),
            ..SearchQuery::new(text)
        });
    }
    for _ in 0..WARM_UP {
        for q in &queries {
            run(&index, q);
        }
    }
    let mut samples: Vec<Duration> = Vec::with_capacity(ROUNDS * queries.len());
    let mut per_query: Vec<Duration> = vec![Duration::ZERO; queries.len()];
    let mut hits = 0usize;
    for _ in 0..ROUNDS {
        for (i, q) in queries.iter().enumerate() {
            let started = Instant::now();
            hits += run(&index, q);
            let took = started.elapsed();
            samples.push(took);
            per_query[i] = per_query[i].max(took);
        }
    }
    samples.sort();
    let pct = |p: f64| {
        let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
        samples[i].as_micros()
    };
    println!("{name} ({})", dir.display());
    println!(
        "  {} entries → {} docs; load {:.0} ms; index build {:.0} ms in RAM, {} on disk",
        loaded.corpus.entries.len(),
        index.num_docs(),
        load_time.as_secs_f64() * 1e3,
        ram_build.as_secs_f64() * 1e3,
        disk_build.map_or("n/a".to_string(), |d| format!(
            "{:.0} ms",
            d.as_secs_f64() * 1e3
        )),
    );
    println!(
        "  latency over {} searches: p50 {} µs, p99 {} µs, max {} µs (mean {} µs); {} hits returned",
        samples.len(),
        pct(0.50),
        pct(0.99),
        samples.last().map_or(0, Duration::as_micros),
        samples.iter().sum::<Duration>().as_micros() / samples.len().max(1) as u128,
        hits
    );
    let mut slowest: Vec<(Duration, &str)> = per_query
        .iter()
        .zip(&queries)
        .map(|(d, q)| (*d, q.text.as_str()))
        .collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    let list: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(d, q)| format!("{q:?} {} µs", d.as_micros()))
        .collect();
    println!("  slowest (max): {}\n", list.join(", "));
}

fn run(index: &SearchIndex, q: &SearchQuery) -> usize {
    match index.search(q) {
        Ok(results) => results.hits.len(),
        Err(e) => {
            eprintln!("{:?} failed: {e}", q.text);
            0
        }
    }
}
