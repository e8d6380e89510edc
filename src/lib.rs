//! copbook: write, publish and consult on a statutory Code of Practice.
//!
//! A book's Markdown source is loaded with mdBook's libraries ([`book`]), reduced to a
//! [`book::Corpus`] of provisions and sections, checked ([`check`]), rendered to HTML with
//! our in-process preprocessor, and indexed for search. [`site::build`] runs those steps
//! and returns one immutable [`site::Site`]; the server serves it. The binary in
//! `src/main.rs` only parses arguments and maps errors to exit codes: tests and benches
//! call the same functions.
//!
//! Error policy: library modules return `thiserror` enums that callers can match
//! (findings, validation, storage); `anyhow` appears only at the binary's edge.

pub mod analysis;
pub mod auth;
pub mod book;
pub mod check;
pub mod clock;
pub mod comments;
pub mod config;
pub mod csp;
pub mod default_theme;
pub mod diagnostic;
pub mod drafts;
pub mod edition;
pub mod html;
pub mod i18n;
pub mod ids;
pub mod search;
pub mod server;
pub mod site;
pub mod translations;
pub mod watch;
