//! `copbook comments export`: every comment as CSV or JSON on standard output, with
//! `--book` where its paragraph is now, with `--without-personal-data` fit for sharing.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use copbook::analysis::following::followed;
use copbook::comments::export::{export_csv_with, export_json_with};
use copbook::drafts::follow;

use crate::cli::exit_status::CliError;
use crate::cli::shared_args::{StoreArgs, corpus_of, runtime};

/// The options of `copbook comments export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Output format (CSV cells starting with = + - @ are neutralised).
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// The book as it stands: adds, per comment, the draft it was made on, its
    /// paragraph's number then and now, and whether that paragraph is now unchanged,
    /// changed or removed.
    #[arg(long)]
    book: Option<PathBuf>,
    /// Leave out names, email addresses and individuals' organisations, and the text
    /// of respondents who said no to publication (for sharing with analysts).
    #[arg(long)]
    without_personal_data: bool,
}

/// How `comments export` writes the comments.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values, one comment a row.
    Csv,
    /// A JSON array of comments.
    Json,
}

/// Streams the comments out as the store gives them.
pub fn run(args: ExportArgs) -> Result<(), CliError> {
    let ExportArgs {
        store,
        format,
        book,
        without_personal_data,
    } = args;
    let runtime = runtime()?;
    let store = store.open_existing(&runtime)?;
    let corpus = book.as_deref().map(corpus_of).transpose()?;
    let rows = runtime.block_on(store.export())?;
    // Formatting runs on its own thread: the rows arrive from the runtime.
    let written = std::thread::scope(|scope| {
        scope
            .spawn(move || {
                let stdout = std::io::stdout().lock();
                let rows = rows.blocking_iter().map(|row| {
                    row.map(|c| {
                        if without_personal_data {
                            c.without_personal_data()
                        } else {
                            c
                        }
                    })
                });
                match (format, &corpus) {
                    (ExportFormat::Csv, None) => copbook::comments::export_csv(rows, stdout),
                    (ExportFormat::Json, None) => copbook::comments::export_json(rows, stdout),
                    (ExportFormat::Csv, Some(corpus)) => {
                        export_csv_with(rows, stdout, &follow::COLUMNS, |c| {
                            followed(c, corpus).cells()
                        })
                    }
                    (ExportFormat::Json, Some(corpus)) => {
                        export_json_with(rows, stdout, |c| followed(c, corpus).fields())
                    }
                }
            })
            .join()
    });
    match written {
        Ok(result) => result?,
        Err(_) => return Err(anyhow::anyhow!("the export thread panicked").into()),
    }
    runtime.block_on(store.close());
    Ok(())
}
