//! `copbook comments purge`: deletes respondents' personal data once the retention
//! period set in book.toml has passed.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::cli::exit_status::CliError;
use crate::cli::shared_args::{StoreArgs, runtime};

/// The options of `copbook comments purge`.
#[derive(Debug, Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The book whose book.toml sets the consultation and its retention.
    #[arg(long, default_value = "book")]
    book: PathBuf,
    /// Say how many comments would be purged, and change nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Purges (or, with `--dry-run`, counts) once the purge is due; says when it will be
/// otherwise.
pub fn run(args: PurgeArgs) -> Result<(), CliError> {
    let runtime = runtime()?;
    let book = &args.book;
    let settings = copbook::config::BookSettings::load(book)
        .with_context(|| format!("reading the settings of the book in {}", book.display()))?;
    let Some(consultation) = settings.code.and_then(|c| c.consultation) else {
        return Err(anyhow::anyhow!(
            "{}: book.toml sets no consultation, so no retention period is known",
            book.display()
        )
        .into());
    };
    let window = copbook::comments::Window::from_settings(&consultation)?;
    let months = consultation.retention_months;
    let due = window
        .purge_due(months)
        .with_context(|| format!("retention-months = {months} in book.toml is too large"))?;
    let now = copbook::clock::now();
    if now < due {
        println!(
            "nothing to purge: personal data is kept until {due} ({months} months after the consultation closed)"
        );
        return Ok(());
    }
    let store = args.store.open_existing(&runtime)?;
    let cutoff = now.as_millisecond();
    if args.dry_run {
        let held = runtime.block_on(store.personal_data_held(cutoff))?;
        println!("{held} comments hold personal data and would be purged (due since {due})");
    } else {
        let purged = runtime.block_on(store.purge_personal_data(cutoff))?;
        println!("purged the personal data of {purged} comments (due since {due})");
    }
    runtime.block_on(store.close());
    Ok(())
}
