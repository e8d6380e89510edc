//! `copbook translations mark-current`: records that translated sections and paragraphs
//! match the current English text (`en=HASH`).

use clap::Subcommand;

use super::exit_status::CliError;
use super::shared_args::BookArg;

/// The subcommands of `copbook translations`.
#[derive(Debug, Subcommand)]
pub enum TranslationsCommand {
    /// Record that translated sections or paragraphs match the current English text
    /// (writes `en=HASH` in their heading or marker; `copbook check` reports stale ones).
    MarkCurrent {
        #[command(flatten)]
        book: BookArg,
        /// Mark every paired section and paragraph of every translation.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        /// Ids to mark, as `copbook check` names them (e.g. `guide/respond#how-to-respond`).
        #[arg(required_unless_present = "all")]
        ids: Vec<String>,
    },
}

/// Runs `copbook translations …`.
pub fn run(command: TranslationsCommand) -> Result<(), CliError> {
    let TranslationsCommand::MarkCurrent {
        book: BookArg { book },
        all,
        ids,
    } = command;
    let marked = copbook::translations::mark_current(&book, &ids, all)?;
    for m in &marked {
        println!(
            "{}:{}: `{}` marked as translated from en={}",
            m.path.display(),
            m.line,
            m.id,
            m.hash
        );
    }
    println!("{} marked", marked.len());
    Ok(())
}
