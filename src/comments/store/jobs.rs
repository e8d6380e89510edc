//! The writers' work: a write is a [`Job`]; each kind carries its own `oneshot` sender
//! typed with its own result, so an answer cannot be sent to the wrong kind of request.
//! A writer turns a job done inside an open transaction into a [`Done`] (the sender with
//! its result), and sends the [`Done`]s only after `COMMIT`, or refuses them all if it
//! failed ([`finish_batch`]).

use tokio::sync::{mpsc, oneshot};

use super::super::keys::SubmissionKeys;
use super::super::model::{NewComment, Status, StoredComment, Target, rfc3339_ms};
use super::accounts::AuditEntry;
use super::interface::{StoreError, Submitted};

/// The most jobs committed in one transaction.
pub const MAX_BATCH: usize = 256;

/// How many jobs may wait for the writer before `submit` waits for room.
pub(crate) const QUEUE: usize = 4096;

/// How often a fresh reference is drawn when the last one was already taken.
pub(crate) const REFERENCE_ATTEMPTS: usize = 16;

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
    /// A job for `comment`, received at `received_at_ms` (ms since the epoch).
    pub fn job(
        comment: NewComment,
        target: Target,
        draft_version: &str,
        keys: SubmissionKeys,
        received_at_ms: i64,
    ) -> (Job, oneshot::Receiver<Result<Submitted, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job::Insert(Box::new(Insert {
            comment,
            target,
            draft_version: draft_version.to_string(),
            received_at_ms,
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
    /// [`SetStatus::job`] for the comment `reference` names, typed as a person might;
    /// [`StoreError::NotFound`] if it cannot be a reference.
    pub fn named(
        reference: &str,
        status: Status,
        audit: Option<AuditEntry>,
        at_ms: i64,
    ) -> Result<(Job, oneshot::Receiver<Result<(), StoreError>>), StoreError> {
        let Some(normalised) = super::super::reference::normalise(reference) else {
            return Err(StoreError::NotFound(reference.to_string()));
        };
        Ok(SetStatus::job(&normalised, status, audit, at_ms))
    }

    /// A job setting `reference` to `status` at `at_ms`, recording `audit` with it.
    pub fn job(
        reference: &str,
        status: Status,
        audit: Option<AuditEntry>,
        at_ms: i64,
    ) -> (Job, oneshot::Receiver<Result<(), StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let job = Job::SetStatus(SetStatus {
            reference: reference.to_string(),
            status,
            at_ms,
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
