//! `copbook draft publish|list`: freezing the book as a published draft
//! (book/drafts/<version>.json) and listing those published.

use clap::Subcommand;
use copbook::diagnostic;
use copbook::drafts::record;

use super::exit_status::CliError;
use super::shared_args::BookArg;

/// The subcommands of `copbook draft`.
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Freeze the book as book/drafts/<version>.json, the version being book.toml's
    /// `version`. Refuses when the book has check errors, or when a different draft of that
    /// version is already published (unless --force). Publishing an unchanged book again
    /// changes nothing.
    Publish {
        #[command(flatten)]
        book: BookArg,
        /// Replace a different draft already published under this version.
        #[arg(long)]
        force: bool,
    },
    /// List the published drafts, oldest first.
    List {
        #[command(flatten)]
        book: BookArg,
    },
}

/// Runs `copbook draft …`.
pub fn run(command: DraftCommand) -> Result<(), CliError> {
    match command {
        DraftCommand::Publish {
            book: BookArg { book },
            force,
        } => {
            let loaded =
                copbook::book::load(&book).map_err(|e| CliError::of_book(&e, e.is_unreadable()))?;
            let diagnostics = copbook::check::run(&loaded);
            for d in diagnostics
                .iter()
                .filter(|d| d.severity == diagnostic::Severity::Error)
            {
                eprintln!("{d}");
            }
            match copbook::drafts::publish(&loaded, &diagnostics, force) {
                Ok((draft, outcome)) => {
                    let path = record::path(&book, &draft.version);
                    println!("{}", outcome.describe(&draft, &path));
                    Ok(())
                }
                Err(e) => {
                    // Said as `error: …`, like the findings above it.
                    eprintln!("error: {e}");
                    Err(CliError::Failed(None))
                }
            }
        }
        DraftCommand::List {
            book: BookArg { book },
        } => {
            let drafts = record::list(&book)?;
            if drafts.is_empty() {
                println!(
                    "no published drafts in {}",
                    book.join(record::DRAFTS_DIR).display()
                );
            }
            for d in &drafts {
                println!(
                    "{:<8} {}  {:<24} {} provisions",
                    d.version,
                    d.date,
                    d.status,
                    d.provisions().count()
                );
            }
            Ok(())
        }
    }
}
