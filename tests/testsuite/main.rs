//! The integration test suite: one binary. HTTP behaviour is tested in-process with
//! `app::TestApp` (the router on an ephemeral port, a temporary data folder, a fixed
//! clock, the shipped book built once). The command line, start-up, signals, a SIGKILL and
//! watch mode are tested over the real `copbook` binary on fixture books: each fixture is a
//! small book under `tests/fixtures/`; a case copies it into a temporary folder, changes
//! what it tests, and runs the binary there.
//!
//! To add a case: start from `TestBook::minimal()`, `edit` or `write` the files that make
//! your case, run `check()` or `run(..)`, and assert on exact output.

mod accounts;
mod analysis;
mod app;
mod big_books;
mod browser;
mod build;
mod check;
mod comments;
mod drafts;
mod edition;
mod errors;
mod exit_codes;
mod hardening;
mod helpers;
mod ids;
mod incremental;
mod journeys;
mod leftovers;
mod module_graph;
mod oidc;
mod openapi;
mod plain;
mod plain_mdbook;
mod postgres;
mod privacy;
mod readability;
mod responses;
mod search;
mod watch;
mod welsh;
