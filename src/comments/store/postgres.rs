//! The PostgreSQL [`CommentStore`](super::CommentStore), for several `copbook serve` instances on one
//! database. Every SQL statement of this backend is here (the migrations are in
//! [`super::migrations::POSTGRES_MIGRATIONS`]).
//!
//! # Writing
//! As with SQLite, one writer task per instance owns the writes: it takes every job
//! queued (up to [`MAX_BATCH`]), sends their statements pipelined on one connection in
//! one transaction, and answers only after `COMMIT` has returned. Every connection runs
//! with `synchronous_commit=on`, so a returned `COMMIT` is in the server's WAL on disk.
//! Any error rolls the batch back and refuses every job in it
//! ([`StoreError::Unavailable`]). A connection lost during `COMMIT` is reported as a
//! refusal although the commit may have landed: the respondent may then send a comment
//! twice, but an acknowledged comment is never lost.
//!
//! References are unique across instances by the UNIQUE constraint: a concurrent
//! insert of a taken reference waits for the other transaction and then inserts
//! nothing (`ON CONFLICT DO NOTHING`), and the writer draws again.
//!
//! # Outages
//! Connections come from a `deadpool` pool that checks each one before reuse and opens
//! new ones on demand, with short timeouts. While the database is down every call fails
//! fast with [`StoreError::Unavailable`] (503); when it returns, the next call gets a
//! fresh connection. No restart is needed.
//!
//! # Migrations
//! Under a session advisory lock ([`MIGRATION_LOCK`]), so instances starting together
//! migrate one after the other; the version is in `copbook_schema`, and a version newer
//! than [`POSTGRES_MIGRATIONS`] is refused.
//!
//! # Shared rate limit
//! [`Limits::count_submission`] counts per client in fixed one-minute windows in
//! `submission_counts`, keyed by a SHA-256 of the client key (never the address itself),
//! and estimates the last sixty seconds as the current window plus the previous one
//! weighted by how much of it still overlaps. Rows older than two windows are deleted.

mod accounts_postgres;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use futures_util::{StreamExt, future::join_all, pin_mut};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sha2::Digest;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_postgres::{IsolationLevel, NoTls, Row};

use crate::clock::Clock;

use super::super::coding::{CodeEntry, DecisionKind, Filter, GroupingDecision, Tag};
use super::super::keys::SubmissionKeys;
use super::super::model::{NewComment, Status, StoredComment, Target, rfc3339_ms};
use super::super::reference;
use super::accounts::AuditEntry;
use super::columns::{
    Columns, code_from, comment_from, decision_from, question_count_from, status_count_from,
    tag_count_from, tag_from, target_count_from,
};
use super::counts::Stats;
use super::filter::{SqlValue, where_clause};
use super::interface::{
    Admission, ExportRows, ListQuery, PublishedQuery, StoreError, StoreOptions, Submitted,
    decision_references,
};
use super::jobs::{
    Done, Insert, Job, MAX_BATCH, QUEUE, REFERENCE_ATTEMPTS, SetStatus, finish_batch, send_job,
};
use super::migrations::{MigrateError, POSTGRES_MIGRATIONS};
use super::sql;
use super::traits::{Analysis, CommentStore, Comments, Limits, Privacy};

/// The advisory lock key migrations hold ("copbook" in ASCII).
pub const MIGRATION_LOCK: i64 = 0x0063_6f70_626f_6f6b;

/// Connections per instance: the writer's, and readers'.
const POOL_SIZE: usize = 16;

/// How long a call waits for a connection, or to open one, before giving up with 503.
const POOL_TIMEOUT: Duration = Duration::from_secs(3);

/// The rate limit's window.
const WINDOW_MS: i64 = 60_000;

/// Mixed into every client-key hash, so the hashes are useful only to copbook.
const CLIENT_HASH_DOMAIN: &[u8] = b"copbook submission limit v1\0";

/// A handle on the PostgreSQL comment store. Cheap to clone.
#[derive(Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    location: String,
    /// `None` once closed.
    jobs: RwLock<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// What time it is, for every time stamp the store writes and the limit's windows.
    clock: Clock,
    /// The rate-limit window whose predecessors were last swept.
    swept_window: AtomicI64,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("location", &self.inner.location)
            .finish_non_exhaustive()
    }
}

