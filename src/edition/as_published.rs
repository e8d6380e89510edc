//! A published draft as it stood: its chapters and pages, rendered from its record
//! (`book/drafts/<version>.json`) alone, with where each of its paragraphs is in the
//! current draft.
//!
//! The record is the draft: a later edit, renumbering or removal in the book changes the
//! current draft's pages, never these. Each paragraph says where it is now (the same id
//! in the current corpus), so a reader of an old draft can follow it forward, and an id
//! the current draft no longer has is explained rather than lost.

use serde::Serialize;

use crate::book::{Corpus, EntryKind, Part};
use crate::drafts::{DraftRecord, RecordChapter, RecordEntry};

/// One chapter of a published draft, as its page lists it in the draft's contents.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterLink {
    /// Its page under the draft, e.g. `code/sharing.html`.
    pub url: String,
    /// Its title as published.
    pub title: String,
    /// Its number among the Code's chapters.
    pub number: Option<u32>,
    /// `code` or `guide`.
    pub part: &'static str,
}

/// Where a paragraph of an old draft is in the current draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Now {
    /// The current draft has the same id: its page and number there.
    Here {
        /// Its page and anchor, from the site root (`/code/sharing.html#id`).
        url: String,
        /// Its number there, for a provision.
        number: Option<String>,
        /// Whether its number differs from the old draft's.
        renumbered: bool,
        /// Whether its text differs from the old draft's.
        changed: bool,
    },
    /// The current draft has no paragraph with this id.
    Removed,
}

/// One provision or section on a page of an old draft.
#[derive(Debug, Clone, Serialize)]
pub struct PageEntry {
    /// Its stable id.
    pub id: String,
    /// The HTML id of its place on the page (a provision's id; a section's heading anchor).
    pub anchor: String,
    /// Whether it is a numbered paragraph.
    pub provision: bool,
    /// A section's heading is shown (the chapter's top section's title is the page's).
    pub heading: Option<String>,
    /// Its number as published.
    pub number: Option<String>,
    /// Its text as published.
    pub text: String,
    /// Where it is in the current draft.
    pub now: Now,
}

/// One page of a published draft.
#[derive(Debug, Clone, Serialize)]
pub struct DraftPage {
    /// The chapter's title as published.
    pub title: String,
    /// The chapter's page under the draft (`code/sharing.html`).
    pub url: String,
    /// Its page in the current draft, if the current draft has the chapter.
    pub current_url: Option<String>,
    /// Its provisions and sections, in order.
    pub entries: Vec<PageEntry>,
    /// The chapters before and after it.
    pub previous: Option<ChapterLink>,
    /// The chapter after it.
    pub next: Option<ChapterLink>,
}

/// A published draft and the chapters it is made of.
#[derive(Debug)]
pub struct DraftView<'a> {
    /// The record.
    pub record: &'a DraftRecord,
    chapters: Vec<RecordChapter>,
}

impl<'a> DraftView<'a> {
    /// The view of `record` (whose chapters are derived from its entries when it is older
    /// than records that carry them; `code_dir` then says which are the Code's).
    pub fn new(record: &'a DraftRecord, code_dir: &str) -> DraftView<'a> {
        DraftView {
            chapters: record.chapter_list(code_dir),
            record,
        }
    }

    /// The draft's contents, in reading order.
    pub fn contents(&self) -> Vec<ChapterLink> {
        self.chapters.iter().map(link).collect()
    }

    /// The page at `url` (a chapter's page, e.g. `code/sharing.html`), or `None` when
    /// the draft has no such page.
    pub fn page(&self, url: &str, current: &Corpus) -> Option<DraftPage> {
        let at = self.chapters.iter().position(|c| c.url == url)?;
        let chapter = &self.chapters[at];
        let entries = self
            .record
            .entries
            .iter()
            .filter(|e| e.chapter == chapter.source)
            .map(|e| page_entry(e, chapter, current))
            .collect();
        let current_url = current
            .chapter(&chapter.source)
            .map(|c| format!("/{}", c.url));
        Some(DraftPage {
            title: chapter.title.clone(),
            url: chapter.url.clone(),
            current_url,
            entries,
            previous: at.checked_sub(1).map(|i| link(&self.chapters[i])),
            next: self.chapters.get(at + 1).map(link),
        })
    }

    /// Where the draft's paragraph `id` is: its page and anchor in this draft, or `None`
    /// when the draft never had it.
    pub fn place_of(&self, id: &str) -> Option<String> {
        let entry = self.record.entries.iter().find(|e| e.id == id)?;
        let chapter = self.chapters.iter().find(|c| c.source == entry.chapter)?;
        Some(format!("{}#{}", chapter.url, anchor_of(entry, chapter)))
    }

    /// The record's entry `id`.
    pub fn entry(&self, id: &str) -> Option<&'a RecordEntry> {
        self.record.entries.iter().find(|e| e.id == id)
    }
}

