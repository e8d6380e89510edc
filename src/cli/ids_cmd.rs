//! `copbook ids`: adds an id marker to every Code paragraph that has none.

use clap::Args;

use super::exit_status::CliError;
use super::shared_args::BookArg;

/// The options of `copbook ids`.
#[derive(Debug, Args)]
pub struct IdsArgs {
    #[command(flatten)]
    book: BookArg,
}

/// Adds the missing ids and says where.
pub fn run(args: IdsArgs) -> Result<(), CliError> {
    let added = copbook::ids::add_missing(&args.book.book)?;
    for a in &added {
        println!("{}:{}: added id `{}`", a.path.display(), a.line, a.id);
    }
    println!("{} ids added", added.len());
    Ok(())
}
