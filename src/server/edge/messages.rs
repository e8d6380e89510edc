//! The words respondents read: what the lower layers report as codes and values (a field
//! and its [`Problem`], a [`WindowState`] and its dates) in English. This is the one place
//! a Welsh edition will translate; the limits come from the constants that enforce them.

use jiff::Timestamp;

use crate::comments::validate::{FieldError, MAX_BODY_CHARS, Problem};
use crate::comments::window::{WindowState, uk_time};

/// What to do about one field's problem, for the error summary and beside the field.
pub fn field_message(e: &FieldError) -> String {
    let what = match e.field {
        "name" => "Your name",
        "organisation" => "Your organisation's name",
        _ => "Your comment",
    };
    match (e.field, e.problem) {
        ("on", Problem::Missing) => "Select what your comment is about".to_string(),
        ("on", _) => "We could not find the part of the Code you are commenting on. Go back to the Code and choose it again".to_string(),
        ("question", _) => "Select a question from the list".to_string(),
        ("respondent_type", _) => {
            "Choose whether you are responding as an individual or for an organisation".to_string()
        }
        ("organisation", Problem::Missing) => "Enter your organisation's name".to_string(),
        ("name", Problem::NeededForAttribution) => {
            "Enter your name, or choose not to be named by it".to_string()
        }
        ("organisation", Problem::NeededForAttribution) => {
            "Enter your organisation's name, or choose not to be named by it".to_string()
        }
        ("attribution", _) => "Choose how we should name you if we publish your response".to_string(),
        ("email", _) => {
            "Enter an email address in the correct format, like name@example.com".to_string()
        }
        ("publish", _) => "Choose whether we may publish your response".to_string(),
        (_, Problem::TooLong { max }) => {
            format!("{what} must be {} characters or fewer", thousands(max))
        }
        (_, Problem::NulCharacter) => format!("{what} must not contain a null character"),
        _ => "Enter your comment".to_string(),
    }
}

/// The longest comment, as the form's hint shows it ("20,000").
pub fn max_body() -> String {
    thousands(MAX_BODY_CHARS)
}

/// A sentence for the page, e.g. "This consultation opens on 1 November 2026 at 00:00
/// GMT" or "This consultation closed on 31 March 2027".
pub fn window_message(state: &WindowState) -> String {
    match *state {
        WindowState::NotYetOpen { opens } => {
            format!("This consultation opens on {}", date_time(opens))
        }
        WindowState::Open { closes } => {
            format!("This consultation closes on {}", date_time(closes))
        }
        WindowState::Closed { closed } => {
            let day = state
                .last_day_open()
                .unwrap_or_else(|| uk_time(closed).date());
            format!("This consultation closed on {}", day.strftime("%-d %B %Y"))
        }
    }
}

/// "1 November 2026 at 00:00 GMT".
fn date_time(t: Timestamp) -> String {
    uk_time(t).strftime("%-d %B %Y at %H:%M %Z").to_string()
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

    fn says(field: &'static str, problem: Problem) -> String {
        field_message(&FieldError { field, problem })
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
