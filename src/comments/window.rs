//! The consultation window: whether comments are accepted at a given instant, and the
//! dates that say when (the HTTP layer turns them into sentences).
//!
//! Times are compared as instants; they are shown in UK time (GMT or BST, whichever is
//! in force on that day), because the consultation is run from and for England and
//! Wales. The system time zone database is used when it has `Europe/London`; without
//! one (a bare container) the UK's daylight-saving rule is applied directly, so the
//! messages never silently fall back to UTC.

use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::Consultation;

/// Why a consultation's window could not be built from the settings.
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    /// A time is not RFC 3339 with an offset.
    #[error(
        "consultation.{field}: `{value}` is not an RFC 3339 time with offset (e.g. 2026-11-01T00:00:00+00:00)"
    )]
    BadTime {
        /// `opens` or `closes`.
        field: &'static str,
        /// The value as written.
        value: String,
    },
    /// The consultation closes before it opens.
    #[error("consultation.closes must be after consultation.opens")]
    ClosesBeforeOpening,
}

/// When comments are accepted: from `opens` (inclusive) until `closes` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    opens: Timestamp,
    closes: Timestamp,
}

/// Where the consultation is at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowState {
    /// Comments are not accepted yet.
    NotYetOpen {
        /// When they will be.
        opens: Timestamp,
    },
    /// Comments are accepted.
    Open {
        /// Until when.
        closes: Timestamp,
    },
    /// Comments are no longer accepted.
    Closed {
        /// Since when.
        closed: Timestamp,
    },
}

impl Window {
    /// The window of the consultation in the settings.
    pub fn from_settings(consultation: &Consultation) -> Result<Window, WindowError> {
        let parse = |field, value: &str| {
            value
                .parse::<Timestamp>()
                .map_err(|_| WindowError::BadTime {
                    field,
                    value: value.to_string(),
                })
        };
        Window::new(
            parse("opens", &consultation.opens)?,
            parse("closes", &consultation.closes)?,
        )
    }

    /// When personal data kept `retention_months` after the close must be deleted
    /// (calendar months, in UTC); `None` if that is beyond the representable range.
    pub fn purge_due(&self, retention_months: u32) -> Option<Timestamp> {
        let months = i64::from(retention_months);
        self.closes
            .to_zoned(TimeZone::UTC)
            .checked_add(jiff::Span::new().try_months(months).ok()?)
            .ok()
            .map(|z| z.timestamp())
    }

    /// A window from `opens` until `closes`.
    pub fn new(opens: Timestamp, closes: Timestamp) -> Result<Window, WindowError> {
        if closes <= opens {
            return Err(WindowError::ClosesBeforeOpening);
        }
        Ok(Window { opens, closes })
    }

    /// When comments are first accepted.
    pub fn opens(&self) -> Timestamp {
        self.opens
    }

    /// The first instant comments are no longer accepted.
    pub fn closes(&self) -> Timestamp {
        self.closes
    }

    /// Where the consultation is at `now`.
    pub fn state(&self, now: Timestamp) -> WindowState {
        if now < self.opens {
            WindowState::NotYetOpen { opens: self.opens }
        } else if now < self.closes {
            WindowState::Open {
                closes: self.closes,
            }
        } else {
            WindowState::Closed {
                closed: self.closes,
            }
        }
    }
}

impl WindowState {
    /// Whether comments are accepted.
    pub fn is_open(&self) -> bool {
        matches!(self, WindowState::Open { .. })
    }

    /// The day, in UK time, of the last instant comments were accepted (a consultation
    /// that closes at midnight closed on the day before); `None` unless closed.
    pub fn last_day_open(&self) -> Option<jiff::civil::Date> {
        match *self {
            WindowState::Closed { closed } => {
                let last_open = closed
                    .checked_sub(jiff::SignedDuration::from_nanos(1))
                    .unwrap_or(closed);
                Some(uk_time(last_open).date())
            }
            _ => None,
        }
    }
}

