//! The SQLite [`CommentStore`](super::CommentStore): a file in the data folder, one writer thread with group
//! commit, and a small pool of read-only connections. Every SQL statement of the SQLite
//! backend is in this module (the migrations are in [`super::migrations`]).
//!
//! # Writing
//! SQLite allows one writer at a time and makes each commit durable with an fsync. One
//! fsync per comment would cap ingestion at the disk's fsync rate, so a single thread
//! owns the write connection and commits in groups: it waits for a job, takes every
//! job already queued behind it (up to [`MAX_BATCH`]), writes them all in one
//! `BEGIN IMMEDIATE … COMMIT`, and only after `COMMIT` has returned replies to each.
//!
//! If anything fails inside a batch (disk full, I/O error, a corrupt page), the whole
//! transaction is rolled back and every job in it gets [`StoreError::Unavailable`].
//! Moderation writes go through the same writer, so there is never a second writer.
//!
//! # Reading
//! Reads use their own read-only connections on blocking threads; in WAL mode they see
//! the last committed state and never block, or are blocked by, the writer.
//!
//! # Closing
//! Dropping the last handle (or [`CommentStore::close`]) closes the queue; the writer
//! commits and answers every job already queued, then exits, and the drop waits for it.

mod accounts_sqlite;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use rand::{RngCore, SeedableRng};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::mpsc;

use crate::clock::Clock;

use super::super::coding::{CodeEntry, DecisionKind, Filter, GroupingDecision, Tag};
use super::super::keys::SubmissionKeys;
use super::super::model::{NewComment, Status, StoredComment, Target, rfc3339_ms};
use super::super::reference;
use super::accounts::AuditEntry;
use super::columns::{
    code_from, comment_from, decision_from, question_count_from, status_count_from, tag_count_from,
    tag_from, target_count_from,
};
use super::counts::Stats;
use super::filter::{SqlValue, where_clause};
use super::interface::{
    ExportRows, ListQuery, PublishedQuery, StoreError, StoreOptions, Submitted, decision_references,
};
use super::jobs::{
    Done, Insert, Job, MAX_BATCH, QUEUE, REFERENCE_ATTEMPTS, SetStatus, finish_batch, send_job,
};
use super::migrations;
use super::sql::{self, for_sqlite};
use super::traits::{Analysis, CommentStore, Comments, Limits, Privacy};

/// The database file's name inside the data folder.
pub const DB_FILE: &str = "comments.sqlite3";

/// How long a connection waits for a lock held by another process before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many idle read connections are kept open.
const IDLE_READERS: usize = 4;

fn read_err(e: rusqlite::Error) -> StoreError {
    StoreError::Read(e.to_string())
}

