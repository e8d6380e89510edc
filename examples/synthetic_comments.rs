//! Writes synthetic consultation responses with known campaign clusters as JSON lines
//! (`reference`, `body`, `campaign`), for trying the grouping by hand.
//!
//! ```sh
//! cargo run --example synthetic_comments -- 1000 42 > target/synthetic-comments.jsonl
//! ```
//! Arguments: how many responses (default 1,000) and the seed (default 2026).

use std::io::Write;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(2026);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for response in copbook::analysis::synthetic::generate(n, seed) {
        let line = serde_json::to_string(&response).map_err(std::io::Error::other)?;
        writeln!(out, "{line}")?;
    }
    out.flush()
}
