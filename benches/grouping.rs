//! Campaign and duplicate grouping at consultation scale: 100,000 synthetic responses
//! (60% from campaigns with realistic edits, see `copbook::analysis::synthetic`) grouped
//! once, timed, and scored by pairwise precision and recall against the generator's
//! known campaigns. Target: under 10 s on the project machine.
//!
//! ```sh
//! cargo bench --bench grouping            # 100,000 responses
//! cargo bench --bench grouping -- 20000   # another size
//! ```

use std::time::Instant;

use copbook::analysis::{group, synthetic};

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let responses = synthetic::generate(n, 2026);
    let input: Vec<(&str, &str)> = responses
        .iter()
        .map(|r| (r.reference.as_str(), r.body.as_str()))
        .collect();
    let campaigns = responses
        .iter()
        .filter_map(|r| r.campaign)
        .collect::<std::collections::HashSet<_>>()
        .len();

    let started = Instant::now();
    let grouping = group(&input, &[]);
    let took = started.elapsed();

    let truth: Vec<Option<usize>> = responses.iter().map(|r| r.campaign).collect();
    let (precision, recall) = synthetic::pairwise_precision_recall(&grouping.group_of, &truth);
    println!("responses:        {n} ({campaigns} generated campaigns)");
    println!(
        "grouping:         {}",
        grouping.summary(&copbook::i18n::Catalogue::new().expect("catalogue"))
    );
    println!("time to group:    {:.2} s", took.as_secs_f64());
    println!("pairwise precision {precision:.4}, recall {recall:.4}");
    println!(
        "threshold:        estimated Jaccard >= {} over 3-word shingles",
        copbook::analysis::NEAR_DUPLICATE_THRESHOLD
    );
}
