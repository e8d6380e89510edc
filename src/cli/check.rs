//! `copbook check`: every finding about the book, as text lines or JSON; exit 1 on any
//! error.

use clap::Args;
use copbook::check::plain::PageReadability;
use copbook::diagnostic::{self, Diagnostic};

use super::exit_status::CliError;
use super::shared_args::{BookArg, Format, FormatArg};

/// The options of `copbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    book: BookArg,
    #[command(flatten)]
    format: FormatArg,
}

/// Checks the book and its translations and prints the findings.
pub fn run(args: CheckArgs) -> Result<(), CliError> {
    let (diagnostics, readability) = match copbook::book::load(&args.book.book) {
        Ok(loaded) => {
            let mut found = copbook::check::run(&loaded);
            found.extend(copbook::translations::check_all(&loaded).map_err(CliError::failed)?);
            (found, copbook::check::readability(&loaded))
        }
        Err(copbook::book::BookError::Source(found)) => (found, Vec::new()),
        Err(e) => return Err(CliError::of_book(&e, e.is_unreadable())),
    };
    print_findings(&diagnostics, &readability, args.format.format)?;
    if diagnostic::has_errors(&diagnostics) {
        return Err(CliError::Failed(None));
    }
    Ok(())
}

fn print_findings(
    diagnostics: &[Diagnostic],
    readability: &[PageReadability],
    format: Format,
) -> anyhow::Result<()> {
    match format {
        Format::Text => {
            for d in diagnostics {
                println!("{d}");
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == diagnostic::Severity::Error)
                .count();
            eprintln!("{errors} errors, {} warnings", diagnostics.len() - errors);
        }
        Format::Json => {
            let json =
                serde_json::json!({ "diagnostics": diagnostics, "readability": readability });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
    }
    Ok(())
}
