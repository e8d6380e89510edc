//! `copbook build`: renders the site and writes corpus.json, then the PDF editions.

use std::path::PathBuf;

use clap::Args;

use super::exit_status::{CliError, report};
use super::shared_args::BookArg;

/// The options of `copbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    book: BookArg,
    /// Where to write the site [default: the book's build-dir]
    #[arg(long)]
    out: Option<PathBuf>,
    /// Leave out the PDF editions (code-VERSION.pdf, guide-VERSION.pdf).
    #[arg(long, conflicts_with = "pdf")]
    no_pdf: bool,
    /// Write the PDF editions even for a book with more chapters than they are made
    /// for by default (200 per edition: a 2,000-chapter book takes minutes and
    /// gigabytes of memory to typeset).
    #[arg(long)]
    pdf: bool,
}

/// Builds the book; a PDF that cannot be written means the command could not run.
pub fn run(args: BuildArgs) -> Result<(), CliError> {
    let BuildArgs {
        book: BookArg { book },
        out,
        no_pdf,
        pdf,
    } = args;
    let settings = copbook::config::BookSettings::load(&book).map_err(|e| {
        let unreadable = matches!(e, copbook::config::ConfigError::Unreadable { .. });
        CliError::of_book(e, unreadable)
    })?;
    let out = out.unwrap_or_else(|| book.join(&settings.mdbook.build.build_dir));
    let site = copbook::site::build_with(settings, &out)
        .map_err(|e| CliError::of_book(&e, e.is_unreadable()))?;
    println!("{}", site.summary());
    // The PDF editions are typeset here, after the build, so that watch mode's builds
    // never pay for them.
    let too_big = !pdf && !site.pdf_within_limit();
    if !no_pdf && too_big {
        report(&format!(
            "note: no PDF edition written: it would hold {} chapters, more than the {} it is made for by default (`copbook build --pdf` writes it anyway)",
            site.largest_pdf_edition(),
            copbook::edition::MAX_PDF_CHAPTERS
        ));
    }
    if !no_pdf && !too_big {
        site.write_pdfs().map_err(CliError::could_not_run)?;
    }
    Ok(())
}
