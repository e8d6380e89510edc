//! `copbook comments stats`: comments per status, provision, question and code, the
//! campaign grouping ([`copbook::analysis::Snapshot`], as `/admin/groups` counts it) and,
//! with `--book`, where each commented paragraph is now.

use std::path::PathBuf;

use clap::Args;

use crate::cli::exit_status::CliError;
use crate::cli::shared_args::{Format, FormatArg, StoreArgs, corpus_of, runtime};

/// The options of `copbook comments stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    format: FormatArg,
    /// The book as it stands: adds where each commented paragraph is now, and lists
    /// the comments on removed paragraphs.
    #[arg(long)]
    book: Option<PathBuf>,
}

/// Counts and prints.
pub fn run(args: StatsArgs) -> Result<(), CliError> {
    let runtime = runtime()?;
    let store = args.store.open_existing(&runtime)?;
    let stats = runtime.block_on(store.stats())?;
    let grouped = runtime.block_on(copbook::analysis::Snapshot::read(&*store))?;
    let per_code = runtime.block_on(store.tag_counts())?;
    let following = match args.book.as_deref().map(corpus_of).transpose()? {
        Some(corpus) => {
            Some(runtime.block_on(copbook::analysis::following::tally(&*store, &corpus))?)
        }
        None => None,
    };
    runtime.block_on(store.close());
    let words = copbook::i18n::Catalogue::new().map_err(CliError::could_not_run)?;
    match args.format.format {
        Format::Json => {
            let mut json = serde_json::to_value(&stats)?;
            if let (Some(following), Some(fields)) = (&following, json.as_object_mut()) {
                fields.insert("following".into(), serde_json::to_value(following)?);
            }
            if let Some(fields) = json.as_object_mut() {
                fields.insert(
                    "grouping".into(),
                    serde_json::to_value(grouped.totals(&words))?,
                );
                let codes: serde_json::Map<String, serde_json::Value> = per_code
                    .iter()
                    .map(|(code, n)| (code.clone(), (*n).into()))
                    .collect();
                fields.insert("by_code".into(), codes.into());
            }
            println!("{}", serde_json::to_string_pretty(&json)?)
        }
        Format::Text => {
            println!("{} comments", stats.total);
            for s in &stats.by_status {
                println!("  {:<10} {}", s.status.as_str(), s.count);
            }
            println!("spam excluded: {}", grouped.grouping.summary(&words));
            println!("per provision or section (spam excluded):");
            for t in &stats.by_target {
                let number = t.target_number.as_deref().unwrap_or("-");
                println!("  {:>6}  {:<40} {}", number, t.target_id, t.count);
            }
            println!("per question (spam excluded):");
            for q in &stats.by_question {
                println!("  {:<20} {}", q.question, q.count);
            }
            if !per_code.is_empty() {
                println!("per code (spam excluded):");
                for (code, n) in &per_code {
                    println!("  {code:<40} {n}");
                }
            }
            if let Some(following) = &following {
                print!("{}", copbook::drafts::follow::to_text(following));
            }
        }
    }
    Ok(())
}
