//! One build of a book into a [`Site`]: load, extract the corpus, check, render, write
//! `corpus.json`, index (into `.copbook/search-index`). A `Site` is immutable; a rebuild
//! makes a new one. This module also owns the build error and the folders builds are
//! written to when a server keeps several (`data/builds/build-*`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::book::{self, BookError, Corpus};
use crate::check;
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::Diagnostic;
use crate::search::{SearchError, SearchIndex};

/// Why a book could not be built into a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The book could not be loaded or rendered.
    #[error(transparent)]
    Book(#[from] BookError),
    /// Writing the output failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Building the search index failed.
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl BuildError {
    /// Whether the build could not run at all (the book is unreadable, the output cannot
    /// be written), as opposed to a book with errors in it.
    pub fn is_unreadable(&self) -> bool {
        match self {
            BuildError::Book(e) => e.is_unreadable(),
            BuildError::Io { .. } | BuildError::Search(_) => true,
        }
    }
}

impl From<crate::config::ConfigError> for BuildError {
    fn from(e: crate::config::ConfigError) -> Self {
        BuildError::Book(BookError::Config(e))
    }
}

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
    /// The settings this site was built from (`book.toml` is read once per build).
    pub settings: BookSettings,
}

impl Site {
    /// The Code's settings; `None` for a plain mdBook.
    pub fn code(&self) -> Option<&CodeSettings> {
        self.settings.code.as_ref()
    }

    /// Whether `copbook check` found an error in this build.
    pub fn has_errors(&self) -> bool {
        crate::diagnostic::has_errors(&self.diagnostics)
    }

    /// Deletes this build's output folder (a build that will not be served).
    pub fn discard(&self) {
        if let Err(e) = std::fs::remove_dir_all(&self.out_dir) {
            tracing::warn!("could not remove {}: {e}", self.out_dir.display());
        }
    }

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
    let settings = BookSettings::load(book_dir)?;
    build_from(settings, out_dir, started)
}

/// Builds the book whose settings were already read into `out_dir`.
pub fn build_with(settings: BookSettings, out_dir: &Path) -> Result<Site, BuildError> {
    build_from(settings, out_dir, Instant::now())
}

fn build_from(
    settings: BookSettings,
    out_dir: &Path,
    started: Instant,
) -> Result<Site, BuildError> {
    let mut progress = Progress::new(2);
    progress.stage("reading the book");
    let mut loaded = book::load_with(settings)?;
    let corpus = Arc::new(std::mem::take(&mut loaded.corpus));
    let parsed = std::mem::take(&mut loaded.diagnostics);
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    progress.stage("checking, rendering pages and indexing for search");
    let settings = loaded.settings.clone();
    let synonyms = settings
        .code
        .as_ref()
        .map(|c| c.synonyms.clone())
        .unwrap_or_default();
    // Checking, rendering and indexing share nothing but the corpus: mdBook (not `Send`)
    // renders on this thread while the others check and index. mdBook empties the output
    // folder before rendering, so the index is written beside it and moved in afterwards.
    let (diagnostics, html_dir, indexed) = std::thread::scope(|scope| {
        let checker = scope.spawn(|| check::run_on(&settings, &corpus, parsed));
        let indexer = scope.spawn(|| index_beside(&corpus, &synonyms, out_dir));
        let html_dir = book::render(&mut loaded, Arc::clone(&corpus), out_dir);
        // A panic in a worker is a bug: carry it on here.
        let indexed = indexer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let diagnostics = checker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (diagnostics, html_dir, indexed)
    });
    let (staged, index_elapsed) = indexed?;
    let html_dir = html_dir?;
    let corpus_path = out_dir.join(CORPUS_FILE);
    let json = serde_json::to_vec_pretty(&*corpus).map_err(|e| io(&corpus_path, e.into()))?;
    std::fs::write(&corpus_path, json).map_err(|e| io(&corpus_path, e))?;
    let index_dir = out_dir.join(SEARCH_INDEX_DIR);
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir).map_err(|e| io(&index_dir, e))?;
    }
    if let Some(parent) = index_dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    std::fs::rename(staged.path(), &index_dir).map_err(|e| io(&index_dir, e))?;
    let search = SearchIndex::open(&index_dir, &synonyms)?;
    progress.finish();
    let settings = loaded.settings;
    Ok(Site {
        out_dir: out_dir.to_path_buf(),
        html_dir,
        corpus,
        diagnostics,
        search,
        elapsed: started.elapsed(),
        index_elapsed,
        settings,
    })
}

