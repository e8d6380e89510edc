//! One build of a book into a [`Site`]: load, extract the corpus, check, render and index
//! (into `.copbook/search-index`) at the same time, write `corpus.json`. A `Site` is
//! immutable; a rebuild makes a new one, from scratch or, when only chapters' text
//! changed, from the previous one ([`rebuild`], the same bytes). This module also owns the build error and the folders builds are
//! written to when a server keeps several (`data/builds/build-*`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::book::{self, BookError, Corpus};
use crate::check;
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::Diagnostic;
use crate::drafts;
use crate::search::{Durability, SearchError, SearchIndex, SearchOptions};

mod incremental;
mod pdf_step;

pub use incremental::rebuild;

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
    /// Adding copbook's search to default-theme pages failed.
    #[error(transparent)]
    Theme(#[from] crate::default_theme::ThemeError),
    /// Hashing the pages' inline scripts for their Content-Security-Policy failed.
    #[error(transparent)]
    Csp(#[from] crate::csp::CspError),
}

impl BuildError {
    /// Whether the build could not run at all (the book is unreadable, the output cannot
    /// be written), as opposed to a book with errors in it.
    pub fn is_unreadable(&self) -> bool {
        match self {
            BuildError::Book(e) => e.is_unreadable(),
            BuildError::Io { .. }
            | BuildError::Search(_)
            | BuildError::Theme(_)
            | BuildError::Csp(_) => true,
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
    /// The book's published drafts, oldest first (`book/drafts/*.json`).
    pub drafts: Vec<crate::drafts::DraftRecord>,
    /// What changed since the published draft this version compares with, if any.
    pub changes: Option<crate::drafts::ChangeLog>,
    /// The translations built beside it (the Welsh site under `/cy/`).
    pub translations: Vec<TranslatedSite>,
    /// What `[output.html.search]` asks of search (copbook's defaults without one).
    pub search_options: SearchOptions,
    /// Each page's Content-Security-Policy needs (also in [`crate::csp::CSP_FILE`]).
    pub csp: crate::csp::PagePolicies,
    /// What mdBook's HTML renderer was given, when the book renders only HTML: what the
    /// next build compares itself with to re-render only the pages that changed.
    pub render_input: Option<Arc<book::RenderInput>>,
    /// `Some(pages re-rendered)` when this site was made by an incremental build from
    /// the one before it (see [`rebuild`]), `None` for a full build.
    pub incremental: Option<usize>,
}

/// A translation of the book, built into a folder of the site.
#[derive(Debug)]
pub struct TranslatedSite {
    /// The translation's language.
    pub language: crate::i18n::Language,
    /// Its settings from book.toml (source folder, title, questions).
    pub settings: crate::config::Translation,
    /// The folder holding its pages (`cy/` in the site's HTML folder).
    pub html_dir: PathBuf,
    /// Its provisions and sections, with the same ids as their English counterparts.
    pub corpus: Arc<Corpus>,
    /// Its search index (Welsh analyser), in `.copbook/search-index-CODE`.
    pub search: SearchIndex,
    /// What mdBook's HTML renderer was given for it, when it renders only HTML (as
    /// [`Site::render_input`]).
    pub render_input: Option<Arc<book::RenderInput>>,
    /// How its pages and the source site's were linked to each other.
    pub links: Arc<book::languages::LanguageLinks>,
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

/// How long each stage of a build took, logged at debug level (`COPBOOK_LOG=debug`).
struct Stages {
    build: &'static str,
    since: Instant,
}

impl Stages {
    fn new(build: &'static str) -> Stages {
        Stages {
            build,
            since: Instant::now(),
        }
    }

    /// Logs `stage` as having taken the time since the last one ended.
    fn done(&mut self, stage: &str) {
        log_stage(self.build, stage, self.since);
        self.since = Instant::now();
    }
}

/// Every check's findings ([`check::run_on`]), with the time they took logged as a stage
/// of `build` run beside rendering.
fn checked(
    build: &str,
    settings: &BookSettings,
    corpus: &Corpus,
    parsed: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let checking = Instant::now();
    let found = check::run_on(settings, corpus, parsed);
    log_stage(build, "check (beside rendering)", checking);
    found
}

/// Logs that `stage` of `build` took the time since `since`, at debug level.
fn log_stage(build: &str, stage: &str, since: Instant) {
    tracing::debug!(
        "{build}: {stage} took {:.1} ms",
        since.elapsed().as_secs_f64() * 1000.0
    );
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
    let search_options = search_options(&settings)?;
    let mut progress = Progress::new(2);
    progress.stage("reading the book");
    let mut loaded = book::load_with(settings)?;
    let mut corpus = std::mem::take(&mut loaded.corpus);
    let (drafts, changes) = compare_with_published(&mut loaded, &mut corpus);
    let corpus = Arc::new(corpus);
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    progress.stage("rendering, indexing for search and checking");
    let synonyms = loaded.settings.search_synonyms();
    let index_dir = out_dir.join(SEARCH_INDEX_DIR);
    // Rendering and indexing read the same corpus and write different files, so they
    // use both cores: mdBook renders on this thread (`MDBook` is not `Send`), tantivy
    // indexes on another. Neither sees the other's output, so the result is the same
    // as one after the other. mdBook empties the output folder before it renders, so
    // the index is written beside it and moved in afterwards.
    let beside = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = tempfile::Builder::new()
        .prefix(".copbook-index-")
        .tempdir_in(beside)
        .map_err(|e| io(beside, e))?;
    // The checks read only the settings and the corpus (not the marks of change the
    // comparison with the published draft adds), so they run beside both.
    let check_settings = loaded.settings.clone();
    let parsed = loaded.diagnostics.clone();
    let durability = index_durability(&loaded.settings);
    let (rendered, indexed, diagnostics) = std::thread::scope(|scope| {
        let indexer = scope.spawn(|| -> Result<(SearchIndex, Duration), BuildError> {
            let indexing = Instant::now();
            let search =
                SearchIndex::build_in(&corpus, &synonyms, staging.path(), false, durability)?;
            log_stage("build", "index (beside rendering)", indexing);
            Ok((search, indexing.elapsed()))
        });
        let checks = scope.spawn(|| checked("build", &check_settings, &corpus, parsed));
        let rendering = Instant::now();
        let rendered = render_pages(&mut loaded, &corpus, out_dir);
        log_stage("build", "render", rendering);
        let indexed = indexer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        let diagnostics = checks
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (rendered, indexed, diagnostics)
    });
    let (html_dir, render_input, csp) = rendered?;
    let (search, mut index_elapsed) = indexed?;
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir).map_err(|e| io(&index_dir, e))?;
    }
    if let Some(parent) = index_dir.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    // The index's files are open (mapped); moving their folder keeps them so.
    std::fs::rename(staging.keep(), &index_dir).map_err(|e| io(&index_dir, e))?;
    write_corpus(&corpus, out_dir)?;
    progress.finish();
    let settings = loaded.settings;
    let mut diagnostics = diagnostics;
    let mut translations = Vec::new();
    for translation in settings.code.iter().flat_map(|c| &c.languages) {
        let built = build_translation(&settings, translation, &corpus, &html_dir, out_dir)?;
        diagnostics.extend(built.1);
        index_elapsed += built.2;
        translations.push(built.0);
    }
    Ok(Site {
        out_dir: out_dir.to_path_buf(),
        html_dir,
        corpus,
        diagnostics,
        search,
        elapsed: started.elapsed(),
        index_elapsed,
        settings,
        drafts,
        changes,
        translations,
        search_options,
        csp,
        render_input: render_input.map(Arc::new),
        incremental: None,
    })
}

/// Renders the book's pages, adds copbook's search to default-theme pages and collects
/// their Content-Security-Policy needs (written to [`crate::csp::CSP_FILE`]).
fn render_pages(
    loaded: &mut book::LoadedBook,
    corpus: &Arc<Corpus>,
    out_dir: &Path,
) -> Result<(PathBuf, Option<book::RenderInput>, crate::csp::PagePolicies), BuildError> {
    let (html_dir, render_input) = book::render_keeping(loaded, Arc::clone(corpus), out_dir)?;
    if book::leaves_out_print(loaded) {
        book::write_print_placeholder(&html_dir, corpus.chapters.len())?;
    }
    crate::default_theme::add_search(&html_dir)?;
    let csp = crate::csp::PagePolicies::collect(
        &html_dir,
        script_origins(&loaded.settings),
        playground_origin(&loaded.settings),
    )?;
    csp.write(out_dir)?;
    Ok((html_dir, render_input, csp))
}

/// How a build's search indexes are written: synced to disk when the build is published,
/// left to the page cache in watch mode's preview, whose folder the next save replaces.
fn index_durability(settings: &BookSettings) -> Durability {
    if settings.preview {
        Durability::Unsynced
    } else {
        Durability::Synced
    }
}

/// Writes [`CORPUS_FILE`].
fn write_corpus(corpus: &Corpus, out_dir: &Path) -> Result<(), BuildError> {
    let corpus_path = out_dir.join(CORPUS_FILE);
    let json = serde_json::to_vec_pretty(corpus).map_err(|e| io(&corpus_path, e.into()))?;
    std::fs::write(&corpus_path, json).map_err(|e| io(&corpus_path, e))
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

/// A translation loaded, its cites read from the source and checked against it: what a
/// full and an incremental build both start from.
struct ReadTranslation {
    language: crate::i18n::Language,
    loaded: book::LoadedBook,
    corpus: Arc<Corpus>,
    /// The findings made while reading it and checking it against the source.
    diagnostics: Vec<Diagnostic>,
    catalogue: crate::i18n::Catalogue,
}

/// Loads one translation of the book whose settings are `source` and whose corpus is
/// `source_corpus`, and checks it against them.
fn read_translation(
    source: &BookSettings,
    translation: &crate::config::Translation,
    source_corpus: &Arc<Corpus>,
) -> Result<ReadTranslation, BuildError> {
    let language = crate::i18n::Language::from_code(&translation.code).ok_or_else(|| {
        BuildError::Book(BookError::Mdbook {
            path: source.root.join("book.toml"),
            message: format!(
                "languages.{}: not a language copbook publishes in",
                translation.code
            ),
        })
    })?;
    let settings = translation_settings_of(source, translation)?;
    let mut loaded = book::load_with(settings)?;
    let catalogue = catalogue(source)?;
    loaded.corpus.read_cites_from(source_corpus, |number| {
        let number = crate::i18n::Arg::from(number.unwrap_or("?"));
        catalogue.message(language, "book-cite", &[("number", number)])
    });
    let mut diagnostics = std::mem::take(&mut loaded.diagnostics);
    diagnostics.extend(crate::translations::check(
        source,
        source_corpus,
        translation,
        &loaded.settings,
        &loaded.corpus,
    ));
    let corpus = Arc::new(std::mem::take(&mut loaded.corpus));
    Ok(ReadTranslation {
        language,
        loaded,
        corpus,
        diagnostics,
        catalogue,
    })
}

/// The message catalogue the pages' own words come from.
fn catalogue(settings: &BookSettings) -> Result<crate::i18n::Catalogue, BuildError> {
    crate::i18n::Catalogue::new().map_err(|e| {
        BuildError::Book(BookError::Mdbook {
            path: settings.root.clone(),
            message: e.to_string(),
        })
    })
}

/// The settings of a translation's book ([`crate::translations::translation_settings`]).
fn translation_settings_of(
    source: &BookSettings,
    translation: &crate::config::Translation,
) -> Result<BookSettings, BuildError> {
    crate::translations::translation_settings(source, translation).map_err(|e| {
        BuildError::Book(BookError::Mdbook {
            path: source.root.join("book.toml"),
            message: e.to_string(),
        })
    })
}

/// The folder of a translation's search index in a build's output folder.
fn translation_index_dir(out_dir: &Path, translation: &crate::config::Translation) -> PathBuf {
    out_dir.join(format!("{SEARCH_INDEX_DIR}-{}", translation.code))
}

/// Loads, renders and indexes one translation into `html_dir/CODE`; returns it with the
/// findings made while reading it and how long indexing took.
fn build_translation(
    source: &BookSettings,
    translation: &crate::config::Translation,
    source_corpus: &Arc<Corpus>,
    html_dir: &Path,
    out_dir: &Path,
) -> Result<(TranslatedSite, Vec<Diagnostic>, Duration), BuildError> {
    let mut stages = Stages::new("translation");
    let ReadTranslation {
        language,
        mut loaded,
        corpus,
        diagnostics,
        catalogue,
    } = read_translation(source, translation, source_corpus)?;
    stages.done("read, extract and check");
    let dir = html_dir.join(&translation.code);
    let (rendered, render_input) = book::render_translation(
        &mut loaded,
        Arc::clone(&corpus),
        &dir,
        language,
        Arc::clone(source_corpus),
        &source.src_dir,
    )?;
    stages.done("render");
    book::languages::localise_theme(&rendered, language, &catalogue)?;
    let links = book::languages::link_languages(html_dir, &rendered, language, &catalogue)?;
    stages.done("localise and link");
    let indexing = Instant::now();
    let index_dir = translation_index_dir(out_dir, translation);
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir).map_err(|e| io(&index_dir, e))?;
    }
    let search = SearchIndex::build_in(
        &corpus,
        &SearchIndex::welsh_synonyms(),
        &index_dir,
        true,
        index_durability(source),
    )?;
    stages.done("index");
    Ok((
        TranslatedSite {
            language,
            settings: translation.clone(),
            html_dir: rendered,
            corpus,
            search,
            render_input: render_input.map(Arc::new),
            links: Arc::new(links),
        },
        diagnostics,
        indexing.elapsed(),
    ))
}

/// The Rust playground runnable code blocks talk to, unless book.toml switches running off
/// (`output.html.playground.runnable = false`).
fn playground_origin(settings: &BookSettings) -> Option<String> {
    let runnable = settings
        .mdbook
        .get::<bool>("output.html.playground.runnable")
        .ok()
        .flatten()
        .unwrap_or(true);
    runnable.then(|| crate::csp::PLAYGROUND_ORIGIN.to_string())
}

/// The origins book.toml allows scripts from: MathJax's CDN when
/// `output.html.mathjax-support` is on.
fn script_origins(settings: &BookSettings) -> Vec<String> {
    let mathjax = settings
        .mdbook
        .get::<bool>("output.html.mathjax-support")
        .ok()
        .flatten()
        .unwrap_or(false);
    if mathjax {
        vec![crate::csp::MATHJAX_ORIGIN.to_string()]
    } else {
        Vec::new()
    }
}

/// Resolves `[output.html.search]`, and says once per process which of its settings
/// copbook ignores.
fn search_options(settings: &BookSettings) -> Result<SearchOptions, BuildError> {
    static SAID: std::sync::Once = std::sync::Once::new();
    let resolved = SearchOptions::from_mdbook(&settings.mdbook).map_err(|message| {
        crate::config::ConfigError::Load {
            path: settings.root.join("book.toml"),
            message: format!("[output.html.search]: {message}"),
        }
    })?;
    let Some((options, ignored)) = resolved else {
        return Ok(SearchOptions::default());
    };
    if let Some(notice) = crate::search::options::ignored_notice(&ignored) {
        SAID.call_once(|| tracing::warn!("{notice}"));
    }
    Ok(options)
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
/// is removed again if the build fails. `preview`: for watch mode's live preview (see
/// [`book::leaves_out_print`]).
pub fn build_fresh(book_dir: &Path, builds: &Path, preview: bool) -> Result<Site, BuildError> {
    let started = Instant::now();
    // Read the settings first: an unreadable book creates no folder.
    let mut settings = BookSettings::load(book_dir)?;
    settings.preview = preview;
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
