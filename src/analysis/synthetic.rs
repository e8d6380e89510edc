//! Synthetic consultation responses with known campaign clusters, for the grouping
//! benchmark, the `synthetic_comments` example and tests.
//!
//! About [`CAMPAIGN_SHARE`] of responses come from campaigns (a few large, many small:
//! sizes fall off as 1/rank). Each campaign has a template of five to nine sentences;
//! each copy of it is edited as people do: most add a sign-off with a name, some reword
//! a few words, some drop a sentence or add one of their own, a few send it untouched.
//! The rest are individual responses assembled from the same vocabulary, so campaigns
//! and individuals share phrasing as real ones do. Seeded: the same seed gives the same
//! responses.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// The share of responses sent as part of a campaign.
pub const CAMPAIGN_SHARE: f64 = 0.6;

/// One synthetic response and the campaign it truly belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyntheticResponse {
    /// A unique reference, `SYN-000001` on.
    pub reference: String,
    /// The body.
    pub body: String,
    /// The campaign it was copied from; `None` for an individual response.
    pub campaign: Option<usize>,
}

const SUBJECTS: &[&str] = &[
    "The Code",
    "This paragraph",
    "The retention rule",
    "The draft",
    "The guidance on access",
    "Chapter five",
    "The audit section",
    "The section on sharing",
    "The proposed oversight",
    "The definition of a record",
    "The review process",
    "The section on training",
];
const VERBS: &[&str] = &[
    "should require",
    "must not allow",
    "needs to explain",
    "ought to limit",
    "does not address",
    "should make clear",
    "fails to protect",
    "could better describe",
    "rightly sets out",
    "should publish",
];
const OBJECTS: &[&str] = &[
    "how long records of people never charged are kept",
    "who may search the service and why",
    "the audit of every access by officers",
    "independent oversight of data quality",
    "deletion of records after a fixed period",
    "the rights of victims and witnesses",
    "sharing with bodies outside policing",
    "how mistakes in a record are corrected",
    "the training officers receive before access",
    "the use of automated matching and alerts",
    "what the public is told about their data",
    "the role of the Information Commissioner",
    "checks on access by civilian staff",
    "the handling of children's records",
];
const REASONS: &[&str] = &[
    "because trust in policing depends on it",
    "since the current wording is too vague",
    "as the law already expects this",
    "because errors harm innocent people",
    "so that forces act the same way",
    "because people deserve to know",
    "as otherwise the power will be misused",
    "since officers need clear rules",
    "because the cost of getting it wrong is high",
    "so that complaints can be investigated",
];
const FIRST_NAMES: &[&str] = &[
    "Sam", "Alex", "Priya", "Tom", "Aisha", "Gareth", "Mei", "Olu", "Fiona", "Dan", "Zara", "Iwan",
    "Chloe", "Ravi", "Beth",
];
const SURNAMES: &[&str] = &[
    "Jones", "Patel", "Smith", "Okafor", "Evans", "Chen", "Murphy", "Khan", "Taylor", "Hughes",
    "Wright", "Ali",
];
const PLACES: &[&str] = &[
    "Leeds", "Cardiff", "Bristol", "Norwich", "Preston", "Swansea", "Hull", "Derby", "Exeter",
    "York",
];
const SYNONYMS: &[(&str, &str)] = &[
    ("should", "must"),
    ("people", "individuals"),
    ("records", "data"),
    ("clear", "plain"),
    ("every", "each"),
    ("limit", "restrict"),
    ("explain", "set out"),
    ("high", "serious"),
];

fn sentence(rng: &mut StdRng) -> String {
    format!(
        "{} {} {} {}.",
        pick(rng, SUBJECTS),
        pick(rng, VERBS),
        pick(rng, OBJECTS),
        pick(rng, REASONS)
    )
}

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from.choose(rng).copied().unwrap_or_default()
}

/// `n` responses drawn with `seed`, oldest first, with their true campaigns.
pub fn generate(n: usize, seed: u64) -> Vec<SyntheticResponse> {
    let mut rng = StdRng::seed_from_u64(seed);
    // Campaign sizes: rank r gets a share proportional to 1/r, for enough campaigns
    // that the smallest still has a few members.
    let campaign_total = (n as f64 * CAMPAIGN_SHARE) as usize;
    let campaigns = (campaign_total / 200).clamp(usize::from(campaign_total > 0), 500);
    let harmonic: f64 = (1..=campaigns).map(|r| 1.0 / r as f64).sum();
    let mut sizes: Vec<usize> = (1..=campaigns)
        .map(|r| {
            ((campaign_total as f64 / harmonic) / r as f64)
                .round()
                .max(2.0) as usize
        })
        .collect();
    let templates: Vec<Vec<String>> = (0..campaigns)
        .map(|_| {
            let len = rng.gen_range(5..=9);
            (0..len).map(|_| sentence(&mut rng)).collect()
        })
        .collect();
    let mut plan: Vec<Option<usize>> = Vec::with_capacity(n);
    for (c, size) in sizes.iter_mut().enumerate() {
        for _ in 0..*size {
            if plan.len() < campaign_total {
                plan.push(Some(c));
            }
        }
    }
    plan.resize(n, None);
    plan.shuffle(&mut rng);

    plan.into_iter()
        .enumerate()
        .map(|(i, campaign)| {
            let body = match campaign {
                Some(c) => campaign_copy(&mut rng, &templates[c]),
                None => individual(&mut rng),
            };
            SyntheticResponse {
                reference: format!("SYN-{:06}", i + 1),
                body,
                campaign,
            }
        })
        .collect()
}

