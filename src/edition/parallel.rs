//! English and Welsh side by side: a chapter's provisions and sections paired by id,
//! never by position, so that a paragraph the translation lacks (or has alone) leaves a
//! gap on one side instead of shifting every pair after it.

use serde::Serialize;

use crate::book::{Corpus, Entry};

/// One row of the side-by-side view: the same id in both languages, either side possibly
/// missing.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// The shared id.
    pub id: String,
    /// The English text and number.
    pub english: Option<Side>,
    /// The Welsh text and number.
    pub welsh: Option<Side>,
}

/// One side of a row.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// A section's heading (its title), unless it is the chapter's top section.
    pub heading: Option<String>,
    /// A provision's number.
    pub number: Option<String>,
    /// The plain text.
    pub text: String,
}

fn side(e: &Entry, chapter_id: &str) -> Side {
    Side {
        heading: (e.number.is_none() && e.id != chapter_id).then(|| e.title.clone()),
        number: e.number.clone(),
        text: e.text.clone(),
    }
}

/// The rows of chapter `chapter_id` (e.g. `code/sharing`): the English reading order,
/// with each Welsh entry of the same id beside its English one, and a Welsh entry
/// without an English counterpart after the row of the Welsh entry before it.
pub fn pair_chapter(english: &Corpus, welsh: &Corpus, chapter_id: &str) -> Vec<Pair> {
    let source = format!("{chapter_id}.md");
    let in_chapter = |c: &'_ Corpus| -> Vec<Entry> {
        c.entries
            .iter()
            .filter(|e| e.source == source)
            .cloned()
            .collect()
    };
    let (en, cy) = (in_chapter(english), in_chapter(welsh));
    let mut rows: Vec<Pair> = en
        .iter()
        .map(|e| Pair {
            id: e.id.clone(),
            english: Some(side(e, chapter_id)),
            welsh: cy
                .iter()
                .find(|w| w.id == e.id)
                .map(|w| side(w, chapter_id)),
        })
        .collect();
    let mut after: Option<String> = None;
    for w in &cy {
        if en.iter().any(|e| e.id == w.id) {
            after = Some(w.id.clone());
            continue;
        }
        let at = after
            .as_ref()
            .and_then(|id| rows.iter().position(|r| &r.id == id))
            .map_or(0, |i| i + 1);
        rows.insert(
            at,
            Pair {
                id: w.id.clone(),
                english: None,
                welsh: Some(side(w, chapter_id)),
            },
        );
        after = Some(w.id.clone());
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{EntryKind, Part};

    fn entry(id: &str, number: Option<&str>, text: &str) -> Entry {
        Entry {
            id: id.into(),
            kind: if number.is_some() {
                EntryKind::Provision
            } else {
                EntryKind::Section
            },
            number: number.map(str::to_string),
            part: Part::Code,
            theme: None,
            aims: Vec::new(),
            source: "code/a.md".into(),
            line: 1,
            url: "code/a.html".into(),
            title: "A".into(),
            breadcrumb: String::new(),
            text: text.into(),
            cites: Vec::new(),
            cited_text: None,
            change: None,
        }
    }

    fn corpus(entries: Vec<Entry>) -> Corpus {
        let mut corpus = Corpus::default();
        corpus.entries = entries;
        corpus
    }

    #[test]
    fn pairs_by_id_not_by_position() {
        let english = corpus(vec![
            entry("code/a", None, "Intro."),
            entry("a-one", Some("1.1"), "One."),
            entry("a-two", Some("1.2"), "Two."),
            entry("a-three", Some("1.3"), "Three."),
        ]);
        // The translation lacks a-two, has its own a-extra, and holds a-three first.
        let welsh = corpus(vec![
            entry("code/a", None, "Cyflwyniad."),
            entry("a-three", Some("1.3"), "Tri."),
            entry("a-one", Some("1.1"), "Un."),
            entry("a-extra", None, "Ychwanegol."),
        ]);
        let rows = pair_chapter(&english, &welsh, "code/a");
        let shown: Vec<(&str, Option<&str>, Option<&str>)> = rows
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    r.english.as_ref().map(|s| s.text.as_str()),
                    r.welsh.as_ref().map(|s| s.text.as_str()),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("code/a", Some("Intro."), Some("Cyflwyniad.")),
                ("a-one", Some("One."), Some("Un.")),
                ("a-extra", None, Some("Ychwanegol.")),
                ("a-two", Some("Two."), None),
                ("a-three", Some("Three."), Some("Tri.")),
            ]
        );
        assert_eq!(
            rows[0].english.as_ref().and_then(|s| s.heading.clone()),
            None
        );
        assert_eq!(
            rows[1]
                .welsh
                .as_ref()
                .and_then(|s| s.number.clone())
                .as_deref(),
            Some("1.1")
        );
    }
}
