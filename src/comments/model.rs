//! The comment as submitted ([`NewComment`]), as kept ([`StoredComment`]), and the
//! snapshot of what it was about ([`Target`]).
//!
//! The enums have one lowercase spelling each ([`RespondentType::as_str`] and friends);
//! the same string is used in forms, in the database and in exports, so nothing
//! translates between three vocabularies.

use serde::{Deserialize, Serialize};

use crate::book::{Corpus, Entry};

/// The `on` value of a comment about the consultation as a whole rather than one part.
pub const GENERAL: &str = "general";

/// Whether the respondent answers for themselves or for an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RespondentType {
    /// A member of the public answering for themselves.
    Individual,
    /// Someone answering on behalf of an organisation.
    Organisation,
}

/// What the respondent lets us publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Publish {
    /// The response may be published with the respondent's name or organisation.
    Yes,
    /// The response may be published without a name or organisation.
    Anonymous,
    /// The response must not be published.
    No,
}

/// How a published response names its respondent, as they chose on the form when they
/// agreed to publication with a name ([`Publish::Yes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Attribution {
    /// The respondent's name only.
    Name,
    /// The organisation's name only.
    Organisation,
    /// The respondent's name and the organisation's name.
    Both,
}

impl Attribution {
    /// Whether the respondent's name is shown.
    pub fn names_person(self) -> bool {
        matches!(self, Attribution::Name | Attribution::Both)
    }

    /// Whether the organisation's name is shown.
    pub fn names_organisation(self) -> bool {
        matches!(self, Attribution::Organisation | Attribution::Both)
    }
}

/// Where a stored comment is in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Received and not yet moderated.
    Received,
    /// Caught by the honeypot, or marked as spam by a moderator.
    Spam,
    /// Kept but hidden by a moderator.
    Hidden,
    /// Published by a moderator.
    Published,
}

macro_rules! str_enum {
    ($ty:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The lowercase spelling used in forms, the database and exports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $s),+
                }
            }

            /// Parses the lowercase spelling; anything else is `None`.
            pub fn parse(s: &str) -> Option<$ty> {
                match s {
                    $($s => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum!(RespondentType { Individual => "individual", Organisation => "organisation" });
str_enum!(Publish { Yes => "yes", Anonymous => "anonymous", No => "no" });
str_enum!(Attribution { Name => "name", Organisation => "organisation", Both => "both" });
str_enum!(Status { Received => "received", Spam => "spam", Hidden => "hidden", Published => "published" });

/// A validated submission, as the respondent sent it (see [`super::validate()`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewComment {
    /// The id of the corpus entry commented on, or [`GENERAL`].
    pub on: String,
    /// The consultation question answered, if any.
    pub question: Option<String>,
    /// The comment, trimmed, with control characters other than newline and tab removed.
    pub body: String,
    /// Individual or organisation.
    pub respondent_type: RespondentType,
    /// The respondent's name, if given.
    pub name: Option<String>,
    /// The organisation's name; always present for an organisation's response.
    pub organisation: Option<String>,
    /// An email address for a receipt or follow-up, if given.
    pub email: Option<String>,
    /// What may be published.
    pub publish: Publish,
    /// How a published response names its respondent: chosen when `publish` is
    /// [`Publish::Yes`], `None` otherwise.
    pub attribution: Option<Attribution>,
    /// The hidden honeypot field was filled in: the comment is stored as [`Status::Spam`].
    pub honeypot: bool,
    /// The language the comment was made in: `en` or `cy`.
    pub language: String,
}

/// What a comment was about, exactly as the respondent saw it.
///
/// Provisions are renumbered and redrafted between drafts; the snapshot keeps the
/// number, heading and text the comment answered, so a drafter reading it later sees
/// what the respondent saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The stable id: a provision, section or chapter id, or [`GENERAL`].
    pub id: String,
    /// The display number at the time, e.g. `5.3`; `None` for sections and chapters.
    pub number: Option<String>,
    /// The heading the target sits under.
    pub title: String,
    /// The target's plain text at the time.
    pub text: String,
}

impl Target {
    /// The target of a comment on the consultation as a whole.
    pub fn general() -> Target {
        Target {
            id: GENERAL.to_string(),
            number: None,
            title: "General comment".to_string(),
            text: String::new(),
        }
    }

    /// A snapshot of a corpus entry.
    pub fn from_entry(entry: &Entry) -> Target {
        Target {
            id: entry.id.clone(),
            number: entry.number.clone(),
            title: entry.title.clone(),
            text: entry.text.clone(),
        }
    }
}

/// Whatever can say which ids may be commented on: the [`Corpus`] in the server, a
/// plain list in tests.
pub trait TargetLookup {
    /// A snapshot of the entry with this id, if there is one.
    fn target(&self, id: &str) -> Option<Target>;
}

impl TargetLookup for Corpus {
    fn target(&self, id: &str) -> Option<Target> {
        self.get(id).map(Target::from_entry)
    }
}

impl TargetLookup for Vec<Target> {
    fn target(&self, id: &str) -> Option<Target> {
        self.iter().find(|t| t.id == id).cloned()
    }
}

/// The snapshot for `on`: [`Target::general`] for [`GENERAL`], else the lookup's entry.
pub fn resolve_target(targets: &dyn TargetLookup, on: &str) -> Option<Target> {
    if on == GENERAL {
        Some(Target::general())
    } else {
        targets.target(on)
    }
}

/// A comment as kept: the submission, its target snapshot, and what the store added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredComment {
    /// The respondent's receipt, e.g. `LEDS-7K3M-9QF2`.
    pub reference: String,
    /// When it was received, RFC 3339 in UTC with milliseconds.
    pub received_at: String,
    /// When it was received, milliseconds since the Unix epoch.
    pub received_at_ms: i64,
    /// The id commented on (a corpus entry id or [`GENERAL`]).
    pub target_id: String,
    /// The target's display number when the comment was made.
    pub target_number: Option<String>,
    /// The target's heading when the comment was made.
    pub target_title: String,
    /// The target's exact text when the comment was made.
    pub target_text: String,
    /// The question answered, if any.
    pub question: Option<String>,
    /// The version of the draft commented on, e.g. `0.1`.
    pub draft_version: String,
    /// The comment.
    pub body: String,
    /// Individual or organisation.
    pub respondent_type: RespondentType,
    /// The respondent's name.
    pub name: Option<String>,
    /// The organisation's name.
    pub organisation: Option<String>,
    /// The respondent's email address.
    pub email: Option<String>,
    /// What may be published.
    pub publish: Publish,
    /// How a published response names its respondent (with [`Publish::Yes`]); `None`
    /// for the other choices and for comments stored before the form asked, which are
    /// named as they were then: an individual by name, an organisation by both names.
    #[serde(default)]
    pub attribution: Option<Attribution>,
    /// Where the comment is in moderation.
    pub status: Status,
    /// When the status was last changed by a moderator (RFC 3339, UTC), if ever.
    pub status_changed_at: Option<String>,
    /// The language the comment was made in: `en` or `cy`.
    #[serde(default = "english")]
    pub language: String,
}

