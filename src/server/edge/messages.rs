//! The words respondents read about their comment: what the lower layers report as codes
//! and values (a field and its [`Problem`], a [`WindowState`] and its dates), put into
//! words from the Fluent catalogue in the page's language, English included. The limits
//! come from the constants that enforce them, as arguments of the messages.

use jiff::Timestamp;

use crate::comments::validate::{FieldError, MAX_BODY_CHARS, Problem};
use crate::comments::window::{WindowState, uk_time};
use crate::i18n::{Arg, Catalogue, Language};

/// What to do about one field's problem, for the error summary and beside the field.
pub fn field_message(catalogue: &Catalogue, language: Language, e: &FieldError) -> String {
    let id = match (e.field, e.problem) {
        ("on", Problem::Missing) => "field-on-missing",
        ("on", _) => "field-on-unknown",
        ("question", _) => "field-question-unknown",
        ("respondent_type", _) => "field-respondent-type",
        ("organisation", Problem::Missing) => "field-organisation-missing",
        ("email", _) => "field-email",
        ("publish", _) => "field-publish",
        ("attribution", _) => "field-attribution",
        ("name", Problem::NeededForAttribution) => "field-name-for-attribution",
        ("organisation", Problem::NeededForAttribution) => "field-organisation-for-attribution",
        ("name", Problem::TooLong { .. }) => "field-name-too-long",
        ("name", _) => "field-name-nul",
        ("organisation", Problem::TooLong { .. }) => "field-organisation-too-long",
        ("organisation", _) => "field-organisation-nul",
        (_, Problem::TooLong { .. }) => "field-body-too-long",
        (_, Problem::NulCharacter) => "field-body-nul",
        _ => "field-body-missing",
    };
    match e.problem {
        Problem::TooLong { max } => {
            catalogue.message(language, id, &[("max", Arg::from(thousands(max)))])
        }
        _ => catalogue.text(language, id),
    }
}

/// The longest comment, as the form's hint shows it ("20,000").
pub fn max_body() -> String {
    thousands(MAX_BODY_CHARS)
}

/// A sentence for the page, e.g. "This consultation opens on 1 November 2026 at 00:00
/// GMT" or "This consultation closed on 31 March 2027" (UK time).
pub fn window_message(catalogue: &Catalogue, language: Language, window: &WindowState) -> String {
    let date_time = |t: Timestamp| {
        let zoned = uk_time(t);
        catalogue.message(
            language,
            "window-date-time",
            &[
                ("date", Arg::from(crate::i18n::date(language, zoned.date()))),
                ("time", Arg::from(zoned.strftime("%H:%M").to_string())),
                ("zone", Arg::from(zoned.strftime("%Z").to_string())),
            ],
        )
    };
    let (id, when) = match *window {
        WindowState::NotYetOpen { opens } => ("window-opens", date_time(opens)),
        WindowState::Open { closes } => ("window-closes", date_time(closes)),
        WindowState::Closed { closed } => {
            let day = window
                .last_day_open()
                .unwrap_or_else(|| uk_time(closed).date());
            ("window-closed", crate::i18n::date(language, day))
        }
    };
    catalogue.message(language, id, &[("when", Arg::from(when))])
}

