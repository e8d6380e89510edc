//! Typst markup for a PDF edition, made from the corpus.
//!
//! Every piece of the book's text goes into the markup as a Typst string literal
//! (`#"…"`, escaped by [`string`]), never as markup, so nothing a drafter writes can
//! become Typst code, a heading or a link. Labels are made from ids by [`label`]
//! (hex-escaped to Typst's label alphabet). Cross-references become links only to
//! paragraphs of the same document.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::book::corpus::BlockKind;
use crate::book::{Corpus, Entry, EntryKind, Part};

/// The words of the document that are not the book's (from the Fluent catalogue).
#[derive(Debug, Clone)]
pub struct Words {
    /// "Contents".
    pub contents: String,
    /// "Glossary".
    pub glossary: String,
    /// "Consultation questions".
    pub questions: String,
    /// "Version 0.1" (already filled in).
    pub version: String,
    /// "Published 30 November 2026" (already filled in).
    pub published: String,
    /// What the document is, e.g. "The Code of Practice" or "Public guide".
    pub subtitle: String,
}

/// What a PDF edition holds.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The corpus (of the English book or of a translation).
    pub corpus: &'a Corpus,
    /// The Code or the guide.
    pub part: Part,
    /// The text's language, e.g. `en`, and region, e.g. `gb`.
    pub lang: &'a str,
    /// The region of the language, if any.
    pub region: Option<&'a str>,
    /// The book's title.
    pub title: &'a str,
    /// The draft's status.
    pub status: &'a str,
    /// The publication date (the document's metadata date), if known.
    pub date: Option<jiff::civil::Date>,
    /// The glossary chapter's source path, added at the end.
    pub glossary: Option<&'a str>,
    /// Chapters whose text is generated for the web only (the aims matrix).
    pub skip: Vec<&'a str>,
    /// The consultation questions (chapter source, question), when this is a consultation
    /// draft of the Code.
    pub questions: Vec<(String, String)>,
    /// The words around the book's text.
    pub words: Words,
}

/// `s` as a Typst string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Typst label literal for `id` with `prefix`: letters, digits, `-` and `_` kept, every
/// other character as `.HEX.` (`.` is in Typst's label alphabet and in no id we make).
pub fn label(prefix: &str, id: &str) -> String {
    let mut out = format!("<{prefix}-");
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            let _ = write!(out, ".{:x}.", c as u32);
        }
    }
    out.push('>');
    out
}

/// The document's preamble: metadata, language, page, running heads, title page and
/// contents.
fn preamble(doc: &Document, out: &mut String) {
    let date = match doc.date {
        Some(d) => format!(
            "datetime(year: {}, month: {}, day: {})",
            d.year(),
            d.month(),
            d.day()
        ),
        None => "none".to_string(),
    };
    let title = format!("{}: {}", doc.title, doc.words.subtitle);
    let region = doc
        .region
        .map(|r| format!(", region: {}", string(r)))
        .unwrap_or_default();
    let _ = write!(
        out,
        r##"#set document(title: {title}, date: {date})
#set text(lang: {lang}{region}, font: "Libertinus Serif", size: 11pt)
#set par(justify: false, spacing: 0.9em)
#set heading(numbering: none)
#show heading.where(level: 1): it => {{ pagebreak(weak: true); set text(size: 18pt); it; v(0.4em) }}
#show heading.where(level: 2): set text(size: 13pt)
#show link: set text(fill: rgb("#1d4f91"))
#show link: underline
#let running = {version}
#set page(paper: "a4", margin: (x: 2.4cm, top: 2.8cm, bottom: 2.4cm),
  header: context {{
    let here-page = here().page()
    let started = query(heading.where(level: 1)).filter(h => h.location().page() <= here-page)
    if here-page > 1 {{
      set text(size: 9pt)
      grid(columns: (1fr, auto), if started.len() > 0 {{ started.last().body }}, running)
      line(length: 100%, stroke: 0.4pt)
    }}
  }},
  footer: context {{ if here().page() > 1 {{ align(center, text(size: 9pt, counter(page).display())) }} }})
#align(center + horizon)[
  #title({book_title})
  #text(size: 16pt, {subtitle})
  #v(2em)
  #text(size: 13pt, {version})\
  #text(size: 13pt, {status})\
  #text(size: 13pt, {published})
]
#pagebreak()
#outline(title: {contents}, depth: 2)
"##,
        title = string(&title),
        book_title = string(doc.title),
        lang = string(doc.lang),
        version = string(&doc.words.version),
        subtitle = string(&doc.words.subtitle),
        status = string(doc.status),
        published = string(&doc.words.published),
        contents = string(&doc.words.contents),
    );
}

