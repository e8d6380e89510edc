//! The comment store as an interface: small traits by concern, what they promise, and the
//! two implementations behind them ([`sqlite::SqliteStore`] for one machine,
//! [`postgres::PostgresStore`] for several instances on one database).
//!
//! # Traits by concern
//! - [`Comments`]: submitting, reading and moderating comments, the published responses.
//! - [`Privacy`]: personal data held and purged, erasure, backup.
//! - [`Analysis`]: the drafters' grouping decisions, codes and tags, filters, counts and
//!   exports.
//! - [`Limits`]: the submission limit shared by every instance.
//! - [`accounts::AccountStore`] and [`accounts::AuditLog`]: accounts, sessions, the audit log.
//!
//! [`CommentStore`] is all of them at once, with the few methods of the store as a whole
//! (how many comments it holds, where it is, closing it), so the server holds one
//! `Arc<dyn CommentStore>`; on a trait object every
//! method is callable without importing its trait, and [`prelude`] brings them all in
//! for a concrete store.
//!
//! # What lives here
//! - `traits`: the traits above; `interface`: what they take and give ([`StoreError`],
//!   [`StoreOptions`], the queries); [`counts`]: [`Stats`].
//! - `sql`: every statement both backends share, written once, and the one place their
//!   dialects differ; `columns`: reading a row of either backend into a value;
//!   `filter`: the analysis view's `WHERE` clause.
//! - `jobs`: the writers' work and answers; [`migrations`]: both backends' schemas.
//! - [`sqlite`] and [`postgres`]: how each connects, writes (one writer with group
//!   commit) and reads; [`Database`]: which of them, and opening it.
//!
//! Nothing here imports from `comments` above `store` but the model, the coding
//! types, keys and references, and nothing outside `comments` but the clock.
//!
//! # The contract (both backends)
//! - **Acknowledged means durable.** [`Comments::submit`] returns `Ok` only after the
//!   transaction holding the comment has committed durably (SQLite: WAL with
//!   `synchronous=FULL`; PostgreSQL: `synchronous_commit=on`).
//! - **Refused means absent.** [`StoreError::Unavailable`] and [`StoreError::Closed`]
//!   mean nothing of that comment was stored; a failed batch is rolled back whole.
//! - **References are unique** across every process writing to the same database (a
//!   UNIQUE constraint; a taken reference is drawn again).
//! - **Group commit.** One writer per process takes every queued job (up to
//!   [`MAX_BATCH`]) into one transaction and answers each only after the commit.
//! - **Errors never name the backend**, so the HTTP layer maps them the same way:
//!   `Unavailable`/`Closed` → 503, `NotFound` → 404, the rest → 500.
//!
//! # Why `async-trait`
//! The server holds the store as `Arc<dyn CommentStore>`. Native `async fn` in traits
//! (Rust 1.75) is not `dyn`-compatible, and the futures handlers await must be `Send`;
//! `async_trait` boxes each future as `Pin<Box<dyn Future + Send>>`, one allocation per
//! call, which is nothing next to a database round trip.

pub mod accounts;
mod columns;
pub mod counts;
mod database;
pub(crate) mod filter;
mod interface;
mod jobs;
pub mod migrations;
pub mod postgres;
mod sql;
pub mod sqlite;
mod traits;

pub use counts::{QuestionCount, Stats, StatusCount, TargetCount};
pub use database::Database;
pub use interface::{
    Admission, ExportRows, ListQuery, PublishedQuery, StoreError, StoreOptions, Submitted,
};
pub use jobs::MAX_BATCH;
pub use sqlite::{DB_FILE, SqliteStore};
pub use traits::{Analysis, CommentStore, Comments, Limits, Privacy};

/// Every trait of the store, for code that calls a store's methods on a concrete
/// store (`SqliteStore`, `PostgresStore`) or a generic one: `use …::store::prelude::*`.
/// (On `dyn CommentStore` every method is callable without it.)
pub mod prelude {
    pub use super::accounts::{AccountStore, AuditLog};
    pub use super::traits::{Analysis, CommentStore, Comments, Limits, Privacy};
}
