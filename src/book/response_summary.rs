//! The format of the frozen consultation summary, `book/src/response/summary.json`: the
//! build reads it to fill the `{{#responses id}}` directives, and `copbook comments
//! summary` (the analysis module) writes it. The format lives here, with its reader, so
//! the build depends on a file and never on the comments or their analysis.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The summary format this version of copbook writes and reads.
pub const FORMAT: u32 = 1;

/// Counts for the whole consultation, one question or one target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Responses (spam left out).
    pub responses: u64,
    /// Of which published.
    #[serde(default)]
    pub published: u64,
    /// Of which in a campaign group.
    #[serde(default)]
    pub grouped: u64,
    /// How many campaign groups those are in.
    #[serde(default)]
    pub campaign_groups: u64,
    /// Distinct submissions: each group once, each other response once.
    #[serde(default)]
    pub distinct: u64,
    /// Responses per code.
    #[serde(default)]
    pub codes: BTreeMap<String, u64>,
}

/// One campaign group, without its members' texts or references.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCounts {
    /// Its number, 1 for the largest.
    pub group: usize,
    /// `exact` or `near`.
    pub kind: String,
    /// How many responses.
    pub size: u64,
    /// Its members per question.
    #[serde(default)]
    pub questions: BTreeMap<String, u64>,
    /// Its members per target.
    #[serde(default)]
    pub targets: BTreeMap<String, u64>,
    /// Its members per code.
    #[serde(default)]
    pub codes: BTreeMap<String, u64>,
}

/// The summary file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// [`FORMAT`].
    pub format: u32,
    /// The whole consultation.
    pub totals: Counts,
    /// Per question id.
    #[serde(default)]
    pub questions: BTreeMap<String, Counts>,
    /// Per target id (provision, section, chapter or `general`).
    #[serde(default)]
    pub targets: BTreeMap<String, Counts>,
    /// The campaign groups, largest first.
    #[serde(default)]
    pub groups: Vec<GroupCounts>,
}

/// Why a summary file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    /// Not JSON of the summary's shape.
    #[error("not a consultation summary: {0}")]
    Invalid(#[from] serde_json::Error),
    /// Written by another version of the format.
    #[error(
        "summary format {0}, but this copbook reads format {format}: write it again with `copbook comments summary`",
        format = FORMAT
    )]
    Format(u32),
}

impl Summary {
    /// The counts for a question id, or a target id (zero when none).
    pub fn counts(&self, id: &str) -> Counts {
        self.questions
            .get(id)
            .or_else(|| self.targets.get(id))
            .cloned()
            .unwrap_or_default()
    }

    /// The file's text: pretty JSON with sorted keys and a final newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let value = sorted(serde_json::to_value(self)?);
        let mut text = serde_json::to_string_pretty(&value)?;
        text.push('\n');
        Ok(text)
    }

    /// Reads a summary file's text.
    pub fn from_json(text: &str) -> Result<Summary, SummaryError> {
        let summary: Summary = serde_json::from_str(text)?;
        if summary.format != FORMAT {
            return Err(SummaryError::Format(summary.format));
        }
        Ok(summary)
    }
}

/// `value` with every object's keys in order (whether or not serde_json keeps insertion
/// order, which another crate's feature may switch on).
fn sorted(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let ordered: BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