/// `url` with any password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Maps a database error: lost connections and an unavailable server are
/// [`StoreError::Unavailable`], anything else a read failure.
fn db_err(e: tokio_postgres::Error) -> StoreError {
    let unavailable = e.is_closed()
        || e.as_db_error().is_none()
        || e.code().is_some_and(|c| {
            let c = c.code();
            c.starts_with("08") || c.starts_with("53") || c.starts_with("57")
        });
    if unavailable {
        StoreError::Unavailable(format!("the database is unreachable: {e}"))
    } else {
        StoreError::Read(e.to_string())
    }
}

fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Unavailable(format!("the database is unreachable: {e}"))
}

impl PostgresStore {
    /// Connects to `url`, brings the schema up to date (under the advisory lock) and
    /// starts the writer task. Must be called within a Tokio runtime.
    pub async fn connect(url: &str, options: StoreOptions) -> Result<PostgresStore, StoreError> {
        if !reference::is_valid_prefix(&options.reference_prefix) {
            return Err(StoreError::BadPrefix(options.reference_prefix));
        }
        let location = redact(url);
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|_| StoreError::BadUrl(location.clone()))?;
        // Every commit waits for the server's WAL flush, whatever the server's default.
        config.options("-c synchronous_commit=on");
        config.connect_timeout(POOL_TIMEOUT);
        config.application_name("copbook");
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_TIMEOUT))
            .create_timeout(Some(POOL_TIMEOUT))
            .recycle_timeout(Some(POOL_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Open {
                location: location.clone(),
                reason: e.to_string(),
            })?;
        migrate(&pool).await.map_err(|e| match e {
            Migration::Connect(reason) => StoreError::Open {
                location: location.clone(),
                reason,
            },
            Migration::Schema(source) => StoreError::Migrate {
                location: location.clone(),
                source,
            },
        })?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let clock = options.clock.clone();
        let rng = match options.insecure_reference_seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        let writer = tokio::spawn(run_writer(
            pool.clone(),
            rx,
            options.reference_prefix.clone(),
            rng,
        ));
        Ok(PostgresStore {
            inner: Arc::new(Inner {
                pool,
                location,
                jobs: RwLock::new(Some(tx)),
                writer: Mutex::new(Some(writer)),
                clock,
                swept_window: AtomicI64::new(i64::MIN),
            }),
        })
    }

    /// Copies comments kept elsewhere (e.g. a SQLite file) into this database as they
    /// are, references, times and statuses included, in one transaction. A reference
    /// already here is left alone, so copying again changes nothing. Returns how many
    /// were new, after checking that every reference given is now present.
    pub async fn import(&self, comments: &[StoredComment]) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let stmt = tx.prepare_cached(IMPORT).await.map_err(db_err)?;
        let mut added = 0;
        for c in comments {
            let respondent_type = c.respondent_type.as_str();
            let publish = c.publish.as_str();
            let status = c.status.as_str();
            let attribution = c.attribution.map(|a| a.as_str());
            added += tx
                .execute(
                    &stmt,
                    &[
                        &c.reference,
                        &c.received_at,
                        &c.received_at_ms,
                        &c.target_id,
                        &c.target_number,
                        &c.target_title,
                        &c.target_text,
                        &c.question,
                        &c.draft_version,
                        &c.body,
                        &respondent_type,
                        &c.name,
                        &c.organisation,
                        &c.email,
                        &publish,
                        &status,
                        &c.status_changed_at,
                        &c.language,
                        &attribution,
                    ],
                )
                .await
                .map_err(db_err)?;
        }
        let references: Vec<&str> = comments.iter().map(|c| c.reference.as_str()).collect();
        let present: i64 = tx
            .query_one(
                "SELECT COUNT(*) FROM comments WHERE reference = ANY($1)",
                &[&references],
            )
            .await
            .map_err(db_err)?
            .get(0);
        if usize::try_from(present).ok() != Some(comments.len()) {
            return Err(StoreError::Unavailable(format!(
                "copied {} comments but {present} are present; nothing of this batch was kept",
                comments.len()
            )));
        }
        tx.commit().await.map_err(db_err)?;
        Ok(added)
    }

    fn sender(&self) -> Option<mpsc::Sender<Job>> {
        self.inner.jobs.read().ok().and_then(|guard| guard.clone())
    }

    /// One nullable text column (`sql`, with the reference as `$1`) of the comment with
    /// this reference; `None` for no such comment.
    async fn optional_text(
        &self,
        reference: &str,
        sql: &'static str,
    ) -> Result<Option<String>, StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Ok(None);
        };
        let client = self.client().await?;
        let row = client.query_opt(sql, &[&reference]).await.map_err(db_err)?;
        row.map(|r| r.try_get(0))
            .transpose()
            .map_err(db_err)
            .map(Option::flatten)
    }

    /// The time now by the store's clock, in ms since the epoch.
    fn now_ms(&self) -> i64 {
        (self.inner.clock)().as_millisecond()
    }

    /// The time now by the store's clock, as the tables keep it (RFC 3339).
    fn stamp(&self) -> String {
        rfc3339_ms(self.now_ms())
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.inner.pool.get().await.map_err(pool_err)
    }
}

