//! Pairing a translation with the source text, provision by provision and section by
//! section, by id: what `copbook check` reports per language, and
//! `copbook translations mark-current`.
//!
//! A Welsh section carries its English counterpart's id (`## Pennawd {#english-anchor}`;
//! a chapter pairs by its path) and records which English text it was made from: a short
//! hash of that text in its heading's attributes or its marker, `{#id en=3fa2c1}`. When
//! the English changes, the hash no longer matches and the check says the translation is
//! stale; once the Welsh is brought up to date, `mark-current` records the new hash.
//!
//! Findings, per translation:
//! - a chapter with no translation at all: one warning for the chapter (the shipped
//!   book's Code chapters are English-only in this draft: listed, not hidden);
//! - in a translated chapter, an English provision or section without a counterpart: a
//!   warning;
//! - in a chapter the source also has, a translated provision or section whose id no
//!   English one has: an error (it pairs with nothing: comments and cites would be lost);
//! - a chapter only the translation has (a notice, say): one warning for the chapter;
//! - a translation that records no English text, or an older one: a warning;
//! - a term of the source's glossary used in the translation's guide with no entry in the
//!   translation's glossary (`untranslated-glossary-term`): a warning, once a term. A term
//!   is used when an acronym of the glossary ("LEDS", "DBS") appears as written, a plain
//!   term appears in any case, or a link to the glossary is made from its text. An entry of
//!   the translated glossary (`**Term** (English term): …`) names its term and, in
//!   brackets, the source's term it stands for, so "**Cudd-wybodaeth** (Intelligence)"
//!   covers both words.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::book::corpus::{BlockKind, Chapter, SpanKind};
use crate::book::{self, BookError, Corpus, Entry, EntryKind, LoadedBook};
use crate::config::{BookSettings, Translation};
use crate::diagnostic::Diagnostic;

/// Why a translation could not be read or marked.
#[derive(Debug, thiserror::Error)]
pub enum TranslationsError {
    /// The book or a translation could not be loaded.
    #[error(transparent)]
    Book(#[from] BookError),
    /// The translation's settings could not be applied.
    #[error("{0}")]
    Settings(String),
    /// An id asked for is not in any translation.
    #[error(
        "no translated section or provision has the id `{0}` (ids are the English ones: see `copbook check`)"
    )]
    UnknownId(String),
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// A short, stable hash of a text (6 hex digits of 64-bit FNV-1a): which English text a
/// translation was made from. Stable across platforms and Rust versions, unlike `Hash`.
pub fn source_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.trim().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:06x}", hash >> 40)
}

/// The `en=` hash recorded on a heading or marker line, if any.
pub fn recorded_hash(line: &str) -> Option<&str> {
    let open = line.rfind('{').or_else(|| line.find("{#"))?;
    let close = open + line[open..].find('}')?;
    line[open + 1..close]
        .split_whitespace()
        .find_map(|attr| attr.strip_prefix("en="))
}

/// A translation loaded beside its source.
pub struct LoadedTranslation {
    /// Its settings from book.toml.
    pub settings: Translation,
    /// The loaded translation.
    pub book: LoadedBook,
}

/// Loads every translation of the loaded source book.
pub fn load(source: &BookSettings) -> Result<Vec<LoadedTranslation>, TranslationsError> {
    let mut out = Vec::new();
    for translation in source.code.iter().flat_map(|c| &c.languages) {
        let settings = translation_settings(source, translation)?;
        out.push(LoadedTranslation {
            settings: translation.clone(),
            book: book::load_with(settings)?,
        });
    }
    Ok(out)
}

