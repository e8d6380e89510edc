//! A published draft on disk: `book/drafts/<version>.json`.
//!
//! The record holds every provision and section of the book as it was published, in
//! reading order, with the draft's version, status and date. It is written as small,
//! stable, pretty-printed JSON (fields in alphabetical order, one entry per block) so
//! that it can be committed beside the book and reviewed as an ordinary diff.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::DraftError;
use crate::book::{Corpus, EntryKind, Part};

/// The folder of a book holding its published drafts.
pub const DRAFTS_DIR: &str = "drafts";

/// One provision or section as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordEntry {
    /// Key aims the provision serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aims: Vec<String>,
    /// The chapter's source path, e.g. `code/sharing.md`.
    pub chapter: String,
    /// The stable id comments attach to.
    pub id: String,
    /// `provision` (a numbered paragraph) or `section` (a heading and its text).
    #[schema(value_type = String, example = "provision")]
    pub kind: EntryKind,
    /// A provision's display number, e.g. `4.3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The heading it sits under.
    pub title: String,
    /// Its plain text.
    pub text: String,
}

/// One chapter as published: what a page of the draft as it stood needs beside its
/// entries (its title, part, number and page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordChapter {
    /// Its number among the Code's chapters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// Code or guide.
    pub part: Part,
    /// The chapter's source path, e.g. `code/sharing.md` (what entries' `chapter` names).
    pub source: String,
    /// Its title in `SUMMARY.md`.
    pub title: String,
    /// Its page, relative to the site root, e.g. `code/sharing.html`.
    pub url: String,
}

/// A published draft: what `copbook draft publish` writes.
///
/// `title` and `chapters` are there to render the draft as it stood (the `edition`
/// module); records published before they existed lack them and still read (the
/// chapters are then derived from the entries, see [`DraftRecord::chapter_list`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DraftRecord {
    /// The chapters in reading order (absent from older records).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chapters: Vec<RecordChapter>,
    /// The day it was published, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Every provision and section, in reading order.
    pub entries: Vec<RecordEntry>,
    /// The draft's status, e.g. "Consultation draft".
    pub status: String,
    /// The book's title (absent from older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The draft's version, e.g. "0.1".
    pub version: String,
}

impl DraftRecord {
    /// The record of a corpus as it stands, dated `date`.
    pub fn from_corpus(corpus: &Corpus, version: &str, status: &str, date: &str) -> DraftRecord {
        DraftRecord {
            chapters: corpus
                .chapters
                .iter()
                .map(|c| RecordChapter {
                    number: c.number,
                    part: c.part,
                    source: c.source.clone(),
                    title: c.title.clone(),
                    url: c.url.clone(),
                })
                .collect(),
            date: date.to_string(),
            entries: corpus
                .entries
                .iter()
                .map(|e| RecordEntry {
                    aims: e.aims.clone(),
                    chapter: e.source.clone(),
                    id: e.id.clone(),
                    kind: e.kind,
                    number: e.number.clone(),
                    title: e.title.clone(),
                    text: e.text.clone(),
                })
                .collect(),
            status: status.to_string(),
            title: Some(corpus.title.clone()).filter(|t| !t.is_empty()),
            version: version.to_string(),
        }
    }

    /// The chapters in reading order: the record's own, or for a record published before
    /// records carried them, one per run of entries of a chapter, titled by its first
    /// entry, numbered as its provisions are, and in the Code when its path starts with
    /// `code_dir`.
    pub fn chapter_list(&self, code_dir: &str) -> Vec<RecordChapter> {
        if !self.chapters.is_empty() {
            return self.chapters.clone();
        }
        let mut chapters: Vec<RecordChapter> = Vec::new();
        for entry in &self.entries {
            if chapters.iter().any(|c| c.source == entry.chapter) {
                continue;
            }
            let part = if entry.chapter.starts_with(&format!("{code_dir}/")) {
                Part::Code
            } else {
                Part::Guide
            };
            let url = match entry.chapter.strip_suffix(".md") {
                Some("README") | Some("index") => "index.html".to_string(),
                Some(stem) => format!("{stem}.html"),
                None => entry.chapter.clone(),
            };
            // A chapter's number is what its provisions' numbers start with.
            let number = self
                .provisions()
                .find(|p| p.chapter == entry.chapter)
                .and_then(|p| p.number.as_deref()?.split('.').next()?.parse().ok());
            chapters.push(RecordChapter {
                number,
                part,
                source: entry.chapter.clone(),
                title: entry.title.clone(),
                url,
            });
        }
        chapters
    }

    /// Whether two records publish the same draft (the date aside; the chapters and
    /// title only describe the same entries).
    pub fn same_content(&self, other: &DraftRecord) -> bool {
        self.version == other.version
            && self.status == other.status
            && self.entries == other.entries
    }

    /// The provisions, in reading order.
    pub fn provisions(&self) -> impl Iterator<Item = &RecordEntry> {
        self.entries
            .iter()
            .filter(|e| e.kind == EntryKind::Provision)
    }

    /// The record as committed: pretty JSON ending in a newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        Ok(json)
    }
}

/// The path of the record of `version` in the book at `root`.
pub fn path(root: &Path, version: &str) -> PathBuf {
    root.join(DRAFTS_DIR).join(format!("{version}.json"))
}

