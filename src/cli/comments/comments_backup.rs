//! `copbook comments backup`: a consistent copy of the SQLite comments database, made
//! while `serve` runs.

use std::path::PathBuf;

use clap::Args;

use crate::cli::exit_status::CliError;
use crate::cli::shared_args::{open_existing, runtime};

/// The options of `copbook comments backup` (its `--database` takes SQLite only).
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Folder holding the comments database.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// Comments database: `sqlite:PATH` [default: the file in --data]
    #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
    /// The file to write; it must not exist yet.
    #[arg(long)]
    out: PathBuf,
}

/// Writes the backup.
pub fn run(args: BackupArgs) -> Result<(), CliError> {
    let runtime = runtime()?;
    let store = open_existing(&runtime, &args.data, args.database.as_deref())?;
    runtime.block_on(store.backup(&args.out))?;
    runtime.block_on(store.close());
    println!("backed up {} to {}", store.location(), args.out.display());
    Ok(())
}
