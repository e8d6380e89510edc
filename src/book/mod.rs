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
pub mod response_summary;
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

/// Whether this build, a live preview of a big book ([`is_big`]) whose `book.toml` asks
/// for a print page, leaves that page out: the print page holds every chapter, so mdBook
/// renders every chapter into it again at every save, which no incremental build can
/// avoid. `copbook build` and `serve` without `--watch` always make it.
pub fn leaves_out_print(book: &LoadedBook) -> bool {
    book.settings.preview
        && is_big(book)
        && book
            .settings
            .mdbook
            .html_config()
            .unwrap_or_default()
            .print
            .enable
}

/// Writes the page that stands in for the print page a preview left out
/// ([`leaves_out_print`]), so that the theme's print button still leads somewhere.
pub fn write_print_placeholder(html_dir: &Path, chapters: usize) -> Result<(), BookError> {
    let path = html_dir.join("print.html");
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>The print version is not in the live preview</title>\n</head>\n<body>\n<main>\n\
         <h1>The print version is not in the live preview</h1>\n\
         <p>This book has {chapters} pages. Its print version holds every one of them, so \
         watch mode would make it again at every save; the live preview leaves it out.</p>\n\
         <p><code>copbook build</code> and <code>copbook serve</code> (without \
         <code>--watch</code>) make it.</p>\n\
         <p><a href=\"index.html\">Back to the book</a></p>\n</main>\n</body>\n</html>\n"
    );
    std::fs::write(&path, page).map_err(|source| BookError::Io { path, source })
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
    prepare(book, corpus, out, None, summary)?;
    build_all(book)
}

/// [`render`], and what mdBook's HTML renderer was given, when the book has only that
/// renderer and no preprocessor but mdBook's own and ours (see [`RenderInput`]): the
/// input the next build compares itself with to re-render only the pages that changed.
pub fn render_keeping(
    book: &mut LoadedBook,
    corpus: Arc<Corpus>,
    out: &Path,
) -> Result<(PathBuf, Option<RenderInput>), BookError> {
    let summary = responses::load(&book.settings.src_dir);
    let html_dir = prepare(book, corpus, out, None, summary)?;
    render_prepared(book, html_dir)
}

/// Renders a prepared book into `html_dir`, keeping what the HTML renderer was given when
/// it is the only renderer.
fn render_prepared(
    book: &mut LoadedBook,
    html_dir: PathBuf,
) -> Result<(PathBuf, Option<RenderInput>), BookError> {
    let Some(render) = preprocess_prepared(book, html_dir.clone())? else {
        return Ok((build_all(book)?, None));
    };
    // What `MDBook::build` does for its one renderer, keeping the preprocessed book.
    use mdbook_renderer::Renderer as _;
    mdbook_html::HtmlHandlebars::new()
        .render(&render)
        .map_err(|e| mdbook_error(book, &e.context("Rendering failed")))?;
    Ok((html_dir, Some(RenderInput::of(render))))
}

/// The preprocessed book of [`RenderInput::of`] and [`preprocessed`]: every preprocessor
/// run as a build runs them, without rendering.
pub fn preprocessed(
    book: &mut LoadedBook,
    corpus: Arc<Corpus>,
    out: &Path,
) -> Result<Option<RenderInput>, BookError> {
    let summary = responses::load(&book.settings.src_dir);
    let html_dir = prepare(book, corpus, out, None, summary)?;
    Ok(preprocess_prepared(book, html_dir)?.map(RenderInput::of))
}

/// [`preprocessed`] for a translation, prepared as [`render_translation`] prepares it.
pub fn preprocessed_translation(
    book: &mut LoadedBook,
    corpus: Arc<Corpus>,
    out: &Path,
    language: crate::i18n::Language,
    source: Arc<Corpus>,
    source_src: &Path,
) -> Result<Option<RenderInput>, BookError> {
    let summary = responses::load(source_src);
    let html_dir = prepare(book, corpus, out, Some((language, source)), summary)?;
    Ok(preprocess_prepared(book, html_dir)?.map(RenderInput::of))
}

