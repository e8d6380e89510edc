//! The comment [`Store`]: a SQLite file in the data folder, one writer thread with group
//! commit, and a small pool of read-only connections.
//!
//! # Writing
//! SQLite allows one writer at a time and makes each commit durable with an fsync. One
//! fsync per comment would cap ingestion at the disk's fsync rate, so a single thread
//! owns the write connection and commits in groups: it waits for a job, takes every
//! job already queued behind it (up to [`MAX_BATCH`]), writes them all in one
//! `BEGIN IMMEDIATE … COMMIT`, and only after `COMMIT` has returned replies to each.
//! Under load, every fsync carries many comments; with one respondent, a comment waits
//! for exactly one fsync, as it would without batching.
//!
//! If anything fails inside a batch (disk full, I/O error, a corrupt page), the whole
//! transaction is rolled back and every job in it gets [`StoreError::Unavailable`]:
//! nothing of the batch is stored, and nobody is told their comment was kept when it
//! was not. The writer then carries on with the next batch.
//!
//! Moderation writes ([`Store::set_status`]) go through the same writer, so there is
//! never a second writer to wait on a lock.
//!
//! # Reading
//! Reads use their own read-only connections; in WAL mode they see the last committed
//! state and never block, or are blocked by, the writer.
//!
//! # Closing
//! Dropping the last [`Store`] handle (or calling [`Store::close`]) closes the queue;
//! the writer commits and answers every job already queued, then exits, and the drop
//! waits for it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use rand::{RngCore, SeedableRng};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};
use tokio::sync::{mpsc, oneshot};

use super::model::{
    NewComment, Publish, RespondentType, Status, StoredComment, Target, rfc3339_ms,
};
use super::reference;
use super::schema::{self, MigrateError};

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "comments.sqlite3";

/// The most jobs committed in one transaction.
pub const MAX_BATCH: usize = 256;

/// How many jobs may wait for the writer before `submit` waits for room.
const QUEUE: usize = 4096;

/// How long a connection waits for a lock held by another process before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many idle read connections are kept open.
const IDLE_READERS: usize = 4;

/// How often a fresh reference is drawn when the last one was already taken.
const REFERENCE_ATTEMPTS: usize = 16;

/// What can go wrong opening, writing or reading the store.
///
/// The HTTP layer maps [`StoreError::Unavailable`] and [`StoreError::Closed`] to
/// `503 Service Unavailable` (nothing was stored; the respondent may try again),
/// [`StoreError::NotFound`] to `404`, and the rest to `500`.
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
    /// The database file could not be opened or configured.
    #[error("cannot open the comments database {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The schema could not be brought up to date.
    #[error("cannot update the schema of {path}: {source}")]
    Migrate {
        /// The file.
        path: PathBuf,
        /// Which migration failed, or why none could run.
        source: MigrateError,
    },
    /// The writer thread could not be started.
    #[error("cannot start the comments writer thread: {0}")]
    Spawn(std::io::Error),
    /// The reference prefix in the settings cannot start a reference.
    #[error("reference prefix `{0}` is invalid: use 1 to 12 capital letters or digits")]
    BadPrefix(String),
    /// A write failed and was rolled back with its whole batch; nothing was stored.
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
    Read(#[from] rusqlite::Error),
}

/// How to open a [`Store`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// The references' prefix, e.g. `LEDS` (see [`reference`]).
    pub reference_prefix: String,
    /// A cap on the database's size in pages (`PRAGMA max_page_count`); writes that
    /// would grow it further fail as if the disk were full. `None`: SQLite's default.
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

/// Which comments [`Store::list`] returns, oldest first.
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

/// A handle on the comment store. Cheap to clone; every clone talks to the same writer.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// `None` once closed.
    jobs: RwLock<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