/// A handle on the SQLite comment store. Cheap to clone; every clone talks to the same
/// writer.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    /// What time it is, for every time stamp the store writes.
    clock: Clock,
    /// `None` once closed.
    jobs: RwLock<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) `data_dir/comments.sqlite3` with default options.
    pub fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(data_dir, StoreOptions::default())
    }

    /// Opens (creating if needed) `data_dir/comments.sqlite3`.
    pub fn open_with(data_dir: &Path, options: StoreOptions) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_file(&data_dir.join(DB_FILE), options)
    }

    /// Opens (creating if needed, with its folder) the database file `path`, brings its
    /// schema up to date and starts the writer thread.
    pub fn open_file(path: &Path, options: StoreOptions) -> Result<SqliteStore, StoreError> {
        if !reference::is_valid_prefix(&options.reference_prefix) {
            return Err(StoreError::BadPrefix(options.reference_prefix));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let path = path.to_path_buf();
        let open_err = |e: rusqlite::Error| StoreError::Open {
            location: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut conn = Connection::open(&path).map_err(open_err)?;
        // SQLite opens a file it may not write read-only without a word; every comment
        // would then be refused. Say so now instead.
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(open_err)? {
            return Err(StoreError::Open {
                location: path.display().to_string(),
                reason: "the file cannot be written (read-only, immutable or on a read-only \
                         file system): give the user running copbook write access to it and \
                         to its folder"
                    .to_string(),
            });
        }
        configure_writer(&conn, &options).map_err(open_err)?;
        migrations::migrate(&mut conn).map_err(|source| StoreError::Migrate {
            location: path.display().to_string(),
            source,
        })?;
        // Open one reader now, so a file we cannot read fails here and not on first use.
        let reader = open_reader(&path).map_err(open_err)?;

        let (tx, rx) = mpsc::channel(QUEUE);
        let clock = options.clock.clone();
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
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path,
                clock,
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

    /// [`Comments::submit`] for threads outside an async runtime (the CLI, benches).
    ///
    /// # Panics
    /// If called from within an async runtime.
    pub fn submit_blocking(
        &self,
        comment: NewComment,
        target: Target,
        draft_version: &str,
    ) -> Result<StoredComment, StoreError> {
        let (job, answer) = Insert::job(
            comment,
            target,
            draft_version,
            SubmissionKeys::default(),
            self.now_ms(),
        );
        self.sender()
            .ok_or(StoreError::Closed)?
            .blocking_send(job)
            .map_err(|_| StoreError::Closed)?;
        answer
            .blocking_recv()
            .map_err(|_| StoreError::Closed)?
            .map(|submitted| submitted.comment)
    }

    /// How many jobs are queued for the writer and not yet taken into a batch: a
    /// health figure (a growing queue means the disk cannot keep up).
    pub fn queue_depth(&self) -> usize {
        self.sender()
            .map_or(0, |tx| tx.max_capacity() - tx.capacity())
    }

    /// Closes the queue and waits for the writer to answer what was queued (blocking).
    pub fn close_blocking(&self) {
        self.inner.close();
    }

    /// Runs `f` on a pooled read-only connection, on a blocking thread.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.with_reader(f))
            .await
            .map_err(|e| StoreError::Read(format!("the reading task failed: {e}")))?
    }

    /// [`SqliteStore::read`] for a function that only runs SQL.
    async fn read_sql<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.read(move |conn| f(conn).map_err(read_err)).await
    }

    /// Runs `f` on a pooled read-only connection.
    fn with_reader<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self
            .inner
            .readers
            .lock()
            .ok()
            .and_then(|mut pool| pool.pop());
        let conn = match pooled {
            Some(conn) => conn,
            None => open_reader(&self.inner.path).map_err(read_err)?,
        };
        let result = f(&conn);
        if let Ok(mut pool) = self.inner.readers.lock()
            && pool.len() < IDLE_READERS
        {
            pool.push(conn);
        }
        result
    }

    /// One nullable text column (`sql`, a shared statement with the reference as `$1`) of
    /// the comment with this reference; `None` for no such comment.
    async fn optional_text(
        &self,
        reference: &str,
        sql: &'static str,
    ) -> Result<Option<String>, StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Ok(None);
        };
        self.read(move |conn| {
            conn.query_row(&for_sqlite(sql), [reference], |row| row.get(0))
                .optional()
                .map(Option::flatten)
                .map_err(read_err)
        })
        .await
    }

    /// The time now by the store's clock, in ms since the epoch.
    fn now_ms(&self) -> i64 {
        (self.inner.clock)().as_millisecond()
    }

    /// The time now by the store's clock, as the tables keep it (RFC 3339).
    fn stamp(&self) -> String {
        rfc3339_ms(self.now_ms())
    }

    fn sender(&self) -> Option<mpsc::Sender<Job>> {
        self.inner.jobs.read().ok().and_then(|guard| guard.clone())
    }
}

#[async_trait::async_trait]
impl Comments for SqliteStore {
    async fn submit_keyed(
        &self,
        comment: NewComment,
        target: Target,
        draft_version: &str,
        keys: SubmissionKeys,
    ) -> Result<Submitted, StoreError> {
        let (job, answer) = Insert::job(comment, target, draft_version, keys, self.now_ms());
        send_job(self.sender(), job, answer).await
    }

