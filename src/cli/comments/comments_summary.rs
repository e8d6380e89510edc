//! `copbook comments summary`: writes the frozen summary of the consultation
//! ([`copbook::analysis::summary::read`]) to a file, whole or not at all.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use crate::cli::exit_status::CliError;
use crate::cli::shared_args::{StoreArgs, runtime};

/// The options of `copbook comments summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The file to write, e.g. book/src/response/summary.json (replaced if it exists).
    #[arg(long)]
    out: PathBuf,
}

/// Reads the responses, writes the summary and says what it counted.
pub fn run(args: SummaryArgs) -> Result<(), CliError> {
    let runtime = runtime()?;
    let store = args.store.open_existing(&runtime)?;
    let summary = runtime.block_on(copbook::analysis::summary::read(&*store));
    runtime.block_on(store.close());
    let summary = summary?;
    let out = &args.out;
    write_whole(out, &summary.to_json()?)?;
    let t = &summary.totals;
    println!(
        "{} responses, of which {} in {} campaign groups ({} distinct submissions), {} published: wrote {}",
        t.responses,
        t.grouped,
        t.campaign_groups,
        t.distinct,
        t.published,
        out.display()
    );
    Ok(())
}

/// Writes `text` to `out` through a temporary file beside it, so that a reader never
/// sees half a file.
fn write_whole(out: &Path, text: &str) -> anyhow::Result<()> {
    let dir = match out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(&dir)
        .with_context(|| format!("writing in {}", dir.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("writing {}", out.display()))?;
    file.persist(out)
        .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}
