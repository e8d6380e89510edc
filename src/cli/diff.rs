//! `copbook diff`: what changed between a published draft and a later one or the book on
//! disk, as text or as the JSON change log.

use clap::{Args, ValueEnum};

use super::exit_status::CliError;
use super::shared_args::BookArg;

/// The options of `copbook diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    book: BookArg,
    /// The earlier draft's version [default: `compare-with` in book.toml, or the latest
    /// published draft older than the book's version]
    #[arg(long)]
    from: Option<String>,
    /// The later draft's version, or `current` for the book on disk.
    #[arg(long, default_value = "current")]
    to: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
}

/// How `copbook diff` writes the change log.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// Each change with its old and new number; [+inserted+] and [-deleted-] words.
    Text,
    /// The change log as JSON (as `GET /api/changes` gives it).
    Json,
}

/// Prints the change log.
pub fn run(args: DiffArgs) -> Result<(), CliError> {
    let loaded = copbook::book::load(&args.book.book)
        .map_err(|e| CliError::of_book(&e, e.is_unreadable()))?;
    let log = copbook::drafts::diff(&loaded, args.from.as_deref(), Some(&args.to))?;
    match args.format {
        DiffFormat::Text => print!("{}", copbook::drafts::to_text(&log)),
        DiffFormat::Json => println!("{}", serde_json::to_string_pretty(&log)?),
    }
    Ok(())
}
