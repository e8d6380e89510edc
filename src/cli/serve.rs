//! `copbook serve`: builds the book and serves the site, its search and the
//! consultation, rebuilding on every save with `--watch`.

use std::path::PathBuf;

use clap::Args;

use super::exit_status::CliError;
use super::shared_args::{BookArg, runtime};

/// The options of `copbook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    book: BookArg,
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
}

/// Serves until stopped; a book with errors exits 1, anything else that stops it 2.
pub fn run(args: ServeArgs) -> Result<(), CliError> {
    let ServeArgs {
        book: BookArg { book },
        addr,
        data,
        watch,
        rate_limit,
        trusted_proxy,
        database,
        connections,
        mut sign_in,
    } = args;
    sign_in.oidc_client_secret =
        std::env::var(copbook::server::admin::oidc::CLIENT_SECRET_VAR).ok();
    let runtime = runtime()?;
    runtime
        .block_on(copbook::server::run(copbook::server::ServeOptions {
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
        }))
        .map_err(|e| {
            if e.is_book_error() {
                CliError::failed(&e)
            } else {
                CliError::could_not_run(&e)
            }
        })
}
