//! The frozen summary of a consultation (`copbook comments summary`): how many responses
//! each question, each provision and each campaign group drew, with no personal data,
//! written as `book/src/response/summary.json` and committed with the book. The build
//! reads that file to fill the `{{#responses id}}` directives of the College's response;
//! it never reads the live database.
//!
//! # The file (format 1)
//! ```json
//! {
//!   "format": 1,
//!   "totals":    { "responses": 0, "published": 0, "grouped": 0, "campaign_groups": 0,
//!                  "distinct": 0, "codes": {} },
//!   "questions": { "q-aims": { ...the same counts... } },
//!   "targets":   { "share-lawful-basis": { ...the same counts... }, "general": { ... } },
//!   "groups":    [ { "group": 1, "kind": "near", "size": 412,
//!                    "questions": { "q-sharing": 400 }, "targets": { "share-lawful-basis": 412 },
//!                    "codes": {} } ]
//! }
//! ```
//! - `responses`: every response but spam; `published`: those a drafter published and
//!   whose respondent agreed; `grouped`: those in a campaign group (see [`super::grouping`]);
//!   `campaign_groups`: how many groups they belong to; `distinct`: each group counted
//!   once, each other response once.
//! - `codes`: responses per code of the drafters' coding frame (empty until responses
//!   are coded: [`Response::codes`] carries a response's codes in).
//! - Keys are sorted and groups are in the grouping's order (largest first), so the same
//!   comments always give the same bytes: the file can be committed and diffed.
//! - Nothing of a respondent: no reference, name, organisation, email or text.

use std::collections::BTreeMap;

use super::grouping::{Decision, GroupKind, group};
use crate::comments::{CommentStore, Publish, Status, StoreError, StoredComment};

pub use crate::book::response_summary::{Counts, FORMAT, GroupCounts, Summary, SummaryError};

/// One response as the summary sees it.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// Its receipt reference: used for grouping decisions only, never written.
    pub reference: String,
    /// Its text: used for grouping only, never written.
    pub body: String,
    /// The id it comments on.
    pub target: String,
    /// The question it answers, if any.
    pub question: Option<String>,
    /// Whether it is published (a drafter marked it and its respondent agreed).
    pub published: bool,
    /// The codes the drafters gave it (empty until responses are coded).
    pub codes: Vec<String>,
}

/// The summary of `responses` (spam already left out, oldest first), grouped as the
/// drafters see them in `/admin/groups`: with their `decisions` (splits and merges, in
/// the order taken) applied.
pub fn summarise(responses: &[Response], decisions: &[Decision]) -> Summary {
    let pairs: Vec<(&str, &str)> = responses
        .iter()
        .map(|r| (r.reference.as_str(), r.body.as_str()))
        .collect();
    let grouping = group(&pairs, decisions);
    let mut totals = Tally::default();
    let mut questions: BTreeMap<String, Tally> = BTreeMap::new();
    let mut targets: BTreeMap<String, Tally> = BTreeMap::new();
    for (i, r) in responses.iter().enumerate() {
        let in_group = grouping.group_of.get(i).copied().flatten();
        totals.add(r, in_group);
        targets
            .entry(r.target.clone())
            .or_default()
            .add(r, in_group);
        if let Some(q) = &r.question {
            questions.entry(q.clone()).or_default().add(r, in_group);
        }
    }
    let groups = grouping
        .groups
        .iter()
        .enumerate()
        .map(|(n, g)| {
            let mut counts = GroupCounts {
                group: n + 1,
                kind: match g.kind {
                    GroupKind::Exact => "exact",
                    GroupKind::Near => "near",
                }
                .to_string(),
                size: g.size() as u64,
                questions: BTreeMap::new(),
                targets: BTreeMap::new(),
                codes: BTreeMap::new(),
            };
            for &m in &g.members {
                let r = &responses[m];
                *counts.targets.entry(r.target.clone()).or_default() += 1;
                if let Some(q) = &r.question {
                    *counts.questions.entry(q.clone()).or_default() += 1;
                }
                for code in &r.codes {
                    *counts.codes.entry(code.clone()).or_default() += 1;
                }
            }
            counts
        })
        .collect();
    Summary {
        format: FORMAT,
        totals: totals.counts(),
        questions: questions
            .into_iter()
            .map(|(k, t)| (k, t.counts()))
            .collect(),
        targets: targets.into_iter().map(|(k, t)| (k, t.counts())).collect(),
        groups,
    }
}

/// Reads every response from `store` (see [`super::counts_as_response`]: no spam,
/// nothing erased), with the codes the drafters gave each and their splits and merges, and
/// summarises them on a blocking thread: the summary `copbook comments summary` writes,
/// grouped as `/admin/groups` and `comments stats` group them.
pub async fn read(store: &dyn CommentStore) -> Result<Summary, StoreError> {
    let mut codes: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::new();
    for tag in store.tags(None).await? {
        codes.entry(tag.reference).or_default().push(tag.code);
    }
    let decisions = super::snapshot::decisions(&store.decisions().await?);
    let mut rows = store.export().await?;
    let mut responses = Vec::new();
    while let Some(row) = rows.next().await {
        let c = row?;
        if super::counts_as_response(c.status, &c.body) {
            let codes = codes.remove(&c.reference).unwrap_or_default();
            responses.push(Response::of(c, codes));
        }
    }
    tokio::task::spawn_blocking(move || summarise(&responses, &decisions))
        .await
        .map_err(|e| StoreError::Read(format!("the summary task failed: {e}")))
}

impl Response {
    /// A stored comment as the summary sees it, with the drafters' `codes`.
    pub fn of(c: StoredComment, codes: Vec<String>) -> Response {
        Response {
            published: c.status == Status::Published && c.publish != Publish::No,
            codes,
            reference: c.reference,
            body: c.body,
            target: c.target_id,
            question: c.question,
        }
    }
}

