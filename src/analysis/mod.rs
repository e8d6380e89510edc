//! Analysis of consultation responses once they are in: campaign and duplicate grouping
//! ([`grouping`]), the drafters' decisions that survive regrouping ([`Decision`]), and
//! a generator of synthetic campaign responses with known clusters ([`synthetic`]) for
//! the benchmark and tests, and the frozen counts the College's response is built from
//! ([`summary`]: `copbook comments summary`).
//!
//! The grouping itself reads comments as plain `(reference, body)` pairs, so the server's
//! admin handlers, the CLI, tests and the benchmark call exactly the same code.
//! [`snapshot`] reads every response and the drafters' decisions through the comment
//! store's interface (never SQL) and groups them; [`coding`] is the coding frame (the
//! codes of book.toml and those added in `/admin/`).

pub mod coding;
pub mod grouping;
pub mod snapshot;
pub mod summary;
pub mod synthetic;

pub use grouping::{
    Decision, Difference, Group, GroupKind, Grouping, NEAR_DUPLICATE_THRESHOLD, difference, group,
};
pub use snapshot::Snapshot;