    async fn get(&self, reference: &str) -> Result<Option<StoredComment>, StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Ok(None);
        };
        self.read(move |conn| get(conn, &reference).map_err(read_err))
            .await
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<StoredComment>, StoreError> {
        let query = query.clone();
        self.read(move |conn| list(conn, &query).map_err(read_err))
            .await
    }

    async fn count_matching(&self, query: &ListQuery) -> Result<u64, StoreError> {
        let query = query.clone();
        self.read(move |conn| {
            conn.prepare_cached(&for_sqlite(sql::COUNT_LIST))
                .and_then(|mut stmt| {
                    stmt.query_row(
                        params![
                            query.target,
                            query.question,
                            query.status.map(Status::as_str)
                        ],
                        |row| row.get(0),
                    )
                })
                .map_err(read_err)
        })
        .await
    }

    async fn set_status_audited(
        &self,
        reference: &str,
        status: Status,
        audit: Option<AuditEntry>,
    ) -> Result<(), StoreError> {
        let (job, answer) = SetStatus::named(reference, status, audit, self.now_ms())?;
        send_job(self.sender(), job, answer).await
    }

    async fn receipt_hash(&self, reference: &str) -> Result<Option<String>, StoreError> {
        self.optional_text(reference, sql::RECEIPT_HASH).await
    }

    async fn list_published(
        &self,
        query: &PublishedQuery,
    ) -> Result<Vec<StoredComment>, StoreError> {
        let query = query.clone();
        self.read(move |conn| {
            let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
            let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
            conn.prepare_cached(&for_sqlite(sql::LIST_PUBLISHED))
                .and_then(|mut stmt| {
                    stmt.query_map(
                        params![query.target, query.question, limit, offset],
                        |row| comment_from(row),
                    )?
                    .collect()
                })
                .map_err(read_err)
        })
        .await
    }

    async fn count_published(&self, query: &PublishedQuery) -> Result<u64, StoreError> {
        let query = query.clone();
        self.read(move |conn| {
            conn.prepare_cached(&for_sqlite(sql::COUNT_PUBLISHED))
                .and_then(|mut stmt| {
                    stmt.query_row(params![query.target, query.question], |row| row.get(0))
                })
                .map_err(read_err)
        })
        .await
    }
}

#[async_trait::async_trait]
impl CommentStore for SqliteStore {
    async fn count(&self) -> Result<u64, StoreError> {
        self.read(|conn| {
            conn.query_row(&for_sqlite(sql::COUNT_COMMENTS), [], |row| row.get(0))
                .map_err(read_err)
        })
        .await
    }

    async fn close(&self) {
        let inner = Arc::clone(&self.inner);
        let _ = tokio::task::spawn_blocking(move || inner.close()).await;
    }

    fn location(&self) -> String {
        self.inner.path.display().to_string()
    }

    fn read_only(&self) -> bool {
        std::fs::metadata(&self.inner.path).map_or(true, |m| m.permissions().readonly())
    }
}

#[async_trait::async_trait]
impl Privacy for SqliteStore {
    async fn personal_data_held(&self, received_before_ms: i64) -> Result<u64, StoreError> {
        self.read(move |conn| {
            conn.query_row(
                &for_sqlite(sql::COUNT_PERSONAL_DATA),
                [received_before_ms],
                |row| row.get(0),
            )
            .map_err(read_err)
        })
        .await
    }

    async fn purge_personal_data(&self, received_before_ms: i64) -> Result<u64, StoreError> {
        let at = self.stamp();
        self.maintain(move |tx| {
            let changed = tx.execute(&for_sqlite(sql::PURGE), [received_before_ms])? as u64;
            log_privacy(tx, "purge", &at, changed, None)?;
            Ok(Ok(changed))
        })
        .await
    }