/// Reads one published draft.
pub fn read(path: &Path) -> Result<DraftRecord, DraftError> {
    let text = std::fs::read_to_string(path).map_err(|source| DraftError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| DraftError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Every published draft of the book at `root`, oldest version first. A book without a
/// `drafts` folder has none.
pub fn list(root: &Path) -> Result<Vec<DraftRecord>, DraftError> {
    let dir = root.join(DRAFTS_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(DraftError::Io { path: dir, source }),
    };
    let mut drafts = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| DraftError::Io {
            path: dir.clone(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let record = read(&path)?;
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            if stem.as_deref() != Some(record.version.as_str()) {
                return Err(DraftError::Parse {
                    message: format!(
                        "holds version `{}`; a draft's file must be named after its version",
                        record.version
                    ),
                    path,
                });
            }
            drafts.push(record);
        }
    }
    drafts.sort_by(|a, b| compare_versions(&a.version, &b.version));
    Ok(drafts)
}

/// Orders versions by their dot-separated parts, numerically where both parts are numbers
/// (`0.9` < `0.10` < `1.0`).
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => x.cmp(y),
                };
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
}

/// What [`write`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// No draft of this version existed; it was written.
    Written,
    /// The same draft was already published; nothing was written.
    Unchanged,
    /// A different draft of this version was replaced (with `force`); the old one's date
    /// and the number of entries that differ.
    Replaced { date: String, differing: usize },
}

impl Published {
    /// One line for the terminal about publishing `draft` at `path`.
    pub fn describe(&self, draft: &DraftRecord, path: &Path) -> String {
        match self {
            Published::Written => format!(
                "published draft {} ({}) with {} provisions in {}",
                draft.version,
                draft.status,
                draft.provisions().count(),
                path.display()
            ),
            Published::Unchanged => format!(
                "draft {} is already published in {}, unchanged",
                draft.version,
                path.display()
            ),
            Published::Replaced { date, differing } => format!(
                "replaced draft {} published on {date} in {} ({differing} provisions or sections differed)",
                draft.version,
                path.display()
            ),
        }
    }
}

/// Writes `record` as the published draft of its version in the book at `root`. Refuses
/// to replace a different draft of the same version unless `force`.
pub fn write(root: &Path, record: &DraftRecord, force: bool) -> Result<Published, DraftError> {
    if !super::is_version(&record.version) {
        return Err(DraftError::BadVersion(record.version.clone()));
    }
    let path = path(root, &record.version);
    let mut outcome = Published::Written;
    if path.exists() {
        let old = read(&path)?;
        if old.same_content(record) {
            return Ok(Published::Unchanged);
        }
        let differing = differing_entries(&old, record);
        if !force {
            return Err(DraftError::Exists {
                path,
                date: old.date,
                differing,
            });
        }
        outcome = Published::Replaced {
            date: old.date,
            differing,
        };
    }
    let dir = root.join(DRAFTS_DIR);
    std::fs::create_dir_all(&dir).map_err(|source| DraftError::Io {
        path: dir.clone(),
        source,
    })?;
    // Written beside its final name, then renamed: a reader never sees half a draft.
    // (std::fs::write honours the umask, so the record is as readable as the book.)
    let partial = dir.join(format!(".{}.json.partial", record.version));
    let json = record.to_json().map_err(|e| DraftError::Parse {
        path: path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&partial, json).map_err(|source| DraftError::Io {
        path: partial.clone(),
        source,
    })?;
    std::fs::rename(&partial, &path).map_err(|source| DraftError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(outcome)
}

/// How many entries differ between two records (added, removed or edited).
pub fn differing_entries(old: &DraftRecord, new: &DraftRecord) -> usize {
    let old_by_id: std::collections::HashMap<&str, &RecordEntry> =
        old.entries.iter().map(|e| (e.id.as_str(), e)).collect();
    let new_ids: std::collections::HashSet<&str> =
        new.entries.iter().map(|e| e.id.as_str()).collect();
    let edited_or_added = new
        .entries
        .iter()
        .filter(|e| old_by_id.get(e.id.as_str()) != Some(e))
        .count();
    let removed = old
        .entries
        .iter()
        .filter(|e| !new_ids.contains(e.id.as_str()))
        .count();
    edited_or_added + removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_never_names_a_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        for version in ["../escape", "a/b", ".hidden", ""] {
            let record = DraftRecord {
                chapters: Vec::new(),
                date: "2026-11-30".into(),
                entries: Vec::new(),
                status: "Draft".into(),
                title: None,
                version: version.into(),
            };
            assert!(
                matches!(
                    write(dir.path(), &record, true),
                    Err(DraftError::BadVersion(_))
                ),
                "{version:?}"
            );
        }
        assert!(!dir.path().join(DRAFTS_DIR).exists());
    }

    #[test]
    fn versions_order_numerically() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("0.9", "0.10"), Less);
        assert_eq!(compare_versions("1.0", "0.10"), Greater);
        assert_eq!(compare_versions("0.1", "0.1"), Equal);
        assert_eq!(compare_versions("0.1", "0.1.1"), Less);
    }
}
