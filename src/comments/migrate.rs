//! Copying a consultation from one comment store into a PostgreSQL database, as it is
//! (references, times and statuses kept): what `copbook comments migrate` does when a
//! single machine's SQLite file moves to the database several instances share.
//!
//! Only the stores' public methods are used: the source is read through
//! [`CommentStore::export`], the target written through [`PostgresStore::import`], which
//! leaves a reference already there alone, so running the copy again changes nothing.

use super::store::postgres::PostgresStore;
use super::{CommentStore, Database, StoreError};

/// Comments copied per transaction into the target.
pub const BATCH: usize = 1000;

/// How far a copy has gone, reported after each batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Comments read from the source so far.
    pub copied: u64,
    /// Comments the source held when the copy began.
    pub total: u64,
    /// Of those copied, how many the target did not hold yet.
    pub added: u64,
}

/// The outcome of a complete copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrated {
    /// Comments in the source, every one now present in the target.
    pub total: u64,
    /// How many of them this run added to the target.
    pub added: u64,
    /// Comments the target holds in all.
    pub held: u64,
}

/// Why a copy failed or could not be shown complete.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The source store could not be opened.
    #[error("opening the source database")]
    OpenSource(#[source] StoreError),
    /// The target database could not be opened.
    #[error("opening the target database")]
    OpenTarget(#[source] StoreError),
    /// Reading or writing failed part-way.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Fewer comments were read from the source than it said it held.
    #[error("read {copied} comments from the source but it holds {total}")]
    ShortRead {
        /// Comments read.
        copied: u64,
        /// Comments the source held.
        total: u64,
    },
    /// The target holds fewer comments than the source after the copy.
    #[error("the target holds {held} comments, fewer than the {total} of the source")]
    Missing {
        /// Comments in the target.
        held: u64,
        /// Comments in the source.
        total: u64,
    },
}

/// Copies every comment of `source` into the PostgreSQL database at `target_url`, in
/// batches of [`BATCH`], calling `progress` after each, then checks that the source was
/// read whole and that the target holds at least as many comments.
pub async fn copy_into_postgres(
    source: &Database,
    target_url: &str,
    mut progress: impl FnMut(Progress),
) -> Result<Migrated, MigrateError> {
    let from = source
        .open(Default::default())
        .await
        .map_err(MigrateError::OpenSource)?;
    let total = from.count().await?;
    let target = PostgresStore::connect(target_url, Default::default())
        .await
        .map_err(MigrateError::OpenTarget)?;
    let mut rows = from.export().await?;
    let (mut copied, mut added) = (0u64, 0u64);
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let next = rows.next().await.transpose()?;
        let end = next.is_none();
        batch.extend(next);
        if batch.len() >= BATCH || (end && !batch.is_empty()) {
            added += target.import(&batch).await?;
            copied += batch.len() as u64;
            progress(Progress {
                copied,
                total,
                added,
            });
            batch.clear();
        }
        if end {
            break;
        }
    }
    if copied != total {
        return Err(MigrateError::ShortRead { copied, total });
    }
    let held = CommentStore::count(&target).await?;
    if held < total {
        return Err(MigrateError::Missing { held, total });
    }
    from.close().await;
    CommentStore::close(&target).await;
    Ok(Migrated { total, added, held })
}
