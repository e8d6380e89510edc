//! What the drafters record while analysing responses, as the store keeps it: the
//! coding frame's codes ([`CodeEntry`]), the codes tagged on each comment ([`Tag`]),
//! their decisions about campaign groups ([`GroupingDecision`]), and which comments an
//! analysis view shows ([`Filter`]).
//!
//! Every record names who made it: the admin token has no user names, so the analyst
//! gives a short name ([`is_valid_analyst`]) that the admin pages keep in a cookie.
//! Names and codes are bounded and checked here, once, for the server and the store.

use serde::Serialize;

use super::model::{RespondentType, Status};

pub use crate::config::{MAX_CODE_CHARS, is_valid_code};

/// The longest analyst's short name, in characters.
pub const MAX_ANALYST_CHARS: usize = 32;

/// The most codes a coding frame may have (book.toml's and those added in `/admin/`).
pub const MAX_CODES: usize = 200;

/// Whether `name` may be an analyst's short name: 1 to [`MAX_ANALYST_CHARS`] ASCII
/// letters, digits, `.`, `-` or `_` (safe in a cookie as it is).
pub fn is_valid_analyst(name: &str) -> bool {
    (1..=MAX_ANALYST_CHARS).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// A code of the coding frame that was added in `/admin/` (book.toml's codes are in the
/// consultation settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeEntry {
    /// The code.
    pub code: String,
    /// The analyst who added it.
    pub added_by: String,
    /// When (RFC 3339).
    pub added_at: String,
}

/// One code on one comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// The comment's reference.
    pub reference: String,
    /// The code.
    pub code: String,
    /// The analyst who tagged it.
    pub analyst: String,
    /// When (RFC 3339).
    pub at: String,
}

/// What a drafter decided about the grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecisionKind {
    /// The comment stands alone, whatever it resembles.
    Split,
    /// The comment's group and another comment's group are one.
    Merge,
}

impl DecisionKind {
    /// The spelling in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Split => "split",
            DecisionKind::Merge => "merge",
        }
    }

    /// Parses [`DecisionKind::as_str`]'s spelling.
    pub fn parse(s: &str) -> Option<DecisionKind> {
        match s {
            "split" => Some(DecisionKind::Split),
            "merge" => Some(DecisionKind::Merge),
            _ => None,
        }
    }
}

/// A grouping decision as kept, in the order taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupingDecision {
    /// Split or merge.
    pub kind: DecisionKind,
    /// The comment split out, or a comment of the first group merged.
    pub reference: String,
    /// For a merge, a comment of the second group.
    pub with: Option<String>,
    /// The analyst who decided.
    pub analyst: String,
    /// When (RFC 3339).
    pub at: String,
}

/// Which comments an analysis view shows; every condition given must hold. The default
/// shows every comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Comments on this target id.
    pub target: Option<String>,
    /// Answers to this question.
    pub question: Option<String>,
    /// With this status.
    pub status: Option<Status>,
    /// Leave spam out (when no status is asked for).
    pub no_spam: bool,
    /// From individuals or from organisations.
    pub respondent_type: Option<RespondentType>,
    /// Tagged with this code.
    pub code: Option<String>,
    /// Tagged with no code yet.
    pub uncoded: bool,
    /// Only these comments (a campaign group's members, or the hits of a search).
    pub references: Option<Vec<String>>,
    /// Leave out erased comments: set with the hits of a search of comments' words, as an
    /// erased comment holds no words (an index made before the erasure still may).
    pub not_erased: bool,
    /// Received at or after this instant (ms since the epoch).
    pub received_from_ms: Option<i64>,
    /// Received before this instant (ms since the epoch).
    pub received_before_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_words() {
        for ok in [
            "supports",
            "retention period",
            "oversight",
            "q-4",
            "Cefnogi ŵ",
        ] {
            assert!(is_valid_code(ok), "{ok}");
        }
        for bad in [
            "",
            " lead",
            "trail ",
            "two  spaces",
            "<b>",
            "semi;colon",
            &"x".repeat(41),
        ] {
            assert!(!is_valid_code(bad), "{bad}");
        }
    }

    #[test]
    fn analyst_names_are_cookie_safe() {
        for ok in ["jo", "A.B", "sam_k-2"] {
            assert!(is_valid_analyst(ok), "{ok}");
        }
        for bad in ["", "jo bloggs", "x;y", "é", &"a".repeat(33)] {
            assert!(!is_valid_analyst(bad), "{bad}");
        }
    }
}
