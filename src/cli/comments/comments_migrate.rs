//! `copbook comments migrate`: copies a consultation into PostgreSQL
//! ([`copbook::comments::migrate`]), saying how far it has got.

use clap::Args;
use copbook::comments::Database;
use copbook::comments::migrate::{self, MigrateError, Progress};

use crate::cli::exit_status::CliError;
use crate::cli::shared_args::runtime;

/// The options of `copbook comments migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The database to copy from: `sqlite:PATH` (e.g. sqlite:data/comments.sqlite3).
    #[arg(long)]
    from: String,
    /// The PostgreSQL database to copy into: `postgres://USER@HOST:PORT/NAME`.
    #[arg(long)]
    to: String,
}

/// Copies, printing progress on standard error and the outcome on standard output.
pub fn run(args: MigrateArgs) -> Result<(), CliError> {
    let runtime = runtime()?;
    let source = Database::parse(&args.from)?;
    if let Database::Sqlite(file) = &source
        && !file.is_file()
    {
        return Err(anyhow::anyhow!("--from: no database file at {}", file.display()).into());
    }
    let Database::Postgres(url) = Database::parse(&args.to)? else {
        return Err(anyhow::anyhow!(
            "--to must be a PostgreSQL URL (postgres://USER@HOST:PORT/NAME)"
        )
        .into());
    };
    let progress = |p: Progress| {
        eprintln!("copied {} of {} ({} new)", p.copied, p.total, p.added);
    };
    let migrated = runtime
        .block_on(migrate::copy_into_postgres(&source, &url, progress))
        .map_err(in_words)?;
    println!(
        "{} comments in --from, all present in --to ({} copied now, {} there in all)",
        migrated.total, migrated.added, migrated.held
    );
    Ok(())
}

/// A failed copy in the command's words (its options by name), causes kept.
fn in_words(e: MigrateError) -> anyhow::Error {
    match e {
        MigrateError::OpenSource(e) => anyhow::Error::new(e).context("opening --from"),
        MigrateError::OpenTarget(e) => anyhow::Error::new(e).context("opening --to"),
        MigrateError::Store(e) => anyhow::Error::new(e),
        MigrateError::ShortRead { copied, total } => anyhow::anyhow!(
            "read {copied} comments from --from but it holds {total}; run the command again"
        ),
        MigrateError::Missing { held, total } => anyhow::anyhow!(
            "--to holds {held} comments, fewer than the {total} of --from; run the command again"
        ),
    }
}
