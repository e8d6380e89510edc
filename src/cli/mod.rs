//! The `copbook` command line: the top-level [`Cli`] and its [`Command`]s, one file per
//! command (its options and `run`), the options several commands share
//! ([`shared_args`]), and the one error type, [`exit_status::CliError`], that becomes the
//! exit status in one place. Only `main.rs` imports this module; it imports only the
//! library (`copbook::…`), where all the work is, so that tests and the server call the
//! same code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod build;
pub mod check;
pub mod comments;
pub mod diff;
pub mod draft;
pub mod exit_status;
pub mod ids_cmd;
pub mod serve;
pub mod shared_args;
pub mod translations_cmd;
pub mod users;

use exit_status::CliError;

/// Write, publish and consult on a statutory Code of Practice.
///
/// The book is an mdBook folder (book.toml and src/). Its Code-specific settings live in
/// book.toml under [preprocessor.copbook]; a book without them is built as a plain mdBook.
#[derive(Debug, Parser)]
#[command(
    name = "copbook",
    version,
    propagate_version = true,
    after_help = "Exit status: 0 clean; 1 the book has errors; 2 the command could not run \
                  (no such folder, unreadable book.toml, address in use). Error lines start \
                  with `copbook:`."
)]
pub struct Cli {
    /// Log what the build and server do, with times and module paths (RUST_LOG or
    /// COPBOOK_LOG, e.g. `debug`, choose the detail).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    command: Command,
}

/// Every command.
#[derive(Debug, Subcommand)]
enum Command {
    /// Drafters' accounts for /admin: add, list, disable, enable, role, reset.
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// The audit log of admin actions.
    Audit {
        #[command(subcommand)]
        command: users::AuditCommand,
    },
    /// Render the site and write corpus.json (every provision and section as data).
    Build(build::BuildArgs),
    /// Check the Code's structure, ids, cites and links; exit 1 on any error.
    Check(check::CheckArgs),
    /// Build the book and serve the site, its search and the consultation.
    Serve(serve::ServeArgs),
    /// Read the consultation's comments (for the drafters).
    Comments {
        #[command(subcommand)]
        command: comments::CommentsCommand,
    },
    /// Publish the current draft, or list the published ones (book/drafts/<version>.json).
    Draft {
        #[command(subcommand)]
        command: draft::DraftCommand,
    },
    /// Show what changed between a published draft and a later one or the book on disk.
    Diff(diff::DiffArgs),
    /// Add an id marker to every Code paragraph that has none (existing ids never change).
    Ids(ids_cmd::IdsArgs),
    /// Work with the book's translations (e.g. Welsh, in book.toml's languages).
    Translations {
        #[command(subcommand)]
        command: translations_cmd::TranslationsCommand,
    },
}

/// Runs the command asked for and gives its exit status, its error (if any) written as
/// `copbook: …`.
pub fn run(cli: Cli) -> ExitCode {
    exit_status::exit_code(dispatch(cli.command))
}

fn dispatch(command: Command) -> Result<(), CliError> {
    copbook::clock::check_env()?;
    match command {
        Command::Users { command } => users::run(command),
        Command::Audit { command } => users::audit(command),
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Comments { command } => comments::run(command),
        Command::Draft { command } => draft::run(command),
        Command::Diff(args) => diff::run(args),
        Command::Ids(args) => ids_cmd::run(args),
        Command::Translations { command } => translations_cmd::run(command),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