/// Work for the writer thread, with where to send the answer.
enum Job {
    Insert(Box<Insert>),
    SetStatus {
        reference: String,
        status: Status,
        at_ms: i64,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

/// A comment to store.
struct Insert {
    comment: NewComment,
    target: Target,
    draft_version: String,
    received_at_ms: i64,
    reply: oneshot::Sender<Result<StoredComment, StoreError>>,
}

/// What happened to one job of a committed batch.
enum Outcome {
    Inserted { reference: String, status: Status },
    StatusSet { found: bool },
    Failed(String),
}

impl Store {
    /// Opens (creating if needed) `data_dir/comments.sqlite3` with default options.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(data_dir, StoreOptions::default())
    }

    /// Opens (creating if needed) `data_dir/comments.sqlite3`, brings its schema up to
    /// date and starts the writer thread.
    pub fn open_with(data_dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        if !reference::is_valid_prefix(&options.reference_prefix) {
            return Err(StoreError::BadPrefix(options.reference_prefix));
        }
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(DB_FILE);
        let open_err = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(open_err)?;
        configure_writer(&conn, &options).map_err(open_err)?;
        schema::migrate(&mut conn).map_err(|source| StoreError::Migrate {
            path: path.clone(),
            source,
        })?;
        // Open one reader now, so a file we cannot read fails here and not on first use.
        let reader = open_reader(&path).map_err(open_err)?;

        let (tx, rx) = mpsc::channel(QUEUE);
        let prefix = options.reference_prefix.clone();
        let seed = options.insecure_reference_seed;
        let writer = std::thread::Builder::new()
            .name("comments-writer".to_string())
            .spawn(move || {
                let mut rng: Box<dyn RngCore> = match seed {
                    Some(seed) => Box::new(rand::rngs::StdRng::seed_from_u64(seed)),
                    None => Box::new(rand::thread_rng()),
                };
                run_writer(conn, rx, &prefix, &mut rng);
            })
            .map_err(StoreError::Spawn)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path,
                jobs: RwLock::new(Some(tx)),
                writer: Mutex::new(Some(writer)),
                readers: Mutex::new(vec![reader]),
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Stores a comment and returns it as kept, with its reference.
    ///
    /// Resolves only after the comment's transaction has committed (and, with
    /// `synchronous=FULL`, reached the disk): an `Ok` is a promise that the comment
    /// survives a crash. [`StoreError::Unavailable`] or [`StoreError::Closed`] means it
    /// was not stored. Dropping the future after the job is queued does not cancel it:
    /// the comment is still stored, there is just nobody to tell.
    ///
    /// `target` is the snapshot of what the comment is about (see
    /// [`super::resolve_target`]); `draft_version` the version of the draft shown.
    pub async fn submit(
        &self,
        comment: NewComment,
        target: Target,
        draft_version: &str,
    ) -> Result<StoredComment, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = insert_job(comment, target, draft_version, reply);
        self.sender()?
            .send(job)
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// [`Store::submit`] for threads outside an async runtime (the CLI, tests, benches).
    ///
    /// # Panics
    /// If called from within an async runtime; use [`Store::submit`] there.
    pub fn submit_blocking(
        &self,
        comment: NewComment,
        target: Target,
        draft_version: &str,
    ) -> Result<StoredComment, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = insert_job(comment, target, draft_version, reply);
        self.sender()?
            .blocking_send(job)
            .map_err(|_| StoreError::Closed)?;
        answer.blocking_recv().map_err(|_| StoreError::Closed)?
    }

    /// Sets a comment's moderation status, through the writer (so it commits with the
    /// next batch). [`StoreError::NotFound`] if no comment has this reference.
    pub async fn set_status(&self, reference: &str, status: Status) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job::SetStatus {
            reference: reference::normalise(reference).unwrap_or_else(|| reference.to_string()),
            status,
            at_ms: jiff::Timestamp::now().as_millisecond(),
            reply,
        };
        self.sender()?
            .send(job)
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// [`Store::set_status`] for threads outside an async runtime.
    ///
    /// # Panics
    /// If called from within an async runtime.
    pub fn set_status_blocking(&self, reference: &str, status: Status) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job::SetStatus {
            reference: reference::normalise(reference).unwrap_or_else(|| reference.to_string()),
            status,
            at_ms: jiff::Timestamp::now().as_millisecond(),
            reply,
        };
        self.sender()?
            .blocking_send(job)
            .map_err(|_| StoreError::Closed)?;
        answer.blocking_recv().map_err(|_| StoreError::Closed)?
    }