/// The settings of a translation's book: the source's, with its own source folder,
/// title, description, status and language.
pub fn translation_settings(
    source: &BookSettings,
    translation: &Translation,
) -> Result<BookSettings, TranslationsError> {
    let mut mdbook = source.mdbook.clone();
    let mut set = |key: &str, value: &str| {
        mdbook.set(key, value).map_err(|e| {
            TranslationsError::Settings(format!(
                "{}: cannot set {key} for languages.{}: {e:#}",
                source.root.join("book.toml").display(),
                translation.code
            ))
        })
    };
    set("book.src", &translation.src)?;
    set("book.title", &translation.title)?;
    set("book.language", &translation.code)?;
    if let Some(description) = &translation.description {
        set("book.description", description)?;
    }
    let code = source.code.clone().map(|mut code| {
        if let Some(status) = &translation.status {
            code.status = status.clone();
        }
        code.languages.clear();
        // The consultation's questions in this language, where it has them.
        if let Some(consultation) = code.consultation.as_mut() {
            for question in &mut consultation.questions {
                if let Some(text) = translation.questions.get(&question.id) {
                    question.question.clone_from(text);
                }
            }
        }
        code
    });
    Ok(BookSettings {
        root: source.root.clone(),
        src_dir: source.root.join(&translation.src),
        title: translation.title.clone(),
        mdbook,
        toml_text: source.toml_text.clone(),
        code,
        preview: false,
    })
}

fn what(entry: &Entry) -> String {
    match (&entry.kind, &entry.number) {
        (EntryKind::Provision, Some(n)) => format!("paragraph {n} ({})", entry.id),
        _ => format!("section “{}” ({})", entry.title, entry.id),
    }
}

/// Every finding about one translation against its source.
pub fn check(
    source: &BookSettings,
    source_corpus: &Corpus,
    translation: &Translation,
    translated: &BookSettings,
    translated_corpus: &Corpus,
) -> Vec<Diagnostic> {
    let code = &translation.code;
    let mut out = Vec::new();
    let translated_chapters: BTreeSet<&str> = translated_corpus
        .chapters
        .iter()
        .map(|c| c.source.as_str())
        .collect();
    let mut by_chapter: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for entry in &source_corpus.entries {
        by_chapter
            .entry(entry.source.as_str())
            .or_default()
            .push(entry);
    }
    for chapter in &source_corpus.chapters {
        let entries = by_chapter
            .get(chapter.source.as_str())
            .map_or(&[][..], |v| &v[..]);
        let path = source.src_dir.join(&chapter.source);
        if !translated_chapters.contains(chapter.source.as_str()) {
            out.push(Diagnostic::warning(
                &path,
                1,
                "untranslated-chapter",
                format!(
                    "chapter “{}” has no translation ({code}): its {} sections and paragraphs are in English only, and the {code} site links to them; to translate it, add {}/{} to {}/SUMMARY.md",
                    chapter.title,
                    entries.len(),
                    translation.src,
                    chapter.source,
                    translation.src,
                ),
            ));
            continue;
        }
        for entry in entries {
            if translated_corpus.get(&entry.id).is_none() {
                out.push(Diagnostic::warning(
                    &path,
                    entry.line,
                    "untranslated",
                    format!(
                        "{} has no translation ({code}) in {}/{}: translate it with the same id",
                        what(entry),
                        translation.src,
                        chapter.source
                    ),
                ));
            }
        }
    }
    let source_chapters: BTreeSet<&str> = source_corpus
        .chapters
        .iter()
        .map(|c| c.source.as_str())
        .collect();
    for chapter in &translated_corpus.chapters {
        if !source_chapters.contains(chapter.source.as_str()) {
            out.push(Diagnostic::warning(
                translated.src_dir.join(&chapter.source),
                1,
                "translation-only-chapter",
                format!(
                    "chapter “{}” is only in the translation ({code}): nothing in it pairs with the English, so comments on it cannot be read beside the English text",
                    chapter.title
                ),
            ));
        }
    }
    out.extend(directives(
        source,
        source_corpus,
        translated,
        translated_corpus,
    ));
    out.extend(glossary_terms_without_entry(
        source,
        source_corpus,
        translation,
        translated,
        translated_corpus,
    ));
    let mut lines_of: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for entry in &translated_corpus.entries {
        let path = translated.src_dir.join(&entry.source);
        if !source_chapters.contains(entry.source.as_str()) {
            continue;
        }
        let Some(english) = source_corpus.get(&entry.id) else {
            out.push(Diagnostic::error(
                &path,
                entry.line,
                "unpaired-translation",
                format!(
                    "{} pairs with no English section or paragraph: give it the id of the English text it translates",
                    what(entry)
                ),
            ));
            continue;
        };
        let lines = lines_of.entry(path.clone()).or_insert_with(|| {
            std::fs::read_to_string(&path)
                .map(|t| t.lines().map(str::to_string).collect())
                .unwrap_or_default()
        });
        let line = lines
            .get(entry.line.saturating_sub(1))
            .map_or("", String::as_str);
        let now = source_hash(&english.text);
        let message = match recorded_hash(line) {
            Some(hash) if hash == now => continue,
            Some(hash) => format!(
                "{} was translated from an older English text (en={hash}; the English is now en={now}): bring the translation up to date, then run `copbook translations mark-current {}`",
                what(entry),
                entry.id
            ),
            None => format!(
                "{} does not record which English text it was translated from: once it matches the English, run `copbook translations mark-current {}`",
                what(entry),
                entry.id
            ),
        };
        out.push(Diagnostic::warning(
            &path,
            entry.line,
            "stale-translation",
            message,
        ));
    }
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out
}

