//! The store's traits, one per concern ([`Comments`], [`Privacy`], [`Analysis`],
//! [`Limits`]), and [`CommentStore`], all of them (with the accounts' and audit log's
//! traits) at once and the store as a whole: what the server holds as
//! `Arc<dyn CommentStore>`.

use std::path::Path;

use super::super::coding::{CodeEntry, DecisionKind, Filter, GroupingDecision, Tag};
use super::super::keys::SubmissionKeys;
use super::super::model::{NewComment, Status, StoredComment, Target};
use super::accounts::{AccountStore, AuditEntry, AuditLog};
use super::counts::Stats;
use super::interface::{Admission, ExportRows, ListQuery, PublishedQuery, StoreError, Submitted};

/// Comments: submitting one (acknowledged only once durable), reading and moderating
/// them, and the published responses.
#[async_trait::async_trait]
pub trait Comments: Send + Sync {
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

    /// Stores a comment with its submission keys (see [`super::super::keys`]). When a comment
    /// with the same idempotency hash is already stored, nothing is stored and that
    /// comment is returned with `replayed: true`, even under concurrent retries.
    async fn submit_keyed(
        &self,
        comment: NewComment,
        target: Target,
        draft_version: &str,
        keys: SubmissionKeys,
    ) -> Result<Submitted, StoreError>;

    /// The comment with this reference, typed as a person might (see
    /// [`reference::normalise`](super::super::reference::normalise)).
    async fn get(&self, reference: &str) -> Result<Option<StoredComment>, StoreError>;

    /// The comments matching `query`, oldest first.
    async fn list(&self, query: &ListQuery) -> Result<Vec<StoredComment>, StoreError>;

    /// How many comments match `query`'s filters (its offset and limit ignored): the
    /// total a paged list shows.
    async fn count_matching(&self, query: &ListQuery) -> Result<u64, StoreError>;

    /// [`Self::set_status_audited`] with no audit row (tests, benches).
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

/// Respondents' personal data: what is held, purging it after the retention period,
/// erasing one comment at its respondent's request, and backups.
#[async_trait::async_trait]
pub trait Privacy: Send + Sync {
    /// How many comments received before `received_before_ms` still hold personal data
    /// (a name, an email address, or an individual's organisation), whatever their
    /// status: what [`Self::purge_personal_data`] would change.
    async fn personal_data_held(&self, received_before_ms: i64) -> Result<u64, StoreError>;

    /// Removes the name, the email address and (for individuals) the organisation of
    /// every comment received before `received_before_ms`, spam and hidden ones
    /// included; keeps the body, target, reference and dates. Records the purge in the
    /// privacy log, all in one transaction, and returns how many comments changed.
    /// SQLite also checkpoints the log so the old values leave the files.
    async fn purge_personal_data(&self, received_before_ms: i64) -> Result<u64, StoreError>;

    /// [`Self::erase_audited`] with no audit row (tests).
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

    /// Writes a consistent copy of the whole database to `out` while the store keeps
    /// taking comments. Only SQLite offers this; PostgreSQL's answer says to use
    /// `pg_dump`.
    async fn backup(&self, out: &Path) -> Result<(), StoreError>;
}

/// The drafters' analysis: counts, grouping decisions, the coding frame and tags,
/// filtered lists and exports.
#[async_trait::async_trait]
pub trait Analysis: Send + Sync {
    /// Counts per status, target and question, from one snapshot.
    async fn stats(&self) -> Result<Stats, StoreError>;

    /// Every comment, oldest first, from one consistent snapshot.
    async fn export(&self) -> Result<ExportRows, StoreError>;

    /// [`Self::record_decision_audited`] with no audit row (tests).
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

    /// [`Self::add_code_audited`] with no audit row (tests).
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

    /// [`Self::tag_audited`] with no audit row (tests, benches).
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

    /// [`Self::untag_audited`] with no audit row (tests).
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
}

/// The submission limit shared by every process using one database.
#[async_trait::async_trait]
pub trait Limits: Send + Sync {
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
}

/// A durable store of consultation comments, shared by every handler of the server:
/// every concern at once, and the store as a whole (where it is, how many comments it
/// holds, closing it).
#[async_trait::async_trait]
pub trait CommentStore:
    Comments + Privacy + Analysis + Limits + AccountStore + AuditLog + std::fmt::Debug
{
    /// How many comments are stored, whatever their status.
    async fn count(&self) -> Result<u64, StoreError>;

    /// Stops taking jobs; resolves once every job already queued is committed and
    /// answered.
    async fn close(&self);

    /// Where the comments are, for logs and messages (never a password).
    fn location(&self) -> String;

    /// Whether the store is known to refuse writes (a read-only file), for `/healthz`.
    fn read_only(&self) -> bool {
        false
    }
}