/// Where paragraph `entry` of an old draft is in the current corpus.
pub fn now(entry: &RecordEntry, current: &Corpus) -> Now {
    match current.get(&entry.id) {
        Some(here) => Now::Here {
            url: format!("/{}", here.url),
            number: here.number.clone(),
            renumbered: here.number != entry.number,
            changed: here.text != entry.text && entry.kind == EntryKind::Provision,
        },
        None => Now::Removed,
    }
}

fn link(c: &RecordChapter) -> ChapterLink {
    ChapterLink {
        url: c.url.clone(),
        title: c.title.clone(),
        number: c.number,
        part: c.part.as_str(),
    }
}

/// The chapter's own top section: its id is the chapter's path without `.md`.
fn is_top(entry: &RecordEntry, chapter: &RecordChapter) -> bool {
    entry.kind == EntryKind::Section
        && chapter.source.strip_suffix(".md") == Some(entry.id.as_str())
}

fn anchor_of(entry: &RecordEntry, chapter: &RecordChapter) -> String {
    match entry.kind {
        EntryKind::Provision => entry.id.clone(),
        EntryKind::Section if is_top(entry, chapter) => "content".to_string(),
        EntryKind::Section => entry
            .id
            .rsplit_once('#')
            .map_or_else(|| entry.id.clone(), |(_, a)| a.to_string()),
    }
}

fn page_entry(e: &RecordEntry, chapter: &RecordChapter, current: &Corpus) -> PageEntry {
    PageEntry {
        id: e.id.clone(),
        anchor: anchor_of(e, chapter),
        provision: e.kind == EntryKind::Provision,
        heading: (e.kind == EntryKind::Section && !is_top(e, chapter)).then(|| e.title.clone()),
        number: e.number.clone(),
        text: e.text.clone(),
        now: now(e, current),
    }
}

/// Whether a chapter of the draft is in the Code.
pub fn is_code(c: &ChapterLink) -> bool {
    c.part == Part::Code.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, kind: EntryKind, number: Option<&str>, text: &str) -> RecordEntry {
        RecordEntry {
            aims: Vec::new(),
            chapter: "code/keeping.md".into(),
            id: id.into(),
            kind,
            number: number.map(str::to_string),
            title: "Keeping data".into(),
            text: text.into(),
        }
    }

    fn record() -> DraftRecord {
        DraftRecord {
            chapters: Vec::new(),
            date: "2026-11-30".into(),
            entries: vec![
                entry("code/keeping", EntryKind::Section, None, "Intro."),
                entry("code/keeping#how-long", EntryKind::Section, None, "Under."),
                entry("keep-a", EntryKind::Provision, Some("2.1"), "Keep a."),
                entry("keep-b", EntryKind::Provision, Some("2.2"), "Keep b."),
            ],
            status: "Draft".into(),
            title: None,
            version: "0.1".into(),
        }
    }

    #[test]
    fn an_old_record_gets_its_chapters_from_its_entries() {
        let record = record();
        let view = DraftView::new(&record, "code");
        let contents = view.contents();
        assert_eq!(contents.len(), 1);
        assert_eq!(contents[0].url, "code/keeping.html");
        assert_eq!(contents[0].number, Some(2));
        assert!(is_code(&contents[0]));
        let page = view
            .page("code/keeping.html", &Corpus::default())
            .expect("page");
        let anchors: Vec<&str> = page.entries.iter().map(|e| e.anchor.as_str()).collect();
        assert_eq!(anchors, ["content", "how-long", "keep-a", "keep-b"]);
        assert_eq!(page.entries[0].heading, None);
        assert_eq!(page.entries[1].heading.as_deref(), Some("Keeping data"));
        // Nothing of it is in an empty current draft.
        assert!(page.entries.iter().all(|e| e.now == Now::Removed));
        assert_eq!(
            view.place_of("keep-b").as_deref(),
            Some("code/keeping.html#keep-b")
        );
        assert_eq!(view.place_of("keep-z"), None);
        assert!(view.page("code/other.html", &Corpus::default()).is_none());
    }
}
