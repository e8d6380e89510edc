//! Consultation comments: what a respondent may send, how it is checked, where it is
//! kept, and how it is got out again.
//!
//! This module owns everything about a comment that is not HTTP: the model
//! ([`model`]), validation of what was typed ([`validate()`]), receipt references
//! ([`reference`]), the durable [`CommentStore`] and its SQLite and PostgreSQL
//! implementations with their migrations ([`store`]), the formatting of exports ([`export`]), and
//! the consultation [`Window`] ([`window`]). The server's routes (forms, CSRF, rate
//! limits, pages) sit on top of it and hold no comment logic of their own, so the CLI,
//! tests and benches call exactly what the server calls.
//!
//! A typical submission:
//!
//! ```no_run
//! # async fn handle(store: std::sync::Arc<dyn copbook::comments::CommentStore>,
//! #     corpus: copbook::book::Corpus,
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
//! What every store guarantees (acknowledged means durable, refused means absent,
//! unique references, group commit, graceful close) is written once, in [`store`].
//! Personal data (name, organisation, email) is stored as given and only leaves through
//! the exports; publication choices travel with each comment, and [`published`] is the
//! one public view of a comment, which honours them (never an email address).

pub mod coding;
pub mod export;
pub mod keys;
pub mod migrate;
pub mod model;
pub mod published;
pub mod reference;
pub mod retention;
pub mod store;
pub mod validate;
pub mod window;

pub use coding::{CodeEntry, DecisionKind, Filter, GroupingDecision, Tag};
pub use export::{ExportError, export_csv, export_json};
pub use model::{
    Attribution, GENERAL, NewComment, Publish, RespondentType, Status, StoredComment, Target,
    TargetLookup, resolve_target,
};
pub use store::{
    Admission, Analysis, CommentStore, Comments, Database, ExportRows, Limits, ListQuery, Privacy,
    PublishedQuery, SqliteStore, Stats, StoreError, StoreOptions, Submitted,
};
pub use validate::{FieldError, Problem, RawSubmission, validate};
pub use window::{Window, WindowError, WindowState};
