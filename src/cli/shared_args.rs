//! Options several commands share, each defined once and flattened into the commands
//! that take it (`#[command(flatten)]`): the book's folder, the comments database, the
//! findings' output format; and opening the database and the book they name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, ValueEnum};
use copbook::comments::{CommentStore, Database};

/// The book a command works on.
#[derive(Debug, Args)]
pub struct BookArg {
    /// The book's folder (holding book.toml).
    #[arg(long, default_value = "book")]
    pub book: PathBuf,
}

/// Where the comments (and the accounts) are kept.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Folder holding the comments database.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// Comments database: `sqlite:PATH` or `postgres://…` [default: the file in --data]
    #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
    pub database: Option<String>,
}

impl StoreArgs {
    /// Opens the database, creating it if need be (accounts may be the first thing kept).
    pub fn open(&self, runtime: &tokio::runtime::Runtime) -> anyhow::Result<Arc<dyn CommentStore>> {
        let database = database(&self.data, self.database.as_deref())?;
        runtime
            .block_on(database.open(Default::default()))
            .context("opening the comments database")
    }

    /// Opens a database that `serve` has already made (see [`open_existing`]).
    pub fn open_existing(
        &self,
        runtime: &tokio::runtime::Runtime,
    ) -> anyhow::Result<Arc<dyn CommentStore>> {
        open_existing(runtime, &self.data, self.database.as_deref())
    }
}

/// The database `url` names, or else the SQLite file in `data`.
fn database(data: &Path, url: Option<&str>) -> anyhow::Result<Database> {
    Ok(match url {
        Some(url) => Database::parse(url)?,
        None => Database::default_in(data),
    })
}

/// Opens the database `url` names (or the SQLite file in `data`), refusing a SQLite file
/// that does not exist: reading comments from a new, empty file would only mislead.
pub fn open_existing(
    runtime: &tokio::runtime::Runtime,
    data: &Path,
    url: Option<&str>,
) -> anyhow::Result<Arc<dyn CommentStore>> {
    let database = database(data, url)?;
    if let Database::Sqlite(file) = &database {
        anyhow::ensure!(
            file.is_file(),
            "no comments database at {} (give the folder `serve` used with --data, or --database)",
            file.display()
        );
    }
    runtime
        .block_on(database.open(Default::default()))
        .context("opening the comments database")
}

/// How findings and counts are written.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The output formats of `check` and `comments stats`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// One finding a line: `path:line: severity: message`.
    Text,
    /// A JSON object with every finding and the readability of each guide page.
    Json,
}

/// A new async runtime for a command that talks to the database or serves.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the async runtime")
}

/// The corpus of the book in `book` as it stands (for `--book` options that follow
/// comments to their paragraphs).
pub fn corpus_of(book: &Path) -> anyhow::Result<copbook::book::Corpus> {
    copbook::book::load(book)
        .map(|loaded| loaded.corpus)
        .with_context(|| format!("loading the book in {}", book.display()))
}
