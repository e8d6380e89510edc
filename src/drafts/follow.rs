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

/// The columns [`Followed`] adds to `comments export`, in order.
pub const COLUMNS: [&str; 4] = [
    "made_on_draft",
    "number_then",
    "number_now",
    "paragraph_now",
];

impl Followed {
    /// The values of [`COLUMNS`].
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.made_on.clone(),
            self.number_then.clone().unwrap_or_default(),
            self.number_now.clone().unwrap_or_default(),
            self.now.as_str().to_string(),
        ]
    }

    /// The same as JSON fields.
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        COLUMNS
            .iter()
            .zip(self.cells())
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
            .collect()
    }
}

/// How many comments were made on one paragraph as one draft numbered it, and where that
/// paragraph is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowedCount {
    /// The paragraph's or section's id.
    pub target_id: String,
    /// Where it is now.
    #[serde(flatten)]
    pub followed: Followed,
    /// How many comments.
    pub count: u64,
    /// The text the comments were about (the last seen, for a removed paragraph).
    pub text_then: String,
}

/// Tallies followed comments per target, draft and number then; removed paragraphs last,
/// then by id.
pub fn tally(items: impl IntoIterator<Item = (String, Followed, String)>) -> Vec<FollowedCount> {
    let mut counts: Vec<FollowedCount> = Vec::new();
    let mut at: std::collections::HashMap<(String, String, Option<String>), usize> =
        std::collections::HashMap::new();
    for (target_id, followed, text_then) in items {
        let key = (
            target_id.clone(),
            followed.made_on.clone(),
            followed.number_then.clone(),
        );
        match at.get(&key) {
            Some(&i) => counts[i].count += 1,
            None => {
                at.insert(key, counts.len());
                counts.push(FollowedCount {
                    target_id,
                    followed,
                    count: 1,
                    text_then,
                });
            }
        }
    }
    counts.sort_by(|a, b| {
        (
            a.followed.now == Now::Removed,
            &a.target_id,
            &a.followed.made_on,
        )
            .cmp(&(
                b.followed.now == Now::Removed,
                &b.target_id,
                &b.followed.made_on,
            ))
    });
    counts
}

/// The tally as `comments stats` prints it: paragraphs still in the draft, then the
/// comments on removed paragraphs with the text they were about.
pub fn to_text(following: &[FollowedCount]) -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "per paragraph, as it is now (spam excluded): draft, number then → now, paragraph now\n",
    );
    let number = |n: &Option<String>| n.clone().unwrap_or_else(|| "-".to_string());
    for f in following.iter().filter(|f| f.followed.now != Now::Removed) {
        let _ = writeln!(
            out,
            "  {:<40} draft {:<6} {:>6} → {:<6} {:<10} {}",
            f.target_id,
            f.followed.made_on,
            number(&f.followed.number_then),
            number(&f.followed.number_now),
            f.followed.now.as_str(),
            f.count
        );
    }
    out.push_str("comments on removed paragraphs:\n");
    for f in following.iter().filter(|f| f.followed.now == Now::Removed) {
        let _ = writeln!(
            out,
            "  {:<40} draft {:<6} {:>6}  {}  “{}”",
            f.target_id,
            f.followed.made_on,
            number(&f.followed.number_then),
            f.count,
            f.text_then
        );
    }
    out
}
