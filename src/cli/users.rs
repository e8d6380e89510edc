//! `copbook users …` (the drafters' accounts) and `copbook audit export` (the log of
//! admin actions). Passwords are read from standard input (without echo on a terminal),
//! never from the command line, where `ps` and shell history would show them.

use std::io::{BufRead, IsTerminal, Read, Write};

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use copbook::auth::session;
use copbook::auth::{self, Role, password};
use copbook::comments::store::accounts::{
    AccountChange, AuditEntry, AuditQuery, AuditRow, NewAccount, NewSetupLink,
};
use copbook::comments::{CommentStore, StoreError};

use super::exit_status::CliError;
use super::shared_args::{StoreArgs, runtime};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add an account; its password is read from standard input, or (`--setup-link`)
    /// the person chooses it through a one-time link.
    Add {
        /// Short name: 1 to 32 letters, digits, `.`, `-`, `_`.
        name: String,
        /// analyst, moderator or admin (the first account must be an admin).
        #[arg(long)]
        role: String,
        /// The verified email an OpenID Connect sign-in maps to this account.
        #[arg(long)]
        email: Option<String>,
        /// No password: the account signs in through OpenID Connect only.
        #[arg(long)]
        no_password: bool,
        /// Print a one-time set-up link (24 hours) instead of reading a password: the
        /// person opens it and chooses their own.
        #[arg(long, conflicts_with = "no_password")]
        setup_link: bool,
        /// The site's address, put before the set-up link's path (e.g. https://code.example.org).
        #[arg(long, env = "COPBOOK_SITE_URL")]
        site: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the accounts (name, role, enabled or disabled).
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Stop an account signing in and end its sessions.
    Disable {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Let a disabled account sign in again.
    Enable {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Change an account's role (ends its sessions).
    Role {
        name: String,
        /// analyst, moderator or admin.
        role: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Set a new password, read from standard input (ends the account's sessions), or
    /// print a one-time set-up link for the person to choose one.
    Reset {
        name: String,
        /// Print a one-time set-up link (24 hours) instead of reading a password; the
        /// old password works until the link is used.
        #[arg(long)]
        setup_link: bool,
        /// The site's address, put before the set-up link's path.
        #[arg(long, env = "COPBOOK_SITE_URL")]
        site: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Write the whole audit log, oldest first, to standard output.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = AuditFormat::Csv)]
        format: AuditFormat,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AuditFormat {
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// The time now by the process's clock (`COPBOOK_NOW` in tests).
fn now_ms() -> anyhow::Result<i64> {
    copbook::clock::check_env()?;
    Ok(copbook::clock::now().as_millisecond())
}

fn entry(action: &str, subject: &str, detail: Option<String>) -> anyhow::Result<AuditEntry> {
    Ok(AuditEntry {
        at_ms: now_ms()?,
        actor: "cli".to_string(),
        action: action.to_string(),
        subject: Some(subject.to_string()),
        detail,
        client: None,
    })
}

fn role(word: &str) -> anyhow::Result<Role> {
    Role::parse(word).with_context(|| format!("no role `{word}`: use analyst, moderator or admin"))
}

/// Reads a new password from standard input: twice, without echo, on a terminal; the
/// first line otherwise.
fn read_password(name: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("New password for {name}: "))?;
        let again = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .take(password::MAX_PASSWORD_BYTES as u64 + 2)
            .read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    password::check_strength(&password)?;
    Ok(password)
}

/// Stores a one-time set-up link for `name` and returns its address (`site` before the
/// path when given).
fn setup_link(
    runtime: &tokio::runtime::Runtime,
    store: &dyn CommentStore,
    name: &str,
    site: Option<&str>,
) -> anyhow::Result<String> {
    let token = session::new_id();
    let audit = entry("setup-link", name, Some("valid 24 hours".to_string()))?;
    runtime.block_on(store.add_setup_link(
        NewSetupLink {
            token_hash: session::setup_token_hash(&token),
            account: name.to_string(),
            created_ms: audit.at_ms,
            expires_ms: audit.at_ms.saturating_add(session::SETUP_LINK_MS),
        },
        audit,
    ))?;
    let path = session::setup_path(&token);
    Ok(match site {
        Some(site) => format!("{}{path}", site.trim_end_matches('/')),
        None => path,
    })
}

fn refused(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::LastAdmin => anyhow::anyhow!(
            "refused: at least one enabled admin must remain (add or promote another first)"
        ),
        e => e.into(),
    }
}

/// Runs `copbook users …`.
pub fn run(command: UsersCommand) -> Result<(), CliError> {
    Ok(users(command)?)
}

fn users(command: UsersCommand) -> anyhow::Result<()> {
    let runtime = runtime()?;
    match command {
        UsersCommand::Add {
            name,
            role: word,
            email,
            no_password,
            setup_link: link,
            site,
            store,
        } => {
            anyhow::ensure!(
                auth::is_valid_name(&name),
                "`{name}` cannot be an account name: use 1 to 32 letters, digits, `.`, `-`, `_`"
            );
            let role = role(&word)?;
            let store = store.open(&runtime)?;
            let accounts = runtime.block_on(store.accounts())?;
            anyhow::ensure!(
                !accounts.is_empty() || role == Role::Admin,
                "the first account must be an admin (--role admin)"
            );
            let password_hash = if no_password || link {
                anyhow::ensure!(
                    link || email.is_some(),
                    "an account without a password needs --email for OpenID Connect"
                );
                None
            } else {
                Some(password::hash(&read_password(&name)?)?)
            };
            let email = email.map(|e| e.trim().to_ascii_lowercase());
            let audit = entry("account-add", &name, Some(role.as_str().to_string()))?;
            runtime
                .block_on(store.add_account(
                    NewAccount {
                        name: name.clone(),
                        role: role.as_str().to_string(),
                        password_hash,
                        email,
                        created_ms: audit.at_ms,
                    },
                    audit,
                ))
                .map_err(refused)?;
            println!("added {name} ({role})");
            if link {
                let url = setup_link(&runtime, &*store, &name, site.as_deref())?;
                println!("set-up link (works once, for 24 hours): {url}");
            }
        }
        UsersCommand::List { store } => {
            let store = store.open(&runtime)?;
            let mut out = std::io::stdout().lock();
            for a in runtime.block_on(store.accounts())? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    a.name,
                    a.role,
                    if a.disabled { "disabled" } else { "enabled" },
                    a.email.as_deref().unwrap_or("-")
                )?;
            }
        }
        UsersCommand::Disable { name, store } => {
            change(
                &runtime,
                &store,
                &name,
                AccountChange::Disable,
                "account-disable",
                None,
            )?;
            println!("disabled {name}; its sessions have ended");
        }
        UsersCommand::Enable { name, store } => {
            change(
                &runtime,
                &store,
                &name,
                AccountChange::Enable,
                "account-enable",
                None,
            )?;
            println!("enabled {name}");
        }
        UsersCommand::Role {
            name,
            role: word,
            store,
        } => {
            let role = role(&word)?;
            change(
                &runtime,
                &store,
                &name,
                AccountChange::Role(role.as_str().to_string()),
                "account-role",
                Some(role.as_str().to_string()),
            )?;
            println!("{name} is now {role}; its sessions have ended");
        }
        UsersCommand::Reset {
            name,
            setup_link: link,
            site,
            store,
        } => {
            let opened = store.open(&runtime)?;
            anyhow::ensure!(
                runtime.block_on(opened.account(&name))?.is_some(),
                "no account named {name}"
            );
            if link {
                let url = setup_link(&runtime, &*opened, &name, site.as_deref())?;
                println!("set-up link for {name} (works once, for 24 hours): {url}");
                return Ok(());
            }
            let hash = password::hash(&read_password(&name)?)?;
            runtime
                .block_on(opened.change_account(
                    &name,
                    AccountChange::Password(Some(hash)),
                    entry("account-reset", &name, None)?,
                ))
                .map_err(refused)?;
            println!("new password set for {name}; its sessions have ended");
        }
    }
    Ok(())
}

fn change(
    runtime: &tokio::runtime::Runtime,
    store: &StoreArgs,
    name: &str,
    change: AccountChange,
    action: &str,
    detail: Option<String>,
) -> anyhow::Result<()> {
    let store = store.open(runtime)?;
    runtime
        .block_on(store.change_account(name, change, entry(action, name, detail)?))
        .map_err(|e| match e {
            StoreError::NotFound(_) => anyhow::anyhow!("no account named {name}"),
            e => refused(e),
        })
}

/// Runs `copbook audit …`.
pub fn audit(command: AuditCommand) -> Result<(), CliError> {
    let runtime = runtime()?;
    let AuditCommand::Export { format, store } = command;
    let store = store.open(&runtime)?;
    let mut rows = runtime.block_on(store.audit_entries(&AuditQuery::default()))?;
    rows.reverse();
    let out = std::io::stdout().lock();
    write_rows(&rows, format, out)?;
    Ok(())
}

fn write_rows(rows: &[AuditRow], format: AuditFormat, out: impl Write) -> anyhow::Result<()> {
    match format {
        AuditFormat::Json => {
            let mut out = std::io::BufWriter::new(out);
            serde_json::to_writer_pretty(&mut out, rows)?;
            writeln!(out)?;
        }
        AuditFormat::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            csv.write_record(["id", "at", "actor", "action", "subject", "detail", "client"])?;
            for r in rows {
                csv.serialize((
                    r.id,
                    &r.at,
                    &r.actor,
                    &r.action,
                    neutralise(r.subject.as_deref()),
                    neutralise(r.detail.as_deref()),
                    &r.client,
                ))?;
            }
            csv.flush()?;
        }
    }
    Ok(())
}

/// A cell a spreadsheet would read as a formula, made plain text.
fn neutralise(cell: Option<&str>) -> String {
    let cell = cell.unwrap_or_default();
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}
