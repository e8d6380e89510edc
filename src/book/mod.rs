//! Loading a book with mdBook's libraries, extracting its [`Corpus`], and rendering it.
//!
//! The steps are named as in mdBook's own driver: [`load`] (settings, `SUMMARY.md`,
//! chapters, corpus), then [`render`] (our preprocessor in-process, then mdBook's HTML
//! renderer). `MDBook` is not `Send`; everything here runs on one thread and hands only
//! plain data onwards.

pub mod anchors;
pub mod commands;
pub mod corpus;
pub mod languages;
pub mod marker;
pub mod preprocess;
pub mod responses;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mdbook_driver::MDBook;

pub use corpus::{Corpus, Entry, EntryChange, EntryKind, Part};

use crate::config::{BookSettings, ConfigError};
use crate::diagnostic::{Diagnostic, LineIndex};

/// Why a book could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// `book.toml` is unreadable or its settings are invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `SUMMARY.md` or a chapter could not be read.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Source(Vec<Diagnostic>),
    /// mdBook failed while loading or rendering.
    #[error("{path}: {message}")]
    Mdbook { path: PathBuf, message: String },
    /// Writing the output failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl BookError {
    /// Whether the book could not even be read (no such folder, an unreadable file), as
    /// opposed to a book with errors in it.
    pub fn is_unreadable(&self) -> bool {
        matches!(
            self,
            BookError::Config(crate::config::ConfigError::Unreadable { .. }) | BookError::Io { .. }
        )
    }
}

/// A book loaded from disk, with its corpus and the findings made while parsing it.
pub struct LoadedBook {
    /// The settings read from `book.toml`.
    pub settings: BookSettings,
    /// mdBook's view of the book (chapters as on disk).
    pub mdbook: MDBook,
    /// Every provision and section.
    pub corpus: Corpus,
    /// Findings made while parsing (missing ids, bad markers, duplicates, ...).
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads the book at `root`: settings, `SUMMARY.md`, every chapter, and the corpus.
///
/// Chapters listed in `SUMMARY.md` but missing on disk are an error naming the
/// `SUMMARY.md` line; unlike mdBook's default, nothing is created in the source.
pub fn load(root: &Path) -> Result<LoadedBook, BookError> {
    load_with(BookSettings::load(root)?)
}

/// Loads the book whose settings were already read, so that one build pairs with one
/// reading of `book.toml`.
pub fn load_with(settings: BookSettings) -> Result<LoadedBook, BookError> {
    let root = settings.root.clone();
    let root = root.as_path();
    let mut config = settings.mdbook.clone();
    set(&mut config, "build.create-missing", false, root)?;
    without_html_search(&mut config, root)?;

    let summary_path = settings.src_dir.join("SUMMARY.md");
    let summary_text = std::fs::read_to_string(&summary_path).map_err(|e| BookError::Io {
        path: summary_path.clone(),
        source: e,
    })?;
    let summary = mdbook_summary::parse_summary(&summary_text).map_err(|e| BookError::Mdbook {
        path: summary_path.clone(),
        message: format!("{e:#}"),
    })?;
    let missing = missing_chapters(&settings.src_dir, &summary_path, &summary_text, &summary);
    if !missing.is_empty() {
        return Err(BookError::Source(missing));
    }
    let mdbook = MDBook::load_with_config_and_summary(root, config, summary).map_err(|e| {
        BookError::Mdbook {
            path: root.to_path_buf(),
            message: format!("{e:#}"),
        }
    })?;
    let (corpus, diagnostics) = corpus::extract(&settings, &mdbook.book);
    Ok(LoadedBook {
        settings,
        mdbook,
        corpus,
        diagnostics,
    })
}

fn set(
    config: &mut mdbook_driver::config::Config,
    key: &str,
    value: bool,
    root: &Path,
) -> Result<(), BookError> {
    config.set(key, value).map_err(|e| BookError::Mdbook {
        path: root.join("book.toml"),
        message: format!("cannot set {key}: {e:#}"),
    })
}

/// Removes `[output.html.search]` from the configuration mdBook renders with: copbook
/// serves its own search (the build resolves the table into `search::SearchOptions`), and
/// mdBook's renderer, built without its search, would otherwise tell the user to reinstall
/// mdBook.
fn without_html_search(
    config: &mut mdbook_driver::config::Config,
    root: &Path,
) -> Result<(), BookError> {
    let html: Option<toml::Table> = config.get("output.html").ok().flatten();
    let Some(mut html) = html else {
        return Ok(());
    };
    if html.remove("search").is_some() {
        config
            .set("output.html", html)
            .map_err(|e| BookError::Mdbook {
                path: root.join("book.toml"),
                message: format!("cannot read [output.html]: {e:#}"),
            })?;
    }
    Ok(())
}

/// Every chapter `SUMMARY.md` lists whose file does not exist, as a finding on its line.
fn missing_chapters(
    src: &Path,
    summary_path: &Path,
    text: &str,
    summary: &mdbook_summary::Summary,
) -> Vec<Diagnostic> {
    fn walk<'a>(items: &'a [mdbook_summary::SummaryItem], out: &mut Vec<&'a mdbook_summary::Link>) {
        for item in items {
            if let mdbook_summary::SummaryItem::Link(link) = item {
                out.push(link);
                walk(&link.nested_items, out);
            }
        }
    }
    let mut links = Vec::new();
    walk(&summary.prefix_chapters, &mut links);
    walk(&summary.numbered_chapters, &mut links);
    walk(&summary.suffix_chapters, &mut links);
    let lines = LineIndex::new(text);
    links
        .into_iter()
        .filter_map(|link| {
            let location = link.location.as_ref()?;
            if src.join(location).is_file() {
                return None;
            }
            let shown = location.to_string_lossy();
            let line = text
                .find(&format!("]({shown})"))
                .map(|at| lines.line(at))
                .unwrap_or(0);
            Some(Diagnostic::error(
                summary_path,
                line,
                "missing-chapter",
                format!(
                    "chapter “{}” points to {shown}, which does not exist in {}",
                    link.name,
                    src.display()
                ),
            ))
        })
        .collect()
}

