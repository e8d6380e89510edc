//! Acronyms on guide pages: each acronym of the glossary is explained on its first use on
//! a page, and no word in capitals is used that the glossary does not explain.
//!
//! The glossary is the chapter `glossary-chapter` names. Each of its list items reads
//! `**TERM**: Expansion. Explanation…`; a term in capitals (two letters or more, digits
//! allowed, as in `IDENT1`) is an acronym and its first sentence is its expansion. Other
//! terms ("Custody image") are plain terms and play no part here.
//!
//! On a guide page, an acronym's first use in the prose is *explained* when its expansion
//! comes right before it, as in "Law Enforcement Data Service (LEDS)", or right after it,
//! as in "LEDS (Law Enforcement Data Service)" (the expansion is compared without regard
//! to case), or when that use is the text of a link to the glossary. Headings are titles,
//! not where a reader is told what an acronym means: an acronym in a heading neither needs
//! nor gives the explanation, though an unknown word in capitals in a heading is reported.
//!
//! A word of two capitals or more (a plural such as `DPIAs` counts as `DPIA`) that is not
//! in the glossary is reported once per page; one with digits is reported only if it is
//! in the glossary. Words in capitals inside inline code or a `{{#cite …}}` are ignored.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::book::Corpus;
use crate::book::corpus::{BlockKind, Chapter, SpanKind};
use crate::check::links;
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::Diagnostic;

use super::readability::sentence_ranges;

/// The acronyms of a book's glossary.
#[derive(Debug, Clone)]
pub struct Glossary {
    /// The glossary chapter, relative to `src`.
    source: String,
    /// Each acronym and its expansion.
    acronyms: HashMap<String, String>,
}

impl Glossary {
    /// The glossary named in the settings, if it names one that is a chapter of the book.
    pub fn from_settings(code: &CodeSettings, corpus: &Corpus) -> Option<Glossary> {
        let chapter = corpus.chapter(code.glossary_chapter.as_deref()?)?;
        Some(Glossary::from_chapter(chapter))
    }

    /// Reads the acronyms from the list items of a glossary chapter.
    pub fn from_chapter(chapter: &Chapter) -> Glossary {
        let acronyms = chapter
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::ListItem)
            .filter_map(|b| {
                let (term, definition) = b.text.split_once(':')?;
                let term = term.trim();
                if !is_capitals(term) {
                    return None;
                }
                let definition = definition.trim();
                let first = sentence_ranges(definition)
                    .into_iter()
                    .next()
                    .map_or(definition, |r| &definition[r]);
                let expansion = first.trim_end_matches('.').trim();
                Some((term.to_string(), expansion.to_string()))
            })
            .collect();
        Glossary {
            source: chapter.source.clone(),
            acronyms,
        }
    }

    /// The expansion of an acronym, if the glossary has it.
    pub fn expansion(&self, acronym: &str) -> Option<&str> {
        self.acronyms.get(acronym).map(String::as_str)
    }

    /// Findings for one guide page.
    pub fn check(&self, settings: &BookSettings, chapter: &Chapter) -> Vec<Diagnostic> {
        let path = settings.src_dir.join(&chapter.source);
        let mut out = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut unknown: HashSet<String> = HashSet::new();
        for block in &chapter.blocks {
            let heading = match block.kind {
                BlockKind::Heading => true,
                BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Quote => false,
                BlockKind::Other => continue,
            };
            let ignored: Vec<Range<usize>> = block
                .spans
                .iter()
                .filter(|s| s.kind == SpanKind::Code)
                .map(|s| s.range.clone())
                .chain(cite_ranges(&block.text))
                .collect();
            for (range, word) in capital_words(&block.text) {
                if ignored
                    .iter()
                    .any(|r| r.start <= range.start && range.end <= r.end)
                {
                    continue;
                }
                let line = block.line_at(range.start);
                let Some(acronym) = self.lookup(word) else {
                    if !word.chars().any(|c| c.is_ascii_digit()) && unknown.insert(word.to_string())
                    {
                        out.push(Diagnostic::warning(
                            &path,
                            line,
                            "unknown-acronym",
                            format!(
                                "{word} is in capitals but not in the glossary ({}): add it or write it out",
                                self.source
                            ),
                        ));
                    }
                    continue;
                };
                if heading || !seen.insert(acronym.to_string()) {
                    continue;
                }
                let expansion = self.expansion(acronym).unwrap_or_default();
                let linked = block.spans.iter().any(|s| {
                    s.range.start <= range.start
                        && range.end <= s.range.end
                        && matches!(&s.kind, SpanKind::Link(dest) if self.is_glossary_link(&chapter.source, dest))
                });
                if linked || expanded(&block.text, range.clone(), expansion) {
                    continue;
                }
                out.push(Diagnostic::warning(
                    &path,
                    line,
                    "unexplained-acronym",
                    format!(
                        "acronym {acronym} is used before it is explained: write “{expansion} ({acronym})” or link it to the glossary"
                    ),
                ));
            }
        }
        out
    }

    /// The glossary acronym a word in capitals is (itself, or its singular).
    fn lookup<'w>(&self, word: &'w str) -> Option<&'w str> {
        if self.acronyms.contains_key(word) {
            return Some(word);
        }
        word.strip_suffix('s')
            .filter(|w| self.acronyms.contains_key(*w))
    }

    /// Whether a link from `from` to `dest` goes to the glossary page.
    fn is_glossary_link(&self, from: &str, dest: &str) -> bool {
        let path = dest.split(['#', '?']).next().unwrap_or_default();
        if path.is_empty() {
            return from == self.source;
        }
        let Some(target) = links::resolve(from, path) else {
            return false;
        };
        let target = match target.strip_suffix(".html") {
            Some(stem) => format!("{stem}.md"),
            None => target,
        };
        target == self.source
    }
}

