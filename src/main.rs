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
    /// Log what the build and server do, with times and module paths (RUST_LOG or
    /// COPBOOK_LOG, e.g. `debug`, choose the detail).
    #[arg(long, short, global = true)]
    verbose: bool,
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
        /// Output format (CSV cells starting with = + - @ are neutralised).
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Count comments per provision, per question and per status.
    Stats {
        /// Folder holding the comments database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
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
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            report(&format!("{e:#}"));
            ExitCode::from(COULD_NOT_RUN)
        }
    }
}

/// Sets up logging to standard error.
///
/// Ordinary runs print warnings as `copbook: warning: …`, with no time or module path;
/// `--verbose`, `RUST_LOG` or `COPBOOK_LOG` switch to tracing's full format (times,
/// levels, module paths) at the level asked for (`info` for `--verbose`). Colour only when
/// standard error is a terminal and `NO_COLOR` is unset.
fn init_logging(verbose: bool) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let asked = ["COPBOOK_LOG", "RUST_LOG"]
        .into_iter()
        .find_map(|var| EnvFilter::try_from_env(var).ok());
    let detailed = verbose || asked.is_some();
    let filter = asked.unwrap_or_else(|| EnvFilter::new(if verbose { "info" } else { "warn" }));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour);
    if detailed {
        builder.init();
    } else {
        builder.event_format(PlainWarnings).init();
    }
}

/// The event format of ordinary runs: `copbook: warning: message`, nothing else.
struct PlainWarnings;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for PlainWarnings
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let level = *event.metadata().level();
        let word = match level {
            tracing::Level::ERROR => "error",
            tracing::Level::WARN => "warning",
            tracing::Level::INFO => "note",
            _ => "debug",
        };
        if writer.has_ansi_escapes() {
            let colour = if level == tracing::Level::ERROR {
                "31"
            } else {
                "33"
            };
            write!(writer, "copbook: \x1b[1;{colour}m{word}\x1b[0m: ")?;
        } else {
            write!(writer, "copbook: {word}: ")?;
        }
        tracing_subscriber::fmt::FormatFields::format_fields(ctx, writer.by_ref(), event)?;
        writeln!(writer)
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
    use copbook::comments::Store;
    let open = |data: &std::path::Path| {
        anyhow::ensure!(
            data.join("comments.sqlite3").is_file(),
            "no comments database in {} (give the folder `serve` used with --data)",
            data.display()
        );
        Store::open(data).with_context(|| format!("opening the comments in {}", data.display()))
    };
    match command {
        CommentsCommand::Export { data, format } => {
            let store = open(&data)?;
            let stdout = std::io::stdout().lock();
            match format {
                ExportFormat::Csv => copbook::comments::export_csv(&store, stdout)?,
                ExportFormat::Json => copbook::comments::export_json(&store, stdout)?,
            }
        }
        CommentsCommand::Stats { data, format } => {
            let stats = open(&data)?.stats()?;
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
