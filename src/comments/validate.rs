//! Checking what a respondent typed, and turning it into a [`NewComment`].
//!
//! Every field is checked and every problem reported at once, so the form can show an
//! error summary with all of them (GOV.UK pattern) instead of making people resubmit
//! once per mistake. Each problem is a code ([`Problem`]) on a field, with the limit it
//! broke; the HTTP layer turns it into words for members of the public
//! (`server::messages`), so that a Welsh edition translates words, not rules.
//!
//! Lengths are counted in characters (Unicode scalar values), not bytes, after trimming:
//! a Welsh or Polish respondent gets the same 20,000 characters as anyone else.

use serde::{Deserialize, Serialize};

use super::model::{
    Attribution, GENERAL, NewComment, Publish, RespondentType, TargetLookup, is_bidi_control,
    resolve_target,
};
use crate::config::Question;

/// The most characters a comment may have, after trimming.
pub const MAX_BODY_CHARS: usize = 20_000;
/// The most characters a name or an organisation's name may have.
pub const MAX_NAME_CHARS: usize = 200;
/// The most characters an email address may have (RFC 5321's path limit less `<>`).
pub const MAX_EMAIL_CHARS: usize = 254;

/// What the form sent, every field as typed. Missing fields are empty strings.
///
/// It deserialises from the form (`application/x-www-form-urlencoded`) with the field
/// names below; the honeypot is the field named `website`, which people never see (the
/// HTTP layer hides it with CSS) and bots fill in.
///
/// These ten fields are the one definition of a submission: the HTML form (which adds its
/// anti-forgery token beside them) and the JSON API (which refuses any other field, and
/// takes `null` for an optional one) both read this struct.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawSubmission {
    /// A corpus entry id (provision, section or chapter) or `general`.
    #[schema(example = "general")]
    pub on: String,
    /// A consultation question id, or empty.
    #[serde(deserialize_with = "null_as_empty")]
    #[schema(nullable)]
    pub question: String,
    /// The comment.
    #[schema(example = "Paragraph 5.1 should name the law it relies on.")]
    pub body: String,
    /// `individual` or `organisation`.
    #[schema(example = "individual")]
    pub respondent_type: String,
    /// The respondent's name, optional.
    #[serde(deserialize_with = "null_as_empty")]
    #[schema(nullable)]
    pub name: String,
    /// The organisation's name; required for an organisation.
    #[serde(deserialize_with = "null_as_empty")]
    #[schema(nullable)]
    pub organisation: String,
    /// An email address, optional.
    #[serde(deserialize_with = "null_as_empty")]
    #[schema(nullable)]
    pub email: String,
    /// `yes`, `anonymous` or `no`.
    #[schema(example = "anonymous")]
    pub publish: String,
    /// With `publish` `yes`: `name`, `organisation` or `both`, how the published
    /// response names its respondent (required then, ignored otherwise).
    #[serde(deserialize_with = "null_as_empty")]
    #[schema(nullable)]
    pub attribution: String,
    /// The honeypot: anything here marks the submission as spam.
    #[serde(rename = "website", deserialize_with = "null_as_empty")]
    #[schema(nullable)]
    pub honeypot: String,
}

/// An optional field: `null` (JSON) reads as empty, like a missing field.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "code")]
pub enum Problem {
    /// A required field is empty.
    Missing,
    /// The value names nothing known (no such part of the Code, no such question).
    NotFound,
    /// A choice (radio buttons) is missing or not one of the options.
    NoChoice,
    /// Longer than `max` characters.
    TooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// Contains a NUL character.
    NulCharacter,
    /// Not in the expected format (an email address).
    BadFormat,
    /// Empty, but the respondent chose to be named by it if published.
    NeededForAttribution,
}

