//! Campaign and duplicate grouping of responses.
//!
//! Organised campaigns send the same text many times, often with small edits: a name
//! added, a sentence reworded, a paragraph dropped. The drafters weigh responses by
//! substance, not volume, so they need each campaign as one group.
//!
//! # How
//! 1. **Normalise** each body: lower case, words of letters and digits only, joined by
//!    single spaces. Punctuation, case and spacing never separate two responses.
//! 2. **Exact duplicates**: the same normalised text is the same group (compared by a
//!    64-bit hash, then by the text itself, so a hash collision never joins two texts).
//! 3. **Near duplicates**: each distinct text of at least [`MIN_WORDS`] words becomes
//!    its set of 3-word shingles, summarised by a MinHash signature of
//!    [`SIGNATURE_LEN`] values. Locality-sensitive hashing over [`BANDS`] bands of
//!    [`ROWS`] rows proposes candidates (a pair with Jaccard similarity 0.7 shares at
//!    least one band with probability above 0.999); a candidate joins the group only if
//!    the signatures estimate a Jaccard similarity of at least
//!    [`NEAR_DUPLICATE_THRESHOLD`] (0.7). Groups are the connected components.
//! 4. **Decisions** the drafters took ([`Decision`]) are applied on top, in the order
//!    they were taken, every time the grouping is recomputed: a member split out stays
//!    out, two groups merged stay merged, whatever new comments arrive.
//!
//! Each group's representative is its most central member: the one whose signature
//! agrees most often with the group's most common value at each position (exact groups:
//! their earliest member). [`difference`] says what any member adds to it.
//!
//! The cost is linear in the number of responses and their length: each distinct text
//! is hashed once and compared with at most [`BANDS`] others.

use std::collections::HashMap;

use crate::i18n::{Arg, Catalogue, Language};

/// The estimated Jaccard similarity of two responses' 3-word shingle sets at or above
/// which they belong to the same group.
pub const NEAR_DUPLICATE_THRESHOLD: f64 = 0.7;

/// Responses shorter than this (in words) are grouped only when exactly the same: a few
/// words ("I agree with this") say too little for near-duplicate matching.
pub const MIN_WORDS: usize = 8;

/// The number of MinHash values per response.
pub const SIGNATURE_LEN: usize = BANDS * ROWS;

/// The number of LSH bands.
pub const BANDS: usize = 32;

/// The MinHash values per band.
pub const ROWS: usize = 4;

/// The words in a shingle.
const SHINGLE: usize = 3;

/// A drafter's decision about the grouping, applied after every recomputation. Both name
/// comments by their reference, which never changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Decision {
    /// This comment stands alone, whatever it resembles.
    Split {
        /// The comment taken out of its group.
        reference: String,
    },
    /// The groups of these two comments are one group.
    Merge {
        /// A comment of the first group.
        reference: String,
        /// A comment of the second group.
        with: String,
    },
}

/// How a group was formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    /// Every member has the same normalised text.
    Exact,
    /// Members are near duplicates (or were merged by a drafter).
    Near,
}

/// Responses grouped as one campaign or duplicate set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    /// The members, as indices into the input, in input order.
    pub members: Vec<usize>,
    /// The member whose text stands for the group (an index into the input).
    pub representative: usize,
    /// How it was formed.
    pub kind: GroupKind,
    /// Whether a drafter's merge shaped it.
    pub merged: bool,
}

impl Group {
    /// How many responses it holds.
    pub fn size(&self) -> usize {
        self.members.len()
    }
}

/// The grouping of a set of responses.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Grouping {
    /// Groups of two or more responses, largest first (ties: earliest member first).
    pub groups: Vec<Group>,
    /// Per input response, the index of its group in `groups`, if it is in one.
    pub group_of: Vec<Option<usize>>,
    /// Responses a drafter split out (indices into the input), in input order.
    pub split_out: Vec<usize>,
}

impl Grouping {
    /// How many responses were grouped.
    pub fn responses(&self) -> usize {
        self.group_of.len()
    }

