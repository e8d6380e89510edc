//! Comparing a published draft with a later one (or the book as it stands): a pure
//! function from two records to a [`ChangeLog`] of every provision's status, its old and
//! new number, and a word-level difference of its text.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use super::record::{DraftRecord, RecordEntry};

/// What happened to a provision between two drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = ChangeStatus)]
pub enum Status {
    /// Its id was not in the earlier draft.
    New,
    /// Its text or key aims differ.
    Changed,
    /// Same text, same number, same chapter.
    Unchanged,
    /// Same text under a new number or in another chapter.
    Renumbered,
    /// Its id is no longer in the draft.
    Removed,
}

impl Status {
    /// The lowercase name used in JSON, `corpus.json` and the terminal.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Renumbered => "renumbered",
            Status::Removed => "removed",
        }
    }
}

/// What a run of words of a difference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Run {
    /// In both texts.
    Same,
    /// Only in the later text.
    Inserted,
    /// Only in the earlier text.
    Deleted,
}

/// A run of words (with their spacing) of a word-level difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Segment {
    /// Same, inserted or deleted.
    pub run: Run,
    /// The words, as written.
    pub text: String,
}

/// One provision's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Change {
    /// The provision's id.
    pub id: String,
    /// What happened to it.
    pub status: Status,
    /// Its number in the earlier draft (`None` if new).
    pub old_number: Option<String>,
    /// Its number now (`None` if removed).
    pub new_number: Option<String>,
    /// Its chapter in the earlier draft.
    pub old_chapter: Option<String>,
    /// Its chapter now.
    pub new_chapter: Option<String>,
    /// The heading it sits under (now, or last).
    pub title: String,
    /// Its text in the earlier draft.
    pub old_text: Option<String>,
    /// Its text now.
    pub new_text: Option<String>,
    /// Word-level difference from `old_text` to `new_text` (empty when unchanged, new or
    /// removed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<Segment>,
}

impl Change {
    /// The chapter it is listed under: its chapter now, or its last one.
    pub fn chapter(&self) -> &str {
        self.new_chapter
            .as_deref()
            .or(self.old_chapter.as_deref())
            .unwrap_or_default()
    }

    /// How many words were inserted and deleted.
    pub fn word_counts(&self) -> (usize, usize) {
        let count = |run| {
            self.diff
                .iter()
                .filter(|s| s.run == run)
                .map(|s| s.text.split_whitespace().count())
                .sum::<usize>()
        };
        (count(Run::Inserted), count(Run::Deleted))
    }
}

/// Every provision's change between two drafts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChangeLog {
    /// The earlier draft's version.
    pub from: String,
    /// The earlier draft's date.
    pub from_date: String,
    /// The later draft's version (`current` for the book on disk is the caller's choice).
    pub to: String,
    /// One change per provision of either draft: the later draft's reading order, each
    /// removed provision after the one it followed.
    pub changes: Vec<Change>,
}

impl ChangeLog {
    /// The change of the provision with this id (now or last).
    pub fn get(&self, id: &str) -> Option<&Change> {
        self.changes.iter().find(|c| c.id == id)
    }

    /// Changes other than `unchanged`.
    pub fn edits(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.status != Status::Unchanged)
    }

    /// How many provisions have each status, in the order new, changed, renumbered,
    /// removed, unchanged.
    pub fn counts(&self) -> [(Status, usize); 5] {
        [
            Status::New,
            Status::Changed,
            Status::Renumbered,
            Status::Removed,
            Status::Unchanged,
        ]
        .map(|s| (s, self.changes.iter().filter(|c| c.status == s).count()))
    }
}

