//! The values the store's traits take and give: [`StoreError`] (which never names the
//! backend), [`StoreOptions`], the queries, the shared limit's [`Admission`], streamed
//! [`ExportRows`] and a [`Submitted`] comment.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::clock::Clock;

use super::super::coding::DecisionKind;
use super::super::model::{Status, StoredComment};
use super::super::reference;
use super::migrations::MigrateError;

/// How many rows an export may buffer ahead of the code formatting them.
const EXPORT_BUFFER: usize = 256;

/// What can go wrong opening, writing or reading a comment store. No variant names the
/// database behind it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database could not be opened or configured.
    #[error("cannot open the comments database {location}: {reason}")]
    Open {
        /// The file, or the database URL without its password.
        location: String,
        /// What the database said.
        reason: String,
    },
    /// The `--database` value is not one copbook understands.
    #[error(
        "cannot use the database `{0}`: give `sqlite:PATH` (a file) or `postgres://USER@HOST:PORT/NAME`"
    )]
    BadUrl(String),
    /// The schema could not be brought up to date.
    #[error("cannot update the schema of {location}: {source}")]
    Migrate {
        /// The file or database.
        location: String,
        /// Which migration failed, or why none could run.
        source: MigrateError,
    },
    /// The writer could not be started.
    #[error("cannot start the comments writer: {0}")]
    Spawn(std::io::Error),
    /// The reference prefix in the settings cannot start a reference.
    #[error("reference prefix `{0}` is invalid: use 1 to 12 capital letters or digits")]
    BadPrefix(String),
    /// The database is down, full or refused the write; nothing was stored.
    #[error("the comment could not be saved (nothing was stored): {0}")]
    Unavailable(String),
    /// The store is closed or its writer has stopped; nothing was stored.
    #[error("the comment store is closed")]
    Closed,
    /// No comment has this reference.
    #[error("no comment has the reference {0}")]
    NotFound(String),
    /// A read failed.
    #[error("reading comments failed: {0}")]
    Read(String),
    /// A purge, erasure or backup failed or is not offered by this backend.
    #[error("{0}")]
    Maintenance(String),
    /// An account with this name (or email) already exists.
    #[error("an account named {0} (or with that email) already exists")]
    AccountExists(String),
    /// The change would leave no enabled admin account.
    #[error("at least one enabled admin account must remain")]
    LastAdmin,
}

impl StoreError {
    /// Whether the caller should answer 503 (try again later; nothing was stored).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable(_) | StoreError::Closed)
    }
}

/// How to open a store.
#[derive(Clone)]
pub struct StoreOptions {
    /// The references' prefix, e.g. `LEDS` (see [`reference`]).
    pub reference_prefix: String,
    /// SQLite only: a cap on the file's size in pages (`PRAGMA max_page_count`); writes
    /// that would grow it further fail as if the disk were full.
    pub max_page_count: Option<u64>,
    /// Draw references from a seeded, predictable generator. Tests only: predictable
    /// references are guessable.
    #[doc(hidden)]
    pub insecure_reference_seed: Option<u64>,
    /// What time it is: every time the store stamps (a comment received, a status
    /// changed, an erasure, a code or tag added, a shared limit's window) comes from it.
    /// The process's clock by default ([`crate::clock::process`]); tests give a fixed one.
    pub clock: Clock,
}

impl std::fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreOptions")
            .field("reference_prefix", &self.reference_prefix)
            .field("max_page_count", &self.max_page_count)
            .field("insecure_reference_seed", &self.insecure_reference_seed)
            .finish_non_exhaustive()
    }
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            reference_prefix: reference::DEFAULT_PREFIX.to_string(),
            max_page_count: None,
            insecure_reference_seed: None,
            clock: crate::clock::process(),
        }
    }
}

/// Which comments [`Comments::list`](super::Comments::list) returns, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Only comments on this target id.
    pub target: Option<String>,
    /// Only answers to this question.
    pub question: Option<String>,
    /// Only comments with this status.
    pub status: Option<Status>,
    /// Skip this many.
    pub offset: usize,
    /// Return at most this many.
    pub limit: usize,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            target: None,
            question: None,
            status: None,
            offset: 0,
            limit: 100,
        }
    }
}

/// Which published responses [`Comments::list_published`](super::Comments::list_published) returns, oldest first: a
/// comment a drafter marked [`Status::Published`] whose respondent let it be published
/// (`publish` is `yes` or `anonymous`), and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedQuery {
    /// Only responses on this target id.
    pub target: Option<String>,
    /// Only answers to this question.
    pub question: Option<String>,
    /// Skip this many.
    pub offset: usize,
    /// Return at most this many.
    pub limit: usize,
}

impl Default for PublishedQuery {
    fn default() -> Self {
        PublishedQuery {
            target: None,
            question: None,
            offset: 0,
            limit: 100,
        }
    }
}

/// The answer of a shared rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Counted; go ahead.
    Allowed,
    /// Over the limit; try again after this long.
    Refused {
        /// How long until the window has room again.
        retry_after: Duration,
    },
}

/// Every comment from one consistent snapshot, oldest first, as the store reads it.
///
/// Iterate with [`ExportRows::next`] in async code or [`ExportRows::blocking_iter`] on a
/// blocking thread; rows arrive while the store still reads, so an export of many
/// comments is never all in memory.
#[derive(Debug)]
pub struct ExportRows {
    rows: mpsc::Receiver<Result<StoredComment, StoreError>>,
}

impl ExportRows {
    /// A channel for a store to fill, and the rows reading from it.
    pub(crate) fn channel() -> (mpsc::Sender<Result<StoredComment, StoreError>>, ExportRows) {
        let (tx, rows) = mpsc::channel(EXPORT_BUFFER);
        (tx, ExportRows { rows })
    }

    /// The next row; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<StoredComment, StoreError>> {
        self.rows.recv().await
    }

    /// The rows for a thread outside the async runtime.
    ///
    /// # Panics
    /// If iterated from within an async runtime.
    pub fn blocking_iter(self) -> impl Iterator<Item = Result<StoredComment, StoreError>> {
        let mut rows = self.rows;
        std::iter::from_fn(move || rows.blocking_recv())
    }
}

/// A stored comment, and whether it was stored by an earlier submission with the same
/// idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The comment as kept.
    pub comment: StoredComment,
    /// `true` when this submission was a retry and stored nothing new.
    pub replayed: bool,
}

/// The comments a grouping decision names, normalised: the comment, and the one a merge
/// joins it with. [`StoreError::NotFound`] for a reference that cannot be one, or a
/// merge with nothing to join.
pub(crate) fn decision_references(
    kind: DecisionKind,
    reference: &str,
    with: Option<&str>,
) -> Result<(String, Option<String>), StoreError> {
    let named =
        |r: &str| reference::normalise(r).ok_or_else(|| StoreError::NotFound(r.to_string()));
    let reference = named(reference)?;
    let with = match (kind, with) {
        (DecisionKind::Merge, Some(w)) => Some(named(w)?),
        (DecisionKind::Merge, None) => return Err(StoreError::NotFound(String::new())),
        (DecisionKind::Split, _) => None,
    };
    Ok((reference, with))
}