fn english() -> String {
    ENGLISH.to_string()
}

/// The language of a comment made in English (and of every comment stored before
/// comments recorded their language).
pub const ENGLISH: &str = "en";

/// Formats milliseconds since the epoch as RFC 3339 in UTC with exactly three decimals.
pub(crate) fn rfc3339_ms(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => format!("{ts:.3}"),
        // Out of jiff's range (year ±9999): cannot come from `Timestamp::now`.
        Err(_) => ms.to_string(),
    }
}

/// Whether `c` is a bidirectional control: the embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) and the marks (LRM, RLM, ALM). They can reorder what
/// an admin page, a spreadsheet or a terminal shows of the text around them
/// ("Trojan Source"); no sentence needs them, as the renderer orders each script itself.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// `s` without its bidirectional controls ([`is_bidi_control`]).
pub fn without_bidi_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_bidi_control) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_bidi_control(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

impl StoredComment {
    /// The comment without the respondent's name and email address, nor an
    /// individual's organisation (an organisation's name is kept): for analysts. When
    /// the respondent said no to publication, their words are withheld too (the body is
    /// empty): what someone writes about their own case can identify them, and they
    /// agreed to its being read by the drafters, not shared. The row stays, so counts
    /// per paragraph, question and status still add up.
    pub fn without_personal_data(self) -> StoredComment {
        let organisation = match self.respondent_type {
            RespondentType::Organisation => self.organisation,
            RespondentType::Individual => None,
        };
        let body = match self.publish {
            Publish::No => String::new(),
            Publish::Yes | Publish::Anonymous => self.body,
        };
        StoredComment {
            name: None,
            email: None,
            organisation,
            body,
            ..self
        }
    }

    /// The comment with no bidirectional controls in its body, name or organisation.
    pub fn without_bidi_controls(self) -> StoredComment {
        let clean = |s: String| match without_bidi_controls(&s) {
            std::borrow::Cow::Borrowed(_) => s,
            std::borrow::Cow::Owned(o) => o,
        };
        StoredComment {
            body: clean(self.body),
            name: self.name.map(clean),
            organisation: self.organisation.map(clean),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_spellings_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_string(s).ok(), Some(format!("\"{s}\"")));
        }
        for p in Publish::ALL {
            assert_eq!(Publish::parse(p.as_str()), Some(*p));
        }
        for r in RespondentType::ALL {
            assert_eq!(RespondentType::parse(r.as_str()), Some(*r));
        }
        for a in Attribution::ALL {
            assert_eq!(Attribution::parse(a.as_str()), Some(*a));
            assert_eq!(serde_json::to_string(a).ok(), Some(format!("\"{a}\"")));
        }
        assert_eq!(Publish::parse("Yes"), None);
    }

    #[test]
    fn without_personal_data_withholds_the_words_of_those_who_said_no() {
        let comment = |publish: Publish| StoredComment {
            reference: "LEDS-7K3M-9QF2-X4TD".into(),
            received_at: "2026-12-01T12:00:00.000Z".into(),
            received_at_ms: 1_796_126_400_000,
            target_id: "share-lawful-basis".into(),
            target_number: None,
            target_title: "Sharing".into(),
            target_text: "Share only on a lawful basis.".into(),
            question: None,
            draft_version: "1".into(),
            body: "As the officer at Tregaron station I saw this.".into(),
            respondent_type: RespondentType::Individual,
            name: Some("Ann Example".into()),
            organisation: Some("Own firm".into()),
            email: Some("ann@example.org".into()),
            publish,
            attribution: None,
            status: Status::Received,
            status_changed_at: None,
            language: ENGLISH.into(),
        };
        let no = comment(Publish::No).without_personal_data();
        assert_eq!(no.body, "", "their words can identify them");
        assert_eq!((no.name, no.email, no.organisation), (None, None, None));
        assert_eq!(no.target_text, "Share only on a lawful basis.");
        for publish in [Publish::Yes, Publish::Anonymous] {
            let kept = comment(publish).without_personal_data();
            assert_eq!(kept.body, "As the officer at Tregaron station I saw this.");
            assert_eq!((kept.name, kept.email), (None, None));
        }
    }

    #[test]
    fn timestamps_have_milliseconds() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_793_491_200_123), "2026-11-01T00:00:00.123Z");
    }
}