/// What mdBook's HTML renderer would be given for a prepared book, when the book has
/// only that renderer (`None` otherwise).
fn preprocess_prepared(
    book: &mut LoadedBook,
    html_dir: PathBuf,
) -> Result<Option<mdbook_renderer::RenderContext>, BookError> {
    if !renders_only_html(&book.settings) {
        return Ok(None);
    }
    let renderer = mdbook_html::HtmlHandlebars::new();
    let (preprocessed, context) = book
        .mdbook
        .preprocess_book(&renderer)
        .map_err(|e| mdbook_error(book, &e))?;
    let mut render = mdbook_renderer::RenderContext::new(
        book.mdbook.root.clone(),
        preprocessed,
        book.mdbook.config.clone(),
        html_dir,
    );
    render
        .chapter_titles
        .extend(context.chapter_titles.borrow_mut().drain());
    Ok(Some(render))
}

fn mdbook_error(book: &LoadedBook, e: &anyhow::Error) -> BookError {
    BookError::Mdbook {
        path: book.settings.root.clone(),
        message: format!("{e:#}"),
    }
}

/// Whether mdBook would run only its HTML renderer, after only its own preprocessors and
/// ours: then a build is `preprocess_book` and one `HtmlHandlebars::render`, which
/// copbook can also run on part of the book.
pub fn renders_only_html(settings: &BookSettings) -> bool {
    let config = &settings.mdbook;
    let (Ok(outputs), Ok(preprocessors)) = (
        config.outputs::<toml::Value>(),
        config.preprocessors::<toml::Value>(),
    ) else {
        return false;
    };
    outputs.keys().all(|k| k == "html")
        && preprocessors.keys().all(|k| {
            k == "links"
                || k == "index"
                || (k == crate::config::PREPROCESSOR_NAME && settings.code.is_some())
        })
}

/// What mdBook's HTML renderer was given for a book: its configuration, the book after
/// every preprocessor, and the titles preprocessors set. Two builds whose inputs differ
/// only in some chapters' content render every other page to the same bytes.
#[derive(Debug, Clone)]
pub struct RenderInput {
    /// The book's folder.
    pub root: PathBuf,
    /// The configuration rendered with, its build folder blanked (it differs per build
    /// and no page shows it).
    pub config: mdbook_driver::config::Config,
    /// The preprocessed book with every chapter's content emptied: what the theme's
    /// contents, numbers and previous/next links are made of.
    pub shape: mdbook_driver::book::Book,
    /// Each page's preprocessed content, in reading order (`Book::chapters`), by its path.
    pub pages: Vec<(PathBuf, String)>,
    /// Page titles set by preprocessors (`{{#title}}`).
    pub chapter_titles: std::collections::HashMap<PathBuf, String>,
}

impl RenderInput {
    fn of(render: mdbook_renderer::RenderContext) -> RenderInput {
        let mut shape = render.book;
        let mut pages = Vec::new();
        for ch in shape.chapters() {
            if let Some(path) = &ch.path {
                pages.push((path.clone(), ch.content.clone()));
            }
        }
        shape.for_each_chapter_mut(|ch| ch.content = String::new());
        let mut config = render.config;
        config.build.build_dir = PathBuf::new();
        RenderInput {
            root: render.root,
            config,
            shape,
            pages,
            chapter_titles: render.chapter_titles,
        }
    }

    /// Whether every page but the chapters' content is made of the same input as
    /// `other`'s: same configuration, same book without contents, same titles.
    pub fn same_shape(&self, other: &RenderInput) -> bool {
        self.root == other.root
            && self.config == other.config
            && self.shape == other.shape
            && self.chapter_titles == other.chapter_titles
            && self.pages.len() == other.pages.len()
            && self.pages.iter().zip(&other.pages).all(|(a, b)| a.0 == b.0)
    }

