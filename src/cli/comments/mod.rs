//! `copbook comments …`: the drafters' commands on the consultation's comments, one file
//! per subcommand.

use clap::Subcommand;

use super::exit_status::CliError;

pub mod comments_backup;
pub mod comments_erase;
pub mod comments_export;
pub mod comments_migrate;
pub mod comments_purge;
pub mod comments_stats;
pub mod comments_summary;

/// The subcommands of `copbook comments`.
#[derive(Debug, Subcommand)]
pub enum CommentsCommand {
    /// Write every comment to standard output.
    Export(comments_export::ExportArgs),
    /// Count comments per provision, per question and per status.
    Stats(comments_stats::StatsArgs),
    /// Delete respondents' names, email addresses and individuals' organisations once
    /// the retention period has passed (`retention-months` after the consultation
    /// closes, in book.toml; default 12). Bodies, targets, references and dates stay.
    /// Spam and hidden comments are purged like the others. The purge is logged in the
    /// database, and SQLite's files are rewritten so the old values do not linger.
    Purge(comments_purge::PurgeArgs),
    /// Erase comments at their respondents' request: name, email, organisation and the
    /// comment itself are deleted; a tombstone keeps the reference and the dates.
    Erase(comments_erase::EraseArgs),
    /// Copy the SQLite comments database to a new file, consistently, while `serve`
    /// keeps running. To restore: stop `serve`, delete comments.sqlite3-wal and
    /// comments.sqlite3-shm from the data folder, and copy the backup over
    /// comments.sqlite3. For PostgreSQL use pg_dump.
    Backup(comments_backup::BackupArgs),
    /// Write the consultation's frozen summary for the College's response: responses
    /// per question, per provision and per campaign group, with no personal data (no
    /// reference, name, organisation, email or text). Commit it with the book: the
    /// build fills `{{#responses id}}` from it and never reads the database.
    Summary(comments_summary::SummaryArgs),
    /// Copy every comment from one database into a PostgreSQL database, keeping
    /// references, times and statuses. Safe to run again: comments already copied are
    /// skipped. Checks that every comment of the source is present at the end.
    Migrate(comments_migrate::MigrateArgs),
}

/// Runs `copbook comments …`.
pub fn run(command: CommentsCommand) -> Result<(), CliError> {
    match command {
        CommentsCommand::Export(args) => comments_export::run(args),
        CommentsCommand::Stats(args) => comments_stats::run(args),
        CommentsCommand::Purge(args) => comments_purge::run(args),
        CommentsCommand::Erase(args) => comments_erase::run(args),
        CommentsCommand::Backup(args) => comments_backup::run(args),
        CommentsCommand::Summary(args) => comments_summary::run(args),
        CommentsCommand::Migrate(args) => comments_migrate::run(args),
    }
}
