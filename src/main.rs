//! The `copbook` binary: parses the command line, sets up logging, and hands over to
//! [`cli`], which runs the command (one file per command) and maps its outcome to the
//! exit status. All the work is in the library so that tests and benches call the same
//! code.

use std::process::ExitCode;

use clap::Parser;

mod cli;

use crate::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    cli::run(cli)
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
