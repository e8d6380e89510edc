//! `copbook comments erase`: erasure at a respondent's request, each one audited.

use clap::Args;
use copbook::comments::StoreError;
use copbook::comments::store::accounts::AuditEntry;

use crate::cli::exit_status::CliError;
use crate::cli::shared_args::{StoreArgs, runtime};

/// The options of `copbook comments erase`.
#[derive(Debug, Args)]
pub struct EraseArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The references of the comments to erase, e.g. LEDS-7K3M-Q9TX-2HPR.
    #[arg(required = true)]
    references: Vec<String>,
}

/// Erases every comment named; a reference that names none is said and exits 1 once
/// the others are erased.
pub fn run(args: EraseArgs) -> Result<(), CliError> {
    let runtime = runtime()?;
    let store = args.store.open_existing(&runtime)?;
    let mut missing = 0;
    for reference in &args.references {
        let entry = AuditEntry {
            at_ms: copbook::clock::now().as_millisecond(),
            actor: "cli".to_string(),
            action: "erase".to_string(),
            subject: Some(reference.clone()),
            detail: None,
            client: None,
        };
        match runtime.block_on(store.erase_audited(reference, Some(entry))) {
            Ok(()) => println!("erased {reference}"),
            Err(StoreError::NotFound(_)) => {
                missing += 1;
                eprintln!("no comment has the reference {reference}; check it and run again");
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("erasing {reference}"))
                    .into());
            }
        }
    }
    runtime.block_on(store.close());
    if missing > 0 {
        return Err(CliError::Failed(None));
    }
    Ok(())
}
