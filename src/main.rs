//! The `copbook` command line: parses arguments, calls the library, maps outcomes to exit
//! codes. All the work is in the library so that tests and benches call the same code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use copbook::check::plain::PageReadability;
use copbook::diagnostic::{self, Diagnostic};

/// One file per command (`src/cli/`).
mod cli {
    pub mod users;
}

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
    /// Drafters' accounts for /admin: add, list, disable, enable, role, reset.
    Users {
        #[command(subcommand)]
        command: cli::users::UsersCommand,
    },
    /// The audit log of admin actions.
    Audit {
        #[command(subcommand)]
        command: cli::users::AuditCommand,
    },
    /// Render the site and write corpus.json (every provision and section as data).
    Build {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// Where to write the site [default: the book's build-dir]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leave out the PDF editions (code-VERSION.pdf, guide-VERSION.pdf).
        #[arg(long, conflicts_with = "pdf")]
        no_pdf: bool,
        /// Write the PDF editions even for a book with more chapters than they are made
        /// for by default (200 per edition: a 2,000-chapter book takes minutes and
        /// gigabytes of memory to typeset).
        #[arg(long)]
        pdf: bool,
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
        connections: copbook::server::edge::listener::ConnectionOptions,
        #[command(flatten)]
        sign_in: copbook::server::admin::oidc::SignInOptions,
    },
    /// Read the consultation's comments (for the drafters).
    Comments {
        #[command(subcommand)]
        command: CommentsCommand,
    },
    /// Publish the current draft, or list the published ones (book/drafts/<version>.json).
    Draft {
        #[command(subcommand)]
        command: DraftCommand,
    },
    /// Show what changed between a published draft and a later one or the book on disk.
    Diff {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// The earlier draft's version [default: `compare-with` in book.toml, or the latest
        /// published draft older than the book's version]
        #[arg(long)]
        from: Option<String>,
        /// The later draft's version, or `current` for the book on disk.
        #[arg(long, default_value = "current")]
        to: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
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
enum DraftCommand {
    /// Freeze the book as book/drafts/<version>.json, the version being book.toml's
    /// `version`. Refuses when the book has check errors, or when a different draft of that
    /// version is already published (unless --force). Publishing an unchanged book again
    /// changes nothing.
    Publish {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// Replace a different draft already published under this version.
        #[arg(long)]
        force: bool,
    },
    /// List the published drafts, oldest first.
    List {
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = "book")]
        book: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DiffFormat {
    /// Each change with its old and new number; [+inserted+] and [-deleted-] words.
    Text,
    /// The change log as JSON (as `GET /api/changes` gives it).
    Json,
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
        /// The book as it stands: adds, per comment, the draft it was made on, its
        /// paragraph's number then and now, and whether that paragraph is now unchanged,
        /// changed or removed.
        #[arg(long)]
        book: Option<PathBuf>,
        /// Leave out names, email addresses and individuals' organisations, and the text
        /// of respondents who said no to publication (for sharing with analysts).
        #[arg(long)]
        without_personal_data: bool,
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
        /// The book as it stands: adds where each commented paragraph is now, and lists
        /// the comments on removed paragraphs.
        #[arg(long)]
        book: Option<PathBuf>,
    },
    /// Delete respondents' names, email addresses and individuals' organisations once
    /// the retention period has passed (`retention-months` after the consultation
    /// closes, in book.toml; default 12). Bodies, targets, references and dates stay.
    /// Spam and hidden comments are purged like the others. The purge is logged in the
    /// database, and SQLite's files are rewritten so the old values do not linger.
    Purge {
        /// Folder holding the comments database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Comments database: `sqlite:PATH` or `postgres://…` [default: the file in --data]
        #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
        database: Option<String>,
        /// The book whose book.toml sets the consultation and its retention.
        #[arg(long, default_value = "book")]
        book: PathBuf,
        /// Say how many comments would be purged, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Erase comments at their respondents' request: name, email, organisation and the
    /// comment itself are deleted; a tombstone keeps the reference and the dates.
    Erase {
        /// Folder holding the comments database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Comments database: `sqlite:PATH` or `postgres://…` [default: the file in --data]
        #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
        database: Option<String>,
        /// The references of the comments to erase, e.g. LEDS-7K3M-Q9TX-2HPR.
        #[arg(required = true)]
        references: Vec<String>,
    },
    /// Copy the SQLite comments database to a new file, consistently, while `serve`
    /// keeps running. To restore: stop `serve`, delete comments.sqlite3-wal and
    /// comments.sqlite3-shm from the data folder, and copy the backup over
    /// comments.sqlite3. For PostgreSQL use pg_dump.
    Backup {
        /// Folder holding the comments database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Comments database: `sqlite:PATH` [default: the file in --data]
        #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
        database: Option<String>,
        /// The file to write; it must not exist yet.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the consultation's frozen summary for the College's response: responses
    /// per question, per provision and per campaign group, with no personal data (no
    /// reference, name, organisation, email or text). Commit it with the book: the
    /// build fills `{{#responses id}}` from it and never reads the database.
    Summary {
        /// Folder holding the comments database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Comments database: `sqlite:PATH` or `postgres://…` [default: the file in --data]
        #[arg(long, env = "COPBOOK_DATABASE_URL", hide_env_values = true)]
        database: Option<String>,
        /// The file to write, e.g. book/src/response/summary.json (replaced if it exists).
        #[arg(long)]
        out: PathBuf,
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
    copbook::clock::check_env()?;
    match cli.command {
        Command::Build {
            book,
            out,
            no_pdf,
            pdf,
        } => {
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
                    // The PDF editions are typeset here, after the build, so that watch
                    // mode's builds never pay for them.
                    let too_big = !pdf && !site.pdf_within_limit();
                    if !no_pdf && too_big {
                        report(&format!(
                            "note: no PDF edition written: it would hold {} chapters, more than the {} it is made for by default (`copbook build --pdf` writes it anyway)",
                            site.largest_pdf_edition(),
                            copbook::edition::MAX_PDF_CHAPTERS
                        ));
                    }
                    if !no_pdf
                        && !too_big
                        && let Err(e) = site.write_pdfs()
                    {
                        report(&e.to_string());
                        return Ok(ExitCode::from(COULD_NOT_RUN));
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(failed(&e, e.is_unreadable())),
            }
        }
        Command::Check { book, format } => {
            let (diagnostics, readability) = match copbook::book::load(&book) {
                Ok(loaded) => {
                    let mut found = copbook::check::run(&loaded);
                    match copbook::translations::check_all(&loaded) {
                        Ok(more) => found.extend(more),
                        Err(e) => {
                            report(&e.to_string());
                            return Ok(ExitCode::FAILURE);
                        }
                    }
                    (found, copbook::check::readability(&loaded))
                }
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
            mut sign_in,
        } => {
            sign_in.oidc_client_secret =
                std::env::var(copbook::server::admin::oidc::CLIENT_SECRET_VAR).ok();
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
                sign_in,
            }));
            Ok(match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => failed(&e, !e.is_book_error()),
            })
        }
        Command::Users { command } => cli::users::run(command),
        Command::Audit { command } => cli::users::audit(command),
        Command::Comments { command } => comments(command),
        Command::Draft { command } => draft(command),
        Command::Diff {
            book,
            from,
            to,
            format,
        } => {
            let loaded = match copbook::book::load(&book) {
                Ok(loaded) => loaded,
                Err(e) => return Ok(failed(&e, e.is_unreadable())),
            };
            let log = copbook::drafts::diff(&loaded, from.as_deref(), Some(&to))?;
            match format {
                DiffFormat::Text => print!("{}", copbook::drafts::to_text(&log)),
                DiffFormat::Json => println!("{}", serde_json::to_string_pretty(&log)?),
            }
            Ok(ExitCode::SUCCESS)
        }
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

fn draft(command: DraftCommand) -> anyhow::Result<ExitCode> {
    use copbook::drafts::record;
    match command {
        DraftCommand::Publish { book, force } => {
            let loaded = match copbook::book::load(&book) {
                Ok(loaded) => loaded,
                Err(e) => return Ok(failed(&e, e.is_unreadable())),
            };
            let diagnostics = copbook::check::run(&loaded);
            for d in diagnostics
                .iter()
                .filter(|d| d.severity == diagnostic::Severity::Error)
            {
                eprintln!("{d}");
            }
            match copbook::drafts::publish(&loaded, &diagnostics, force) {
                Ok((draft, outcome)) => {
                    let path = record::path(&book, &draft.version);
                    println!("{}", outcome.describe(&draft, &path));
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        DraftCommand::List { book } => {
            let drafts = record::list(&book)?;
            if drafts.is_empty() {
                println!(
                    "no published drafts in {}",
                    book.join(record::DRAFTS_DIR).display()
                );
            }
            for d in &drafts {
                println!(
                    "{:<8} {}  {:<24} {} provisions",
                    d.version,
                    d.date,
                    d.status,
                    d.provisions().count()
                );
            }
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
        CommentsCommand::Purge {
            data,
            database,
            book,
            dry_run,
        } => {
            let settings = copbook::config::BookSettings::load(&book).with_context(|| {
                format!("reading the settings of the book in {}", book.display())
            })?;
            let Some(consultation) = settings.code.and_then(|c| c.consultation) else {
                anyhow::bail!(
                    "{}: book.toml sets no consultation, so no retention period is known",
                    book.display()
                );
            };
            let window = copbook::comments::Window::from_settings(&consultation)?;
            let months = consultation.retention_months;
            let due = window.purge_due(months).with_context(|| {
                format!("retention-months = {months} in book.toml is too large")
            })?;
            let now = copbook::clock::now();
            if now < due {
                println!(
                    "nothing to purge: personal data is kept until {due} ({months} months after the consultation closed)"
                );
                return Ok(ExitCode::SUCCESS);
            }
            let store = open(&data, database)?;
            let cutoff = now.as_millisecond();
            if dry_run {
                let held = runtime.block_on(store.personal_data_held(cutoff))?;
                println!(
                    "{held} comments hold personal data and would be purged (due since {due})"
                );
            } else {
                let purged = runtime.block_on(store.purge_personal_data(cutoff))?;
                println!("purged the personal data of {purged} comments (due since {due})");
            }
            runtime.block_on(store.close());
        }
        CommentsCommand::Erase {
            data,
            database,
            references,
        } => {
            let store = open(&data, database)?;
            let mut missing = 0;
            for reference in &references {
                let entry = copbook::comments::store::accounts::AuditEntry {
                    at_ms: copbook::clock::now().as_millisecond(),
                    actor: "cli".to_string(),
                    action: "erase".to_string(),
                    subject: Some(reference.clone()),
                    detail: None,
                    client: None,
                };
                match runtime.block_on(store.erase_audited(reference, Some(entry))) {
                    Ok(()) => println!("erased {reference}"),
                    Err(copbook::comments::StoreError::NotFound(_)) => {
                        missing += 1;
                        eprintln!(
                            "no comment has the reference {reference}; check it and run again"
                        );
                    }
                    Err(e) => return Err(e).with_context(|| format!("erasing {reference}")),
                }
            }
            runtime.block_on(store.close());
            if missing > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        CommentsCommand::Summary {
            data,
            database,
            out,
        } => {
            let store = open(&data, database)?;
            // The drafters' codes per response, for the counts per code.
            let mut codes: std::collections::HashMap<String, Vec<String>> =
                std::collections::HashMap::new();
            for tag in runtime.block_on(store.tags(None))? {
                codes.entry(tag.reference).or_default().push(tag.code);
            }
            // The drafters' splits and merges, so the published groups are theirs.
            let decisions =
                copbook::analysis::snapshot::decisions(&runtime.block_on(store.decisions())?);
            let rows = runtime.block_on(store.export())?;
            let responses = std::thread::scope(|scope| {
                scope
                    .spawn(|| {
                        let mut responses = Vec::new();
                        for c in rows.blocking_iter() {
                            let c = c?;
                            if !copbook::analysis::counts_as_response(c.status, &c.body) {
                                continue;
                            }
                            let published = c.status == copbook::comments::Status::Published
                                && c.publish != copbook::comments::Publish::No;
                            let codes = codes.remove(&c.reference).unwrap_or_default();
                            responses.push(copbook::analysis::summary::Response {
                                codes,
                                reference: c.reference,
                                body: c.body,
                                target: c.target_id,
                                question: c.question,
                                published,
                            });
                        }
                        Ok::<_, copbook::comments::StoreError>(responses)
                    })
                    .join()
            });
            runtime.block_on(store.close());
            let responses = match responses {
                Ok(responses) => responses?,
                Err(_) => anyhow::bail!("the summary thread panicked"),
            };
            let summary = copbook::analysis::summary::summarise(&responses, &decisions);
            let json = summary.to_json()?;
            let dir = match out.parent().filter(|d| !d.as_os_str().is_empty()) {
                Some(dir) => dir.to_path_buf(),
                None => PathBuf::from("."),
            };
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let mut file = tempfile::NamedTempFile::new_in(&dir)
                .with_context(|| format!("writing in {}", dir.display()))?;
            std::io::Write::write_all(&mut file, json.as_bytes())
                .with_context(|| format!("writing {}", out.display()))?;
            file.persist(&out)
                .with_context(|| format!("writing {}", out.display()))?;
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
        }
        CommentsCommand::Backup {
            data,
            database,
            out,
        } => {
            let store = open(&data, database)?;
            runtime.block_on(store.backup(&out))?;
            runtime.block_on(store.close());
            println!("backed up {} to {}", store.location(), out.display());
        }
        CommentsCommand::Export {
            data,
            database,
            format,
            book,
            without_personal_data,
        } => {
            let store = open(&data, database)?;
            let corpus = book.as_deref().map(corpus_of).transpose()?;
            let rows = runtime.block_on(store.export())?;
            // Formatting runs on its own thread: the rows arrive from the runtime.
            let written = std::thread::scope(|scope| {
                scope
                    .spawn(move || {
                        use copbook::comments::export::{export_csv_with, export_json_with};
                        use copbook::drafts::follow;
                        let stdout = std::io::stdout().lock();
                        let rows = rows.blocking_iter().map(|row| {
                            row.map(|c| {
                                if without_personal_data {
                                    c.without_personal_data()
                                } else {
                                    c
                                }
                            })
                        });
                        match (format, &corpus) {
                            (ExportFormat::Csv, None) => {
                                copbook::comments::export_csv(rows, stdout)
                            }
                            (ExportFormat::Json, None) => {
                                copbook::comments::export_json(rows, stdout)
                            }
                            (ExportFormat::Csv, Some(corpus)) => {
                                export_csv_with(rows, stdout, &follow::COLUMNS, |c| {
                                    followed(c, corpus).cells()
                                })
                            }
                            (ExportFormat::Json, Some(corpus)) => {
                                export_json_with(rows, stdout, |c| followed(c, corpus).fields())
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
            book,
        } => {
            let store = open(&data, database)?;
            let stats = runtime.block_on(store.stats())?;
            let grouped = runtime.block_on(copbook::analysis::Snapshot::read(&*store))?;
            let per_code = runtime.block_on(store.tag_counts())?;
            let following = match book.as_deref().map(corpus_of).transpose()? {
                Some(corpus) => {
                    let rows = runtime.block_on(store.export())?;
                    let items = std::thread::scope(|scope| {
                        scope
                            .spawn(|| {
                                let mut items = Vec::new();
                                for c in rows.blocking_iter() {
                                    let c = c?;
                                    if c.status != copbook::comments::Status::Spam {
                                        let f = followed(&c, &corpus);
                                        items.push((c.target_id, f, c.target_text));
                                    }
                                }
                                Ok::<_, copbook::comments::StoreError>(items)
                            })
                            .join()
                    });
                    match items {
                        Ok(items) => Some(copbook::drafts::follow::tally(items?)),
                        Err(_) => anyhow::bail!("the stats thread panicked"),
                    }
                }
                None => None,
            };
            runtime.block_on(store.close());
            match format {
                Format::Json => {
                    let mut json = serde_json::to_value(&stats)?;
                    if let (Some(following), Some(fields)) = (&following, json.as_object_mut()) {
                        fields.insert("following".into(), serde_json::to_value(following)?);
                    }
                    if let Some(fields) = json.as_object_mut() {
                        let g = &grouped.grouping;
                        fields.insert(
                            "grouping".into(),
                            serde_json::json!({
                                "responses": g.responses(),
                                "grouped": g.grouped(),
                                "groups": g.groups.len(),
                                "distinct": g.distinct(),
                                "split_out": g.split_out.len(),
                                "decisions": grouped.decisions.len(),
                                "summary": g.summary(),
                            }),
                        );
                        let codes: serde_json::Map<String, serde_json::Value> = per_code
                            .iter()
                            .map(|(code, n)| (code.clone(), (*n).into()))
                            .collect();
                        fields.insert("by_code".into(), codes.into());
                    }
                    println!("{}", serde_json::to_string_pretty(&json)?)
                }
                Format::Text => {
                    println!("{} comments", stats.total);
                    for s in &stats.by_status {
                        println!("  {:<10} {}", s.status.as_str(), s.count);
                    }
                    println!("spam excluded: {}", grouped.grouping.summary());
                    println!("per provision or section (spam excluded):");
                    for t in &stats.by_target {
                        let number = t.target_number.as_deref().unwrap_or("-");
                        println!("  {:>6}  {:<40} {}", number, t.target_id, t.count);
                    }
                    println!("per question (spam excluded):");
                    for q in &stats.by_question {
                        println!("  {:<20} {}", q.question, q.count);
                    }
                    if !per_code.is_empty() {
                        println!("per code (spam excluded):");
                        for (code, n) in &per_code {
                            println!("  {code:<40} {n}");
                        }
                    }
                    if let Some(following) = &following {
                        print!("{}", copbook::drafts::follow::to_text(following));
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

/// The corpus of the book as it stands, for following comments to their paragraphs.
fn corpus_of(book: &std::path::Path) -> anyhow::Result<copbook::book::Corpus> {
    copbook::book::load(book)
        .map(|loaded| loaded.corpus)
        .with_context(|| format!("loading the book in {}", book.display()))
}

fn followed(
    c: &copbook::comments::StoredComment,
    corpus: &copbook::book::Corpus,
) -> copbook::drafts::follow::Followed {
    copbook::drafts::follow::follow(
        &c.target_id,
        c.target_number.as_deref(),
        &c.target_text,
        &c.draft_version,
        corpus,
    )
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
