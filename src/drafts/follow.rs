//! How a comment made on an earlier draft follows its paragraph: the draft it was made
//! on, the number its paragraph had then and has now, and whether the paragraph is now
//! unchanged, changed or removed. Computed above the comment store, from what a comment
//! kept (its target's id, number and text as the respondent saw them) and the corpus as
//! it stands.

use serde::Serialize;

use super::compare::{Segment, word_diff};
use crate::book::Corpus;

/// Whether the paragraph a comment is about has changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Now {
    /// Same text (perhaps under a new number).
    Unchanged,
    /// Different text.
    Changed,
    /// No longer in the draft.
    Removed,
}

impl Now {
    /// The lowercase name shown in exports and in `/admin/`.
    pub fn as_str(self) -> &'static str {
        match self {
            Now::Unchanged => "unchanged",
            Now::Changed => "changed",
            Now::Removed => "removed",
        }
    }
}

/// Where a comment's paragraph is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Followed {
    /// The draft the comment was made on.
    pub made_on: String,
    /// The paragraph's number when the comment was made.
    pub number_then: Option<String>,
    /// Its number now (`None` if removed, or a section).
    pub number_now: Option<String>,
    /// Unchanged, changed or removed.
    pub now: Now,
}

/// Follows a comment's target (`id`, its `number` and `text` as the respondent saw them on
/// draft `made_on`) into `corpus`.
pub fn follow(
    id: &str,
    number_then: Option<&str>,
    text_then: &str,
    made_on: &str,
    corpus: &Corpus,
) -> Followed {
    let current = corpus.get(id);
    Followed {
        made_on: made_on.to_string(),
        number_then: number_then.map(str::to_string),
        number_now: current.and_then(|e| e.number.clone()),
        now: match current {
            None => Now::Removed,
            Some(e) if e.text == text_then => Now::Unchanged,
            Some(_) => Now::Changed,
        },
    }
}

/// The text a respondent saw beside today's, with the word-level difference; `None` when
/// the paragraph is gone.
pub fn then_and_now(id: &str, text_then: &str, corpus: &Corpus) -> Option<(String, Vec<Segment>)> {
    corpus
        .get(id)
        .map(|e| (e.text.clone(), word_diff(text_then, &e.text)))
}
