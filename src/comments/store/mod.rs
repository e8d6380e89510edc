//! The comment store as an interface: [`CommentStore`], what it promises, and the two
//! implementations behind it ([`sqlite::SqliteStore`] for one machine,
//! [`postgres::PostgresStore`] for several instances on one database).
//!
//! # The contract (both backends)
//! - **Acknowledged means durable.** [`CommentStore::submit`] returns `Ok` only after the
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
//!
//! # Jobs and answers
//! A write is a [`Job`]; each kind carries its own `oneshot` sender typed with its own
//! result, so an answer cannot be sent to the wrong kind of request. A writer turns a
//! job done inside an open transaction into a [`Done`] (the sender with its result),
//! and sends the [`Done`]s only after `COMMIT`, or refuses them all if it failed.

pub mod accounts;
pub(crate) mod filter;
pub mod postgres;
pub mod sqlite;

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::coding::{CodeEntry, DecisionKind, Filter, GroupingDecision, Tag};
use super::export::Stats;
use super::keys::SubmissionKeys;
use super::model::{NewComment, Status, StoredComment, Target, rfc3339_ms};
use super::reference;
use super::schema::MigrateError;
use accounts::AuditEntry;

pub use sqlite::{DB_FILE, SqliteStore};

/// The most jobs committed in one transaction.
pub const MAX_BATCH: usize = 256;

/// How many jobs may wait for the writer before `submit` waits for room.
pub(crate) const QUEUE: usize = 4096;

/// How often a fresh reference is drawn when the last one was already taken.
pub(crate) const REFERENCE_ATTEMPTS: usize = 16;

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
#[derive(Debug, Clone)]
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
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            reference_prefix: reference::DEFAULT_PREFIX.to_string(),
            max_page_count: None,
            insecure_reference_seed: None,
        }
    }
}

/// Which comments [`CommentStore::list`] returns, oldest first.
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

/// Which published responses [`CommentStore::list_published`] returns, oldest first: a
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

