//! What every request passes through before and after its handler: the one error type
//! ([`error::AppError`], said by the [`error::render_errors`] layer), the server pages' templates and words ([`pages`], [`messages`]),
//! the request's language ([`language`]), abuse limits ([`limits`]), checks that wrap
//! routes ([`guards`]), the page-specific Content-Security-Policy ([`page_policy`]) and
//! the accept loop ([`listener`]).
//!
//! The edge imports nothing else of the server but its shared state (`server/mod.rs`);
//! the public pages, the admin pages and the API import the edge.

pub mod access;
pub mod csrf;
pub mod error;
pub mod guards;
pub mod language;
pub mod limits;
pub mod listener;
pub mod messages;
pub mod page_policy;
pub mod pages;