/// A copy of a campaign's template, edited as a respondent might.
fn campaign_copy(rng: &mut StdRng, template: &[String]) -> String {
    let mut sentences: Vec<String> = template.to_vec();
    let roll: f64 = rng.r#gen();
    if roll < 0.15 && sentences.len() > 6 {
        // Drop one sentence.
        let at = rng.gen_range(0..sentences.len());
        sentences.remove(at);
    } else if roll < 0.30 {
        // Add a sentence of their own.
        let at = rng.gen_range(0..=sentences.len());
        sentences.insert(at, sentence(rng));
    } else if roll < 0.50 {
        // Reword a word or two.
        for _ in 0..rng.gen_range(1..=2) {
            let at = rng.gen_range(0..sentences.len());
            let (from, to) = SYNONYMS[rng.gen_range(0..SYNONYMS.len())];
            sentences[at] = sentences[at].replacen(from, to, 1);
        }
    }
    let mut body = sentences.join(" ");
    if rng.gen_bool(0.6) {
        body.push_str(&format!(
            "\n\nYours sincerely, {} {}, {}",
            pick(rng, FIRST_NAMES),
            pick(rng, SURNAMES),
            pick(rng, PLACES)
        ));
    }
    body
}

/// A response written by one person.
fn individual(rng: &mut StdRng) -> String {
    let len = rng.gen_range(1..=5);
    let mut body: Vec<String> = (0..len).map(|_| sentence(rng)).collect();
    if rng.gen_bool(0.3) {
        body.push(format!(
            "I have worked in {} for {} years.",
            pick(rng, PLACES),
            rng.gen_range(2..40)
        ));
    }
    body.join(" ")
}

/// Pairwise precision and recall of `found` (a group id per response, `None` alone)
/// against the `truth` (a campaign per response, `None` for an individual): of the
/// pairs put in one group, the share truly in one campaign, and of the pairs truly in
/// one campaign, the share put in one group.
pub fn pairwise_precision_recall(found: &[Option<usize>], truth: &[Option<usize>]) -> (f64, f64) {
    use std::collections::HashMap;
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    let mut by_found: HashMap<usize, u64> = HashMap::new();
    let mut by_truth: HashMap<usize, u64> = HashMap::new();
    let mut by_both: HashMap<(usize, usize), u64> = HashMap::new();
    for (f, t) in found.iter().zip(truth) {
        if let Some(f) = f {
            *by_found.entry(*f).or_default() += 1;
        }
        if let Some(t) = t {
            *by_truth.entry(*t).or_default() += 1;
        }
        if let (Some(f), Some(t)) = (f, t) {
            *by_both.entry((*f, *t)).or_default() += 1;
        }
    }
    let found_pairs: u64 = by_found.values().map(|&n| pairs(n)).sum();
    let true_pairs: u64 = by_truth.values().map(|&n| pairs(n)).sum();
    let both: u64 = by_both.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(both, found_pairs), ratio(both, true_pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_seeded_and_has_campaigns() {
        let a = generate(2000, 7);
        assert_eq!(a, generate(2000, 7));
        assert_ne!(a, generate(2000, 8));
        let in_campaigns = a.iter().filter(|r| r.campaign.is_some()).count();
        assert_eq!(in_campaigns, 1200);
        assert!(a.iter().all(|r| !r.body.is_empty()));
    }

    #[test]
    fn grouping_finds_the_generated_campaigns() {
        let responses = generate(3000, 11);
        let input: Vec<(&str, &str)> = responses
            .iter()
            .map(|r| (r.reference.as_str(), r.body.as_str()))
            .collect();
        let grouping = super::super::group(&input, &[]);
        let truth: Vec<Option<usize>> = responses.iter().map(|r| r.campaign).collect();
        let (precision, recall) = pairwise_precision_recall(&grouping.group_of, &truth);
        assert!(precision > 0.95, "precision {precision}");
        assert!(recall > 0.9, "recall {recall}");
    }

    #[test]
    fn precision_and_recall_count_pairs() {
        // Truth: {0,1,2} one campaign. Found: {0,1} together, 2 alone, {3,4} together.
        let truth = [Some(0), Some(0), Some(0), None, None];
        let found = [Some(0), Some(0), None, Some(1), Some(1)];
        let (p, r) = pairwise_precision_recall(&found, &truth);
        assert!((p - 0.5).abs() < 1e-9, "{p}");
        assert!((r - 1.0 / 3.0).abs() < 1e-9, "{r}");
    }
}