/// Compares the provisions of `old` with those of `new`, matching them by id.
pub fn compare(old: &DraftRecord, new: &DraftRecord) -> ChangeLog {
    let old_by_id: HashMap<&str, &RecordEntry> =
        old.provisions().map(|p| (p.id.as_str(), p)).collect();
    let new_ids: HashSet<&str> = new.provisions().map(|p| p.id.as_str()).collect();

    // Each removed provision is listed after the last provision before it that remains.
    // (Ids are never empty, so "" stands for "before the first".)
    let mut removed_after: HashMap<&str, Vec<&RecordEntry>> = HashMap::new();
    let mut anchor: &str = "";
    for p in old.provisions() {
        if new_ids.contains(p.id.as_str()) {
            anchor = p.id.as_str();
        } else {
            removed_after.entry(anchor).or_default().push(p);
        }
    }

    let mut changes = Vec::with_capacity(new_ids.len() + old_by_id.len());
    let mut push_removed = |after: &str, changes: &mut Vec<Change>| {
        for p in removed_after.remove(after).unwrap_or_default() {
            changes.push(Change {
                id: p.id.clone(),
                status: Status::Removed,
                old_number: p.number.clone(),
                new_number: None,
                old_chapter: Some(p.chapter.clone()),
                new_chapter: None,
                title: p.title.clone(),
                old_text: Some(p.text.clone()),
                new_text: None,
                diff: Vec::new(),
            });
        }
    };
    push_removed("", &mut changes);
    for p in new.provisions() {
        let change = match old_by_id.get(p.id.as_str()) {
            None => Change {
                id: p.id.clone(),
                status: Status::New,
                old_number: None,
                new_number: p.number.clone(),
                old_chapter: None,
                new_chapter: Some(p.chapter.clone()),
                title: p.title.clone(),
                old_text: None,
                new_text: Some(p.text.clone()),
                diff: Vec::new(),
            },
            Some(was) => {
                let same_words = was.text == p.text && was.aims == p.aims;
                let status = if !same_words {
                    Status::Changed
                } else if was.number != p.number || was.chapter != p.chapter {
                    Status::Renumbered
                } else {
                    Status::Unchanged
                };
                Change {
                    id: p.id.clone(),
                    status,
                    old_number: was.number.clone(),
                    new_number: p.number.clone(),
                    old_chapter: Some(was.chapter.clone()),
                    new_chapter: Some(p.chapter.clone()),
                    title: p.title.clone(),
                    old_text: Some(was.text.clone()),
                    new_text: Some(p.text.clone()),
                    diff: if was.text == p.text {
                        Vec::new()
                    } else {
                        word_diff(&was.text, &p.text)
                    },
                }
            }
        };
        changes.push(change);
        push_removed(p.id.as_str(), &mut changes);
    }
    ChangeLog {
        from: old.version.clone(),
        from_date: old.date.clone(),
        to: new.version.clone(),
        changes,
    }
}

/// The word-level difference from `old` to `new`. Each stretch of edits (with the spaces
/// between its words) becomes one deleted run followed by one inserted run, so that it
/// reads as "these words became those".
pub fn word_diff(old: &str, new: &str) -> Vec<Segment> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Segment> = Vec::new();
    let (mut deleted, mut inserted, mut spaces) = (String::new(), String::new(), String::new());
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal
                if text.trim().is_empty() && !(deleted.is_empty() && inserted.is_empty()) =>
            {
                spaces.push_str(text);
            }
            ChangeTag::Equal => {
                flush(&mut out, &mut deleted, &mut inserted, &mut spaces);
                push(&mut out, Run::Same, text);
            }
            ChangeTag::Delete => {
                deleted.push_str(&spaces);
                inserted.push_str(&spaces);
                spaces.clear();
                deleted.push_str(text);
            }
            ChangeTag::Insert => {
                deleted.push_str(&spaces);
                inserted.push_str(&spaces);
                spaces.clear();
                inserted.push_str(text);
            }
        }
    }
    flush(&mut out, &mut deleted, &mut inserted, &mut spaces);
    out
}

