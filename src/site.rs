//! One build of a book into a [`Site`]: load, extract the corpus, check, render, write
//! `corpus.json`, index (into `.copbook/search-index`). A `Site` is immutable; a rebuild
//! makes a new one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::book::{self, BuildError, Corpus};
use crate::check;
use crate::diagnostic::Diagnostic;
use crate::drafts;
use crate::search::SearchIndex;

/// The file name of the corpus in the output folder.
pub const CORPUS_FILE: &str = "corpus.json";

/// The search index's folder in the output folder.
pub const SEARCH_INDEX_DIR: &str = ".copbook/search-index";

/// A built site: the HTML on disk and the data behind it.
#[derive(Debug)]
pub struct Site {
    /// The output folder given to the build.
    pub out_dir: PathBuf,
    /// The folder holding the HTML pages.
    pub html_dir: PathBuf,
    /// Every provision and section.
    pub corpus: Arc<Corpus>,
    /// Findings of `copbook check` for this build.
    pub diagnostics: Vec<Diagnostic>,
    /// The search index, written to [`SEARCH_INDEX_DIR`] in the output folder.
    pub search: SearchIndex,
    /// How long the build took.
    pub elapsed: Duration,
    /// How long indexing took (part of `elapsed`).
    pub index_elapsed: Duration,
    /// The book's published drafts, oldest first (`book/drafts/*.json`).
    pub drafts: Vec<crate::drafts::DraftRecord>,
    /// What changed since the published draft this version compares with, if any.
    pub changes: Option<crate::drafts::ChangeLog>,
}

impl Site {
    /// One line for the terminal: chapters, provisions, findings, time.
    pub fn summary(&self) -> String {
        let provisions = self.corpus.provisions().count();
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .count();
        let warnings = self.diagnostics.len() - errors;
        let findings = if self.diagnostics.is_empty() {
            String::new()
        } else {
            format!(" ({errors} errors, {warnings} warnings: run `copbook check`)")
        };
        format!(
            "built {} chapters, {provisions} provisions, {} sections in {:.2} s (search index {:.2} s) into {}{findings}",
            self.corpus.chapters.len(),
            self.corpus.entries.len() - provisions,
            self.elapsed.as_secs_f64(),
            self.index_elapsed.as_secs_f64(),
            self.html_dir.display()
        )
    }
}

/// Builds the book at `book_dir` into `out_dir`.
pub fn build(book_dir: &Path, out_dir: &Path) -> Result<Site, BuildError> {
    let started = Instant::now();
    let mut loaded = book::load(book_dir)?;
    let diagnostics = check::run(&loaded);
    let mut corpus = std::mem::take(&mut loaded.corpus);
    let (drafts, changes) = compare_with_published(&mut loaded, &mut corpus);
    let corpus = Arc::new(corpus);
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    let html_dir = book::render(&mut loaded, Arc::clone(&corpus), out_dir)?;
    let corpus_path = out_dir.join(CORPUS_FILE);
    let json = serde_json::to_vec_pretty(&*corpus).map_err(|e| io(&corpus_path, e.into()))?;
    std::fs::write(&corpus_path, json).map_err(|e| io(&corpus_path, e))?;
    let indexing = Instant::now();
    let index_dir = out_dir.join(SEARCH_INDEX_DIR);
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir).map_err(|e| io(&index_dir, e))?;
    }
    let no_synonyms = Default::default();
    let synonyms = loaded
        .settings
        .code
        .as_ref()
        .map_or(&no_synonyms, |c| &c.synonyms);
    let search = SearchIndex::build(&corpus, synonyms, Some(&index_dir))?;
    let index_elapsed = indexing.elapsed();
    Ok(Site {
        out_dir: out_dir.to_path_buf(),
        html_dir,
        corpus,
        diagnostics,
        search,
        elapsed: started.elapsed(),
        index_elapsed,
        drafts,
        changes,
    })
}

/// Compares the book with the published draft its version compares with: marks each
/// provision's change in the corpus and adds the "Changes since draft X" page to the book.
/// An unreadable draft is already a check finding, so here it only means no comparison.
fn compare_with_published(
    loaded: &mut book::LoadedBook,
    corpus: &mut Corpus,
) -> (Vec<drafts::DraftRecord>, Option<drafts::ChangeLog>) {
    let Some(code) = &loaded.settings.code else {
        return (Vec::new(), None);
    };
    let published = drafts::record::list(&loaded.settings.root).unwrap_or_default();
    let Ok(Some(baseline)) = drafts::baseline(&published, code) else {
        return (published, None);
    };
    let mut log = drafts::compare(baseline, &drafts::current_record(corpus, code));
    log.to = code.version.clone();
    drafts::annotate(corpus, &log);
    if corpus.chapter(drafts::page::PAGE_SOURCE).is_none() {
        let page = drafts::page::render(&log, corpus);
        loaded
            .mdbook
            .book
            .push_item(mdbook_driver::book::Chapter::new(
                &drafts::page::title(&log),
                page,
                drafts::page::PAGE_SOURCE,
                Vec::new(),
            ));
    }
    (published, Some(log))
}

fn io(path: &Path, source: std::io::Error) -> BuildError {
    BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}