impl Problem {
    /// A stable code for logs and machines, e.g. `too-long`.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Missing => "missing",
            Problem::NotFound => "not-found",
            Problem::NoChoice => "no-choice",
            Problem::TooLong { .. } => "too-long",
            Problem::NulCharacter => "nul-character",
            Problem::BadFormat => "bad-format",
            Problem::NeededForAttribution => "needed-for-attribution",
        }
    }
}

/// One problem with one field, for the error summary and the field's error message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The form field's name (as in [`RawSubmission`]), for the link from the summary.
    pub field: &'static str,
    /// What is wrong with it.
    pub problem: Problem,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem.code())?;
        if let Problem::TooLong { max } = self.problem {
            write!(f, " (at most {max} characters)")?;
        }
        Ok(())
    }
}

/// Checks every field of `form` and returns the comment, or every problem found, in the
/// order of the fields of [`RawSubmission`].
///
/// `targets` says which ids exist in the draft being consulted on (`general` always
/// does); `questions` are the consultation's questions.
pub fn validate(
    form: &RawSubmission,
    targets: &dyn TargetLookup,
    questions: &[Question],
) -> Result<NewComment, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut fail = |field: &'static str, problem: Problem| {
        errors.push(FieldError { field, problem });
    };

    let on = form.on.trim();
    if on.is_empty() {
        fail("on", Problem::Missing);
    } else if on != GENERAL && resolve_target(targets, on).is_none() {
        fail("on", Problem::NotFound);
    }

    let question = non_empty(form.question.trim());
    if let Some(q) = question
        && !questions.iter().any(|known| known.id == q)
    {
        fail("question", Problem::NotFound);
    }

    let body = if form.body.contains('\0') {
        fail("body", Problem::NulCharacter);
        String::new()
    } else {
        let body = clean_multiline(&form.body);
        let len = body.chars().count();
        if len == 0 {
            fail("body", Problem::Missing);
        } else if len > MAX_BODY_CHARS {
            fail(
                "body",
                Problem::TooLong {
                    max: MAX_BODY_CHARS,
                },
            );
        }
        body
    };

    let respondent_type = RespondentType::parse(form.respondent_type.trim());
    if respondent_type.is_none() {
        fail("respondent_type", Problem::NoChoice);
    }

    let name = single_line(&form.name, "name", &mut fail);

    let organisation = single_line(&form.organisation, "organisation", &mut fail);
    if respondent_type == Some(RespondentType::Organisation)
        && organisation.is_none()
        && !form.organisation.contains('\0')
    {
        fail("organisation", Problem::Missing);
    }

    let email = non_empty(form.email.trim()).map(str::to_string);
    if let Some(e) = &email
        && !is_email(e)
    {
        fail("email", Problem::BadFormat);
    }

    let publish = Publish::parse(form.publish.trim());
    if publish.is_none() {
        fail("publish", Problem::NoChoice);
    }

    // How a named publication names them: asked only when they agreed to one, and what
    // it names must be there.
    let attribution = match publish {
        Some(Publish::Yes) => {
            let chosen = Attribution::parse(form.attribution.trim());
            match chosen {
                None => fail("attribution", Problem::NoChoice),
                Some(a) => {
                    if a.names_person() && name.is_none() && !form.name.contains('\0') {
                        fail("name", Problem::NeededForAttribution);
                    }
                    if a.names_organisation()
                        && organisation.is_none()
                        && respondent_type != Some(RespondentType::Organisation)
                        && !form.organisation.contains('\0')
                    {
                        fail("organisation", Problem::NeededForAttribution);
                    }
                }
            }
            chosen
        }
        _ => None,
    };
    // The summary lists problems in the order of the form's fields.
    errors.sort_by_key(|e| FIELD_ORDER.iter().position(|f| *f == e.field));

    match (respondent_type, publish) {
        (Some(respondent_type), Some(publish)) if errors.is_empty() => Ok(NewComment {
            on: on.to_string(),
            question: question.map(str::to_string),
            body,
            respondent_type,
            name,
            // An individual's answer to the organisation field is not data we asked for,
            // unless they chose to be named by it.
            organisation: match respondent_type {
                RespondentType::Organisation => organisation,
                RespondentType::Individual
                    if attribution.is_some_and(Attribution::names_organisation) =>
                {
                    organisation
                }
                RespondentType::Individual => None,
            },
            email,
            publish,
            attribution,
            honeypot: !form.honeypot.trim().is_empty(),
            language: super::model::ENGLISH.to_string(),
        }),
        _ => Err(errors),
    }
}