/// A durable store of consultation comments, shared by every handler of the server.
#[async_trait::async_trait]
pub trait CommentStore:
    accounts::AccountStore + accounts::AuditLog + Send + Sync + std::fmt::Debug
{
    /// Stores a comment and returns it as kept, with its reference, once its
    /// transaction has committed durably. `Unavailable`/`Closed`: it was not stored.
    /// Dropping the future after the job is queued does not cancel it.
    async fn submit(
        &self,
        comment: NewComment,
        target: Target,
        draft_version: &str,
    ) -> Result<StoredComment, StoreError> {
        self.submit_keyed(comment, target, draft_version, SubmissionKeys::default())
            .await
            .map(|submitted| submitted.comment)
    }

    /// The comment with this reference, typed as a person might (see
    /// [`reference::normalise`]).
    async fn get(&self, reference: &str) -> Result<Option<StoredComment>, StoreError>;

    /// The comments matching `query`, oldest first.
    async fn list(&self, query: &ListQuery) -> Result<Vec<StoredComment>, StoreError>;

    /// How many comments are stored, whatever their status.
    async fn count(&self) -> Result<u64, StoreError>;

    /// [`CommentStore::set_status_audited`] with no audit row (tests, benches).
    async fn set_status(&self, reference: &str, status: Status) -> Result<(), StoreError> {
        self.set_status_audited(reference, status, None).await
    }

    /// Sets a comment's moderation status (through the writer, committed with its
    /// batch) and appends `audit` in the same transaction.
    /// [`StoreError::NotFound`] if no comment has this reference (and no row is written).
    async fn set_status_audited(
        &self,
        reference: &str,
        status: Status,
        audit: Option<AuditEntry>,
    ) -> Result<(), StoreError>;

    /// Counts per status, target and question, from one snapshot.
    async fn stats(&self) -> Result<Stats, StoreError>;

    /// Every comment, oldest first, from one consistent snapshot.
    async fn export(&self) -> Result<ExportRows, StoreError>;

    /// Counts one submission from `client_key` against a limit of `per_minute` shared
    /// by every process using this database. `Ok(None)`: this store keeps no shared
    /// counts (one process; the server's in-process limiter applies).
    async fn count_submission(
        &self,
        client_key: &[u8],
        per_minute: u32,
    ) -> Result<Option<Admission>, StoreError> {
        let _ = (client_key, per_minute);
        Ok(None)
    }

    /// Stops taking jobs; resolves once every job already queued is committed and
    /// answered.
    async fn close(&self);

    /// Where the comments are, for logs and messages (never a password).
    fn location(&self) -> String;

    /// Whether the store is known to refuse writes (a read-only file), for `/healthz`.
    fn read_only(&self) -> bool {
        false
    }

    /// How many comments received before `received_before_ms` still hold personal data
    /// (a name, an email address, or an individual's organisation), whatever their
    /// status: what [`CommentStore::purge_personal_data`] would change.
    async fn personal_data_held(&self, received_before_ms: i64) -> Result<u64, StoreError>;

    /// Removes the name, the email address and (for individuals) the organisation of
    /// every comment received before `received_before_ms`, spam and hidden ones
    /// included; keeps the body, target, reference and dates. Records the purge in the
    /// privacy log, all in one transaction, and returns how many comments changed.
    /// SQLite also checkpoints the log so the old values leave the files.
    async fn purge_personal_data(&self, received_before_ms: i64) -> Result<u64, StoreError>;

    /// [`CommentStore::erase_audited`] with no audit row (tests).
    async fn erase(&self, reference: &str) -> Result<(), StoreError> {
        self.erase_audited(reference, None).await
    }

    /// Erases a comment at its respondent's request: its personal data and its body go,
    /// a tombstone (reference, dates, target and `erased_at`) stays, and the erasure is
    /// logged, with `audit` appended in the same transaction.
    /// [`StoreError::NotFound`] if no comment has this reference.
    async fn erase_audited(
        &self,
        reference: &str,
        audit: Option<AuditEntry>,
    ) -> Result<(), StoreError>;

    /// When the comment with this reference was erased (RFC 3339), if it was.
    async fn erased_at(&self, reference: &str) -> Result<Option<String>, StoreError>;

    /// How many comments match `query`'s filters (its offset and limit ignored): the
    /// total a paged list shows.
    async fn count_matching(&self, query: &ListQuery) -> Result<u64, StoreError>;

    /// Writes a consistent copy of the whole database to `out` while the store keeps
    /// taking comments. Only SQLite offers this; PostgreSQL's answer says to use
    /// `pg_dump`.
    async fn backup(&self, out: &std::path::Path) -> Result<(), StoreError> {
        let _ = out;
        Err(StoreError::Maintenance(format!(
            "copbook backs up SQLite files only; back up {} with pg_dump",
            self.location()
        )))
    }

    /// [`CommentStore::record_decision_audited`] with no audit row (tests).
    async fn record_decision(
        &self,
        kind: DecisionKind,
        reference: &str,
        with: Option<&str>,
        analyst: &str,
    ) -> Result<(), StoreError> {
        self.record_decision_audited(kind, reference, with, analyst, None)
            .await
    }

    /// Records a drafter's grouping decision (after every earlier one), with `audit`
    /// appended in the same transaction.
    /// [`StoreError::NotFound`] if a reference it names is no comment's; a merge needs
    /// `with`.
    async fn record_decision_audited(
        &self,
        kind: DecisionKind,
        reference: &str,
        with: Option<&str>,
        analyst: &str,
        audit: Option<AuditEntry>,
    ) -> Result<(), StoreError>;

    /// Every grouping decision, in the order taken.
    async fn decisions(&self) -> Result<Vec<GroupingDecision>, StoreError>;

    /// [`CommentStore::add_code_audited`] with no audit row (tests).
    async fn add_code(&self, code: &str, analyst: &str) -> Result<bool, StoreError> {
        self.add_code_audited(code, analyst, None).await
    }

    /// Adds a code to the coding frame, appending `audit` in the same transaction when it
    /// was added; `Ok(false)` (and no row) if it was already there.
    async fn add_code_audited(
        &self,
        code: &str,
        analyst: &str,
        audit: Option<AuditEntry>,
    ) -> Result<bool, StoreError>;

    /// The codes added in `/admin/`, in the order added.
    async fn codes(&self) -> Result<Vec<CodeEntry>, StoreError>;

    /// [`CommentStore::tag_audited`] with no audit row (tests, benches).
    async fn tag(&self, reference: &str, code: &str, analyst: &str) -> Result<bool, StoreError> {
        self.tag_audited(reference, code, analyst, None).await
    }

    /// Tags a comment with a code, appending `audit` in the same transaction when the tag
    /// is new; `Ok(false)` (and no row) if it already had it (the first tag, its analyst
    /// and time, stay). [`StoreError::NotFound`] if no comment has this reference.
    async fn tag_audited(
        &self,
        reference: &str,
        code: &str,
        analyst: &str,
        audit: Option<AuditEntry>,
    ) -> Result<bool, StoreError>;

    /// [`CommentStore::untag_audited`] with no audit row (tests).
    async fn untag(&self, reference: &str, code: &str) -> Result<bool, StoreError> {
        self.untag_audited(reference, code, None).await
    }

    /// Takes a code off a comment, appending `audit` in the same transaction when it had
    /// it; `Ok(false)` (and no row) if it did not.
    async fn untag_audited(
        &self,
        reference: &str,
        code: &str,
        audit: Option<AuditEntry>,
    ) -> Result<bool, StoreError>;

    /// The tags of these comments (every tag when `None`), by reference then code.
    async fn tags(&self, references: Option<&[String]>) -> Result<Vec<Tag>, StoreError>;

    /// How many comments that are not spam carry each code, most used first.
    async fn tag_counts(&self) -> Result<Vec<(String, u64)>, StoreError>;

    /// Up to `limit` comments matching `filter`, oldest first, stored after the comment
    /// `after` (the last of the previous page: keyset paging, as fast on the last page
    /// as on the first).
    async fn filtered(
        &self,
        filter: &Filter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredComment>, StoreError>;

    /// How many comments match `filter`.
    async fn count_filtered(&self, filter: &Filter) -> Result<u64, StoreError>;

    /// Every comment matching `filter`, oldest first, from one snapshot, streamed.
    async fn export_filtered(&self, filter: &Filter) -> Result<ExportRows, StoreError>;

    /// Stores a comment with its submission keys (see [`super::keys`]). When a comment
    /// with the same idempotency hash is already stored, nothing is stored and that
    /// comment is returned with `replayed: true`, even under concurrent retries.
    async fn submit_keyed(
        &self,
        comment: NewComment,
        target: Target,
        draft_version: &str,
        keys: SubmissionKeys,
    ) -> Result<Submitted, StoreError>;

    /// The receipt hash stored with `reference`, if the comment has one (none once its
    /// personal data was purged or erased).
    async fn receipt_hash(&self, reference: &str) -> Result<Option<String>, StoreError>;

    /// The published responses matching `query`, oldest first: status `published` and
    /// `publish` other than `no`, so a response its respondent kept private never comes
    /// back, whatever a drafter marked.
    async fn list_published(
        &self,
        query: &PublishedQuery,
    ) -> Result<Vec<StoredComment>, StoreError>;

    /// How many published responses match `query`'s filters (offset and limit ignored).
    async fn count_published(&self, query: &PublishedQuery) -> Result<u64, StoreError>;
}

/// Which database to use, from `--database` / `COPBOOK_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl Database {
    /// Reads `sqlite:PATH` or `postgres://…`.
    pub fn parse(url: &str) -> Result<Database, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::BadUrl(url.to_string()));
            }
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.to_string()));
        }
        Err(StoreError::BadUrl(postgres::redact(url)))
    }

    /// The database of a data folder when none is given: its SQLite file.
    pub fn default_in(data_dir: &std::path::Path) -> Database {
        Database::Sqlite(data_dir.join(DB_FILE))
    }

    /// Opens the store: creates the file or schema if needed and brings it up to date.
    pub async fn open(
        &self,
        options: StoreOptions,
    ) -> Result<std::sync::Arc<dyn CommentStore>, StoreError> {
        Ok(match self {
            Database::Sqlite(path) => std::sync::Arc::new(SqliteStore::open_file(path, options)?),
            Database::Postgres(url) => {
                std::sync::Arc::new(postgres::PostgresStore::connect(url, options).await?)
            }
        })
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

/// Work for a writer, each kind with its own typed answer channel.
pub(crate) enum Job {
    /// Store a comment.
    Insert(Box<Insert>),
    /// Change a comment's status.
    SetStatus(SetStatus),
}

/// A comment to store.
pub(crate) struct Insert {
    pub comment: NewComment,
    pub target: Target,
    pub draft_version: String,
    pub received_at_ms: i64,
    pub keys: SubmissionKeys,
    pub reply: oneshot::Sender<Result<Submitted, StoreError>>,
}

/// A status change.
pub(crate) struct SetStatus {
    pub reference: String,
    pub status: Status,
    pub at_ms: i64,
    /// Appended in the same transaction when the comment was found.
    pub audit: Option<AuditEntry>,
    pub reply: oneshot::Sender<Result<(), StoreError>>,
}

/// A job written inside a transaction not yet committed: its answer, held back.
pub(crate) enum Done {
    Inserted(
        oneshot::Sender<Result<Submitted, StoreError>>,
        Box<Submitted>,
    ),
    StatusSet(
        oneshot::Sender<Result<(), StoreError>>,
        Result<(), StoreError>,
    ),
}

impl Insert {
    /// A job for `comment`, received now.
    pub fn job(
        comment: NewComment,
        target: Target,
        draft_version: &str,
        keys: SubmissionKeys,
    ) -> (Job, oneshot::Receiver<Result<Submitted, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job::Insert(Box::new(Insert {
            comment,
            target,
            draft_version: draft_version.to_string(),
            received_at_ms: crate::clock::now().as_millisecond(),
            keys,
            reply,
        }));
        (job, answer)
    }

    /// The status a new comment gets: spam if it filled the honeypot.
    pub fn initial_status(&self) -> Status {
        if self.comment.honeypot {
            Status::Spam
        } else {
            Status::Received
        }
    }

    /// The answer once stored under `reference`.
    pub fn done(self, reference: String) -> Done {
        let status = self.initial_status();
        let Insert {
            comment,
            target,
            draft_version,
            received_at_ms,
            reply,
            ..
        } = self;
        let comment = StoredComment {
            reference,
            received_at: rfc3339_ms(received_at_ms),
            received_at_ms,
            target_id: target.id,
            target_number: target.number,
            target_title: target.title,
            target_text: target.text,
            question: comment.question,
            draft_version,
            body: comment.body,
            respondent_type: comment.respondent_type,
            name: comment.name,
            organisation: comment.organisation,
            email: comment.email,
            publish: comment.publish,
            attribution: comment.attribution,
            status,
            status_changed_at: None,
            language: comment.language,
        };
        Done::Inserted(
            reply,
            Box::new(Submitted {
                comment,
                replayed: false,
            }),
        )
    }

    /// The answer when a comment with the same idempotency key was already stored:
    /// that comment, and nothing new.
    pub fn replayed(self, first: StoredComment) -> Done {
        Done::Inserted(
            self.reply,
            Box::new(Submitted {
                comment: first,
                replayed: true,
            }),
        )
    }
}

impl SetStatus {
    /// A job setting `reference` to `status`, now, recording `audit` with it.
    pub fn job(
        reference: &str,
        status: Status,
        audit: Option<AuditEntry>,
    ) -> (Job, oneshot::Receiver<Result<(), StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job::SetStatus(SetStatus {
            reference: reference.to_string(),
            status,
            at_ms: crate::clock::now().as_millisecond(),
            audit,
            reply,
        });
        (job, answer)
    }

    /// The answer once the update touched `changed` rows.
    pub fn done(self, changed: u64) -> Done {
        let result = if changed > 0 {
            Ok(())
        } else {
            Err(StoreError::NotFound(self.reference))
        };
        Done::StatusSet(self.reply, result)
    }
}

impl Job {
    /// Tells the requester nothing was stored. A requester that went away is no error.
    pub fn refuse(self, reason: &str) {
        match self {
            Job::Insert(insert) => {
                let _ = insert
                    .reply
                    .send(Err(StoreError::Unavailable(reason.to_string())));
            }
            Job::SetStatus(set) => {
                let _ = set
                    .reply
                    .send(Err(StoreError::Unavailable(reason.to_string())));
            }
        }
    }
}

impl Done {
    /// Sends the answer held back until the commit.
    pub fn send(self) {
        match self {
            Done::Inserted(reply, stored) => {
                let _ = reply.send(Ok(*stored));
            }
            Done::StatusSet(reply, result) => {
                let _ = reply.send(result);
            }
        }
    }

    /// The transaction did not commit: nothing of this job was stored.
    pub fn refuse(self, reason: &str) {
        match self {
            Done::Inserted(reply, _) => {
                let _ = reply.send(Err(StoreError::Unavailable(reason.to_string())));
            }
            Done::StatusSet(reply, _) => {
                let _ = reply.send(Err(StoreError::Unavailable(reason.to_string())));
            }
        }
    }
}

/// Sends the answers of a committed batch, or refuses the whole batch (the written and
/// the not yet written) with `reason`.
pub(crate) fn finish_batch(done: Vec<Done>, rest: Vec<Job>, failure: Option<String>) {
    match failure {
        None => done.into_iter().for_each(Done::send),
        Some(reason) => {
            tracing::error!(
                jobs = done.len() + rest.len(),
                reason,
                "comment batch rolled back"
            );
            done.into_iter().for_each(|d| d.refuse(&reason));
            rest.into_iter().for_each(|j| j.refuse(&reason));
        }
    }
}

/// Sends `job` to a writer and waits for its typed answer.
pub(crate) async fn send_job<T>(
    sender: Option<mpsc::Sender<Job>>,
    job: Job,
    answer: oneshot::Receiver<Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let sender = sender.ok_or(StoreError::Closed)?;
    sender.send(job).await.map_err(|_| StoreError::Closed)?;
    // Not held while waiting: the writer stops once the queue is closed and drained,
    // which a sender kept by a waiting caller would prevent.
    drop(sender);
    answer.await.map_err(|_| StoreError::Closed)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(
            Database::parse("sqlite:/tmp/c.sqlite3").ok(),
            Some(Database::Sqlite(PathBuf::from("/tmp/c.sqlite3")))
        );
        assert_eq!(
            Database::parse("postgres://u@127.0.0.1:5432/db").ok(),
            Some(Database::Postgres("postgres://u@127.0.0.1:5432/db".into()))
        );
        let bad = Database::parse("mysql://u:secret@h/db").expect_err("refused");
        assert!(!bad.to_string().contains("secret"), "{bad}");
        assert!(Database::parse("sqlite:").is_err());
    }
}