/// Whether the book has more chapters than its pages should each list
/// (`full-sidebar-max`, [`crate::config::DEFAULT_FULL_SIDEBAR_MAX`] for a plain mdBook).
pub fn is_big(book: &LoadedBook) -> bool {
    let max = book
        .settings
        .code
        .as_ref()
        .map_or(crate::config::DEFAULT_FULL_SIDEBAR_MAX, |c| {
            c.full_sidebar_max
        });
    let pages = book
        .mdbook
        .book
        .iter()
        .filter(
            |item| matches!(item, mdbook_driver::book::BookItem::Chapter(ch) if ch.path.is_some()),
        )
        .count();
    pages > max
}

/// Renders a loaded book's HTML into `out`, with our preprocessor in-process.
///
/// Returns the folder holding the HTML (`out`, or `out/html` when the book configures
/// several renderers, as mdBook does).
pub fn render(
    book: &mut LoadedBook,
    corpus: Arc<Corpus>,
    out: &Path,
) -> Result<PathBuf, BookError> {
    let summary = responses::load(&book.settings.src_dir);
    render_in(book, corpus, out, None, summary)
}

/// [`render`] for a translation: the pages' own words in `language`, and cites to
/// provisions the translation lacks linking to the source language's pages (`source`).
/// The consultation summary is the source language's (under `source_src`).
pub fn render_translation(
    book: &mut LoadedBook,
    corpus: Arc<Corpus>,
    out: &Path,
    language: crate::i18n::Language,
    source: Arc<Corpus>,
    source_src: &Path,
) -> Result<PathBuf, BookError> {
    let summary = responses::load(source_src);
    render_in(book, corpus, out, Some((language, source)), summary)
}

fn render_in(
    book: &mut LoadedBook,
    corpus: Arc<Corpus>,
    out: &Path,
    translation: Option<(crate::i18n::Language, Arc<Corpus>)>,
    summary: responses::SummaryState,
) -> Result<PathBuf, BookError> {
    let out = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| BookError::Io {
                path: out.to_path_buf(),
                source: e,
            })?
            .join(out)
    };
    book.mdbook.config.build.build_dir = out;
    if is_big(book) {
        // The theme shows compact navigation when the contents are folded (`fold_enable`),
        // and the preprocessor adds each page's part, sections and neighbours.
        set(
            &mut book.mdbook.config,
            "output.html.fold.enable",
            true,
            &book.settings.root,
        )?;
    }
    if let Some(code) = &book.settings.code {
        let catalogue = crate::i18n::Catalogue::new().map_err(|e| BookError::Mdbook {
            path: book.settings.root.clone(),
            message: e.to_string(),
        })?;
        let mut preprocessor = preprocess::CopbookPreprocessor::new(
            corpus,
            Arc::new(code.clone()),
            Arc::new(catalogue),
        )
        .with_summary(Arc::new(summary));
        if let Some((language, source)) = translation {
            preprocessor = preprocessor.translation(language, source);
        }
        book.mdbook.with_preprocessor(preprocessor);
    }
    let html_dir = book.mdbook.build_dir_for("html");
    let missing = commands::missing(&book.settings);
    if !missing.is_empty() {
        return Err(BookError::Source(missing));
    }
    // Every renderer book.toml names runs, HTML (mdBook's own) among them, as `mdbook
    // build` runs them; external preprocessors run as mdBook runs them.
    book.mdbook.build().map_err(|e| BookError::Mdbook {
        path: book.settings.root.clone(),
        message: format!("{e:#}"),
    })?;
    Ok(html_dir)
}