/// Text with its cross-references as links to paragraphs of this document: `cited`
/// (the text with `{{#cite id}}` kept) tells where each reference is in `text`; when the
/// two do not line up, the text goes in whole, without links.
fn linked_text(entry: &Entry, labelled: &HashSet<&str>) -> String {
    let plain = || format!("#{}", string(&entry.text));
    let Some(cited) = &entry.cited_text else {
        return plain();
    };
    // Literal pieces and the cite ids between them.
    let mut pieces: Vec<&str> = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    let mut rest = cited.as_str();
    while let Some(at) = rest.find("{{#cite ") {
        pieces.push(&rest[..at]);
        let after = &rest[at + "{{#cite ".len()..];
        let Some(end) = after.find("}}") else {
            return plain();
        };
        ids.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    pieces.push(rest);
    let mut out = String::new();
    let mut text = entry.text.as_str();
    for (i, piece) in pieces.iter().enumerate() {
        let Some(after) = text.strip_prefix(piece) else {
            return plain();
        };
        if !piece.is_empty() {
            out.push('#');
            out.push_str(&string(piece));
        }
        text = after;
        let Some(id) = ids.get(i) else { break };
        // The reference's words run to the next literal piece (or the end).
        let next = pieces[i + 1];
        let end = if next.is_empty() {
            if i + 2 == pieces.len() {
                text.len()
            } else {
                return plain();
            }
        } else {
            match text.find(next) {
                Some(end) => end,
                None => return plain(),
            }
        };
        let words = &text[..end];
        if labelled.contains(id) {
            let _ = write!(out, "#link({})[#{}]", label("p", id), string(words));
        } else {
            let _ = write!(out, "#{}", string(words));
        }
        text = &text[end..];
    }
    if !text.is_empty() {
        return plain();
    }
    out
}

/// The chapter's own top section: its id is the chapter's id.
fn is_top(entry: &Entry, chapter_id: &str) -> bool {
    entry.kind == EntryKind::Section && entry.id == chapter_id
}

/// The glossary: each list item `Term: explanation` as a term of a term list; the
/// chapter's other text as paragraphs.
fn glossary(doc: &Document, source: &str, out: &mut String) {
    let Some(chapter) = doc.corpus.chapter(source) else {
        return;
    };
    let _ = writeln!(
        out,
        "\n#heading(level: 1, {}) {}",
        string(&doc.words.glossary),
        label("ch", &chapter.id)
    );
    let items: Vec<(&str, &str)> = chapter
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem)
        .filter_map(|b| b.text.split_once(": "))
        .collect();
    if items.is_empty() {
        // A corpus read back from corpus.json has no blocks: the glossary's text as it is.
        for e in doc.corpus.entries.iter().filter(|e| e.source == source) {
            if !e.text.is_empty() {
                let _ = writeln!(out, "\n#{}\n", string(&e.text));
            }
        }
        return;
    }
    for b in chapter
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph)
    {
        let _ = writeln!(out, "\n#{}\n", string(&b.text));
    }
    out.push_str("\n#terms(\n");
    for (term, explanation) in items {
        let _ = writeln!(
            out,
            "  terms.item({}, {}),",
            string(term.trim()),
            string(explanation.trim())
        );
    }
    out.push_str(")\n");
}

/// The whole document's Typst markup.
pub fn markup(doc: &Document) -> String {
    let mut out = String::new();
    preamble(doc, &mut out);
    let chapters: Vec<_> = doc
        .corpus
        .chapters
        .iter()
        .filter(|c| c.part == doc.part)
        .filter(|c| Some(c.source.as_str()) != doc.glossary)
        .filter(|c| !doc.skip.contains(&c.source.as_str()))
        .collect();
    let sources: HashSet<&str> = chapters.iter().map(|c| c.source.as_str()).collect();
    let labelled: HashSet<&str> = doc
        .corpus
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Provision && sources.contains(e.source.as_str()))
        .map(|e| e.id.as_str())
        .collect();
    for chapter in &chapters {
        let _ = writeln!(
            out,
            "\n#heading(level: 1, {}) {}",
            string(&chapter.title),
            label("ch", &chapter.id)
        );
        for entry in doc
            .corpus
            .entries
            .iter()
            .filter(|e| e.source == chapter.source)
        {
            match entry.kind {
                EntryKind::Section => {
                    if !is_top(entry, &chapter.id) {
                        let _ = writeln!(out, "\n#heading(level: 2, {})", string(&entry.title));
                    }
                    if !entry.text.is_empty() {
                        let _ = writeln!(out, "\n{}\n", linked_text(entry, &labelled));
                    }
                }
                EntryKind::Provision => {
                    let number = entry.number.as_deref().unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "\n#par(hanging-indent: 2.8em)[#box(width: 2.8em, strong({})){}]{}\n",
                        string(number),
                        linked_text(entry, &labelled),
                        label("p", &entry.id)
                    );
                }
            }
        }
    }
    if let Some(source) = doc.glossary {
        glossary(doc, source, &mut out);
    }
    if !doc.questions.is_empty() {
        let _ = writeln!(
            out,
            "\n#heading(level: 1, {}) {}",
            string(&doc.words.questions),
            label("ch", "questions")
        );
        let mut chapters: Vec<&str> = Vec::new();
        for (c, _) in &doc.questions {
            if !chapters.contains(&c.as_str()) {
                chapters.push(c);
            }
        }
        for source in chapters {
            let title = doc
                .corpus
                .chapter(source)
                .map_or(source, |c| c.title.as_str());
            let _ = writeln!(out, "\n#heading(level: 2, {})\n#enum(", string(title));
            for (_, q) in doc.questions.iter().filter(|(c, _)| c == source) {
                let _ = writeln!(out, "  {},", string(q));
            }
            out.push_str(")\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_a_string_never_markup() {
        assert_eq!(string(r#"a "b" \ #c"#), r#""a \"b\" \\ #c""#);
        assert_eq!(string("line\nnext\u{7}"), r#""line\nnext\u{7}""#);
        assert_eq!(label("p", "code/x#y z"), "<p-code.2f.x.23.y.20.z>");
    }
}
