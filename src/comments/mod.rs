//! Consultation comments: what a respondent may send, how it is checked, where it is
//! kept, and how it is got out again.
//!
//! This module owns everything about a comment that is not HTTP: the model
//! ([`model`]), validation of what was typed ([`validate()`]), receipt references
//! ([`reference`]), the durable [`Store`] ([`store`], [`schema`]), exports and counts
//! ([`export`]), and the consultation [`Window`] ([`window`]). The server's routes
//! (forms, CSRF, rate limits, pages) sit on top of it and hold no comment logic of their
//! own, so the CLI, tests and benches call exactly what the server calls.
//!
//! A typical submission:
//!
//! ```no_run
//! # async fn handle(store: copbook::comments::Store, corpus: copbook::book::Corpus,
//! #     questions: Vec<copbook::config::Question>, form: copbook::comments::RawSubmission)
//! #     -> Result<(), Box<dyn std::error::Error>> {
//! use copbook::comments::{resolve_target, validate};
//! match validate(&form, &corpus, &questions) {
//!     Ok(comment) => {
//!         let target = resolve_target(&corpus, &comment.on).expect("validated");
//!         let stored = store.submit(comment, target, "0.1").await?;
//!         println!("Your reference is {}", stored.reference);
//!     }
//!     Err(errors) => { /* show every error, in an error summary */ }
//! }
//! # Ok(()) }
//! ```
//!
//! # What the store guarantees (for the crash test)
//!
//! - **Acknowledged means durable.** [`Store::submit`] returns `Ok` only after the
//!   transaction holding the comment has committed, in WAL mode with
//!   `synchronous=FULL`: the log is fsynced before the commit returns. A comment whose
//!   reference reached the respondent survives `kill -9` of the server and a power cut
//!   (on a disk that honours fsync).
//! - **Refused means absent.** [`StoreError::Unavailable`] and [`StoreError::Closed`]
//!   mean nothing of that comment was stored: a failed batch is rolled back whole and
//!   every job in it is refused. The server answers 503 and the respondent may resend.
//! - **Unanswered means either.** A comment in flight when the process dies (queued, or
//!   committed but not yet answered) may or may not be in the file; it is never half
//!   there. After a restart, [`Store::open`] recovers the WAL and every acknowledged
//!   reference is found by [`Store::get`].
//! - **No duplicates, no lost updates.** One writer thread does all writes; each
//!   reference is unique (a UNIQUE constraint, drawn again on collision).
//! - **Graceful shutdown.** Dropping the last [`Store`] handle, or [`Store::close`],
//!   lets the writer commit and answer everything already queued before it exits.
//!
//! Personal data (name, organisation, email) is stored as given and only leaves through
//! the exports; publication choices travel with each comment so the publishing side can
//! honour them.

pub mod export;
pub mod model;
pub mod reference;
pub mod schema;
pub mod store;
pub mod validate;
pub mod window;

pub use export::{ExportError, Stats, export_csv, export_json, stats};
pub use model::{
    GENERAL, NewComment, Publish, RespondentType, Status, StoredComment, Target, TargetLookup,
    resolve_target,
};
pub use store::{ListQuery, Store, StoreError, StoreOptions};
pub use validate::{FieldError, Problem, RawSubmission, validate};
pub use window::{Window, WindowError, WindowState};
