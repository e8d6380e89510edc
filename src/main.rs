//! The `copbook` command line: parses arguments, calls the library, maps outcomes to exit
//! codes. All the work is in the library so that tests and benches call the same code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use copbook::check::plain::PageReadability;
use copbook::diagnostic::{self, Diagnostic};

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
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Render the site and write corpus.json (every provision and section as data).
    Build {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// Where to write the site [default: the book's build-dir]
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check the Code's structure, ids, cites and links; exit 1 on any error.
    Check {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Build the book and serve the site, its search and the consultation.
    Serve {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:3000")]
        addr: std::net::SocketAddr,
        /// Folder for the comments database and the builds being served.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Rebuild on every save and reload open pages; errors show in the page.
        #[arg(long)]
        watch: bool,
        /// Comment submissions allowed per client per minute (0: no limit).
        #[arg(long, default_value_t = 10)]
        rate_limit: u32,
        /// Address of the reverse proxy whose X-Forwarded-For header names the client.
        #[arg(long)]
        trusted_proxy: Option<std::net::IpAddr>,
        /// Comments database: `sqlite:PATH` or `postgres://USER@HOST:PORT/NAME`; several
        /// instances share one PostgreSQL database [default: the SQLite file in --data]
        #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
        database: Option<String>,
        #[command(flatten)]
        connections: copbook::server::listener::ConnectionOptions,
    },
    /// Read the consultation's comments (for the drafters).
    Comments {
        #[command(subcommand)]
        command: CommentsCommand,
    },
    /// Add an id marker to every Code paragraph that has none (existing ids never change).
    Ids {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum CommentsCommand {
    /// Write every comment to standard output.
    Export {
        /// Folder holding the comments database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Comments database: `sqlite:PATH` or `postgres://…` [default: the file in --data]
        #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
        database: Option<String>,
        /// Output format (CSV cells starting with = + - @ are neutralised).
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Count comments per provision, per question and per status.
    Stats {
        /// Folder holding the comments database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Comments database: `sqlite:PATH` or `postgres://…` [default: the file in --data]
        #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
        database: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Copy every comment from one database into a PostgreSQL database, keeping
    /// references, times and statuses. Safe to run again: comments already copied are
    /// skipped. Checks that every comment of the source is present at the end.
    Migrate {
        /// The database to copy from: `sqlite:PATH` (e.g. sqlite:data/comments.sqlite3).
        #[arg(long)]
        from: String,
        /// The PostgreSQL database to copy into: `postgres://USER@HOST:PORT/NAME`.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// Comma-separated values, one comment a row.
    Csv,
    /// A JSON array of comments.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One finding a line: `path:line: severity: message`.
    Text,
    /// A JSON object with every finding and the readability of each guide page.
    Json,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("COPBOOK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            report(&format!("{e:#}"));
            ExitCode::from(COULD_NOT_RUN)
        }
    }
}

/// Exit code when the book has errors (findings, invalid settings, a broken SUMMARY.md).
const BOOK_HAS_ERRORS: u8 = 1;
/// Exit code when the command could not run (no such folder, unreadable book.toml, an
/// address in use, an unwritable output folder).
const COULD_NOT_RUN: u8 = 2;

/// Writes an error to standard error, every line starting `copbook: `.
fn report(text: &str) {
    for line in text.lines() {
        eprintln!("copbook: {line}");
    }
}

/// Reports a failure and chooses its exit code.
fn failed(e: &dyn std::fmt::Display, could_not_run: bool) -> ExitCode {
    report(&e.to_string());
    ExitCode::from(if could_not_run {
        COULD_NOT_RUN
    } else {
        BOOK_HAS_ERRORS
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { book, out } => {
            let settings = match copbook::config::BookSettings::load(&book) {
                Ok(settings) => settings,
                Err(e) => {
                    let unreadable = matches!(e, copbook::config::ConfigError::Unreadable { .. });
                    return Ok(failed(&e, unreadable));
                }
            };
            let out = out.unwrap_or_else(|| book.join(&settings.mdbook.build.build_dir));
            match copbook::site::build_with(settings, &out) {
                Ok(site) => {
                    println!("{}", site.summary());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(failed(&e, e.is_unreadable())),
            }
        }
        Command::Check { book, format } => {
            let (diagnostics, readability) = match copbook::book::load(&book) {
                Ok(loaded) => (
                    copbook::check::run(&loaded),
                    copbook::check::readability(&loaded),
                ),
                Err(copbook::book::BookError::Source(found)) => (found, Vec::new()),
                Err(e) => return Ok(failed(&e, e.is_unreadable())),
            };
            print_findings(&diagnostics, &readability, format)?;
            Ok(if diagnostic::has_errors(&diagnostics) {
                ExitCode::from(BOOK_HAS_ERRORS)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve {
            book,
            addr,
            data,
            watch,
            rate_limit,
            trusted_proxy,
            database,
            connections,
        } => {
            let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            let served = runtime.block_on(copbook::server::run(copbook::server::ServeOptions {
                book,
                addr,
                data,
                watch,
                rate_limit,
                trusted_proxy,
                admin_token: std::env::var("COPBOOK_ADMIN_TOKEN").ok(),
                database,
                connections,
            }));
            Ok(match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => failed(&e, !e.is_book_error()),
            })
        }
        Command::Comments { command } => comments(command),
        Command::Ids { book } => {
            let added = copbook::ids::add_missing(&book)?;
            for a in &added {
                println!("{}:{}: added id `{}`", a.path.display(), a.line, a.id);
            }
            println!("{} ids added", added.len());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn comments(command: CommentsCommand) -> anyhow::Result<ExitCode> {
    use copbook::comments::Database;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let open = |data: &std::path::Path, database: Option<String>| {
        let database = match database {
            Some(url) => Database::parse(&url)?,
            None => Database::default_in(data),
        };
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
    };
    match command {
        CommentsCommand::Migrate { from, to } => {
            let source = Database::parse(&from)?;
            if let Database::Sqlite(file) = &source {
                anyhow::ensure!(
                    file.is_file(),
                    "--from: no database file at {}",
                    file.display()
                );
            }
            let Database::Postgres(url) = Database::parse(&to)? else {
                anyhow::bail!("--to must be a PostgreSQL URL (postgres://USER@HOST:PORT/NAME)");
            };
            runtime.block_on(migrate(source, &url))?;
        }
        CommentsCommand::Export {
            data,
            database,
            format,
        } => {
            let store = open(&data, database)?;
            let rows = runtime.block_on(store.export())?;
            // Formatting runs on its own thread: the rows arrive from the runtime.
            let written = std::thread::scope(|scope| {
                scope
                    .spawn(move || {
                        let stdout = std::io::stdout().lock();
                        match format {
                            ExportFormat::Csv => {
                                copbook::comments::export_csv(rows.blocking_iter(), stdout)
                            }
                            ExportFormat::Json => {
                                copbook::comments::export_json(rows.blocking_iter(), stdout)
                            }
                        }
                    })
                    .join()
            });
            match written {
                Ok(result) => result?,
                Err(_) => anyhow::bail!("the export thread panicked"),
            }
            runtime.block_on(store.close());
        }
        CommentsCommand::Stats {
            data,
            database,
            format,
        } => {
            let store = open(&data, database)?;
            let stats = runtime.block_on(store.stats())?;
            runtime.block_on(store.close());
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&stats)?),
                Format::Text => {
                    println!("{} comments", stats.total);
                    for s in &stats.by_status {
                        println!("  {:<10} {}", s.status.as_str(), s.count);
                    }
                    println!("per provision or section (spam excluded):");
                    for t in &stats.by_target {
                        let number = t.target_number.as_deref().unwrap_or("-");
                        println!("  {:>6}  {:<40} {}", number, t.target_id, t.count);
                    }
                    println!("per question (spam excluded):");
                    for q in &stats.by_question {
                        println!("  {:<20} {}", q.question, q.count);
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `comments migrate`: copies in batches, printing progress, then checks the counts.
async fn migrate(source: copbook::comments::Database, to: &str) -> anyhow::Result<()> {
    use copbook::comments::store::postgres::PostgresStore;
    const BATCH: usize = 1000;
    let from = source
        .open(Default::default())
        .await
        .context("opening --from")?;
    let total = from.count().await?;
    let target = PostgresStore::connect(to, Default::default())
        .await
        .context("opening --to")?;
    let mut rows = from.export().await?;
    let (mut copied, mut added) = (0u64, 0u64);
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let next = rows.next().await.transpose()?;
        let end = next.is_none();
        batch.extend(next);
        if batch.len() >= BATCH || (end && !batch.is_empty()) {
            added += target.import(&batch).await?;
            copied += batch.len() as u64;
            eprintln!("copied {copied} of {total} ({added} new)");
            batch.clear();
        }
        if end {
            break;
        }
    }
    anyhow::ensure!(
        copied == total,
        "read {copied} comments from --from but it holds {total}; run the command again"
    );
    let held = copbook::comments::CommentStore::count(&target).await?;
    anyhow::ensure!(
        held >= total,
        "--to holds {held} comments, fewer than the {total} of --from; run the command again"
    );
    println!(
        "{total} comments in --from, all present in --to ({added} copied now, {held} there in all)"
    );
    from.close().await;
    copbook::comments::CommentStore::close(&target).await;
    Ok(())
}

fn print_findings(
    diagnostics: &[Diagnostic],
    readability: &[PageReadability],
    format: Format,
) -> anyhow::Result<()> {
    match format {
        Format::Text => {
            for d in diagnostics {
                println!("{d}");
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == diagnostic::Severity::Error)
                .count();
            eprintln!("{errors} errors, {} warnings", diagnostics.len() - errors);
        }
        Format::Json => {
            let json =
                serde_json::json!({ "diagnostics": diagnostics, "readability": readability });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