    async fn erase_audited(
        &self,
        reference: &str,
        audit: Option<AuditEntry>,
    ) -> Result<(), StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Err(StoreError::NotFound(reference.to_string()));
        };
        let at = self.stamp();
        self.maintain(move |tx| {
            let changed = tx.execute(&for_sqlite(sql::ERASE), params![at, reference])? as u64;
            if changed == 0 {
                return Ok(Err(StoreError::NotFound(reference)));
            }
            log_privacy(tx, "erase", &at, changed, Some(&reference))?;
            if let Some(entry) = &audit {
                accounts_sqlite::audit(tx, entry)?;
            }
            Ok(Ok(()))
        })
        .await
    }

    async fn erased_at(&self, reference: &str) -> Result<Option<String>, StoreError> {
        self.optional_text(reference, sql::ERASED_AT).await
    }

    async fn backup(&self, out: &Path) -> Result<(), StoreError> {
        let source = self.inner.path.clone();
        let out = out.to_path_buf();
        tokio::task::spawn_blocking(move || backup_file(&source, &out))
            .await
            .map_err(|e| StoreError::Maintenance(format!("the backup task failed: {e}")))?
    }
}

#[async_trait::async_trait]
impl Analysis for SqliteStore {
    async fn stats(&self) -> Result<Stats, StoreError> {
        self.read(|conn| stats(conn).map_err(read_err)).await
    }

    async fn export(&self) -> Result<ExportRows, StoreError> {
        let (tx, rows) = ExportRows::channel();
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let walked = store.with_reader(|conn| {
                for_each(conn, |c| {
                    // A reader that went away stops the walk.
                    tx.blocking_send(Ok(c)).is_ok()
                })
                .map_err(read_err)
            });
            if let Err(e) = walked {
                let _ = tx.blocking_send(Err(e));
            }
        });
        Ok(rows)
    }

    async fn record_decision_audited(
        &self,
        kind: DecisionKind,
        reference: &str,
        with: Option<&str>,
        analyst: &str,
        audit: Option<AuditEntry>,
    ) -> Result<(), StoreError> {
        let (reference, with) = decision_references(kind, reference, with)?;
        let (analyst, at) = (analyst.to_string(), self.stamp());
        self.write(move |tx| {
            for r in std::iter::once(&reference).chain(with.as_ref()) {
                if !exists(tx, r)? {
                    return Ok(Err(StoreError::NotFound(r.clone())));
                }
            }
            tx.execute(
                &for_sqlite(sql::ADD_DECISION),
                params![kind.as_str(), reference, with, analyst, at],
            )?;
            if let Some(entry) = &audit {
                accounts_sqlite::audit(tx, entry)?;
            }
            Ok(Ok(()))
        })
        .await
    }

    async fn decisions(&self) -> Result<Vec<GroupingDecision>, StoreError> {
        self.read_sql(|conn| {
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::DECISIONS))?;
            let rows = stmt.query_map([], |row| decision_from(row))?;
            rows.collect::<rusqlite::Result<Vec<GroupingDecision>>>()
        })
        .await
    }

    async fn add_code_audited(
        &self,
        code: &str,
        analyst: &str,
        audit: Option<AuditEntry>,
    ) -> Result<bool, StoreError> {
        let (code, analyst, at) = (code.to_string(), analyst.to_string(), self.stamp());
        self.write(move |tx| {
            let added = tx.execute(&for_sqlite(sql::ADD_CODE), params![code, analyst, at])?;
            if added == 1
                && let Some(entry) = &audit
            {
                accounts_sqlite::audit(tx, entry)?;
            }
            Ok(Ok(added == 1))
        })
        .await
    }

    async fn codes(&self) -> Result<Vec<CodeEntry>, StoreError> {
        self.read_sql(|conn| {
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::CODES))?;
            let rows = stmt.query_map([], |row| code_from(row))?;
            rows.collect::<rusqlite::Result<Vec<CodeEntry>>>()
        })
        .await
    }

    async fn tag_audited(
        &self,
        reference: &str,
        code: &str,
        analyst: &str,
        audit: Option<AuditEntry>,
    ) -> Result<bool, StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Err(StoreError::NotFound(reference.to_string()));
        };
        let (code, analyst, at) = (code.to_string(), analyst.to_string(), self.stamp());
        self.write(move |tx| {
            if !exists(tx, &reference)? {
                return Ok(Err(StoreError::NotFound(reference)));
            }
            let added = tx.execute(
                &for_sqlite(sql::ADD_TAG),
                params![reference, code, analyst, at],
            )?;
            if added == 1
                && let Some(entry) = &audit
            {
                accounts_sqlite::audit(tx, entry)?;
            }
            Ok(Ok(added == 1))
        })
        .await
    }

    async fn untag_audited(
        &self,
        reference: &str,
        code: &str,
        audit: Option<AuditEntry>,
    ) -> Result<bool, StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Ok(false);
        };
        let code = code.to_string();
        self.write(move |tx| {
            let removed = tx.execute(&for_sqlite(sql::REMOVE_TAG), params![reference, code])?;
            if removed == 1
                && let Some(entry) = &audit
            {
                accounts_sqlite::audit(tx, entry)?;
            }
            Ok(Ok(removed == 1))
        })
        .await
    }

    async fn tags(&self, references: Option<&[String]>) -> Result<Vec<Tag>, StoreError> {
        let json = references.map(|r| serde_json::to_string(r).unwrap_or_else(|_| "[]".into()));
        self.read_sql(move |conn| {
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::TAGS))?;
            let rows = stmt.query_map([json], |row| tag_from(row))?;
            rows.collect::<rusqlite::Result<Vec<Tag>>>()
        })
        .await
    }

    async fn tag_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.read_sql(|conn| {
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::TAG_COUNTS))?;
            let rows = stmt.query_map([], |row| tag_count_from(row))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await
    }

    async fn filtered(
        &self,
        filter: &Filter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredComment>, StoreError> {
        let (clause, values) = where_clause(filter, after);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read_sql(move |conn| {
            let mut stmt = conn.prepare_cached(&for_sqlite(&sql::filtered(&clause, limit)))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(to_sql(values)), |row| {
                comment_from(row)
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })
        .await
    }

    async fn count_filtered(&self, filter: &Filter) -> Result<u64, StoreError> {
        let (clause, values) = where_clause(filter, None);
        self.read_sql(move |conn| {
            conn.prepare_cached(&for_sqlite(&sql::count_filtered(&clause)))?
                .query_row(rusqlite::params_from_iter(to_sql(values)), |row| row.get(0))
        })
        .await
    }

    async fn export_filtered(&self, filter: &Filter) -> Result<ExportRows, StoreError> {
        let (clause, values) = where_clause(filter, None);
        let (tx, rows) = ExportRows::channel();
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let walked = store.with_reader(|conn| {
                (|| -> rusqlite::Result<()> {
                    let snapshot = conn.unchecked_transaction()?;
                    {
                        let mut stmt =
                            snapshot.prepare(&for_sqlite(&sql::export_filtered(&clause)))?;
                        let mut found = stmt.query(rusqlite::params_from_iter(to_sql(values)))?;
                        while let Some(row) = found.next()? {
                            if tx.blocking_send(Ok(comment_from(row)?)).is_err() {
                                break;
                            }
                        }
                    }
                    snapshot.finish()
                })()
                .map_err(read_err)
            });
            if let Err(e) = walked {
                let _ = tx.blocking_send(Err(e));
            }
        });
        Ok(rows)
    }
}