/// The names a glossary's entries define, lowercased: the bold term before the first `:`
/// of each list item, and any source-language term after it in brackets.
fn glossary_names(glossary: &Chapter) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for block in glossary
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem)
    {
        let Some((term, _)) = block.text.split_once(':') else {
            continue;
        };
        let (main, bracketed) = match term.split_once('(') {
            Some((main, rest)) => (main, rest.split(')').next()),
            None => (term, None),
        };
        for name in std::iter::once(main).chain(bracketed) {
            let name = name.trim();
            if !name.is_empty() {
                out.insert(name.to_lowercase());
            }
        }
    }
    out
}

/// Whether `term` is an acronym: one word with two capitals or more ("LEDS", "DDaT").
fn is_acronym(term: &str) -> bool {
    !term.contains(' ') && term.chars().filter(char::is_ascii_uppercase).count() >= 2
}

/// The byte offset of the first whole-word occurrence of `term` in `text`.
fn first_word_at(text: &str, term: &str) -> Option<usize> {
    text.match_indices(term).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + term.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Whether a link destination, as written, goes to the page `glossary` (a path relative
/// to `src`, such as `glossary.md`): its file name is the glossary's, as `.md` or `.html`.
fn links_to_glossary(dest: &str, glossary: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = glossary.rsplit('/').next().unwrap_or(glossary);
    let stem = stem.strip_suffix(".md").unwrap_or(stem);
    !path.contains("://") && (file == format!("{stem}.md") || file == format!("{stem}.html"))
}

/// `untranslated-glossary-term` findings (see the module documentation).
fn glossary_terms_without_entry(
    source: &BookSettings,
    source_corpus: &Corpus,
    translation: &Translation,
    translated: &BookSettings,
    translated_corpus: &Corpus,
) -> Vec<Diagnostic> {
    let Some(code) = &source.code else {
        return Vec::new();
    };
    let Some(glossary) = code.glossary_chapter.as_deref() else {
        return Vec::new();
    };
    let Some(source_glossary) = source_corpus.chapter(glossary) else {
        return Vec::new();
    };
    let source_terms: Vec<String> = source_glossary
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem)
        .filter_map(|b| Some(b.text.split_once(':')?.0.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect();
    let entries = translated_corpus
        .chapter(glossary)
        .map(glossary_names)
        .unwrap_or_default();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    let mut report = |term: &str, path: PathBuf, line: usize, out: &mut Vec<Diagnostic>| {
        let key = term.to_lowercase();
        if entries.contains(&key) || !reported.insert(key) {
            return;
        }
        out.push(Diagnostic::warning(
            path,
            line,
            "untranslated-glossary-term",
            format!(
                "“{term}” is used in the {code} guide but the {code} glossary ({}/{glossary}) has no entry for it: add “**{term}**: …” there, or for a translated term “**…** ({term}): …”",
                translation.src,
                code = translation.code,
            ),
        ));
    };
    for chapter in &translated_corpus.chapters {
        if !code.is_guide(&chapter.source) {
            continue;
        }
        let path = translated.src_dir.join(&chapter.source);
        for block in chapter.blocks.iter().filter(|b| {
            matches!(
                b.kind,
                BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Quote
            )
        }) {
            let lower = block.text.to_lowercase();
            for term in &source_terms {
                let at = if is_acronym(term) {
                    first_word_at(&block.text, term)
                } else {
                    first_word_at(&lower, &term.to_lowercase())
                };
                if let Some(at) = at {
                    report(term, path.clone(), block.line_at(at), &mut out);
                }
            }
            for span in &block.spans {
                if let SpanKind::Link(dest) = &span.kind
                    && links_to_glossary(dest, glossary)
                    && let Some(text) = block.text.get(span.range.clone())
                {
                    report(
                        text.trim(),
                        path.clone(),
                        block.line_at(span.range.start),
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

/// The findings of every translation of a loaded book.
/// The translation's directives, which name English ids as the English chapters' do: a
/// `{{#cite id}}` names a provision, a `{{#responses id}}` a question or provision of the
/// consultation summary (the source language's file, which the translation renders from).
fn directives(
    source: &BookSettings,
    source_corpus: &Corpus,
    translated: &BookSettings,
    translated_corpus: &Corpus,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let summary_path = source.src_dir.join(book::responses::SUMMARY_FILE);
    let uses_responses = translated_corpus
        .chapters
        .iter()
        .any(|c| !c.responses.is_empty());
    let summary = uses_responses.then(|| book::responses::load(&source.src_dir));
    for chapter in &translated_corpus.chapters {
        let path = translated.src_dir.join(&chapter.source);
        for cite in &chapter.cites {
            if let Some(problem) = source_corpus.cite_problem(&cite.id) {
                out.push(Diagnostic::error(&path, cite.line, "unknown-cite", problem));
            }
        }
        if let (Some(code), Some(summary)) = (&source.code, &summary) {
            for directive in &chapter.responses {
                let problem = book::responses::problem(
                    code,
                    source_corpus,
                    summary,
                    &summary_path,
                    &directive.id,
                );
                if let Some(message) = problem {
                    out.push(Diagnostic::error(
                        &path,
                        directive.line,
                        "responses",
                        message,
                    ));
                }
            }
        }
    }
    out
}

pub fn check_all(source: &LoadedBook) -> Result<Vec<Diagnostic>, TranslationsError> {
    let mut out = Vec::new();
    for t in load(&source.settings)? {
        out.extend(t.book.diagnostics.iter().cloned());
        out.extend(check(
            &source.settings,
            &source.corpus,
            &t.settings,
            &t.book.settings,
            &t.book.corpus,
        ));
    }
    Ok(out)
}

/// One translation marked as made from the current English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// The translation's file.
    pub path: PathBuf,
    /// The line marked.
    pub line: usize,
    /// The id.
    pub id: String,
    /// The hash of the English text now recorded.
    pub hash: String,
}

/// Records, in the translation, that each of `ids` (every paired one with `all`) was
/// made from the current English text.
pub fn mark_current(
    book_dir: &Path,
    ids: &[String],
    all: bool,
) -> Result<Vec<Marked>, TranslationsError> {
    let source = book::load(book_dir)?;
    let mut marked = Vec::new();
    let mut found: BTreeSet<&str> = BTreeSet::new();
    for t in load(&source.settings)? {
        let mut edits: BTreeMap<PathBuf, Vec<(usize, String, String)>> = BTreeMap::new();
        for entry in &t.book.corpus.entries {
            let wanted = all || ids.iter().any(|id| id == &entry.id);
            let Some(english) = source.corpus.get(&entry.id) else {
                continue;
            };
            if !wanted {
                continue;
            }
            if let Some(id) = ids.iter().find(|id| *id == &entry.id) {
                found.insert(id.as_str());
            }
            let path = t.book.settings.src_dir.join(&entry.source);
            edits.entry(path).or_default().push((
                entry.line,
                entry.id.clone(),
                source_hash(&english.text),
            ));
        }
        for (path, lines) in edits {
            let file_error = |message: String| TranslationsError::File {
                path: path.clone(),
                message,
            };
            let text = std::fs::read_to_string(&path).map_err(|e| file_error(e.to_string()))?;
            let mut all_lines: Vec<String> = text.lines().map(str::to_string).collect();
            for (line, id, hash) in lines {
                let Some(current) = all_lines.get_mut(line.saturating_sub(1)) else {
                    return Err(file_error(format!("line {line} is gone: run again")));
                };
                *current = with_hash(current, &hash);
                marked.push(Marked {
                    path: path.clone(),
                    line,
                    id,
                    hash,
                });
            }
            let mut new_text = all_lines.join("\n");
            if text.ends_with('\n') {
                new_text.push('\n');
            }
            write_atomically(&path, &new_text).map_err(file_error)?;
        }
    }
    if let Some(missing) = ids.iter().find(|id| !found.contains(id.as_str())) {
        return Err(TranslationsError::UnknownId(missing.clone()));
    }
    Ok(marked)
}

/// A heading or marker line with `en=HASH` recorded (replaced, or added).
fn with_hash(line: &str, hash: &str) -> String {
    if let Some(old) = recorded_hash(line) {
        return line.replacen(&format!("en={old}"), &format!("en={hash}"), 1);
    }
    if line.starts_with("{#")
        && let Some(close) = line.find('}')
    {
        return format!("{} en={hash}{}", &line[..close], &line[close..]);
    }
    let trimmed = line.trim_end();
    if trimmed.starts_with('#') && trimmed.ends_with('}') && trimmed.contains('{') {
        let close = trimmed.len() - 1;
        return format!("{} en={hash}}}", &trimmed[..close]);
    }
    format!("{trimmed} {{en={hash}}}")
}

fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_short_and_stable() {
        assert_eq!(source_hash("").len(), 6);
        assert_eq!(
            source_hash("We will read every response."),
            source_hash(" We will read every response.\n")
        );
        assert_ne!(source_hash("a"), source_hash("b"));
    }

    #[test]
    fn hashes_are_read_and_written_on_headings_and_markers() {
        assert_eq!(
            recorded_hash("## Pennawd {#what-we-are-asking en=3fa2c1}"),
            Some("3fa2c1")
        );
        assert_eq!(recorded_hash("## Pennawd {#what-we-are-asking}"), None);
        assert_eq!(
            recorded_hash("{#share-lawful-basis en=00ff00} Cyn rhannu"),
            Some("00ff00")
        );
        assert_eq!(
            with_hash("## Pennawd {#what-we-are-asking}", "abcdef"),
            "## Pennawd {#what-we-are-asking en=abcdef}"
        );
        assert_eq!(
            with_hash("## Pennawd {#what-we-are-asking en=123456}", "abcdef"),
            "## Pennawd {#what-we-are-asking en=abcdef}"
        );
        assert_eq!(with_hash("# Teitl", "abcdef"), "# Teitl {en=abcdef}");
        assert_eq!(
            with_hash("{#share-lawful-basis aims=fairness} Cyn rhannu", "abcdef"),
            "{#share-lawful-basis aims=fairness en=abcdef} Cyn rhannu"
        );
    }
}