/// UK time: the system's `Europe/London`, or the same rule (GMT, BST from 01:00 UTC on
/// the last Sunday of March to 01:00 UTC on the last Sunday of October) without it.
pub fn uk() -> &'static TimeZone {
    static UK: OnceLock<TimeZone> = OnceLock::new();
    UK.get_or_init(|| {
        TimeZone::get("Europe/London")
            .or_else(|_| TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0"))
            .unwrap_or(TimeZone::UTC)
    })
}

/// An instant in UK time (GMT or BST, whichever is in force on that day).
pub fn uk_time(t: Timestamp) -> jiff::Zoned {
    t.to_zoned(uk().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn leds() -> Consultation {
        Consultation {
            retention_months: 12,
            title: "Consultation on the draft Code".into(),
            opens: "2026-11-01T00:00:00+00:00".into(),
            closes: "2027-03-31T23:59:59+01:00".into(),
            retention: None,
            questions: Vec::new(),
            codes: Vec::new(),
        }
    }

    #[test]
    fn states_and_dates() {
        let w = Window::from_settings(&leds()).expect("window");
        let before = w.state(ts("2026-10-31T23:59:59Z"));
        assert!(!before.is_open());
        assert_eq!(
            before,
            WindowState::NotYetOpen {
                opens: ts("2026-11-01T00:00:00Z")
            }
        );
        assert_eq!(before.last_day_open(), None);

        let open = w.state(ts("2026-11-01T00:00:00Z"));
        assert!(open.is_open());
        assert_eq!(
            open,
            WindowState::Open {
                closes: ts("2027-03-31T22:59:59Z")
            }
        );

        let after = w.state(ts("2027-03-31T22:59:59Z"));
        assert_eq!(
            after,
            WindowState::Closed {
                closed: ts("2027-03-31T22:59:59Z")
            }
        );
        assert_eq!(after.last_day_open(), Some(jiff::civil::date(2027, 3, 31)));
    }

    #[test]
    fn closing_at_midnight_closed_the_day_before() {
        let w =
            Window::new(ts("2027-01-01T00:00:00Z"), ts("2027-03-31T23:00:00Z")).expect("window");
        // 2027-03-31T23:00Z is 00:00 BST on 1 April.
        let closed = w.state(ts("2027-04-02T00:00:00Z"));
        assert_eq!(closed.last_day_open(), Some(jiff::civil::date(2027, 3, 31)));
    }

    #[test]
    fn the_fallback_rule_matches_the_tz_database() {
        let posix = TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0").expect("posix");
        for t in [
            "2026-03-29T00:59:59Z",
            "2026-03-29T01:00:00Z",
            "2026-10-25T00:59:59Z",
            "2026-10-25T01:00:00Z",
            "2027-07-01T12:00:00Z",
        ] {
            let t = ts(t);
            assert_eq!(
                t.to_zoned(posix.clone()).strftime("%H:%M %Z").to_string(),
                t.to_zoned(uk().clone()).strftime("%H:%M %Z").to_string()
            );
        }
    }

    #[test]
    fn bad_settings() {
        let mut c = leds();
        c.opens = "1 November".into();
        assert!(matches!(
            Window::from_settings(&c),
            Err(WindowError::BadTime { field: "opens", .. })
        ));
        let mut c = leds();
        c.closes = c.opens.clone();
        assert!(matches!(
            Window::from_settings(&c),
            Err(WindowError::ClosesBeforeOpening)
        ));
    }

    #[test]
    fn personal_data_is_due_for_deletion_months_after_the_close() {
        let window = Window::from_settings(&leds()).expect("window");
        let due = window.purge_due(12).expect("due");
        let closes = window.closes().to_zoned(TimeZone::UTC);
        let due = due.to_zoned(TimeZone::UTC);
        assert_eq!(due.year(), closes.year() + 1);
        assert_eq!((due.month(), due.day()), (closes.month(), closes.day()));
        assert_eq!(window.purge_due(0), Some(window.closes()));
        assert_eq!(window.purge_due(u32::MAX), None);
    }
}
