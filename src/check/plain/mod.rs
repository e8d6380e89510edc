//! Plain language in the public guide: readability of each page, sentence length, and
//! acronyms explained on first use.
//!
//! This module owns what "the prose of a guide page" is and how it is scored, so that the
//! check, `copbook check --format json` and the comparison with a reference
//! implementation all score the same text:
//!
//! - The prose is the page's paragraphs, list items and block quotes, in order, except
//!   blocks made only of links (navigation). Headings, code blocks, tables and HTML are
//!   not prose. Cites read as they render, "paragraph 4.3".
//! - Each block is split into sentences ([`readability::sentence_ranges`]); the end of a
//!   block ends a sentence, so each list item is read on its own.
//! - Words, syllables and the Flesch reading ease and Flesch-Kincaid grade are computed as
//!   described in [`readability`], over the whole page.
//!
//! Rules, all warnings, thresholds from `[preprocessor.copbook.plain-language]`:
//!
//! - `readability`: a page whose grade is above `max-grade` or whose reading ease is below
//!   `min-reading-ease`, with its three longest sentences;
//! - `long-sentence`: a sentence of more than `max-sentence-words` words;
//! - `unexplained-acronym`, `unknown-acronym`: see [`acronyms`].

pub mod acronyms;
pub mod readability;

use serde::Serialize;

use crate::book::Corpus;
use crate::book::corpus::{BlockKind, Chapter, find_cites};
use crate::config::{BookSettings, CodeSettings, PlainLanguage};
use crate::diagnostic::{Diagnostic, LineIndex};
use readability::Counts;

/// The readability scores of one guide page, as `copbook check --format json` reports them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageReadability {
    /// The chapter's path relative to `src`, as in `corpus.json`.
    pub source: String,
    /// Flesch-Kincaid grade, rounded to two decimals; `null` for a page without prose.
    pub grade: Option<f64>,
    /// Flesch reading ease, rounded to two decimals; `null` for a page without prose.
    pub reading_ease: Option<f64>,
    /// Words of prose.
    pub words: usize,
    /// Sentences of prose.
    pub sentences: usize,
    /// Syllables, as counted by [`readability::syllables`].
    pub syllables: usize,
}

/// One sentence of a page's prose.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Its text, cites resolved to "paragraph N".
    pub text: String,
    /// The source line it starts on.
    pub line: usize,
    /// Its words and syllables.
    pub counts: Counts,
}

/// The sentences of a chapter's prose, in order (see the module documentation).
pub fn sentences(corpus: &Corpus, chapter: &Chapter) -> Vec<Sentence> {
    sentence_texts(corpus, chapter)
        .filter_map(|(text, line)| {
            let counts = readability::sentence_counts(&text);
            (counts.words > 0).then_some(Sentence { text, line, counts })
        })
        .collect()
}

/// The sentences of a chapter's prose with the lines they start on, as [`sentences`]
/// splits them but without counting their words and syllables (so a sentence without
/// words may be among them).
pub fn sentence_texts<'a>(
    corpus: &'a Corpus,
    chapter: &'a Chapter,
) -> impl Iterator<Item = (String, usize)> + 'a {
    chapter
        .blocks
        .iter()
        .filter(|block| {
            let prose = matches!(
                block.kind,
                BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Quote
            );
            prose && !block.only_links
        })
        .flat_map(move |block| {
            readability::sentence_ranges(&block.text)
                .into_iter()
                .map(move |range| {
                    (
                        resolve_cites(corpus, &block.text[range.clone()]),
                        block.line_at(range.start),
                    )
                })
        })
}

/// The prose of a chapter exactly as it is scored: one sentence a line, each ending in
/// `.`, `!` or `?` (a full stop is added to a sentence ending otherwise, such as a list
/// item ending in `;`), so that a tool splitting sentences at those marks sees the same
/// sentences. Used to compare our scores with a reference implementation.
pub fn prose_text(corpus: &Corpus, chapter: &Chapter) -> String {
    let mut out = String::new();
    for s in sentences(corpus, chapter) {
        out.push_str(&s.text);
        let ends = s
            .text
            .trim_end_matches([')', ']', '"', '\'', '”', '’', '»'])
            .ends_with(['.', '!', '?']);
        if !ends {
            out.push('.');
        }
        out.push('\n');
    }
    out
}

/// The readability scores of every page of the public guide, in reading order.
pub fn readability(code: &CodeSettings, corpus: &Corpus) -> Vec<PageReadability> {
    guide_pages(code, corpus)
        .map(|chapter| {
            let counts = page_counts(&sentences(corpus, chapter));
            PageReadability {
                source: chapter.source.clone(),
                grade: counts.grade().map(round2),
                reading_ease: counts.reading_ease().map(round2),
                words: counts.words,
                sentences: counts.sentences,
                syllables: counts.syllables,
            }
        })
        .collect()
}