    /// Renders the pages at `wanted` (indices into [`RenderInput::pages`], ascending) with
    /// mdBook's HTML renderer into `scratch`, with `contents` as their content. Each page
    /// is rendered in a book of itself and its neighbours (which gives it the same
    /// previous and next links), or, with `whole`, in the whole book with every other
    /// page empty (which also gives it the same contents list, at a cost that grows with
    /// the square of the book). Returns each page's HTML by its path relative to the HTML
    /// folder; the first page of the book also gives `index.html`.
    pub fn render_pages(
        &self,
        wanted: &[usize],
        contents: &dyn Fn(usize) -> String,
        scratch: &Path,
        whole: bool,
    ) -> Result<Vec<(String, String)>, BookError> {
        use mdbook_driver::book::{Book, BookItem, Chapter};
        let reduced = if whole {
            let by_path: std::collections::HashMap<&Path, usize> = self
                .pages
                .iter()
                .enumerate()
                .map(|(i, (path, _))| (path.as_path(), i))
                .collect();
            let mut book = self.shape.clone();
            book.for_each_chapter_mut(|ch| {
                if let Some(i) = ch.path.as_deref().and_then(|p| by_path.get(p))
                    && wanted.contains(i)
                {
                    ch.content = contents(*i);
                }
            });
            book
        } else {
            let chapters: Vec<&Chapter> =
                self.shape.chapters().filter(|c| c.path.is_some()).collect();
            let mut included = std::collections::BTreeSet::new();
            for &i in wanted {
                included.insert(i);
                if i > 0 {
                    included.insert(i - 1);
                }
                if i + 1 < chapters.len() {
                    included.insert(i + 1);
                }
            }
            let mut book = Book::new();
            for &i in &included {
                let mut ch = chapters[i].clone();
                ch.sub_items.clear();
                ch.content = if wanted.contains(&i) {
                    contents(i)
                } else {
                    String::new()
                };
                book.push_item(BookItem::Chapter(ch));
            }
            book
        };
        let mut config = self.config.clone();
        config.build.build_dir = scratch.to_path_buf();
        let mut render = mdbook_renderer::RenderContext::new(
            self.root.clone(),
            reduced,
            config,
            scratch.to_path_buf(),
        );
        render.chapter_titles = self.chapter_titles.clone();
        use mdbook_renderer::Renderer as _;
        let failed = |e: anyhow::Error| BookError::Mdbook {
            path: self.root.clone(),
            message: format!("{:#}", e.context("Rendering failed")),
        };
        mdbook_html::HtmlHandlebars::new()
            .render(&render)
            .map_err(failed)?;
        let mut out = Vec::new();
        let read = |rel: &Path| {
            let path = scratch.join(rel);
            std::fs::read_to_string(&path).map_err(|source| BookError::Io { path, source })
        };
        for &i in wanted {
            let page = self.pages[i].0.with_extension("html");
            let key = page
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((key, read(&page)?));
            if i == 0 {
                out.push(("index.html".to_string(), read(Path::new("index.html"))?));
            }
        }
        Ok(out)
    }
}

/// Runs every renderer book.toml names, HTML (mdBook's own) among them, as `mdbook build`
/// runs them; external preprocessors run as mdBook runs them.
fn build_all(book: &mut LoadedBook) -> Result<PathBuf, BookError> {
    let html_dir = book.mdbook.build_dir_for("html");
    book.mdbook.build().map_err(|e| mdbook_error(book, &e))?;
    Ok(html_dir)
}

/// [`render_keeping`] for a translation: the pages' own words in `language`, and cites to
/// provisions the translation lacks linking to the source language's pages (`source`).
/// The consultation summary is the source language's (under `source_src`).
pub fn render_translation(
    book: &mut LoadedBook,
    corpus: Arc<Corpus>,
    out: &Path,
    language: crate::i18n::Language,
    source: Arc<Corpus>,
    source_src: &Path,
) -> Result<(PathBuf, Option<RenderInput>), BookError> {
    let summary = responses::load(source_src);
    let html_dir = prepare(book, corpus, out, Some((language, source)), summary)?;
    render_prepared(book, html_dir)
}

/// Sets up the book for rendering into `out`: the build folder, folded contents for a big
/// book, our preprocessor; fails on a missing external command. Returns the HTML folder.
fn prepare(
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
    if leaves_out_print(book) {
        set(
            &mut book.mdbook.config,
            "output.html.print.enable",
            false,
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
    let missing = commands::missing(&book.settings);
    if !missing.is_empty() {
        return Err(BookError::Source(missing));
    }
    Ok(book.mdbook.build_dir_for("html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(toml: &str) -> BookSettings {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("book.toml"), toml).expect("write");
        BookSettings::load(dir.path()).expect("settings")
    }

    #[test]
    fn only_html_means_no_other_renderer_or_external_preprocessor() {
        assert!(renders_only_html(&settings("[book]\ntitle = \"A\"\n")));
        assert!(renders_only_html(&settings(
            "[book]\ntitle = \"A\"\n[output.html]\nno-section-label = true\n"
        )));
        assert!(!renders_only_html(&settings(
            "[book]\ntitle = \"A\"\n[output.html]\n[output.done]\ncommand = \"true\"\n"
        )));
        assert!(!renders_only_html(&settings(
            "[book]\ntitle = \"A\"\n[preprocessor.greet]\ncommand = \"true\"\n"
        )));
    }
}