#[async_trait::async_trait]
impl Comments for PostgresStore {
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
        let client = self.client().await?;
        let stmt = client.prepare_cached(sql::COMMENT).await.map_err(db_err)?;
        let row = client
            .query_opt(&stmt, &[&reference])
            .await
            .map_err(db_err)?;
        row.as_ref().map(comment_from).transpose()
    }

    async fn list(&self, query: &ListQuery) -> Result<Vec<StoredComment>, StoreError> {
        let client = self.client().await?;
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let status = query.status.map(Status::as_str);
        let stmt = client.prepare_cached(sql::LIST).await.map_err(db_err)?;
        let rows = client
            .query(
                &stmt,
                &[&query.target, &query.question, &status, &limit, &offset],
            )
            .await
            .map_err(db_err)?;
        rows.iter().map(comment_from).collect()
    }

    async fn count_matching(&self, query: &ListQuery) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let status = query.status.map(Status::as_str);
        let row = client
            .query_one(sql::COUNT_LIST, &[&query.target, &query.question, &status])
            .await
            .map_err(db_err)?;
        row.count(0)
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
        let client = self.client().await?;
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
        let stmt = client
            .prepare_cached(sql::LIST_PUBLISHED)
            .await
            .map_err(db_err)?;
        mapped(
            client
                .query(&stmt, &[&query.target, &query.question, &limit, &offset])
                .await,
            comment_from,
        )
    }

    async fn count_published(&self, query: &PublishedQuery) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(sql::COUNT_PUBLISHED, &[&query.target, &query.question])
            .await
            .map_err(db_err)?;
        row.count(0)
    }
}

#[async_trait::async_trait]
impl CommentStore for PostgresStore {
    async fn count(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(sql::COUNT_COMMENTS, &[])
            .await
            .map_err(db_err)?;
        row.count(0)
    }

    async fn close(&self) {
        if let Ok(mut jobs) = self.inner.jobs.write() {
            jobs.take();
        }
        let writer = self.inner.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(writer) = writer
            && writer.await.is_err()
        {
            tracing::error!("the comments writer task panicked");
        }
    }

    fn location(&self) -> String {
        self.inner.location.clone()
    }
}