/// Whether `text` is a term in capitals: two letters or more, no lowercase letter, only
/// letters and digits.
fn is_capitals(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && text.chars().filter(char::is_ascii_uppercase).count() >= 2
}

/// The words in capitals of `text` with their byte ranges; a plural `s` is dropped
/// (`DPIAs` → `DPIA`).
fn capital_words(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        let Some(s) = start.take() else {
            continue;
        };
        let word = &text[s..i];
        let word = match word.strip_suffix('s') {
            Some(singular) if is_capitals(singular) => singular,
            _ => word,
        };
        if is_capitals(word) {
            out.push((s..s + word.len(), word));
        }
    }
    out
}

/// Byte ranges of the `{{#cite …}}` in `text`.
fn cite_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{#cite") {
        let start = from + i;
        let end = text[start..]
            .find("}}")
            .map_or(text.len(), |j| start + j + 2);
        out.push(start..end);
        from = end;
    }
    out
}

/// Whether the word at `range` of `text` is expanded: "Expansion (WORD)" or
/// "WORD (Expansion)".
fn expanded(text: &str, range: Range<usize>, expansion: &str) -> bool {
    if expansion.is_empty() {
        return false;
    }
    let expansion = normalise(expansion);
    let before = text[..range.start].trim_end();
    if let Some(before) = before.strip_suffix('(') {
        let before = normalise(before);
        if let Some(head) = before.strip_suffix(&expansion)
            && !head.chars().last().is_some_and(char::is_alphanumeric)
        {
            return true;
        }
    }
    let after = text[range.end..].trim_start();
    if let Some(after) = after.strip_prefix('(') {
        let after = normalise(after);
        if let Some(tail) = after.strip_prefix(&expansion)
            && !tail.chars().next().is_some_and(char::is_alphanumeric)
        {
            return true;
        }
    }
    false
}

/// Lowercase, single spaces, straight apostrophes: how expansions are compared.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['’', '‘'], "'")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals() {
        let text = "The LEDS and the ICO's DPIAs, not I or Ab or IDENT1 or A1 (NCA).";
        let words: Vec<&str> = capital_words(text).into_iter().map(|(_, w)| w).collect();
        assert_eq!(words, ["LEDS", "ICO", "DPIA", "IDENT1", "NCA"]);
    }

    #[test]
    fn expansions() {
        let exp = "Law Enforcement Data Service";
        let check = |text: &str| {
            let at = text.find("LEDS").unwrap_or_default();
            expanded(text, at..at + 4, exp)
        };
        assert!(check("The Law Enforcement Data Service (LEDS) is new."));
        assert!(check("The law enforcement data service  ( LEDS) is new."));
        assert!(check("LEDS (Law Enforcement Data Service) is new."));
        assert!(!check("LEDS is the Law Enforcement Data Service."));
        assert!(!check("The Law Enforcement Data Service, LEDS, is new."));
        assert!(!check("The Biglaw Enforcement Data Service (LEDS) is new."));
    }

    #[test]
    fn cites_are_skipped() {
        assert_eq!(cite_ranges("a {{#cite x}} b {{#cite y}}"), [2..13, 16..27]);
    }
}
