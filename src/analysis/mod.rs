//! Analysis of consultation responses once they are in: campaign and duplicate grouping
//! ([`grouping`]), the drafters' decisions that survive regrouping ([`Decision`]), and
//! a generator of synthetic campaign responses with known clusters ([`synthetic`]) for
//! the benchmark and tests, and the frozen counts the College's response is built from
//! ([`summary`]: `copbook comments summary`).
//!
//! The grouping itself reads comments as plain `(reference, body)` pairs, so the server's
//! admin handlers, the CLI, tests and the benchmark call exactly the same code.
//! [`snapshot`] reads every response and the drafters' decisions through the comment
//! store's interface (never SQL) and groups them; [`coding_frame`] is the coding frame (the
//! codes of book.toml and those added in `/admin/`); [`following`] tallies comments per
//! paragraph as it stands now.

pub mod coding_frame;
pub mod following;
pub mod grouping;
pub mod snapshot;
pub mod summary;
pub mod synthetic;

pub use grouping::{
    Decision, Difference, Group, GroupKind, Grouping, NEAR_DUPLICATE_THRESHOLD, difference, group,
};
pub use snapshot::Snapshot;

/// Whether a stored comment counts as a response in every count and grouping (the
/// summary, `/admin/groups`, `comments stats`): spam does not, and neither does an
/// erased comment, which has no text left (a comment cannot be sent empty). Two erased
/// comments would otherwise make a "campaign" of empty texts.
pub fn counts_as_response(status: crate::comments::Status, body: &str) -> bool {
    status != crate::comments::Status::Spam && !body.trim().is_empty()
}
