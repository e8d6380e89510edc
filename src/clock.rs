//! What time it is, for the binary: the system clock, or the instant `COPBOOK_NOW` names.
//!
//! Tests that run the real binary set `COPBOOK_NOW` (RFC 3339) so that what they check
//! does not depend on the day they run: the shipped consultation, for one, closes on
//! 31 March 2027. The process's clock then starts at that instant and runs on with the
//! monotonic clock, so expiries and rate limits still see time pass. The server reads it
//! through [`process`] (in-process tests give `AppState` a clock of their own instead),
//! and so do the comment stores, which are given a [`Clock`] when opened
//! (`StoreOptions::clock`, [`process`] unless a test gives another), and the search log's
//! days, which the server stamps by its state's clock; draft dates and the commands read
//! [`now`].

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};

/// The environment variable that sets the clock (RFC 3339, e.g. `2026-12-01T12:00:00Z`).
pub const NOW_VAR: &str = "COPBOOK_NOW";

/// A source of the current time, passed in so that tests set the date.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// `COPBOOK_NOW` is set but is not a time.
#[derive(Debug, thiserror::Error)]
#[error("{NOW_VAR} must be an RFC 3339 time such as 2026-12-01T12:00:00Z, not {value:?}")]
pub struct ClockError {
    value: String,
}

/// Checks that `COPBOOK_NOW`, if set, is a time. The binary calls this before anything
/// else, so that a mistyped value stops it rather than leaving the system clock in charge.
pub fn check_env() -> Result<(), ClockError> {
    match std::env::var(NOW_VAR) {
        Ok(value) if value.parse::<Timestamp>().is_err() => Err(ClockError { value }),
        _ => Ok(()),
    }
}

/// `COPBOOK_NOW`'s instant and the moment it was first read, if it is set and valid.
fn start() -> Option<(Timestamp, Instant)> {
    static START: OnceLock<Option<(Timestamp, Instant)>> = OnceLock::new();
    *START.get_or_init(|| {
        let at = std::env::var(NOW_VAR).ok()?.parse().ok()?;
        Some((at, Instant::now()))
    })
}

/// The time now: `COPBOOK_NOW` plus the time since it was first read, or the system clock.
pub fn now() -> Timestamp {
    match start() {
        Some((at, read)) => {
            let elapsed = SignedDuration::try_from(read.elapsed()).unwrap_or(SignedDuration::ZERO);
            at.checked_add(elapsed).unwrap_or(at)
        }
        None => Timestamp::now(),
    }
}

/// [`now`] as a [`Clock`], for the server's state.
pub fn process() -> Clock {
    Arc::new(now)
}