    /// How many jobs are queued for the writer and not yet taken into a batch: a
    /// health figure (a growing queue means the disk cannot keep up).
    pub fn queue_depth(&self) -> usize {
        match self.inner.jobs.read() {
            Ok(guard) => guard
                .as_ref()
                .map_or(0, |tx| tx.max_capacity() - tx.capacity()),
            Err(_) => 0,
        }
    }

    /// Stops accepting jobs, lets the writer commit and answer every job already
    /// queued, and waits for it to exit. Later submissions get [`StoreError::Closed`];
    /// reads still work. Blocks: from async code, call it in `spawn_blocking`.
    pub fn close(&self) {
        self.inner.close();
    }

    /// The comment with this reference (as typed by a person: see
    /// [`reference::normalise`]), if any.
    ///
    /// Reads block on SQLite: from async code, call them in `spawn_blocking`.
    pub fn get(&self, reference: &str) -> Result<Option<StoredComment>, StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Ok(None);
        };
        self.with_reader(|conn| {
            let sql = format!("SELECT {COLUMNS} FROM comments WHERE reference = ?1");
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([&reference], comment_from_row)
                .optional()?)
        })
    }

    /// The comments matching `query`, oldest first.
    pub fn list(&self, query: &ListQuery) -> Result<Vec<StoredComment>, StoreError> {
        self.with_reader(|conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM comments
                 WHERE (?1 IS NULL OR target_id = ?1)
                   AND (?2 IS NULL OR question = ?2)
                   AND (?3 IS NULL OR status = ?3)
                 ORDER BY id LIMIT ?4 OFFSET ?5"
            );
            let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
            let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                params![
                    query.target,
                    query.question,
                    query.status.map(Status::as_str),
                    limit,
                    offset
                ],
                comment_from_row,
            )?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// How many comments are stored, whatever their status.
    pub fn count(&self) -> Result<u64, StoreError> {
        self.with_reader(|conn| {
            Ok(conn.query_row("SELECT COUNT(*) FROM comments", [], |row| row.get(0))?)
        })
    }

    /// Every comment, oldest first, one at a time from a single consistent snapshot.
    /// `each` may stop the walk by returning an error.
    pub(crate) fn for_each<E>(
        &self,
        mut each: impl FnMut(StoredComment) -> Result<(), E>,
    ) -> Result<(), E>
    where
        E: From<StoreError>,
    {
        self.with_reader(|conn| {
            let sql = format!("SELECT {COLUMNS} FROM comments ORDER BY id");
            let mut stmt = conn.prepare_cached(&sql).map_err(StoreError::from)?;
            let mut rows = stmt.query([]).map_err(StoreError::from)?;
            while let Some(row) = rows.next().map_err(StoreError::from)? {
                each(comment_from_row(row).map_err(StoreError::from)?)?;
            }
            Ok(())
        })
    }

    /// Runs `f` on a pooled read-only connection.
    pub(crate) fn with_reader<T, E>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let pooled = self
            .inner
            .readers
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop());
        let conn = match pooled {
            Some(conn) => conn,
            None => open_reader(&self.inner.path).map_err(StoreError::from)?,
        };
        let result = f(&conn);
        if let Ok(mut pool) = self.inner.readers.lock()
            && pool.len() < IDLE_READERS
        {
            pool.push(conn);
        }
        result
    }

    fn sender(&self) -> Result<mpsc::Sender<Job>, StoreError> {
        match self.inner.jobs.read() {
            Ok(guard) => guard.clone().ok_or(StoreError::Closed),
            Err(_) => Err(StoreError::Closed),
        }
    }
}