    /// How many responses are in a group.
    pub fn grouped(&self) -> usize {
        self.groups.iter().map(Group::size).sum()
    }

    /// How many distinct submissions: each group counts once, each ungrouped response once.
    pub fn distinct(&self) -> usize {
        self.responses() - self.grouped() + self.groups.len()
    }

    /// "1,240 responses, of which 1,180 in 3 campaign groups (63 distinct submissions)",
    /// in the words of `words` (`admin-grouping-summary`: the drafters' English).
    pub fn summary(&self, words: &Catalogue) -> String {
        // Each count twice: as a number, to choose the plural; as shown, with commas.
        let count = |n: usize| Arg::from(n as u64);
        let shown = |n: usize| Arg::from(thousands(n));
        let (responses, grouped) = (self.responses(), self.grouped());
        let (groups, distinct) = (self.groups.len(), self.distinct());
        words.message(
            Language::English,
            "admin-grouping-summary",
            &[
                ("responses", count(responses)),
                ("responses_shown", shown(responses)),
                ("grouped_shown", shown(grouped)),
                ("groups", count(groups)),
                ("groups_shown", shown(groups)),
                ("distinct", count(distinct)),
                ("distinct_shown", shown(distinct)),
            ],
        )
    }
}

/// `1240` → `1,240`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Groups `responses` (`(reference, body)` pairs, oldest first) and applies `decisions`
/// in order. Decisions naming a reference not in `responses` are skipped.
pub fn group<R: AsRef<str>, B: AsRef<str>>(
    responses: &[(R, B)],
    decisions: &[Decision],
) -> Grouping {
    let n = responses.len();
    // 1–2. Distinct normalised texts; each response points at its text.
    let mut distinct_of = Vec::with_capacity(n);
    let mut texts: Vec<Vec<&str>> = Vec::new();
    let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut lowered = Vec::with_capacity(n);
    for (_, body) in responses {
        lowered.push(body.as_ref().to_lowercase());
    }
    for body in &lowered {
        let words = words(body);
        let hash = words.iter().fold(FNV_OFFSET, |h, w| mix(h ^ fnv(w)));
        let slot = by_hash.entry(hash).or_default();
        let found = slot.iter().copied().find(|&t| texts[t] == words);
        let id = match found {
            Some(id) => id,
            None => {
                texts.push(words);
                slot.push(texts.len() - 1);
                texts.len() - 1
            }
        };
        distinct_of.push(id);
    }

    // 3. Near duplicates among distinct texts.
    let signatures: Vec<Option<Box<[u32; SIGNATURE_LEN]>>> =
        texts.iter().map(|words| signature(words)).collect();
    let mut sets = UnionFind::new(texts.len());
    let mut buckets: HashMap<u64, u32> = HashMap::with_capacity(texts.len() * BANDS);
    for (id, sig) in signatures.iter().enumerate() {
        let Some(sig) = sig else { continue };
        for band in 0..BANDS {
            let rows = &sig[band * ROWS..(band + 1) * ROWS];
            let key = rows
                .iter()
                .fold(mix(band as u64 + 1), |h, &v| mix(h ^ u64::from(v)));
            match buckets.get(&key) {
                None => {
                    buckets.insert(key, id as u32);
                }
                Some(&first) => {
                    let first = first as usize;
                    if sets.find(first) != sets.find(id)
                        && let Some(other) = &signatures[first]
                        && similarity(sig, other) >= NEAR_DUPLICATE_THRESHOLD
                    {
                        sets.union(first, id);
                    }
                }
            }
        }
    }

    // Labels per response: the root of its distinct text's set.
    let mut label: Vec<usize> = distinct_of.iter().map(|&t| sets.find(t)).collect();

    // 4. Decisions, in order. Fresh labels start past every existing one.
    let index: HashMap<&str, usize> = responses
        .iter()
        .enumerate()
        .map(|(i, (r, _))| (r.as_ref(), i))
        .collect();
    let mut next_label = texts.len();
    let mut split = vec![false; n];
    let mut merged_labels = std::collections::HashSet::new();
    for decision in decisions {
        match decision {
            Decision::Split { reference } => {
                if let Some(&i) = index.get(reference.as_str()) {
                    label[i] = next_label;
                    next_label += 1;
                    split[i] = true;
                }
            }
            Decision::Merge { reference, with } => {
                let (Some(&a), Some(&b)) =
                    (index.get(reference.as_str()), index.get(with.as_str()))
                else {
                    continue;
                };
                let (keep, gone) = (label[a], label[b]);
                if keep != gone {
                    label
                        .iter_mut()
                        .filter(|l| **l == gone)
                        .for_each(|l| *l = keep);
                    merged_labels.insert(keep);
                    // A merged member is no longer split out.
                    split[a] = false;
                    split[b] = false;
                }
            }
        }
    }

    // Groups: labels with two or more responses.
    let mut members_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &l) in label.iter().enumerate() {
        members_of.entry(l).or_default().push(i);
    }
    let mut groups: Vec<Group> = members_of
        .into_iter()
        .filter(|(_, members)| members.len() >= 2)
        .map(|(l, members)| {
            let exact = members
                .iter()
                .all(|&m| distinct_of[m] == distinct_of[members[0]]);
            let representative = if exact {
                members[0]
            } else {
                central(&members, &distinct_of, &signatures)
            };
            Group {
                members,
                representative,
                kind: if exact {
                    GroupKind::Exact
                } else {
                    GroupKind::Near
                },
                merged: merged_labels.contains(&l),
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.size()
            .cmp(&a.size())
            .then(a.members[0].cmp(&b.members[0]))
    });
    let mut group_of = vec![None; n];
    for (g, group) in groups.iter().enumerate() {
        for &m in &group.members {
            group_of[m] = Some(g);
        }
    }
    let split_out = (0..n)
        .filter(|&i| split[i] && group_of[i].is_none())
        .collect();
    Grouping {
        groups,
        group_of,
        split_out,
    }
}