impl Limits for SqliteStore {}

/// Whether a comment has this (normalised) reference.
fn exists(conn: &Connection, reference: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached(&for_sqlite(sql::COMMENT_EXISTS))?
        .exists([reference])
}

/// A filter's values as SQLite parameters.
fn to_sql(values: Vec<SqlValue>) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    values
        .into_iter()
        .map(|v| match v {
            SqlValue::Text(s) => Value::Text(s),
            SqlValue::Int(i) => Value::Integer(i),
            SqlValue::List(l) => Value::Text(serde_json::to_string(&l).unwrap_or_default()),
        })
        .collect()
}

/// Records a purge or an erasure in the privacy log.
fn log_privacy(
    tx: &rusqlite::Transaction<'_>,
    action: &str,
    at: &str,
    comments: u64,
    reference: Option<&str>,
) -> rusqlite::Result<()> {
    let comments = i64::try_from(comments).unwrap_or(i64::MAX);
    tx.execute(
        &for_sqlite(sql::LOG_PRIVACY),
        params![action, at, comments, reference],
    )?;
    Ok(())
}

/// Copies the database at `source` to `out` with SQLite's online backup, all pages in
/// one step under one read transaction, so the copy is one consistent state however
/// busy the writer is. Writes `out.partial`, syncs it, then renames it into place.
fn backup_file(source: &Path, out: &Path) -> Result<(), StoreError> {
    let fail = |e: &dyn std::fmt::Display| {
        StoreError::Maintenance(format!(
            "cannot back up {} to {}: {e}",
            source.display(),
            out.display()
        ))
    };
    if out.exists() {
        return Err(fail(
            &"the file exists; choose a new --out or remove it first",
        ));
    }
    let partial = out.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let copied = (|| -> rusqlite::Result<()> {
        let from = open_reader(source)?;
        let mut to = Connection::open(&partial)?;
        {
            use rusqlite::backup::{Backup, StepResult};
            let backup = Backup::new(&from, &mut to)?;
            // -1: every page in one step. A busy or locked source is tried again until
            // the busy timeout has passed.
            let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More | StepResult::Busy | StepResult::Locked
                        if std::time::Instant::now() < deadline =>
                    {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    _ => {
                        return Err(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the database stayed busy for the whole busy timeout".into()),
                        ));
                    }
                }
            }
        }
        to.close().map_err(|(_, e)| e)
    })();
    copied.map_err(|e| fail(&e))?;
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&partial, out))
        .map_err(|e| fail(&e))
}