impl Inner {
    fn close(&self) {
        // Dropping our sender closes the queue once in-flight `submit`s have sent theirs;
        // the writer drains what is queued, then its receive returns `None`.
        if let Ok(mut jobs) = self.jobs.write() {
            jobs.take();
        }
        let handle = self.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(handle) = handle
            && handle.join().is_err()
        {
            tracing::error!("the comments writer thread panicked");
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.close();
    }
}

fn insert_job(
    comment: NewComment,
    target: Target,
    draft_version: &str,
    reply: oneshot::Sender<Result<StoredComment, StoreError>>,
) -> Job {
    Job::Insert(Box::new(Insert {
        comment,
        target,
        draft_version: draft_version.to_string(),
        received_at_ms: jiff::Timestamp::now().as_millisecond(),
        reply,
    }))
}

fn configure_writer(conn: &Connection, options: &StoreOptions) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode is {mode}, WAL is required"
        )));
    }
    // FULL: in WAL mode, every commit fsyncs the log before returning. An acknowledged
    // comment survives power loss, not just a crash of the process.
    conn.pragma_update(None, "synchronous", "FULL")?;
    if let Some(pages) = options.max_page_count {
        let pages = i64::try_from(pages).unwrap_or(i64::MAX);
        let _: i64 =
            conn.pragma_update_and_check(None, "max_page_count", pages, |row| row.get(0))?;
    }
    Ok(())
}

fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The writer thread: batch, write, commit, then answer.
fn run_writer(
    mut conn: Connection,
    mut jobs: mpsc::Receiver<Job>,
    prefix: &str,
    rng: &mut dyn RngCore,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for at least one job, then takes whatever else is queued, up to MAX_BATCH.
    while jobs.blocking_recv_many(&mut batch, MAX_BATCH) > 0 {
        match write_batch(&mut conn, &batch, prefix, rng) {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    answer(job, outcome);
                }
            }
            Err(e) => {
                tracing::error!(jobs = batch.len(), error = %e, "comment batch rolled back");
                let reason = e.to_string();
                for job in batch.drain(..) {
                    answer(job, Outcome::Failed(reason.clone()));
                }
            }
        }
    }
}

/// Writes a batch in one transaction. Any error rolls the whole batch back (the
/// transaction is dropped uncommitted).
fn write_batch(
    conn: &mut Connection,
    batch: &[Job],
    prefix: &str,
    rng: &mut dyn RngCore,
) -> rusqlite::Result<Vec<Outcome>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    {
        let mut insert_stmt = tx.prepare_cached(INSERT)?;
        let mut update_stmt = tx.prepare_cached(
            "UPDATE comments SET status = ?1, status_changed_at = ?2 WHERE reference = ?3",
        )?;
        for job in batch {
            let outcome = match job {
                Job::Insert(insert) => {
                    let Insert {
                        comment,
                        target,
                        draft_version,
                        received_at_ms,
                        ..
                    } = &**insert;
                    let status = if comment.honeypot {
                        Status::Spam
                    } else {
                        Status::Received
                    };
                    let mut outcome = Outcome::Failed(
                        "no unused reference found; this should not happen".to_string(),
                    );
                    for _ in 0..REFERENCE_ATTEMPTS {
                        let reference = reference::generate_with(rng, prefix);
                        let inserted = insert_stmt.execute(params![
                            reference,
                            rfc3339_ms(*received_at_ms),
                            received_at_ms,
                            target.id,
                            target.number,
                            target.title,
                            target.text,
                            comment.question,
                            draft_version,
                            comment.body,
                            comment.respondent_type.as_str(),
                            comment.name,
                            comment.organisation,
                            comment.email,
                            comment.publish.as_str(),
                            status.as_str(),
                            comment.language,
                        ])?;
                        if inserted == 1 {
                            outcome = Outcome::Inserted { reference, status };
                            break;
                        }
                        // 0 rows: the reference is taken (ON CONFLICT DO NOTHING); draw again.
                    }
                    outcome
                }
                Job::SetStatus {
                    reference,
                    status,
                    at_ms,
                    ..
                } => {
                    let changed = update_stmt.execute(params![
                        status.as_str(),
                        rfc3339_ms(*at_ms),
                        reference
                    ])?;
                    Outcome::StatusSet { found: changed > 0 }
                }
            };
            outcomes.push(outcome);
        }
    }
    tx.commit()?;
    Ok(outcomes)
}