/// Plain-language findings for every page of the public guide.
pub fn check(settings: &BookSettings, code: &CodeSettings, corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let glossary = acronyms::Glossary::from_settings(code, corpus);
    for chapter in guide_pages(code, corpus) {
        let path = settings.src_dir.join(&chapter.source);
        let sentences = sentences(corpus, chapter);
        if let Some(d) = page_readability(&code.plain_language, &sentences) {
            out.push(Diagnostic::warning(&path, 1, "readability", d));
        }
        let max = code.plain_language.max_sentence_words;
        for s in sentences.iter().filter(|s| s.counts.words > max) {
            out.push(Diagnostic::warning(
                &path,
                s.line,
                "long-sentence",
                format!(
                    "sentence of {} words is longer than the limit of {max}: “{}”",
                    s.counts.words,
                    opening(&s.text)
                ),
            ));
        }
        if let Some(glossary) = &glossary {
            out.extend(glossary.check(settings, chapter));
        }
    }
    out
}

/// The chapters of the public guide.
fn guide_pages<'a>(
    code: &'a CodeSettings,
    corpus: &'a Corpus,
) -> impl Iterator<Item = &'a Chapter> + 'a {
    corpus.chapters.iter().filter(|c| code.is_guide(&c.source))
}

fn page_counts(sentences: &[Sentence]) -> Counts {
    let mut counts = Counts::default();
    for s in sentences {
        counts += s.counts;
    }
    counts
}

/// The message for a page above the thresholds, if it is.
fn page_readability(limits: &PlainLanguage, sentences: &[Sentence]) -> Option<String> {
    let counts = page_counts(sentences);
    let (grade, ease) = (round1(counts.grade()?), round1(counts.reading_ease()?));
    let too_hard = grade > limits.max_grade;
    let too_dense = ease < limits.min_reading_ease;
    if !too_hard && !too_dense {
        return None;
    }
    let mut longest: Vec<&Sentence> = sentences.iter().collect();
    longest.sort_by(|a, b| {
        b.counts
            .words
            .cmp(&a.counts.words)
            .then(a.line.cmp(&b.line))
    });
    let longest: Vec<String> = longest
        .iter()
        .take(3)
        .map(|s| format!("line {} ({} words)", s.line, s.counts.words))
        .collect();
    let (max_grade, min_ease) = (limits.max_grade, limits.min_reading_ease);
    let head = if too_hard {
        format!(
            "reading grade {grade:.1} is above the limit of {max_grade} (reading ease {ease:.1}, limit {min_ease})"
        )
    } else {
        format!(
            "reading ease {ease:.1} is below the limit of {min_ease} (reading grade {grade:.1}, limit {max_grade})"
        )
    };
    Some(format!("{head}; longest sentences: {}", longest.join(", ")))
}

/// The first words of a sentence, to name it in a message.
fn opening(text: &str) -> String {
    const WORDS: usize = 8;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= WORDS {
        words.join(" ")
    } else {
        format!("{}…", words[..WORDS].join(" "))
    }
}

/// Replaces each `{{#cite id}}` by "paragraph N", as the rendered page reads.
fn resolve_cites(corpus: &Corpus, text: &str) -> String {
    if !text.contains("{{#cite") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for cite in find_cites(text, &LineIndex::new(text)) {
        out.push_str(&text[last..cite.range.start]);
        let number = corpus.get(&cite.id).and_then(|e| e.number.as_deref());
        out.push_str("paragraph ");
        out.push_str(number.unwrap_or("?"));
        last = cite.range.end;
    }
    out.push_str(&text[last..]);
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_words() {
        assert_eq!(opening("One two three."), "One two three.");
        assert_eq!(
            opening("One two three four five six seven eight nine ten."),
            "One two three four five six seven eight…"
        );
    }

    #[test]
    fn readability_message() {
        let sentence = |line, words: usize, syllables| Sentence {
            text: String::new(),
            line,
            counts: Counts {
                words,
                sentences: 1,
                syllables,
            },
        };
        let limits = PlainLanguage::default();
        let easy = [sentence(3, 10, 12)];
        assert_eq!(page_readability(&limits, &easy), None);
        let hard = [
            sentence(3, 30, 60),
            sentence(5, 31, 60),
            sentence(9, 12, 20),
            sentence(12, 30, 50),
        ];
        // 103 words, 4 sentences, 190 syllables.
        assert_eq!(
            page_readability(&limits, &hard).as_deref(),
            Some(
                "reading grade 16.2 is above the limit of 9 (reading ease 24.6, limit 60); longest sentences: line 5 (31 words), line 3 (30 words), line 12 (30 words)"
            )
        );
    }
}