/// Counts being gathered: the groups seen so far, to count each once.
#[derive(Default)]
struct Tally {
    counts: Counts,
    groups: std::collections::BTreeSet<usize>,
}

impl Tally {
    fn add(&mut self, r: &Response, group: Option<usize>) {
        self.counts.responses += 1;
        self.counts.published += u64::from(r.published);
        if let Some(g) = group {
            self.counts.grouped += 1;
            self.groups.insert(g);
        }
        let mut codes: Vec<&String> = r.codes.iter().collect();
        codes.sort();
        codes.dedup();
        for code in codes {
            *self.counts.codes.entry(code.clone()).or_default() += 1;
        }
    }

    fn counts(mut self) -> Counts {
        self.counts.campaign_groups = self.groups.len() as u64;
        self.counts.distinct =
            self.counts.responses - self.counts.grouped + self.counts.campaign_groups;
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAMPAIGN: &str = "I object to keeping records of people who were never charged \
        for six years. The Code should require deletion after two years unless a court \
        orders otherwise.";

    fn response(reference: &str, body: &str, target: &str, question: Option<&str>) -> Response {
        Response {
            reference: reference.into(),
            body: body.into(),
            target: target.into(),
            question: question.map(str::to_string),
            published: false,
            codes: Vec::new(),
        }
    }

    #[test]
    fn counts_questions_targets_and_groups_without_texts() {
        let mut responses = vec![
            response("R1", CAMPAIGN, "remove-acquitted", Some("q-removing")),
            response(
                "R2",
                &format!("{CAMPAIGN} Jo."),
                "remove-acquitted",
                Some("q-removing"),
            ),
            response("R3", CAMPAIGN, "share-lawful-basis", None),
            response(
                "R4",
                "Officers need quick access at the roadside.",
                "general",
                Some("q-aims"),
            ),
        ];
        responses[3].published = true;
        responses[0].codes = vec!["retention".into(), "opposes".into(), "retention".into()];
        let s = summarise(&responses, &[]);
        assert_eq!(s.totals.responses, 4);
        assert_eq!(s.totals.published, 1);
        assert_eq!(
            (
                s.totals.grouped,
                s.totals.campaign_groups,
                s.totals.distinct
            ),
            (3, 1, 2)
        );
        let q = &s.questions["q-removing"];
        assert_eq!(
            (q.responses, q.grouped, q.campaign_groups, q.distinct),
            (2, 2, 1, 1)
        );
        assert_eq!(s.targets["share-lawful-basis"].distinct, 1);
        assert_eq!(s.targets["general"].published, 1);
        assert_eq!(
            s.totals.codes["retention"], 1,
            "a code counts once per response"
        );
        assert_eq!(s.groups.len(), 1);
        assert_eq!(s.groups[0].size, 3);
        assert_eq!(s.groups[0].targets["remove-acquitted"], 2);
        assert_eq!(s.counts("nothing"), Counts::default());
        let json = s.to_json().expect("json");
        for private in ["R1", "Jo.", "object", "roadside"] {
            assert!(!json.contains(private), "{private} in {json}");
        }
        assert_eq!(Summary::from_json(&json).expect("reads back"), s);
        assert_eq!(
            summarise(&responses, &[]).to_json().expect("json"),
            json,
            "deterministic"
        );
        // Keys sorted at every level.
        let at = |k: &str| json.find(&format!("\"{k}\"")).expect(k);
        assert!(at("format") < at("groups") && at("groups") < at("questions"));
        let totals = &json[json.find("\"totals\"").expect("totals")..];
        let at = |k: &str| totals.find(&format!("\"{k}\"")).expect(k);
        assert!(at("campaign_groups") < at("codes") && at("codes") < at("distinct"));
        assert!(at("distinct") < at("grouped") && at("published") < at("responses"));
    }

    #[test]
    fn the_drafters_splits_and_merges_are_counted_as_they_decided() {
        let other = "Records of people never charged should go after two years, not six, \
            unless a court orders otherwise, and the Code should say so plainly.";
        let responses = vec![
            response("R1", CAMPAIGN, "remove-acquitted", Some("q-removing")),
            response("R2", CAMPAIGN, "remove-acquitted", Some("q-removing")),
            response("R3", CAMPAIGN, "remove-acquitted", Some("q-removing")),
            response("R4", other, "remove-acquitted", Some("q-removing")),
            response("R5", other, "remove-acquitted", Some("q-removing")),
        ];
        let totals = |decisions: &[Decision]| {
            let t = summarise(&responses, decisions).totals;
            (t.grouped, t.campaign_groups, t.distinct)
        };
        assert_eq!(totals(&[]), (5, 2, 2), "two groups as the texts fall");
        let split = Decision::Split {
            reference: "R2".into(),
        };
        assert_eq!(totals(std::slice::from_ref(&split)), (4, 2, 3));
        let merge = Decision::Merge {
            reference: "R1".into(),
            with: "R4".into(),
        };
        assert_eq!(totals(std::slice::from_ref(&merge)), (5, 1, 1));
        let s = summarise(&responses, &[split, merge]);
        assert_eq!(s.groups.len(), 1);
        assert_eq!(s.groups[0].size, 4, "R2 stays out of the merged group");
    }

    #[test]
    fn another_format_is_refused() {
        let err = Summary::from_json(r#"{"format": 2, "totals": {"responses": 0}}"#)
            .expect_err("format 2");
        assert!(err.to_string().contains("format 2"), "{err}");
        assert!(Summary::from_json("[]").is_err());
    }
}