/// Indexes `corpus` into a new folder beside `out_dir` (removed if not moved), and says
/// how long it took.
fn index_beside(
    corpus: &Corpus,
    synonyms: &std::collections::BTreeMap<String, Vec<String>>,
    out_dir: &Path,
) -> Result<(tempfile::TempDir, Duration), BuildError> {
    let indexing = Instant::now();
    let beside = out_dir.parent().unwrap_or(Path::new("."));
    let staged = tempfile::Builder::new()
        .prefix(".copbook-index-")
        .tempdir_in(beside)
        .map_err(|e| io(beside, e))?;
    SearchIndex::build(corpus, synonyms, Some(staged.path()))?;
    Ok((staged, indexing.elapsed()))
}

/// Counted build stages on stderr (`[2/3] checking … 0.41 s`), when stderr is a
/// terminal; silent otherwise, so logs and pipes stay clean.
struct Progress {
    total: usize,
    done: usize,
    current: Option<(&'static str, Instant)>,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        use std::io::IsTerminal as _;
        Progress {
            total,
            done: 0,
            current: None,
            shown: std::io::stderr().is_terminal(),
        }
    }

    /// Ends the current stage (if any) and starts the next.
    fn stage(&mut self, name: &'static str) {
        self.end_current();
        self.done += 1;
        self.current = Some((name, Instant::now()));
        if self.shown {
            use std::io::Write as _;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "[{}/{}] {name} …", self.done, self.total);
            let _ = err.flush();
        }
    }

    fn end_current(&mut self) {
        if let Some((name, since)) = self.current.take() {
            let secs = since.elapsed().as_secs_f64();
            tracing::debug!("build stage {name}: {secs:.3} s");
            if self.shown {
                eprintln!(" {secs:.2} s");
            }
        }
    }

    /// Ends the last stage.
    fn finish(&mut self) {
        self.end_current();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // A failed build ends its line too.
        self.end_current();
    }
}

/// Builds the book into a new, uniquely named `build-*` folder under `builds`; the folder
/// is removed again if the build fails.
pub fn build_fresh(book_dir: &Path, builds: &Path) -> Result<Site, BuildError> {
    let started = Instant::now();
    // Read the settings first: an unreadable book creates no folder.
    let settings = BookSettings::load(book_dir)?;
    let out = fresh_build_dir(builds)?;
    build_from(settings, &out, started).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&out);
    })
}

/// A new, empty, uniquely named folder for one build.
fn fresh_build_dir(builds: &Path) -> Result<PathBuf, BuildError> {
    std::fs::create_dir_all(builds).map_err(|e| io(builds, e))?;
    let dir = tempfile::Builder::new()
        .prefix("build-")
        .tempdir_in(builds)
        .map_err(|e| io(builds, e))?;
    Ok(dir.keep())
}

/// Removes every build folder beside `keep` (best effort: requests still reading an old
/// folder hold their open files, which stay readable until closed).
pub fn remove_old_builds(keep: &Path) {
    let Some(builds) = keep.parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(builds) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path != keep
            && entry.file_name().to_string_lossy().starts_with("build-")
            && let Err(e) = std::fs::remove_dir_all(&path)
        {
            tracing::warn!("could not remove old build {}: {e}", path.display());
        }
    }
}

fn io(path: &Path, source: std::io::Error) -> BuildError {
    BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}