#[async_trait::async_trait]
impl Privacy for PostgresStore {
    async fn personal_data_held(&self, received_before_ms: i64) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(sql::COUNT_PERSONAL_DATA, &[&received_before_ms])
            .await
            .map_err(db_err)?;
        row.count(0)
    }

    async fn purge_personal_data(&self, received_before_ms: i64) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let changed = tx
            .execute(sql::PURGE, &[&received_before_ms])
            .await
            .map_err(db_err)?;
        log_privacy(&tx, "purge", &self.stamp(), changed, None).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(changed)
    }

    async fn erase_audited(
        &self,
        reference: &str,
        audit: Option<AuditEntry>,
    ) -> Result<(), StoreError> {
        let Some(reference) = reference::normalise(reference) else {
            return Err(StoreError::NotFound(reference.to_string()));
        };
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let now = self.stamp();
        let changed = tx
            .execute(sql::ERASE, &[&now, &reference])
            .await
            .map_err(db_err)?;
        if changed == 0 {
            return Err(StoreError::NotFound(reference));
        }
        log_privacy(&tx, "erase", &now, changed, Some(&reference)).await?;
        if let Some(entry) = &audit {
            accounts_postgres::audit(&tx, entry).await?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn erased_at(&self, reference: &str) -> Result<Option<String>, StoreError> {
        self.optional_text(reference, sql::ERASED_AT).await
    }

    async fn backup(&self, out: &std::path::Path) -> Result<(), StoreError> {
        let _ = out;
        Err(StoreError::Maintenance(format!(
            "copbook backs up SQLite files only; back up {} with pg_dump",
            self.location()
        )))
    }
}

#[async_trait::async_trait]
impl Analysis for PostgresStore {
    async fn stats(&self) -> Result<Stats, StoreError> {
        let mut client = self.client().await?;
        // One snapshot: the counts add up even while comments arrive.
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(db_err)?;
        let per_status = mapped(tx.query(sql::COUNT_BY_STATUS, &[]).await, status_count_from)?;
        let by_target = mapped(tx.query(sql::COUNT_BY_TARGET, &[]).await, target_count_from)?;
        let by_question = mapped(
            tx.query(sql::COUNT_BY_QUESTION, &[]).await,
            question_count_from,
        )?;
        tx.commit().await.map_err(db_err)?;
        Ok(Stats::from_counts(per_status, by_target, by_question))
    }

    async fn export(&self) -> Result<ExportRows, StoreError> {
        let mut client = self.client().await?;
        let (tx, rows) = ExportRows::channel();
        tokio::spawn(async move {
            let walked = async {
                let snapshot = client
                    .build_transaction()
                    .isolation_level(IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .await
                    .map_err(db_err)?;
                let stream = snapshot
                    .query_raw(sql::ALL_COMMENTS, std::iter::empty::<i64>())
                    .await
                    .map_err(db_err)?;
                pin_mut!(stream);
                while let Some(row) = stream.next().await {
                    let row = row.map_err(db_err)?;
                    if tx.send(comment_from(&row)).await.is_err() {
                        break; // the reader went away
                    }
                }
                snapshot.commit().await.map_err(db_err)
            };
            if let Err(e) = walked.await {
                let _ = tx.send(Err(e)).await;
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
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        for r in std::iter::once(&reference).chain(with.as_ref()) {
            if !exists(&tx, r).await? {
                return Err(StoreError::NotFound(r.clone()));
            }
        }
        tx.execute(
            sql::ADD_DECISION,
            &[&kind.as_str(), &reference, &with, &analyst, &self.stamp()],
        )
        .await
        .map_err(db_err)?;
        if let Some(entry) = &audit {
            accounts_postgres::audit(&tx, entry).await?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn decisions(&self) -> Result<Vec<GroupingDecision>, StoreError> {
        let client = self.client().await?;
        mapped(client.query(sql::DECISIONS, &[]).await, decision_from)
    }

    async fn add_code_audited(
        &self,
        code: &str,
        analyst: &str,
        audit: Option<AuditEntry>,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let added = tx
            .execute(sql::ADD_CODE, &[&code, &analyst, &self.stamp()])
            .await
            .map_err(db_err)?;
        if added == 1
            && let Some(entry) = &audit
        {
            accounts_postgres::audit(&tx, entry).await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(added == 1)
    }

    async fn codes(&self) -> Result<Vec<CodeEntry>, StoreError> {
        let client = self.client().await?;
        mapped(client.query(sql::CODES, &[]).await, code_from)
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
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        if !exists(&tx, &reference).await? {
            return Err(StoreError::NotFound(reference));
        }
        let added = tx
            .execute(sql::ADD_TAG, &[&reference, &code, &analyst, &self.stamp()])
            .await
            .map_err(db_err)?
            == 1;
        if added && let Some(entry) = &audit {
            accounts_postgres::audit(&tx, entry).await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(added)
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
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db_err)?;
        let removed = tx
            .execute(sql::REMOVE_TAG, &[&reference, &code])
            .await
            .map_err(db_err)?;
        if removed == 1
            && let Some(entry) = &audit
        {
            accounts_postgres::audit(&tx, entry).await?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(removed == 1)
    }

    async fn tags(&self, references: Option<&[String]>) -> Result<Vec<Tag>, StoreError> {
        let client = self.client().await?;
        let references: Option<Vec<String>> = references.map(<[String]>::to_vec);
        mapped(client.query(sql::TAGS, &[&references]).await, tag_from)
    }

    async fn tag_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let client = self.client().await?;
        mapped(client.query(sql::TAG_COUNTS, &[]).await, tag_count_from)
    }

    async fn filtered(
        &self,
        filter: &Filter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<StoredComment>, StoreError> {
        let (clause, values) = where_clause(filter, after);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let client = self.client().await?;
        let values = to_sql(values);
        mapped(
            client
                .query(&sql::filtered(&clause, limit), &param_refs(&values))
                .await,
            comment_from,
        )
    }

    async fn count_filtered(&self, filter: &Filter) -> Result<u64, StoreError> {
        let (clause, values) = where_clause(filter, None);
        let client = self.client().await?;
        let values = to_sql(values);
        let row = client
            .query_one(&sql::count_filtered(&clause), &param_refs(&values))
            .await
            .map_err(db_err)?;
        row.count(0)
    }

    async fn export_filtered(&self, filter: &Filter) -> Result<ExportRows, StoreError> {
        let (clause, values) = where_clause(filter, None);
        let mut client = self.client().await?;
        let (tx, rows) = ExportRows::channel();
        tokio::spawn(async move {
            let walked = async {
                let values = to_sql(values);
                let snapshot = client
                    .build_transaction()
                    .isolation_level(IsolationLevel::RepeatableRead)
                    .read_only(true)
                    .start()
                    .await
                    .map_err(db_err)?;
                let stream = snapshot
                    .query_raw(&sql::export_filtered(&clause), param_refs(&values))
                    .await
                    .map_err(db_err)?;
                pin_mut!(stream);
                while let Some(row) = stream.next().await {
                    let row = row.map_err(db_err)?;
                    if tx.send(comment_from(&row)).await.is_err() {
                        break;
                    }
                }
                snapshot.commit().await.map_err(db_err)
            };
            if let Err(e) = walked.await {
                let _ = tx.send(Err(e)).await;
            }
        });
        Ok(rows)
    }
}

#[async_trait::async_trait]
impl Limits for PostgresStore {
    async fn count_submission(
        &self,
        client_key: &[u8],
        per_minute: u32,
    ) -> Result<Option<Admission>, StoreError> {
        if per_minute == 0 {
            return Ok(Some(Admission::Allowed));
        }
        let now = self.now_ms();
        let window = now.div_euclid(WINDOW_MS) * WINDOW_MS;
        let into_window = now - window;
        // How much of the previous window still lies within the last sixty seconds.
        let previous_weight = 1.0 - into_window as f64 / WINDOW_MS as f64;
        let hash = sha2::Sha256::new()
            .chain_update(CLIENT_HASH_DOMAIN)
            .chain_update(client_key)
            .finalize()
            .to_vec();
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(COUNT_SUBMISSION)
            .await
            .map_err(db_err)?;
        let counted = client
            .query_opt(
                &stmt,
                &[&hash, &window, &f64::from(per_minute), &previous_weight],
            )
            .await
            .map_err(db_err)?;
        if self.inner.swept_window.swap(window, Ordering::Relaxed) != window {
            // Once a window per instance: forget counts that can no longer matter.
            client
                .execute(
                    "DELETE FROM submission_counts WHERE window_start < $1",
                    &[&(window - WINDOW_MS)],
                )
                .await
                .map_err(db_err)?;
        }
        Ok(Some(match counted {
            Some(_) => Admission::Allowed,
            None => Admission::Refused {
                retry_after: Duration::from_millis(
                    u64::try_from(WINDOW_MS - into_window).unwrap_or(1000),
                ),
            },
        }))
    }
}

/// Rows read into values by `map`.
fn mapped<T>(
    rows: Result<Vec<Row>, tokio_postgres::Error>,
    map: fn(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows.map_err(db_err)?.iter().map(map).collect()
}

/// Whether a comment has this (normalised) reference.
async fn exists(
    tx: &deadpool_postgres::Transaction<'_>,
    reference: &str,
) -> Result<bool, StoreError> {
    let found = tx
        .query_opt(sql::COMMENT_EXISTS, &[&reference])
        .await
        .map_err(db_err)?;
    Ok(found.is_some())
}

/// A filter's values, owned, as PostgreSQL parameters.
fn to_sql(values: Vec<SqlValue>) -> Vec<Box<dyn tokio_postgres::types::ToSql + Sync + Send>> {
    values
        .into_iter()
        .map(|v| -> Box<dyn tokio_postgres::types::ToSql + Sync + Send> {
            match v {
                SqlValue::Text(s) => Box::new(s),
                SqlValue::Int(i) => Box::new(i),
                SqlValue::List(l) => Box::new(l),
            }
        })
        .collect()
}

fn param_refs(values: &[Box<dyn tokio_postgres::types::ToSql + Sync + Send>]) -> Vec<Param<'_>> {
    values.iter().map(|v| v.as_ref() as Param<'_>).collect()
}

/// Records a purge or an erasure in the privacy log.
async fn log_privacy(
    tx: &deadpool_postgres::Transaction<'_>,
    action: &str,
    at: &str,
    comments: u64,
    reference: Option<&str>,
) -> Result<(), StoreError> {
    let comments = i64::try_from(comments).unwrap_or(i64::MAX);
    tx.execute(sql::LOG_PRIVACY, &[&action, &at, &comments, &reference])
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Counts one submission unless the estimate for the last sixty seconds (this window's
/// count plus the previous window's weighted by `$4`) would exceed `$3`. Returns a row
/// only when counted.
const COUNT_SUBMISSION: &str = "WITH previous AS (
        SELECT COALESCE((SELECT count FROM submission_counts
                         WHERE client_hash = $1::BYTEA
                           AND window_start = $2::BIGINT - 60000), 0) AS n
    )
    INSERT INTO submission_counts AS s (client_hash, window_start, count)
    SELECT $1::BYTEA, $2::BIGINT, 1 FROM previous
    WHERE previous.n * $4::FLOAT8 + 1 <= $3::FLOAT8
    ON CONFLICT (client_hash, window_start) DO UPDATE SET count = s.count + 1
        WHERE (SELECT n FROM previous) * $4::FLOAT8 + s.count + 1 <= $3::FLOAT8
    RETURNING s.count";

/// Why migrating failed: no connection, or the schema.
enum Migration {
    Connect(String),
    Schema(MigrateError),
}

/// Brings the schema to the newest version, one migration per transaction, holding the
/// advisory lock so that concurrent instances take turns.
async fn migrate(pool: &Pool) -> Result<(), Migration> {
    let mut client = pool
        .get()
        .await
        .map_err(|e| Migration::Connect(e.to_string()))?;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(|e| Migration::Connect(e.to_string()))?;
    let result = migrate_locked(&mut client).await;
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    if let Err(e) = unlocked {
        tracing::warn!("releasing the migration lock: {e}");
    }
    result.map_err(Migration::Schema)
}

async fn migrate_locked(client: &mut deadpool_postgres::Object) -> Result<(), MigrateError> {
    let failed = |from: i64| {
        move |e: tokio_postgres::Error| MigrateError::Failed {
            from,
            reason: e.to_string(),
        }
    };
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS copbook_schema (version BIGINT NOT NULL);
             INSERT INTO copbook_schema (version)
                SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM copbook_schema);",
        )
        .await
        .map_err(failed(0))?;
    let found: i64 = client
        .query_one("SELECT version FROM copbook_schema", &[])
        .await
        .map_err(failed(0))?
        .get(0);
    let Some(pending) = usize::try_from(found)
        .ok()
        .and_then(|i| POSTGRES_MIGRATIONS.get(i..))
    else {
        return Err(MigrateError::Unsupported { found });
    };
    for (from, sql) in (found..).zip(pending) {
        let tx = client.transaction().await.map_err(failed(from))?;
        tx.batch_execute(sql).await.map_err(failed(from))?;
        tx.execute("UPDATE copbook_schema SET version = $1", &[&(from + 1)])
            .await
            .map_err(failed(from))?;
        tx.commit().await.map_err(failed(from))?;
    }
    Ok(())
}

/// The writer task: batch, write, commit, then answer.
async fn run_writer(pool: Pool, mut jobs: mpsc::Receiver<Job>, prefix: String, mut rng: StdRng) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (done, rest, failure) =
            write_batch(&pool, std::mem::take(&mut batch), &prefix, &mut rng).await;
        finish_batch(done, rest, failure);
    }
}

/// Writes a batch in one transaction, statements pipelined, and commits it. On any
/// error the transaction is not committed and the reason is returned with every job.
async fn write_batch(
    pool: &Pool,
    batch: Vec<Job>,
    prefix: &str,
    rng: &mut StdRng,
) -> (Vec<Done>, Vec<Job>, Option<String>) {
    let mut client = match pool.get().await {
        Ok(client) => client,
        Err(e) => return (Vec::new(), batch, Some(pool_err(e).to_string())),
    };
    let tx = match client.transaction().await {
        Ok(tx) => tx,
        Err(e) => return (Vec::new(), batch, Some(db_err(e).to_string())),
    };
    let (insert, update) = match (
        tx.prepare_cached(sql::INSERT_COMMENT).await,
        tx.prepare_cached(sql::SET_STATUS).await,
    ) {
        (Ok(i), Ok(u)) => (i, u),
        (Err(e), _) | (_, Err(e)) => return (Vec::new(), batch, Some(db_err(e).to_string())),
    };
    // Draw every reference first, then send every statement at once: tokio-postgres
    // pipelines concurrent queries on one connection, so the batch costs one round trip
    // plus the commit.
    let references: Vec<Option<String>> = batch
        .iter()
        .map(|job| match job {
            Job::Insert(_) => Some(reference::generate_with(rng, prefix)),
            Job::SetStatus(_) => None,
        })
        .collect();
    let results = join_all(batch.iter().zip(&references).map(|(job, reference)| {
        let (tx, insert, update) = (&tx, &insert, &update);
        async move {
            match (job, reference) {
                (Job::Insert(i), Some(reference)) => {
                    tx.execute(insert, &insert_params(i, reference).as_slice())
                        .await
                }
                (Job::SetStatus(s), _) => {
                    let at = rfc3339_ms(s.at_ms);
                    tx.execute(update, &[&s.status.as_str(), &at, &s.reference])
                        .await
                }
                (Job::Insert(_), None) => Ok(0),
            }
        }
    }))
    .await;
    let mut done = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter().zip(references).zip(results);
    let mut failure = None;
    for ((job, reference), result) in jobs.by_ref() {
        let changed = match result {
            Ok(changed) => changed,
            Err(e) => {
                failure = Some(db_err(e).to_string());
                job.refuse(failure.as_deref().unwrap_or_default());
                break;
            }
        };
        match job {
            Job::Insert(i) => {
                if changed != 1 {
                    // Not inserted: a retry of a keyed submission (stored by an earlier
                    // batch or, once it committed, by another instance), or a taken reference.
                    match replayed(&tx, &i).await {
                        Ok(Some(first)) => {
                            done.push(i.replayed(first));
                            continue;
                        }
                        Ok(None) => {}
                        Err(e) => {
                            failure = Some(e.to_string());
                            Job::Insert(i).refuse(failure.as_deref().unwrap_or_default());
                            break;
                        }
                    }
                }
                let reference = match (changed, reference) {
                    (1, Some(reference)) => Some(reference),
                    // Taken (by this batch or another instance): draw again, one by one.
                    _ => match insert_again(&tx, &insert, &i, prefix, rng).await {
                        Ok(reference) => reference,
                        Err(e) => {
                            failure = Some(db_err(e).to_string());
                            Job::Insert(i).refuse(failure.as_deref().unwrap_or_default());
                            break;
                        }
                    },
                };
                match reference {
                    Some(reference) => done.push(i.done(reference)),
                    None => {
                        Job::Insert(i).refuse("no unused reference found; this should not happen")
                    }
                }
            }
            Job::SetStatus(s) => {
                if changed > 0
                    && let Some(entry) = &s.audit
                    && let Err(e) = accounts_postgres::audit(&tx, entry).await
                {
                    failure = Some(e.to_string());
                    Job::SetStatus(s).refuse(failure.as_deref().unwrap_or_default());
                    break;
                }
                done.push(s.done(changed));
            }
        }
    }
    let rest: Vec<Job> = jobs.map(|((job, _), _)| job).collect();
    if failure.is_none() {
        failure = tx.commit().await.err().map(|e| db_err(e).to_string());
    }
    (done, rest, failure)
}

/// The comment already stored under `job`'s idempotency hash, if it has one.
async fn replayed(
    tx: &deadpool_postgres::Transaction<'_>,
    job: &Insert,
) -> Result<Option<StoredComment>, StoreError> {
    let Some(hash) = &job.keys.idempotency else {
        return Ok(None);
    };
    let row = tx
        .query_opt(sql::COMMENT_BY_IDEMPOTENCY, &[hash])
        .await
        .map_err(db_err)?;
    row.as_ref().map(comment_from).transpose()
}

async fn insert_again(
    tx: &deadpool_postgres::Transaction<'_>,
    insert: &tokio_postgres::Statement,
    job: &Insert,
    prefix: &str,
    rng: &mut StdRng,
) -> Result<Option<String>, tokio_postgres::Error> {
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = reference::generate_with(rng, prefix);
        if tx
            .execute(insert, &insert_params(job, &reference).as_slice())
            .await?
            == 1
        {
            return Ok(Some(reference));
        }
    }
    Ok(None)
}

type Param<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);

fn insert_params<'a>(i: &'a Insert, reference: &'a String) -> InsertParams<'a> {
    InsertParams {
        reference,
        received_at: rfc3339_ms(i.received_at_ms),
        insert: i,
        respondent_type: i.comment.respondent_type.as_str(),
        publish: i.comment.publish.as_str(),
        status: i.initial_status().as_str(),
        attribution: i.comment.attribution.map(|a| a.as_str()),
    }
}

/// The values of one INSERT, owning the ones computed for it.
struct InsertParams<'a> {
    reference: &'a String,
    received_at: String,
    insert: &'a Insert,
    respondent_type: &'static str,
    publish: &'static str,
    status: &'static str,
    attribution: Option<&'static str>,
}

impl InsertParams<'_> {
    fn as_slice(&self) -> [Param<'_>; 20] {
        let i = self.insert;
        [
            self.reference,
            &self.received_at,
            &i.received_at_ms,
            &i.target.id,
            &i.target.number,
            &i.target.title,
            &i.target.text,
            &i.comment.question,
            &i.draft_version,
            &i.comment.body,
            &self.respondent_type,
            &i.comment.name,
            &i.comment.organisation,
            &i.comment.email,
            &self.publish,
            &self.status,
            &i.comment.language,
            &i.keys.idempotency,
            &i.keys.receipt,
            &self.attribution,
        ]
    }
}

const IMPORT: &str = "INSERT INTO comments (
        reference, received_at, received_at_ms, target_id, target_number, target_title,
        target_text, question, draft_version, body, respondent_type, name, organisation,
        email, publish, status, status_changed_at, language, attribution
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
    ON CONFLICT (reference) DO NOTHING";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/c"),
            "postgres://app:***@db:5432/c"
        );
        assert_eq!(redact("postgres://app@db/c"), "postgres://app@db/c");
    }
}