/// Runs a purge or an erasure: `f` in one `BEGIN IMMEDIATE` transaction on a connection
/// of its own (waiting up to [`BUSY_TIMEOUT`] for the writer's lock), with
/// `secure_delete` on so old values are overwritten with zeros, then checkpoints the WAL
/// with `TRUNCATE` so the old page images leave the log file too. `f`'s inner result is
/// its answer (e.g. not found, rolled back); the outer one a database failure.
impl SqliteStore {
    /// Runs an analysis write (codes, tags, decisions): `f` in one `BEGIN IMMEDIATE`
    /// transaction on a connection of its own, waiting up to [`BUSY_TIMEOUT`] for the
    /// writer's lock; committed when its answer is `Ok`. These writes are a drafter's
    /// clicks, rare next to submissions, so they skip the writer's queue.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<Result<T, StoreError>>
        + Send
        + 'static,
    ) -> Result<T, StoreError> {
        let path = self.inner.path.clone();
        tokio::task::spawn_blocking(move || {
            let fail = |e: rusqlite::Error| StoreError::Unavailable(e.to_string());
            let mut conn = Connection::open(&path).map_err(fail)?;
            conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
            conn.pragma_update(None, "synchronous", "FULL")
                .map_err(fail)?;
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(fail)?;
            let answer = f(&tx).map_err(fail)?;
            if answer.is_ok() {
                tx.commit().map_err(fail)?;
            }
            answer
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("the writing task failed: {e}")))?
    }

    async fn maintain<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<Result<T, StoreError>>
        + Send
        + 'static,
    ) -> Result<T, StoreError> {
        let path = self.inner.path.clone();
        tokio::task::spawn_blocking(move || {
            let fail =
                |e: rusqlite::Error| StoreError::Maintenance(format!("{}: {e}", path.display()));
            let mut conn = Connection::open(&path).map_err(fail)?;
            conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
            conn.pragma_update(None, "secure_delete", "ON")
                .map_err(fail)?;
            conn.pragma_update(None, "synchronous", "FULL")
                .map_err(fail)?;
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(fail)?;
            let answer = f(&tx).map_err(fail)?;
            if answer.is_ok() {
                tx.commit().map_err(fail)?;
                checkpoint(&conn, &path).map_err(fail)?;
            }
            answer
        })
        .await
        .map_err(|e| StoreError::Maintenance(format!("the maintenance task failed: {e}")))?
    }
}

