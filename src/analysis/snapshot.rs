//! The grouping of every response as it stands, read through the comment store's
//! interface: every comment but spam, and the drafters' decisions in the order taken,
//! grouped by [`super::group`]. The server's admin pages and `copbook comments stats`
//! both call [`Snapshot::read`], so they count the same way.

use std::collections::HashMap;

use crate::comments::{CommentStore, DecisionKind, GroupingDecision, StoreError};
use crate::i18n::Catalogue;

use super::{Decision, Group, Grouping, group};

/// A response as the grouping reads it.
#[derive(Debug, Clone)]
pub struct Response {
    /// Its reference.
    pub reference: String,
    /// What it says.
    pub body: String,
    /// When it arrived (RFC 3339).
    pub received_at: String,
    /// What it is about.
    pub target_id: String,
}

/// Every response but spam, grouped, with the decisions applied.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The responses, oldest first; the grouping's indices point here.
    pub responses: Vec<Response>,
    /// The grouping.
    pub grouping: Grouping,
    /// The decisions applied, in the order taken.
    pub decisions: Vec<GroupingDecision>,
    index: HashMap<String, usize>,
}

/// The grouping's counts as `copbook comments stats --format json` gives them (its
/// `grouping` object).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupingTotals {
    /// Responses grouped (every response but spam and erased ones).
    pub responses: usize,
    /// Of those, how many are in a campaign group.
    pub grouped: usize,
    /// How many campaign groups.
    pub groups: usize,
    /// Each group counted once, each other response once.
    pub distinct: usize,
    /// Responses a drafter split out of their group.
    pub split_out: usize,
    /// The drafters' decisions applied.
    pub decisions: usize,
    /// The counts in words ("N responses, of which M in K campaign groups (D distinct
    /// submissions)").
    pub summary: String,
}

/// The store's decisions as the grouping applies them.
pub fn decisions(kept: &[GroupingDecision]) -> Vec<Decision> {
    kept.iter()
        .filter_map(|d| match (d.kind, &d.with) {
            (DecisionKind::Split, _) => Some(Decision::Split {
                reference: d.reference.clone(),
            }),
            (DecisionKind::Merge, Some(with)) => Some(Decision::Merge {
                reference: d.reference.clone(),
                with: with.clone(),
            }),
            (DecisionKind::Merge, None) => None,
        })
        .collect()
}

impl Snapshot {
    /// Reads every response (see [`super::counts_as_response`]: no spam, nothing erased)
    /// and every decision from `store`, and groups them on a blocking thread.
    pub async fn read(store: &dyn CommentStore) -> Result<Snapshot, StoreError> {
        let kept = store.decisions().await?;
        let mut rows = store.export().await?;
        let mut responses = Vec::new();
        while let Some(row) = rows.next().await {
            let c = row?;
            if super::counts_as_response(c.status, &c.body) {
                responses.push(Response {
                    reference: c.reference,
                    body: c.body,
                    received_at: c.received_at,
                    target_id: c.target_id,
                });
            }
        }
        tokio::task::spawn_blocking(move || Snapshot::of(responses, kept))
            .await
            .map_err(|e| StoreError::Read(format!("the grouping task failed: {e}")))
    }

    /// Groups `responses` (oldest first) with the decisions `kept`.
    pub fn of(responses: Vec<Response>, kept: Vec<GroupingDecision>) -> Snapshot {
        let pairs: Vec<(&str, &str)> = responses
            .iter()
            .map(|r| (r.reference.as_str(), r.body.as_str()))
            .collect();
        let grouping = group(&pairs, &decisions(&kept));
        let index = responses
            .iter()
            .enumerate()
            .map(|(i, r)| (r.reference.clone(), i))
            .collect();
        Snapshot {
            responses,
            grouping,
            decisions: kept,
            index,
        }
    }

    /// The grouping's counts, with the summary in the words of `words`.
    pub fn totals(&self, words: &Catalogue) -> GroupingTotals {
        let g = &self.grouping;
        GroupingTotals {
            responses: g.responses(),
            grouped: g.grouped(),
            groups: g.groups.len(),
            distinct: g.distinct(),
            split_out: g.split_out.len(),
            decisions: self.decisions.len(),
            summary: g.summary(words),
        }
    }

    /// The group `reference` is in, with its number (from 1, largest first).
    pub fn group_of(&self, reference: &str) -> Option<(usize, &Group)> {
        let i = *self.index.get(reference)?;
        let g = self.grouping.group_of.get(i).copied().flatten()?;
        Some((g + 1, &self.grouping.groups[g]))
    }

    /// The references of a group's members.
    pub fn members(&self, group: &Group) -> Vec<String> {
        group
            .members
            .iter()
            .map(|&m| self.responses[m].reference.clone())
            .collect()
    }

    /// Whether a drafter split `reference` out (and it stands alone).
    pub fn is_split_out(&self, reference: &str) -> bool {
        self.index
            .get(reference)
            .is_some_and(|i| self.grouping.split_out.contains(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(reference: &str, body: &str) -> Response {
        Response {
            reference: reference.into(),
            body: body.into(),
            received_at: String::new(),
            target_id: "general".into(),
        }
    }

    #[test]
    fn a_split_decision_from_the_store_keeps_a_member_out() {
        let text = "Every search of the service should be logged and audited by an independent body each year.";
        let responses = vec![
            response("A", text),
            response("B", text),
            response("C", text),
        ];
        let kept = vec![GroupingDecision {
            kind: DecisionKind::Split,
            reference: "B".into(),
            with: None,
            analyst: "jo".into(),
            at: String::new(),
        }];
        let s = Snapshot::of(responses, kept);
        let (number, g) = s.group_of("A").expect("grouped");
        assert_eq!(number, 1);
        assert_eq!(s.members(g), vec!["A".to_string(), "C".to_string()]);
        assert!(s.group_of("B").is_none());
        assert!(s.is_split_out("B"));
        assert!(!s.is_split_out("A"));
        let words = Catalogue::new().expect("catalogue");
        assert_eq!(
            s.totals(&words),
            GroupingTotals {
                responses: 3,
                grouped: 2,
                groups: 1,
                distinct: 2,
                split_out: 1,
                decisions: 1,
                summary: s.grouping.summary(&words),
            }
        );
    }
}
