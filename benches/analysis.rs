//! The drafters' analysis view at consultation scale: 100,000 synthetic responses (with
//! campaigns, see `copbook::analysis::synthetic`) stored in SQLite through
//! `CommentStore::submit`, 1,000 of them coded, then the filters of `/admin/responses`
//! timed as the handler runs them (a count and one page), on the first page and on the
//! last page by keyset; the full-text index built and searched; the campaign grouping read
//! back through the store.
//!
//! ```sh
//! cargo bench --bench analysis            # 100,000 responses
//! cargo bench --bench analysis -- 20000   # another size
//! ```

use std::time::{Duration, Instant};

use copbook::analysis::{Snapshot, synthetic};
use copbook::comments::store::prelude::*;
use copbook::comments::{Filter, NewComment, Publish, RespondentType, SqliteStore, Target};

const PER_PAGE: usize = 50;

fn median(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    // Under target/, on the real disk: /tmp may be a tmpfs.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    let store = SqliteStore::open(dir.path())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let targets: Vec<String> = (0..40).map(|i| format!("provision-{i}")).collect();
    let responses = synthetic::generate(n, 2026);

    let started = Instant::now();
    let references: Vec<String> = runtime.block_on(async {
        let chunks: Vec<Vec<(usize, String)>> = responses
            .iter()
            .enumerate()
            .map(|(i, r)| (i, r.body.clone()))
            .collect::<Vec<_>>()
            .chunks(n.div_ceil(64).max(1))
            .map(<[_]>::to_vec)
            .collect();
        let tasks: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let store = store.clone();
                let targets = targets.clone();
                tokio::spawn(async move {
                    let mut out = Vec::new();
                    for (i, body) in chunk {
                        let organisation = i % 5 == 0;
                        let comment = NewComment {
                            on: targets[i % targets.len()].clone(),
                            question: (i % 3 == 0).then(|| "q-sharing".to_string()),
                            body,
                            respondent_type: if organisation {
                                RespondentType::Organisation
                            } else {
                                RespondentType::Individual
                            },
                            name: None,
                            organisation: organisation.then(|| "An organisation".to_string()),
                            email: None,
                            publish: Publish::No,
                            attribution: None,
                            honeypot: false,
                            language: "en".to_string(),
                        };
                        let target = Target {
                            id: targets[i % targets.len()].clone(),
                            number: Some(format!("{}.1", i % targets.len())),
                            title: "A provision".to_string(),
                            text: "The text of the provision.".to_string(),
                        };
                        let stored = store.submit(comment, target, "0.1").await.expect("submit");
                        out.push((i, stored.reference));
                    }
                    out
                })
            })
            .collect();
        let mut all = Vec::with_capacity(n);
        for t in tasks {
            all.extend(t.await.expect("task"));
        }
        all.sort();
        all.into_iter().map(|(_, r)| r).collect()
    });
    println!(
        "stored:           {n} responses in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let coded = 1000.min(n);
    runtime.block_on(async {
        for (i, r) in references.iter().step_by(n / coded).enumerate().take(coded) {
            let code = if i % 2 == 0 { "supports" } else { "oversight" };
            store.tag(r, code, "bench").await.expect("tag");
        }
    });
    println!(
        "coded:            {coded} responses in {:.1} s (one transaction each)",
        started.elapsed().as_secs_f64()
    );

    // The order the references were stored in (by id), for the last page's cursor.
    let in_order: Vec<String> = runtime.block_on(async {
        let mut rows = store.export().await.expect("export");
        let mut out = Vec::new();
        while let Some(row) = rows.next().await {
            out.push(row.expect("row").reference);
        }
        out
    });
    let group: Vec<String> = in_order.iter().step_by(20).cloned().collect();
    let now = jiff::Timestamp::now().as_millisecond();
    let filters: Vec<(&str, Filter)> = vec![
        (
            "no filter (spam left out)",
            Filter {
                no_spam: true,
                ..Filter::default()
            },
        ),
        (
            "target",
            Filter {
                target: Some(targets[7].clone()),
                ..Filter::default()
            },
        ),
        (
            "target + question + organisations + date range",
            Filter {
                target: Some(targets[5].clone()),
                question: Some("q-sharing".into()),
                respondent_type: Some(RespondentType::Organisation),
                received_from_ms: Some(now - 86_400_000),
                received_before_ms: Some(now + 86_400_000),
                ..Filter::default()
            },
        ),
        (
            "code",
            Filter {
                code: Some("supports".into()),
                ..Filter::default()
            },
        ),
        (
            "not coded yet",
            Filter {
                uncoded: true,
                no_spam: true,
                ..Filter::default()
            },
        ),
        (
            "campaign group of 5% of responses",
            Filter {
                references: Some(group),
                ..Filter::default()
            },
        ),
    ];
    println!(
        "filter (median of 5; count + page of {PER_PAGE}):  first page   last page (keyset)   matching"
    );
    for (name, filter) in &filters {
        let (first, last, total) = runtime.block_on(async {
            let total = store.count_filtered(filter).await.expect("count");
            // The cursor of the last page: the reference PER_PAGE matches before the end.
            let all = store
                .filtered(filter, None, usize::MAX >> 1)
                .await
                .expect("all");
            let cursor = all
                .len()
                .checked_sub(PER_PAGE + 1)
                .map(|i| all[i].reference.clone());
            let mut first = Vec::new();
            let mut last = Vec::new();
            for _ in 0..5 {
                let t = Instant::now();
                let _ = store.count_filtered(filter).await.expect("count");
                let page = store.filtered(filter, None, PER_PAGE).await.expect("page");
                assert!(page.len() <= PER_PAGE);
                first.push(t.elapsed());
                let t = Instant::now();
                let _ = store.count_filtered(filter).await.expect("count");
                let page = store
                    .filtered(filter, cursor.as_deref(), PER_PAGE)
                    .await
                    .expect("page");
                assert!(page.len() <= PER_PAGE);
                last.push(t.elapsed());
            }
            (median(first), median(last), total)
        });
        println!("  {name:<48} {first:>8.1} ms  {last:>8.1} ms   {total:>8}");
    }

    let started = Instant::now();
    let snapshot = runtime.block_on(Snapshot::read(&store))?;
    println!(
        "grouping via the store: {:.2} s: {}",
        started.elapsed().as_secs_f64(),
        snapshot
            .grouping
            .summary(&copbook::i18n::Catalogue::new().expect("catalogue"))
    );

    let started = Instant::now();
    let mut index = copbook::search::comment_index::CommentIndex::new()?;
    let pairs: Vec<(String, String)> = responses
        .iter()
        .zip(&references)
        .map(|(r, reference)| (reference.clone(), r.body.clone()))
        .collect();
    for chunk in pairs.chunks(5000) {
        index.add(chunk)?;
    }
    println!(
        "full-text index:  {} bodies in {:.2} s",
        index.len(),
        started.elapsed().as_secs_f64()
    );
    for q in ["deletion", "independent audit", "custody images retention"] {
        let mut runs = Vec::new();
        let mut hits = 0;
        for _ in 0..5 {
            let t = Instant::now();
            hits = index.matching(q)?.map_or(0, |h| h.len());
            runs.push(t.elapsed());
        }
        println!("  search {q:<28} {:>8.1} ms   {hits:>8} hits", median(runs));
    }
    store.close_blocking();
    Ok(())
}