/// Copies the WAL into the database file and truncates it. A reader in the middle of a
/// read can keep the checkpoint from finishing; that is logged, and the next
/// checkpoint finishes the work.
fn checkpoint(conn: &Connection, path: &Path) -> rusqlite::Result<()> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
    if busy != 0 {
        tracing::warn!(
            file = %path.display(),
            "the WAL checkpoint could not finish while a reader was busy; old values stay in the WAL file until the next checkpoint"
        );
    }
    Ok(())
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

fn configure_writer(conn: &Connection, options: &StoreOptions) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "journal_mode is {mode}, WAL is required"
        )));
    }
    // Deleted and overwritten values are zeroed in the file, not left in free space.
    conn.pragma_update(None, "secure_delete", "ON")?;
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
        let (done, rest, failure) = write_batch(&mut conn, std::mem::take(&mut batch), prefix, rng);
        finish_batch(done, rest, failure);
    }
}

/// Writes a batch in one transaction and commits it. On any error the transaction is
/// dropped uncommitted (rolled back) and the reason is returned with the jobs written so
/// far and those not yet written, for [`finish_batch`] to refuse.
fn write_batch(
    conn: &mut Connection,
    batch: Vec<Job>,
    prefix: &str,
    rng: &mut dyn RngCore,
) -> (Vec<Done>, Vec<Job>, Option<String>) {
    let mut done = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return (done, jobs.collect(), Some(e.to_string())),
    };
    let written = (|| -> rusqlite::Result<()> {
        let mut insert_stmt = tx.prepare_cached(&for_sqlite(sql::INSERT_COMMENT))?;
        let mut update_stmt = tx.prepare_cached(&for_sqlite(sql::SET_STATUS))?;
        for job in jobs.by_ref() {
            match job {
                Job::Insert(insert) => {
                    match insert_one(&tx, &mut insert_stmt, &insert, prefix, rng) {
                        Ok(Inserted::New(reference)) => done.push(insert.done(reference)),
                        Ok(Inserted::Replayed(first)) => done.push(insert.replayed(*first)),
                        Ok(Inserted::NoReference) => Job::Insert(insert)
                            .refuse("no unused reference found; this should not happen"),
                        Err(e) => {
                            Job::Insert(insert).refuse(&e.to_string());
                            return Err(e);
                        }
                    }
                }
                Job::SetStatus(set) => {
                    let written = update_stmt
                        .execute(params![
                            set.status.as_str(),
                            rfc3339_ms(set.at_ms),
                            set.reference
                        ])
                        .and_then(|changed| match &set.audit {
                            Some(entry) if changed > 0 => {
                                accounts_sqlite::audit(&tx, entry).map(|()| changed)
                            }
                            _ => Ok(changed),
                        });
                    match written {
                        Ok(changed) => done.push(set.done(changed as u64)),
                        Err(e) => {
                            Job::SetStatus(set).refuse(&e.to_string());
                            return Err(e);
                        }
                    }
                }
            }
        }
        Ok(())
    })();
    let failure = match written {
        Ok(()) => tx.commit().err().map(|e| e.to_string()),
        Err(e) => Some(e.to_string()),
    };
    (done, jobs.collect(), failure)
}

/// What [`insert_one`] did.
enum Inserted {
    /// Stored under this new reference.
    New(String),
    /// A comment with the same idempotency hash was already stored: this one.
    Replayed(Box<StoredComment>),
    /// Every reference drawn was taken.
    NoReference,
}

/// Inserts one comment under a fresh reference, unless its idempotency hash is already
/// stored (in this transaction or an earlier one: the writer is the only writer).
fn insert_one(
    tx: &rusqlite::Transaction<'_>,
    stmt: &mut rusqlite::CachedStatement<'_>,
    insert: &Insert,
    prefix: &str,
    rng: &mut dyn RngCore,
) -> rusqlite::Result<Inserted> {
    let Insert {
        comment,
        target,
        draft_version,
        received_at_ms,
        keys,
        ..
    } = insert;
    if let Some(hash) = &keys.idempotency {
        let first = tx
            .prepare_cached(&for_sqlite(sql::COMMENT_BY_IDEMPOTENCY))?
            .query_row([hash], |row| comment_from(row))
            .optional()?;
        if let Some(first) = first {
            return Ok(Inserted::Replayed(Box::new(first)));
        }
    }
    let status = insert.initial_status();
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = reference::generate_with(rng, prefix);
        let inserted = stmt.execute(params![
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
            keys.idempotency,
            keys.receipt,
            comment.attribution.map(|a| a.as_str()),
        ])?;
        if inserted == 1 {
            return Ok(Inserted::New(reference));
        }
        // 0 rows: the reference is taken (ON CONFLICT DO NOTHING); draw again.
    }
    Ok(Inserted::NoReference)
}