fn flush(out: &mut Vec<Segment>, deleted: &mut String, inserted: &mut String, spaces: &mut String) {
    if !deleted.is_empty() {
        push(out, Run::Deleted, deleted);
    }
    if !inserted.is_empty() {
        push(out, Run::Inserted, inserted);
    }
    if !spaces.is_empty() {
        push(out, Run::Same, spaces);
    }
    deleted.clear();
    inserted.clear();
    spaces.clear();
}

fn push(out: &mut Vec<Segment>, run: Run, text: &str) {
    match out.last_mut() {
        Some(last) if last.run == run => last.text.push_str(text),
        _ => out.push(Segment {
            run,
            text: text.to_string(),
        }),
    }
}

/// How alike two texts are, from 0 (nothing in common) to 1 (the same words).
pub fn similarity(a: &str, b: &str) -> f32 {
    TextDiff::from_words(a, b).ratio()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::EntryKind;

    fn provision(id: &str, number: &str, chapter: &str, text: &str) -> RecordEntry {
        RecordEntry {
            aims: Vec::new(),
            chapter: chapter.to_string(),
            id: id.to_string(),
            kind: EntryKind::Provision,
            number: Some(number.to_string()),
            title: "T".to_string(),
            text: text.to_string(),
        }
    }

    fn draft(version: &str, entries: Vec<RecordEntry>) -> DraftRecord {
        DraftRecord {
            chapters: Vec::new(),
            date: "2026-11-01".to_string(),
            entries,
            status: "Draft".to_string(),
            title: None,
            version: version.to_string(),
        }
    }

    #[test]
    fn every_status_and_the_number_mapping() {
        let old = draft(
            "0.1",
            vec![
                provision("keep", "1.1", "a.md", "Keep this."),
                provision("gone", "1.2", "a.md", "Remove this."),
                provision("edit", "1.3", "a.md", "Police must record the reason."),
                provision("move", "1.4", "a.md", "Moved text."),
            ],
        );
        let new = draft(
            "0.2",
            vec![
                provision("keep", "1.1", "a.md", "Keep this."),
                provision("edit", "1.2", "a.md", "Police must record the full reason."),
                provision("fresh", "1.3", "a.md", "A new duty."),
                provision("move", "2.1", "b.md", "Moved text."),
            ],
        );
        let log = compare(&old, &new);
        let got: Vec<(&str, Status, Option<&str>, Option<&str>)> = log
            .changes
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.status,
                    c.old_number.as_deref(),
                    c.new_number.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("keep", Status::Unchanged, Some("1.1"), Some("1.1")),
                ("gone", Status::Removed, Some("1.2"), None),
                ("edit", Status::Changed, Some("1.3"), Some("1.2")),
                ("fresh", Status::New, None, Some("1.3")),
                ("move", Status::Renumbered, Some("1.4"), Some("2.1")),
            ]
        );
        let edit = log.get("edit").map(|c| c.diff.clone()).unwrap_or_default();
        assert_eq!(
            edit.iter()
                .map(|s| (s.run, s.text.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (Run::Same, "Police must record the "),
                (Run::Inserted, "full "),
                (Run::Same, "reason."),
            ]
        );
        assert_eq!(log.get("edit").map(Change::word_counts), Some((1, 0)));
    }

    #[test]
    fn a_stretch_of_edits_reads_as_one_replacement() {
        let diff = word_diff("Nobody may look up a record.", "Staff must log a record.");
        assert_eq!(
            diff.iter()
                .map(|s| (s.run, s.text.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (Run::Deleted, "Nobody may look up"),
                (Run::Inserted, "Staff must log"),
                (Run::Same, " a record."),
            ]
        );
    }

    #[test]
    fn similarity_separates_edits_from_rewrites() {
        assert!(
            similarity(
                "Police must record the reason.",
                "Police must record the full reason."
            ) > 0.8
        );
        assert!(
            similarity(
                "Police must record the reason.",
                "Images are deleted after six years."
            ) < 0.5
        );
    }
}
