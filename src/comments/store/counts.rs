//! The overview's counts, as a store reads them in one snapshot: how many comments,
//! where, and in which state ([`Stats`], from
//! [`Analysis::stats`](super::Analysis::stats)).

use serde::Serialize;

use super::super::model::Status;

/// Counts for the overview: how many comments, where, and in which state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every stored comment, spam included.
    pub total: u64,
    /// Comments per status, every status listed (zeros included), in [`Status::ALL`] order.
    pub by_status: Vec<StatusCount>,
    /// Comments that are not spam, per target id and the number it had then; most
    /// commented first.
    pub by_target: Vec<TargetCount>,
    /// Comments that are not spam, per question answered; most answered first.
    pub by_question: Vec<QuestionCount>,
}

/// How many comments have one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusCount {
    /// The status.
    pub status: Status,
    /// How many.
    pub count: u64,
}

/// How many comments one target drew under one display number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetCount {
    /// The stable id.
    pub target_id: String,
    /// The display number the comments saw (provisions are renumbered between drafts).
    pub target_number: Option<String>,
    /// How many.
    pub count: u64,
}

/// How many comments answered one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionCount {
    /// The question id.
    pub question: String,
    /// How many.
    pub count: u64,
}

impl Stats {
    /// The overview from the counts per status (a status not counted has none), per
    /// target and per question.
    pub(crate) fn from_counts(
        per_status: impl IntoIterator<Item = (String, u64)>,
        by_target: Vec<TargetCount>,
        by_question: Vec<QuestionCount>,
    ) -> Stats {
        let mut by_status: Vec<StatusCount> = Status::ALL
            .iter()
            .map(|&status| StatusCount { status, count: 0 })
            .collect();
        let mut total = 0;
        for (status, count) in per_status {
            total += count;
            if let Some(s) = by_status.iter_mut().find(|s| s.status.as_str() == status) {
                s.count = count;
            }
        }
        Stats {
            total,
            by_status,
            by_target,
            by_question,
        }
    }
}