fn get(conn: &Connection, reference: &str) -> rusqlite::Result<Option<StoredComment>> {
    conn.prepare_cached(&for_sqlite(sql::COMMENT))?
        .query_row([reference], |row| comment_from(row))
        .optional()
}

fn list(conn: &Connection, query: &ListQuery) -> rusqlite::Result<Vec<StoredComment>> {
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&for_sqlite(sql::LIST))?;
    let rows = stmt.query_map(
        params![
            query.target,
            query.question,
            query.status.map(Status::as_str),
            limit,
            offset
        ],
        |row| comment_from(row),
    )?;
    rows.collect()
}

/// Every comment, oldest first, from one read transaction; `each` returns `false` to stop.
fn for_each(
    conn: &Connection,
    mut each: impl FnMut(StoredComment) -> bool,
) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    {
        let mut stmt = tx.prepare_cached(&for_sqlite(sql::ALL_COMMENTS))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if !each(comment_from(row)?) {
                break;
            }
        }
    }
    tx.finish()
}

/// Counts per status, target and question in one read transaction, so they add up
/// even while comments arrive.
fn stats(conn: &Connection) -> rusqlite::Result<Stats> {
    let tx = conn.unchecked_transaction()?;
    let per_status = tx
        .prepare(&for_sqlite(sql::COUNT_BY_STATUS))?
        .query_map([], |row| status_count_from(row))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let by_target = tx
        .prepare(&for_sqlite(sql::COUNT_BY_TARGET))?
        .query_map([], |row| target_count_from(row))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let by_question = tx
        .prepare(&for_sqlite(sql::COUNT_BY_QUESTION))?
        .query_map([], |row| question_count_from(row))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    tx.finish()?;
    Ok(Stats::from_counts(per_status, by_target, by_question))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::model::{Publish, RespondentType};

    fn comment() -> NewComment {
        NewComment {
            on: "general".into(),
            question: None,
            body: "a view".into(),
            respondent_type: RespondentType::Individual,
            name: None,
            organisation: None,
            email: None,
            publish: Publish::No,
            attribution: None,
            honeypot: false,
            language: "en".into(),
        }
    }

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
        let store = SqliteStore::open(dir.path()).expect("open");
        send_sync_clone(&store);
        // The future an axum handler awaits must be Send.
        send(&store.submit(comment(), Target::general(), "0.1"));
    }

    #[test]
    fn a_store_opened_with_a_fixed_clock_stamps_that_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let at: jiff::Timestamp = "2027-04-02T08:15:30.250Z".parse().expect("a time");
        let options = StoreOptions {
            clock: Arc::new(move || at),
            ..StoreOptions::default()
        };
        let store = SqliteStore::open_with(dir.path(), options).expect("open");
        let stored = store
            .submit_blocking(comment(), Target::general(), "0.1")
            .expect("submit");
        assert_eq!(stored.received_at, "2027-04-02T08:15:30.250Z");
        assert_eq!(stored.received_at_ms, at.as_millisecond());
        let kept = store
            .with_reader(|conn| get(conn, &stored.reference).map_err(read_err))
            .expect("read")
            .expect("kept");
        assert_eq!(kept.received_at, "2027-04-02T08:15:30.250Z");
        store.close_blocking();
    }

    #[test]
    fn readers_cannot_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path()).expect("open");
        let result: Result<usize, StoreError> =
            store.with_reader(|conn| conn.execute("DELETE FROM comments", []).map_err(read_err));
        assert!(matches!(result, Err(StoreError::Read(_))), "{result:?}");
    }
}