/// Sends a job's answer. A requester that has gone away is not an error: its comment
/// is stored all the same.
fn answer(job: Job, outcome: Outcome) {
    match job {
        Job::Insert(insert) => {
            let Insert {
                comment,
                target,
                draft_version,
                received_at_ms,
                reply,
            } = *insert;
            let result = match outcome {
                Outcome::Inserted { reference, status } => Ok(StoredComment {
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
                    status,
                    status_changed_at: None,
                    language: comment.language,
                }),
                Outcome::Failed(reason) => Err(StoreError::Unavailable(reason)),
                Outcome::StatusSet { .. } => Err(StoreError::Unavailable(
                    "internal error: wrong outcome for an insert".to_string(),
                )),
            };
            let _ = reply.send(result);
        }
        Job::SetStatus {
            reference, reply, ..
        } => {
            let result = match outcome {
                Outcome::StatusSet { found: true } => Ok(()),
                Outcome::StatusSet { found: false } => Err(StoreError::NotFound(reference)),
                Outcome::Failed(reason) => Err(StoreError::Unavailable(reason)),
                Outcome::Inserted { .. } => Err(StoreError::Unavailable(
                    "internal error: wrong outcome for a status change".to_string(),
                )),
            };
            let _ = reply.send(result);
        }
    }
}

const INSERT: &str = "INSERT INTO comments (
        reference, received_at, received_at_ms, target_id, target_number, target_title,
        target_text, question, draft_version, body, respondent_type, name, organisation,
        email, publish, status, language
    ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
    ON CONFLICT (reference) DO NOTHING";

/// The columns [`comment_from_row`] reads, in order.
const COLUMNS: &str = "reference, received_at, received_at_ms, target_id, target_number, \
    target_title, target_text, question, draft_version, body, respondent_type, name, \
    organisation, email, publish, status, status_changed_at, language";

fn comment_from_row(row: &Row<'_>) -> rusqlite::Result<StoredComment> {
    Ok(StoredComment {
        reference: row.get(0)?,
        received_at: row.get(1)?,
        received_at_ms: row.get(2)?,
        target_id: row.get(3)?,
        target_number: row.get(4)?,
        target_title: row.get(5)?,
        target_text: row.get(6)?,
        question: row.get(7)?,
        draft_version: row.get(8)?,
        body: row.get(9)?,
        respondent_type: parse_column(row, 10, RespondentType::parse)?,
        name: row.get(11)?,
        organisation: row.get(12)?,
        email: row.get(13)?,
        publish: parse_column(row, 14, Publish::parse)?,
        status: parse_column(row, 15, Status::parse)?,
        status_changed_at: row.get(16)?,
        language: row.get(17)?,
    })
}

fn parse_column<T>(row: &Row<'_>, idx: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown value `{s}`").into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_writer_connection_is_wal_and_fsyncs_every_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        configure_writer(&conn, &StoreOptions::default()).expect("configure");
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .expect("journal_mode");
        assert_eq!(mode, "wal");
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .expect("synchronous");
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn handles_and_submissions_cross_threads() {
        fn send_sync_clone<T: Send + Sync + Clone>(_: &T) {}
        fn send<T: Send>(_: &T) {}
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        send_sync_clone(&store);
        let comment = NewComment {
            on: "general".into(),
            question: None,
            body: "x".into(),
            respondent_type: RespondentType::Individual,
            name: None,
            organisation: None,
            email: None,
            publish: Publish::No,
            honeypot: false,
            language: "en".into(),
        };
        // The future an axum handler awaits must be Send.
        send(&store.submit(comment, Target::general(), "0.1"));
    }

    #[test]
    fn readers_cannot_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let result: Result<usize, StoreError> =
            store.with_reader(|conn| Ok(conn.execute("DELETE FROM comments", [])?));
        assert!(matches!(result, Err(StoreError::Read(_))), "{result:?}");
    }
}