/// 20000 → "20,000".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::validate::MAX_NAME_CHARS;
    use crate::comments::window::Window;

    fn catalogue() -> Catalogue {
        Catalogue::new().expect("the catalogue compiles")
    }

    fn says(field: &'static str, problem: Problem) -> String {
        field_message(
            &catalogue(),
            Language::English,
            &FieldError { field, problem },
        )
    }

    fn window_message(state: &WindowState) -> String {
        super::window_message(&catalogue(), Language::English, state)
    }

    #[test]
    fn every_field_problem_reads_as_before() {
        let long_body = Problem::TooLong {
            max: MAX_BODY_CHARS,
        };
        let long_name = Problem::TooLong {
            max: MAX_NAME_CHARS,
        };
        let cases = [
            ("on", Problem::Missing, "Select what your comment is about"),
            (
                "on",
                Problem::NotFound,
                "We could not find the part of the Code you are commenting on. Go back to the Code and choose it again",
            ),
            (
                "question",
                Problem::NotFound,
                "Select a question from the list",
            ),
            ("body", Problem::Missing, "Enter your comment"),
            (
                "body",
                long_body,
                "Your comment must be 20,000 characters or fewer",
            ),
            (
                "body",
                Problem::NulCharacter,
                "Your comment must not contain a null character",
            ),
            (
                "respondent_type",
                Problem::NoChoice,
                "Choose whether you are responding as an individual or for an organisation",
            ),
            (
                "name",
                long_name,
                "Your name must be 200 characters or fewer",
            ),
            (
                "name",
                Problem::NulCharacter,
                "Your name must not contain a null character",
            ),
            (
                "organisation",
                Problem::Missing,
                "Enter your organisation's name",
            ),
            (
                "organisation",
                long_name,
                "Your organisation's name must be 200 characters or fewer",
            ),
            (
                "organisation",
                Problem::NulCharacter,
                "Your organisation's name must not contain a null character",
            ),
            (
                "email",
                Problem::BadFormat,
                "Enter an email address in the correct format, like name@example.com",
            ),
            (
                "publish",
                Problem::NoChoice,
                "Choose whether we may publish your response",
            ),
            (
                "attribution",
                Problem::NoChoice,
                "Choose how we should name you if we publish your response",
            ),
            (
                "organisation",
                Problem::NeededForAttribution,
                "Enter your organisation's name, or choose not to be named by it",
            ),
            (
                "name",
                Problem::NeededForAttribution,
                "Enter your name, or choose not to be named by it",
            ),
        ];
        for (field, problem, words) in cases {
            assert_eq!(says(field, problem), words, "{field} {problem:?}");
        }
        assert_eq!(max_body(), "20,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn window_sentences() {
        let w =
            Window::new(ts("2026-11-01T00:00:00Z"), ts("2027-03-31T22:59:59Z")).expect("window");
        assert_eq!(
            window_message(&w.state(ts("2026-10-31T23:59:59Z"))),
            "This consultation opens on 1 November 2026 at 00:00 GMT"
        );
        assert_eq!(
            window_message(&w.state(ts("2026-11-01T00:00:00Z"))),
            "This consultation closes on 31 March 2027 at 23:59 BST"
        );
        assert_eq!(
            window_message(&w.state(ts("2027-03-31T22:59:59Z"))),
            "This consultation closed on 31 March 2027"
        );
    }

    #[test]
    fn limits_and_dates_are_arguments_in_welsh_too() {
        let long_body = FieldError {
            field: "body",
            problem: Problem::TooLong {
                max: MAX_BODY_CHARS,
            },
        };
        assert_eq!(
            field_message(&catalogue(), Language::Welsh, &long_body),
            "Rhaid i'ch sylw fod yn 20,000 nod neu lai"
        );
        let w =
            Window::new(ts("2026-11-01T00:00:00Z"), ts("2027-03-31T22:59:59Z")).expect("window");
        assert_eq!(
            super::window_message(
                &catalogue(),
                Language::Welsh,
                &w.state(ts("2027-04-01T00:00:00Z"))
            ),
            "Caeodd yr ymgynghoriad hwn ar 31 Mawrth 2027"
        );
    }

    #[test]
    fn closing_at_midnight_closed_the_day_before() {
        let w =
            Window::new(ts("2027-01-01T00:00:00Z"), ts("2027-03-31T23:00:00Z")).expect("window");
        // 2027-03-31T23:00Z is 00:00 BST on 1 April.
        assert_eq!(
            window_message(&w.state(ts("2027-01-02T00:00:00Z"))),
            "This consultation closes on 1 April 2027 at 00:00 BST"
        );
        assert_eq!(
            window_message(&w.state(ts("2027-04-02T00:00:00Z"))),
            "This consultation closed on 31 March 2027"
        );
    }
}
