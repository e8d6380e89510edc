//! The integration test suite: one binary, black-box tests of the real `copbook` binary on
//! fixture books. Each fixture is a small book under `tests/fixtures/`; a case copies it into
//! a temporary folder, changes what it tests, and runs the binary there.
//!
//! To add a case: start from `TestBook::minimal()`, `edit` or `write` the files that make
//! your case, run `check()` or `run(..)`, and assert on exact output.

mod browser;
mod build;
mod check;
mod comments;
mod helpers;
mod ids;
mod module_graph;
mod plain;
mod readability;
mod search;
mod watch;
mod welsh;
