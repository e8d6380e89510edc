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
#[command(name = "copbook", version, propagate_version = true)]
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
    /// Work with the book's translations (e.g. Welsh, in book.toml's languages).
    Translations {
        #[command(subcommand)]
        command: TranslationsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum TranslationsCommand {
    /// Record that translated sections or paragraphs match the current English text
    /// (writes `en=HASH` in their heading or marker; `copbook check` reports stale ones).
    MarkCurrent {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// Mark every paired section and paragraph of every translation.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        /// Ids to mark, as `copbook check` names them (e.g. `guide/respond#how-to-respond`).
        #[arg(required_unless_present = "all")]
        ids: Vec<String>,
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
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { book, out } => {
            let settings = match copbook::config::BookSettings::load(&book) {
                Ok(settings) => settings,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let out = out.unwrap_or_else(|| book.join(&settings.mdbook.build.build_dir));
            match copbook::site::build_with(settings, &out) {
                Ok(site) => {
                    println!("{}", site.summary());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("{e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Check { book, format } => {
            let (diagnostics, readability) = match copbook::book::load(&book) {
                Ok(loaded) => {
                    let mut found = copbook::check::run(&loaded);
                    match copbook::translations::check_all(&loaded) {
                        Ok(more) => found.extend(more),
                        Err(e) => {
                            eprintln!("{e}");
                            return Ok(ExitCode::FAILURE);
                        }
                    }
                    (found, copbook::check::readability(&loaded))
                }
                Err(copbook::book::BookError::Source(found)) => (found, Vec::new()),
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            print_findings(&diagnostics, &readability, format)?;
            Ok(if diagnostic::has_errors(&diagnostics) {
                ExitCode::FAILURE
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
            runtime.block_on(copbook::server::run(copbook::server::ServeOptions {
                book,
                addr,
                data,
                watch,
                rate_limit,
                trusted_proxy,
                admin_token: std::env::var("COPBOOK_ADMIN_TOKEN").ok(),
            }))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Comments { command } => comments(command),
        Command::Translations {
            command: TranslationsCommand::MarkCurrent { book, all, ids },
        } => {
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
            Ok(ExitCode::SUCCESS)
        }
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