/// The form's fields in the order it shows them (and [`RawSubmission`] declares them).
const FIELD_ORDER: [&str; 9] = [
    "on",
    "question",
    "body",
    "respondent_type",
    "name",
    "organisation",
    "email",
    "publish",
    "attribution",
];

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Normalises newlines to `\n`, drops every other control character except tab and
/// every bidirectional control ([`is_bidi_control`]), and trims.
fn clean_multiline(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    s.chars()
        .filter(|&c| (c == '\n' || c == '\t' || !c.is_control()) && !is_bidi_control(c))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Whether `c` is a bidirectional control (embeddings, overrides, isolates and marks) or
/// a zero-width character. In a name they can reorder what the admin pages and the CSV
/// show ("spoofing"), so names and organisations lose them; comment bodies lose the
/// bidirectional controls ([`is_bidi_control`]) but keep zero-width characters (ZWNJ
/// and ZWJ belong to some scripts and emoji), and are shown isolated (`<bdi>`). Policy
/// choice: ZWNJ and ZWJ go from names too; a name reads the same without them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Checks and cleans a one-line optional field: NUL is refused, other control
/// characters, bidirectional controls and zero-width characters dropped (see
/// [`is_invisible_format`]), the result trimmed and its length checked.
fn single_line(
    raw: &str,
    field: &'static str,
    fail: &mut impl FnMut(&'static str, Problem),
) -> Option<String> {
    if raw.contains('\0') {
        fail(field, Problem::NulCharacter);
        return None;
    }
    let value: String = raw
        .chars()
        .filter(|&c| !c.is_control() && !is_invisible_format(c))
        .collect();
    let value = value.trim();
    if value.chars().count() > MAX_NAME_CHARS {
        fail(
            field,
            Problem::TooLong {
                max: MAX_NAME_CHARS,
            },
        );
    }
    non_empty(value).map(str::to_string)
}

/// A deliberately plain email check: it catches typos, not every RFC 5322 corner.
///
/// One `@`, something before it, a domain after it with a dot between non-empty
/// labels, no whitespace or control characters, at most 254 characters.
pub fn is_email(s: &str) -> bool {
    if s.chars().count() > MAX_EMAIL_CHARS || s.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && domain.split('.').all(|label| !label.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comments::model::Target;

    fn targets() -> Vec<Target> {
        vec![
            Target {
                id: "share-lawful-basis".into(),
                number: Some("4.3".into()),
                title: "Sharing".into(),
                text: "Data may be shared when…".into(),
            },
            Target {
                id: "code/sharing".into(),
                number: None,
                title: "Sharing data".into(),
                text: String::new(),
            },
        ]
    }

    fn questions() -> Vec<Question> {
        vec![Question {
            id: "q-sharing".into(),
            question: "Are the safeguards strong enough?".into(),
            chapter: "code/sharing.md".into(),
        }]
    }

    fn good() -> RawSubmission {
        RawSubmission {
            on: "share-lawful-basis".into(),
            question: "q-sharing".into(),
            body: "  I think this is too broad.  ".into(),
            respondent_type: "individual".into(),
            name: "Ann Example".into(),
            organisation: String::new(),
            email: "ann@example.com".into(),
            publish: "anonymous".into(),
            attribution: String::new(),
            honeypot: String::new(),
        }
    }

    fn check(form: &RawSubmission) -> Result<NewComment, Vec<FieldError>> {
        validate(form, &targets(), &questions())
    }

    /// The single error `form` produces, as (field, problem).
    fn only_error(form: &RawSubmission) -> (&'static str, Problem) {
        match check(form) {
            Ok(c) => panic!("expected an error, got {c:?}"),
            Err(errors) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                (errors[0].field, errors[0].problem)
            }
        }
    }

    #[test]
    fn a_good_submission_passes_trimmed() {
        let c = check(&good()).expect("valid");
        assert_eq!(c.on, "share-lawful-basis");
        assert_eq!(c.question.as_deref(), Some("q-sharing"));
        assert_eq!(c.body, "I think this is too broad.");
        assert_eq!(c.respondent_type, RespondentType::Individual);
        assert_eq!(c.name.as_deref(), Some("Ann Example"));
        assert_eq!(c.organisation, None);
        assert_eq!(c.email.as_deref(), Some("ann@example.com"));
        assert_eq!(c.publish, Publish::Anonymous);
        assert!(!c.honeypot);
    }

    #[test]
    fn on_accepts_provisions_chapters_and_general() {
        for on in ["share-lawful-basis", "code/sharing", "general"] {
            let form = RawSubmission {
                on: on.into(),
                ..good()
            };
            assert_eq!(check(&form).expect("valid").on, on);
        }
        let form = RawSubmission {
            on: String::new(),
            ..good()
        };
        assert_eq!(only_error(&form), ("on", Problem::Missing));
        let form = RawSubmission {
            on: "no-such-id".into(),
            ..good()
        };
        assert_eq!(only_error(&form), ("on", Problem::NotFound));
    }

    #[test]
    fn question_is_optional_but_must_be_known() {
        let form = RawSubmission {
            question: String::new(),
            ..good()
        };
        assert_eq!(check(&form).expect("valid").question, None);
        let form = RawSubmission {
            question: "q-nope".into(),
            ..good()
        };
        assert_eq!(only_error(&form), ("question", Problem::NotFound));
    }

    #[test]
    fn body_is_required() {
        for body in ["", "   \n\t  ", "\u{7}\u{1b}"] {
            let form = RawSubmission {
                body: body.into(),
                ..good()
            };
            assert_eq!(only_error(&form), ("body", Problem::Missing));
        }
    }

    #[test]
    fn body_limit_counts_characters_not_bytes() {
        // "é" is two bytes and "🦀" four: 20,000 characters is far more than 20,000 bytes.
        let exact: String = "é🦀".repeat(MAX_BODY_CHARS / 2);
        assert_eq!(exact.chars().count(), 20_000);
        let form = RawSubmission {
            body: exact.clone(),
            ..good()
        };
        assert_eq!(check(&form).expect("20,000 characters pass").body, exact);

        let over = format!("{exact}x");
        let form = RawSubmission {
            body: over,
            ..good()
        };
        assert_eq!(
            only_error(&form),
            ("body", Problem::TooLong { max: 20_000 })
        );

        // Whitespace around the comment does not count.
        let padded = format!("   {exact}\n\n");
        let form = RawSubmission {
            body: padded,
            ..good()
        };
        assert!(check(&form).is_ok());
    }

    #[test]
    fn body_control_characters_are_stripped_and_nul_refused() {
        let form = RawSubmission {
            body: "line one\r\nline\u{7} two\r\tindented\u{85}".into(),
            ..good()
        };
        assert_eq!(
            check(&form).expect("valid").body,
            "line one\nline two\n\tindented"
        );
        let form = RawSubmission {
            body: "bad\0byte".into(),
            ..good()
        };
        assert_eq!(only_error(&form), ("body", Problem::NulCharacter));
    }

    #[test]
    fn respondent_type_must_be_one_of_two() {
        for t in ["", "company", "Individual"] {
            let form = RawSubmission {
                respondent_type: t.into(),
                ..good()
            };
            assert_eq!(only_error(&form), ("respondent_type", Problem::NoChoice));
        }
    }

    #[test]
    fn bidi_controls_leave_names_and_bodies_and_zero_width_characters_names() {
        let spoof = "Ann\u{202E}gnp.exe\u{202C} \u{200B}Ex\u{2066}am\u{2069}ple\u{FEFF}";
        let form = RawSubmission {
            respondent_type: "organisation".into(),
            name: spoof.into(),
            organisation: "\u{200F}Acme\u{200D} Ltd\u{061C}".to_string(),
            body: spoof.into(),
            ..good()
        };
        let c = check(&form).expect("valid");
        assert_eq!(c.name.as_deref(), Some("Anngnp.exe Example"));
        assert_eq!(c.organisation.as_deref(), Some("Acme Ltd"));
        assert_eq!(
            c.body, "Anngnp.exe \u{200B}Example\u{FEFF}",
            "the body loses its bidirectional controls, nothing else"
        );
        let joined = RawSubmission {
            body: "\u{200F}ناخن\u{200C}ها \u{2067}x\u{2069} 👩\u{200D}⚕️".into(),
            ..good()
        };
        assert_eq!(
            check(&joined).expect("valid").body,
            "ناخن\u{200C}ها x 👩\u{200D}⚕️"
        );
        let only_controls = RawSubmission {
            name: "\u{202E}\u{200B}".into(),
            ..good()
        };
        assert_eq!(check(&only_controls).expect("valid").name, None);
    }

    #[test]
    fn name_is_optional_up_to_200_characters() {
        let form = RawSubmission {
            name: "  ".into(),
            ..good()
        };
        assert_eq!(check(&form).expect("valid").name, None);
        let form = RawSubmission {
            name: "ż".repeat(200),
            ..good()
        };
        assert!(check(&form).is_ok());
        let form = RawSubmission {
            name: "ż".repeat(201),
            ..good()
        };
        assert_eq!(only_error(&form), ("name", Problem::TooLong { max: 200 }));
    }

    #[test]
    fn organisation_is_required_for_organisations() {
        let org = |name: &str| RawSubmission {
            respondent_type: "organisation".into(),
            organisation: name.into(),
            ..good()
        };
        assert_eq!(only_error(&org("")), ("organisation", Problem::Missing));
        let c = check(&org(" Liberty ")).expect("valid");
        assert_eq!(c.respondent_type, RespondentType::Organisation);
        assert_eq!(c.organisation.as_deref(), Some("Liberty"));
        assert_eq!(
            only_error(&org(&"x".repeat(201))),
            ("organisation", Problem::TooLong { max: 200 })
        );
        // An individual's stray organisation is dropped, not kept.
        let form = RawSubmission {
            organisation: "Acme".into(),
            ..good()
        };
        assert_eq!(check(&form).expect("valid").organisation, None);
    }

    #[test]
    fn email_is_optional_and_plainly_checked() {
        let form = RawSubmission {
            email: " ".into(),
            ..good()
        };
        assert_eq!(check(&form).expect("valid").email, None);
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.org.uk",
            "o'neil@example.ie",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        let long_ok = format!("{}@example.com", "a".repeat(254 - 12));
        assert!(is_email(&long_ok));
        let too_long = format!("{}@example.com", "a".repeat(255 - 12));
        for bad in [
            "plainaddress",
            "@example.com",
            "name@",
            "name@localhost",
            "a@b@example.com",
            "name @example.com",
            "name@exa mple.com",
            "name@example..com",
            "name@.example.com",
            "name@example.com.",
            "na\u{7}me@example.com",
            too_long.as_str(),
        ] {
            let form = RawSubmission {
                email: bad.into(),
                ..good()
            };
            assert_eq!(only_error(&form), ("email", Problem::BadFormat), "{bad}");
        }
    }

    #[test]
    fn publish_must_be_chosen() {
        for p in ["yes", "anonymous", "no"] {
            let form = RawSubmission {
                publish: p.into(),
                attribution: "name".into(),
                ..good()
            };
            assert_eq!(check(&form).expect("valid").publish.as_str(), p);
        }
        for p in ["", "maybe"] {
            let form = RawSubmission {
                publish: p.into(),
                ..good()
            };
            assert_eq!(only_error(&form), ("publish", Problem::NoChoice));
        }
    }

    #[test]
    fn a_named_publication_says_how_it_names_them() {
        let named = |respondent_type: &str, name: &str, organisation: &str, attribution: &str| {
            RawSubmission {
                respondent_type: respondent_type.into(),
                name: name.into(),
                organisation: organisation.into(),
                publish: "yes".into(),
                attribution: attribution.into(),
                ..good()
            }
        };
        // Asked only with "yes": required then, ignored otherwise.
        assert_eq!(
            only_error(&named("individual", "Ann", "", "")),
            ("attribution", Problem::NoChoice)
        );
        assert_eq!(
            only_error(&named("individual", "Ann", "", "everything")),
            ("attribution", Problem::NoChoice)
        );
        for publish in ["anonymous", "no"] {
            let form = RawSubmission {
                publish: publish.into(),
                attribution: "both".into(),
                ..good()
            };
            assert_eq!(check(&form).expect("valid").attribution, None);
        }
        // What it names must be there; the error names that field.
        assert_eq!(
            only_error(&named("organisation", "", "Liberty", "name")),
            ("name", Problem::NeededForAttribution)
        );
        assert_eq!(
            only_error(&named("individual", "Ann", "", "organisation")),
            ("organisation", Problem::NeededForAttribution)
        );
        let errors = check(&named("individual", "", "", "both")).expect_err("both missing");
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.problem)).collect();
        assert_eq!(
            fields,
            [
                ("name", Problem::NeededForAttribution),
                ("organisation", Problem::NeededForAttribution)
            ]
        );
        // An organisation without its name is told once, as before.
        assert_eq!(
            only_error(&named("organisation", "Ann", "", "organisation")),
            ("organisation", Problem::Missing)
        );
        let c = check(&named("organisation", "Ann", "Liberty", "organisation")).expect("valid");
        assert_eq!(c.attribution, Some(Attribution::Organisation));
        // An individual keeps an organisation only when they chose to be named by it.
        let c = check(&named("individual", "Ann", "Own firm", "both")).expect("valid");
        assert_eq!(c.organisation.as_deref(), Some("Own firm"));
        let c = check(&named("individual", "Ann", "Own firm", "name")).expect("valid");
        assert_eq!(
            (c.attribution, c.organisation),
            (Some(Attribution::Name), None)
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_in_field_order() {
        let form = RawSubmission {
            on: "gone".into(),
            question: "q-nope".into(),
            body: " ".into(),
            respondent_type: "organisation".into(),
            name: "n".repeat(201),
            organisation: String::new(),
            email: "not-an-email".into(),
            publish: String::new(),
            attribution: String::new(),
            honeypot: String::new(),
        };
        let errors = check(&form).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "on",
                "question",
                "body",
                "name",
                "organisation",
                "email",
                "publish"
            ]
        );
        assert_eq!(errors[2].problem, Problem::Missing);
        assert_eq!(errors[4].problem, Problem::Missing);

        let empty = check(&RawSubmission::default()).expect_err("invalid");
        let fields: Vec<&str> = empty.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["on", "body", "respondent_type", "publish"]);
    }

    #[test]
    fn the_honeypot_marks_spam_but_still_validates() {
        let form = RawSubmission {
            honeypot: "http://spam.example".into(),
            ..good()
        };
        assert!(check(&form).expect("valid").honeypot);
    }

    #[test]
    fn deserialises_from_a_form_with_missing_fields() {
        let form: RawSubmission =
            serde_json::from_str(r#"{"on":"general","body":"Hi","website":"x"}"#).expect("parse");
        assert_eq!(form.on, "general");
        assert_eq!(form.honeypot, "x");
        assert_eq!(form.publish, "");
    }
}