/// The member agreeing most with the group's most common MinHash value per position;
/// the earliest on a tie.
fn central(
    members: &[usize],
    distinct_of: &[usize],
    signatures: &[Option<Box<[u32; SIGNATURE_LEN]>>],
) -> usize {
    let sig = |m: usize| signatures[distinct_of[m]].as_deref();
    let mut modes = [None; SIGNATURE_LEN];
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for (pos, mode) in modes.iter_mut().enumerate() {
        counts.clear();
        for s in members.iter().filter_map(|&m| sig(m)) {
            *counts.entry(s[pos]).or_default() += 1;
        }
        *mode = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(&v, _)| v);
    }
    let mut best = (0, members[0]);
    for &m in members {
        let score = sig(m).map_or(0, |s| {
            s.iter()
                .zip(&modes)
                .filter(|(v, mode)| Some(**v) == **mode)
                .count()
        });
        if score > best.0 {
            best = (score, m);
        }
    }
    best.1
}

/// The words of an already lower-cased body: runs of letters and digits.
fn words(lowered: &str) -> Vec<&str> {
    lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The MinHash signature of a text's 3-word shingles; `None` below [`MIN_WORDS`].
fn signature(words: &[&str]) -> Option<Box<[u32; SIGNATURE_LEN]>> {
    if words.len() < MIN_WORDS {
        return None;
    }
    let hashes: Vec<u64> = words.iter().map(|w| fnv(w)).collect();
    let mut sig = Box::new([u32::MAX; SIGNATURE_LEN]);
    let params = permutations();
    for shingle in hashes.windows(SHINGLE) {
        let x = mix(shingle[0] ^ shingle[1].rotate_left(21) ^ shingle[2].rotate_left(42));
        for (slot, &(a, b)) in sig.iter_mut().zip(params.iter()) {
            // A universal hash per position; the high half is the best mixed.
            let v = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
            if v < *slot {
                *slot = v;
            }
        }
    }
    Some(sig)
}

/// The estimated Jaccard similarity of two signatures.
fn similarity(a: &[u32; SIGNATURE_LEN], b: &[u32; SIGNATURE_LEN]) -> f64 {
    let same = a.iter().zip(b.iter()).filter(|(x, y)| x == y).count();
    same as f64 / SIGNATURE_LEN as f64
}

/// The fixed multipliers (odd) and offsets of the [`SIGNATURE_LEN`] hash functions,
/// drawn from a SplitMix64 sequence so every run groups the same way.
fn permutations() -> &'static [(u64, u64); SIGNATURE_LEN] {
    static PARAMS: std::sync::OnceLock<[(u64, u64); SIGNATURE_LEN]> = std::sync::OnceLock::new();
    PARAMS.get_or_init(|| {
        let mut state = 0x5EED_C0DE_u64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            mix(state)
        };
        std::array::from_fn(|_| (next() | 1, next()))
    })
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of a word.
fn fnv(word: &str) -> u64 {
    word.bytes().fold(FNV_OFFSET, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: spreads every input bit over the output.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Disjoint sets over `0..n` with path halving and union by size.
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

/// What a member says beyond its group's representative text.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// The runs of words the member has and the representative has not, in order.
    pub added: Vec<String>,
    /// How many of the representative's words the member left out.
    pub dropped_words: usize,
}

/// What `member` adds to `representative`, word by word. Words are compared as the
/// grouping compares them (case and punctuation ignored); the added runs keep the
/// member's own spelling.
pub fn difference(representative: &str, member: &str) -> Difference {
    use similar::{Algorithm, DiffOp, capture_diff_slices};
    let old: Vec<&str> = representative.split_whitespace().collect();
    let new: Vec<&str> = member.split_whitespace().collect();
    let key = |w: &&str| -> String {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let old_keys: Vec<String> = old.iter().map(key).collect();
    let new_keys: Vec<String> = new.iter().map(key).collect();
    let mut out = Difference::default();
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        let (added, dropped) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete { old_len, .. } => (None, old_len),
            DiffOp::Insert {
                new_index, new_len, ..
            } => (Some(new_index..new_index + new_len), 0),
            DiffOp::Replace {
                old_len,
                new_index,
                new_len,
                ..
            } => (Some(new_index..new_index + new_len), old_len),
        };
        out.dropped_words += dropped;
        if let Some(range) = added {
            out.added.push(new[range].join(" "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAMPAIGN: &str = "I object to keeping records of people who were never charged for six years. \
        The Code should require deletion after two years unless a court orders otherwise, \
        and every search of the service should be logged and audited by an independent body.";

    fn refs(bodies: &[&str]) -> Vec<(String, String)> {
        bodies
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("R{i}"), (*b).to_string()))
            .collect()
    }

    #[test]
    fn exact_duplicates_ignore_case_punctuation_and_spacing() {
        let shouted = CAMPAIGN.to_uppercase().replace('.', "!!");
        let spaced = CAMPAIGN.replace(' ', "   ");
        let input = refs(&[CAMPAIGN, &shouted, &spaced, "Something else entirely."]);
        let g = group(&input, &[]);
        assert_eq!(g.groups.len(), 1);
        assert_eq!(g.groups[0].members, vec![0, 1, 2]);
        assert_eq!(g.groups[0].kind, GroupKind::Exact);
        assert_eq!(g.group_of[3], None);
        assert_eq!(g.distinct(), 2);
    }

    #[test]
    fn near_duplicates_with_small_edits_group_and_others_do_not() {
        let named = format!("{CAMPAIGN} Signed, Jo Bloggs of Leeds.");
        let reworded = CAMPAIGN.replace("six years", "several years");
        let dropped = CAMPAIGN.replace(
            ", and every search of the service should be logged and audited by an independent body",
            "",
        );
        let unrelated = "Officers need quick access to the data at the roadside; the retention \
            rules in chapter four are workable and I support them as drafted in this version.";
        let input = refs(&[CAMPAIGN, &named, &reworded, &dropped, unrelated]);
        let g = group(&input, &[]);
        assert_eq!(g.groups.len(), 1, "{g:?}");
        assert_eq!(g.groups[0].kind, GroupKind::Near);
        assert_eq!(g.groups[0].members, vec![0, 1, 2]);
        assert_eq!(g.group_of[4], None);
        // A third of the text dropped loses too many shingles (Jaccard about 0.55).
        assert_eq!(g.group_of[3], None);
        assert_eq!(g.groups[0].representative, 0);
    }

    #[test]
    fn short_texts_group_only_when_identical() {
        let input = refs(&["I agree", "I agree.", "I agree strongly"]);
        let g = group(&input, &[]);
        assert_eq!(g.groups.len(), 1);
        assert_eq!(g.groups[0].members, vec![0, 1]);
    }

    #[test]
    fn decisions_split_and_merge_and_survive_new_responses() {
        let named = format!("{CAMPAIGN} Signed, Jo Bloggs.");
        let other = "Please publish the audit of every access to the service each year, with \
            the number of searches by each force and the reasons recorded for them.";
        let other_copy = format!("{other} Thank you.");
        let mut input = refs(&[CAMPAIGN, &named, CAMPAIGN, other, &other_copy]);
        let decisions = vec![
            Decision::Split {
                reference: "R1".into(),
            },
            Decision::Merge {
                reference: "R0".into(),
                with: "R3".into(),
            },
        ];
        let g = group(&input, &decisions);
        assert_eq!(g.split_out, vec![1]);
        assert_eq!(g.group_of[1], None);
        assert_eq!(g.groups.len(), 1);
        assert_eq!(g.groups[0].members, vec![0, 2, 3, 4]);
        assert!(g.groups[0].merged);

        // New comments arrive, one like the split member: it stays out.
        input.push(("R5".into(), format!("{CAMPAIGN} Signed, Jo Bloggs!")));
        input.push(("R6".into(), CAMPAIGN.to_string()));
        let g = group(&input, &decisions);
        assert_eq!(g.group_of[1], None, "{g:?}");
        assert_eq!(g.split_out, vec![1]);
        assert_eq!(g.groups[0].members, vec![0, 2, 3, 4, 5, 6]);
        let words = Catalogue::new().expect("catalogue");
        assert_eq!(
            g.summary(&words),
            "7 responses, of which 6 in 1 campaign group (2 distinct submissions)"
        );
        // Thousands are separated; one response and one submission are singular.
        let group = |members: std::ops::Range<usize>| Group {
            representative: members.start,
            members: members.collect(),
            kind: GroupKind::Near,
            merged: false,
        };
        let many = Grouping {
            groups: vec![group(0..600), group(600..1_000), group(1_000..1_180)],
            group_of: vec![None; 1_240],
            split_out: Vec::new(),
        };
        assert_eq!(
            many.summary(&words),
            "1,240 responses, of which 1,180 in 3 campaign groups (63 distinct submissions)"
        );
        let one = Grouping {
            groups: Vec::new(),
            group_of: vec![None],
            split_out: Vec::new(),
        };
        assert_eq!(
            one.summary(&words),
            "1 response, of which 0 in 0 campaign groups (1 distinct submission)"
        );
    }

    #[test]
    fn decisions_about_unknown_references_are_skipped() {
        let input = refs(&[CAMPAIGN, CAMPAIGN]);
        let decisions = vec![Decision::Merge {
            reference: "R0".into(),
            with: "NOPE".into(),
        }];
        assert_eq!(group(&input, &decisions).groups.len(), 1);
    }

    #[test]
    fn difference_names_what_a_member_adds() {
        let member = format!("{CAMPAIGN} Signed, Jo Bloggs.");
        let d = difference(CAMPAIGN, &member);
        assert_eq!(d.added, vec!["Signed, Jo Bloggs.".to_string()]);
        assert_eq!(d.dropped_words, 0);
        let d = difference(CAMPAIGN, &CAMPAIGN.replace("six", "ten"));
        assert_eq!(d.added, vec!["ten".to_string()]);
        assert_eq!(d.dropped_words, 1);
        // Shouting and punctuation add nothing.
        let d = difference(CAMPAIGN, &CAMPAIGN.to_uppercase().replace('.', "!"));
        assert_eq!(d, Difference::default());
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1240), "1,240");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
