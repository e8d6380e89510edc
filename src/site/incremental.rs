//! Incremental rebuilds: a faster way of producing the same [`Site`] as a full build.
//!
//! Still one immutable `Site` per build, in its own folder. When a save changed only
//! chapters' text, the next build starts from the one being served instead of from
//! nothing:
//!
//! 1. the book is read, its corpus extracted, checked and compared with the published
//!    draft as in a full build (these see the whole book, so cites, numbers, glossary
//!    and links are checked as always);
//! 2. every preprocessor runs over the whole book, which gives exactly what mdBook's HTML
//!    renderer would be given ([`book::RenderInput`]);
//! 3. if that input has the same shape as the previous build's (same configuration,
//!    same chapters, titles, numbers and order: what the contents, the compact
//!    navigation and previous/next are made of), only the pages whose preprocessed
//!    content differs are rendered, by mdBook's own renderer in a book of the page and
//!    its neighbours. A cite or a provision number that moved changes the preprocessed
//!    content of every page that shows it, so those pages are rendered too. As a check
//!    that such a small book renders a page as the whole book does, the previous
//!    content of each page is rendered the same way and must give the previous page
//!    byte for byte;
//! 4. every other file is linked from the previous build's folder (no build folder is
//!    written once served, so they can share files), the pages' Content-Security-Policy
//!    hashes and `corpus.json` are updated, and the search index is updated in place:
//!    the documents of chapters whose entries changed are deleted and added again.
//!
//! Anything else falls back to a full build: a change to `book.toml`, the theme,
//! `SUMMARY.md`, a file that is not a chapter; a book with translations, another
//! renderer or preprocessor, a print page or an editable playground; a page whose shape
//! changed. `tests/testsuite/incremental.rs` compares the two byte for byte.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::{BuildError, CORPUS_FILE, SEARCH_INDEX_DIR, Site, Stages, io};
use crate::book::{self, Corpus, Entry};
use crate::config::BookSettings;

/// Builds the book at `book_dir` into a new `build-*` folder under `builds`: from
/// `previous` (the site being served) when `changed` (the files a watcher saw change)
/// are only chapters whose text changed, else by a full build. The result is the same
/// either way; [`Site::incremental`] says which way it was made.
pub fn rebuild(
    previous: &Site,
    changed: &[PathBuf],
    book_dir: &Path,
    builds: &Path,
) -> Result<Site, BuildError> {
    let started = Instant::now();
    let mut settings = BookSettings::load(book_dir)?;
    settings.preview = previous.settings.preview;
    let out = super::fresh_build_dir(builds)?;
    let built = match incremental(previous, changed, settings.clone(), &out, started) {
        Ok(Some(site)) => Ok(site),
        Ok(None) => {
            // Start again in an empty folder.
            std::fs::remove_dir_all(&out).map_err(|e| io(&out, e))?;
            std::fs::create_dir_all(&out).map_err(|e| io(&out, e))?;
            super::build_from(settings, &out, started)
        }
        Err(e) => Err(e),
    };
    built.inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&out);
    })
}

/// The most pages a book may have for its changed pages to be rendered in the whole book
/// (with every other page empty) when they do not render alone as in the whole book.
const WHOLE_BOOK_MAX: usize = 400;

/// Why an incremental build gave way to a full one (for the log).
fn full<T>(reason: &str) -> Result<Option<T>, BuildError> {
    tracing::debug!("full build: {reason}");
    Ok(None)
}

/// The incremental build, or `None` when only a full build gives the right result.
fn incremental(
    previous: &Site,
    changed: &[PathBuf],
    settings: BookSettings,
    out: &Path,
    started: Instant,
) -> Result<Option<Site>, BuildError> {
    let Some(before) = previous.render_input.as_deref() else {
        return full("the previous build kept no render input");
    };
    if !previous.translations.is_empty()
        || settings
            .code
            .as_ref()
            .is_some_and(|c| !c.languages.is_empty())
    {
        return full("the book has translations");
    }
    if settings.toml_text != previous.settings.toml_text
        || settings.src_dir != previous.settings.src_dir
        || settings.mdbook != previous.settings.mdbook
    {
        return full("book.toml changed");
    }
    if settings
        .mdbook
        .html_config()
        .unwrap_or_default()
        .playground
        .editable
    {
        return full("the book has an editable playground");
    }
    if changed.is_empty() {
        return full("no changed file was named");
    }
    if let Some(other) = changed.iter().find(|p| !is_chapter(previous, &settings, p)) {
        tracing::debug!("{} is not one of the book's chapters", other.display());
        return full("a file other than a chapter changed");
    }

    // 1. Read, extract and compare with the published draft: as a full build does.
    let mut stages = Stages::new("incremental build");
    let search_options = super::search_options(&settings)?;
    let mut loaded = book::load_with(settings)?;
    stages.done("read and extract");
    let mut corpus = std::mem::take(&mut loaded.corpus);
    let (drafts, changes) = super::compare_with_published(&mut loaded, &mut corpus);
    stages.done("compare with the published draft");
    if !same_chapters(&previous.corpus, &corpus) {
        return full("the chapters changed");
    }
    let corpus = Arc::new(corpus);

    // The checks see the whole book, as in a full build. They read only the settings and
    // the corpus (not the marks of change the comparison adds), so they run on the other
    // core while this one renders and indexes.
    let check_settings = loaded.settings.clone();
    let parsed = loaded.diagnostics.clone();
    let (diagnostics, output) = std::thread::scope(|scope| {
        let checks =
            scope.spawn(|| super::checked("incremental build", &check_settings, &corpus, parsed));
        let output = render_and_index(previous, before, &mut loaded, &corpus, out, stages);
        let found = checks
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (found, output)
    });
    let Some(Output {
        html_dir,
        csp,
        search,
        index_elapsed,
        after,
        pages,
    }) = output?
    else {
        return Ok(None);
    };
    let settings = loaded.settings;
    Ok(Some(Site {
        out_dir: out.to_path_buf(),
        html_dir,
        corpus,
        diagnostics,
        search,
        elapsed: started.elapsed(),
        index_elapsed,
        settings,
        drafts,
        changes,
        translations: Vec::new(),
        search_options,
        csp,
        render_input: Some(Arc::new(after)),
        incremental: Some(pages),
    }))
}

/// What an incremental build makes besides the checks' findings.
struct Output {
    html_dir: PathBuf,
    csp: crate::csp::PagePolicies,
    search: crate::search::SearchIndex,
    index_elapsed: std::time::Duration,
    after: book::RenderInput,
    /// How many pages were rendered.
    pages: usize,
}

/// Steps 2 to 4 of an incremental build into `out`: preprocess, render the changed pages,
/// link the rest, update the search index. `None` when only a full build gives the right
/// result.
fn render_and_index(
    previous: &Site,
    before: &book::RenderInput,
    loaded: &mut book::LoadedBook,
    corpus: &Arc<Corpus>,
    out: &Path,
    mut stages: Stages,
) -> Result<Option<Output>, BuildError> {
    // 2. Everything the HTML renderer would be given.
    let Some(after) = book::preprocessed(loaded, Arc::clone(corpus), out)? else {
        return full("the book has another renderer or preprocessor");
    };
    // A print page holds every chapter (a preview of a big book leaves it out).
    if loaded
        .mdbook
        .config
        .html_config()
        .unwrap_or_default()
        .print
        .enable
    {
        return full("the book has a print page");
    }
    stages.done("preprocess");
    if !after.same_shape(before) {
        return full("the book's shape changed");
    }

    // 3. Render the pages whose content changed; check the previous ones render the same.
    let wanted: Vec<usize> = (0..after.pages.len())
        .filter(|&i| after.pages[i].1 != before.pages[i].1)
        .collect();
    let mut pages = Vec::new();
    if !wanted.is_empty() {
        let scratch = tempfile::tempdir().map_err(|e| io(&std::env::temp_dir(), e))?;
        // A page alone with its neighbours, as long as the theme renders it so as in the
        // whole book (compact navigation); else in the whole book with the other pages
        // empty (a full contents list on every page), for a book small enough for that.
        let mut way = None;
        for whole in [false, true] {
            if whole && after.pages.len() > WHOLE_BOOK_MAX {
                break;
            }
            let dir = scratch.path().join(if whole { "whole" } else { "alone" });
            let old = before.render_pages(&wanted, &|i| before.pages[i].1.clone(), &dir, whole)?;
            let toc = TocScript::between(&dir, &previous.html_dir);
            let reproduced = old.iter().all(|(key, html)| {
                std::fs::read_to_string(previous.html_dir.join(key))
                    .is_ok_and(|page| page == with_search(&toc.as_in_whole_book(html)))
            });
            if reproduced {
                way = Some(whole);
                break;
            }
        }
        let Some(whole) = way else {
            return full("the changed pages do not render alone as in the whole book");
        };
        let dir = scratch.path().join("after");
        pages = after.render_pages(&wanted, &|i| after.pages[i].1.clone(), &dir, whole)?;
        let toc = TocScript::between(&dir, &previous.html_dir);
        for (_, html) in &mut pages {
            *html = toc.as_in_whole_book(html);
        }
    }

    stages.done("render changed pages");

    // 4. The previous build's files, the new pages, their policies, the corpus, the index.
    let html_rel = previous
        .html_dir
        .strip_prefix(&previous.out_dir)
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let html_dir = out.join(&html_rel);
    let skip = [
        previous.out_dir.join(CORPUS_FILE),
        previous.out_dir.join(crate::csp::CSP_FILE),
        previous.out_dir.join(SEARCH_INDEX_DIR),
    ];
    link_tree(&previous.out_dir, out, &skip)?;
    stages.done("link unchanged files");
    let mut csp = previous.csp.clone();
    for (key, html) in &pages {
        let html = with_search(html);
        let path = html_dir.join(key);
        // A new file: the linked one belongs to the previous build too.
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&path, e)),
        }
        std::fs::write(&path, &html).map_err(|e| io(&path, e))?;
        let hashes = crate::csp::PageHashes::of(&html);
        if hashes == crate::csp::PageHashes::default() {
            csp.pages.remove(key);
        } else {
            csp.pages.insert(key.clone(), hashes);
        }
    }
    csp.write(out)?;
    super::write_corpus(corpus, out)?;
    stages.done("write pages, policies and corpus");

    let indexing = Instant::now();
    let reindexed = changed_entries(&previous.corpus, corpus);
    let removed: Vec<&Entry> = previous
        .corpus
        .entries
        .iter()
        .filter(|e| reindexed.contains(&e.source))
        .collect();
    let synonyms = loaded
        .settings
        .code
        .as_ref()
        .map(|c| c.synonyms.clone())
        .unwrap_or_default();
    let search = previous.search.update(
        &previous.out_dir.join(SEARCH_INDEX_DIR),
        &out.join(SEARCH_INDEX_DIR),
        corpus,
        &removed,
        &reindexed,
        &synonyms,
    )?;
    let index_elapsed = indexing.elapsed();
    stages.done("update the search index");
    Ok(Some(Output {
        html_dir,
        csp,
        search,
        index_elapsed,
        after,
        pages: pages.len(),
    }))
}

/// The name of mdBook's contents script (`toc.js`, or `toc-HASH.js` with hashed file
/// names) in a small book's rendering and in the whole book's. The hash is of the script's
/// text, which lists every chapter, so a small book's differs; the book's shape being the
/// same, the whole book's script is the previous build's, and a page rendered in the small
/// book names it instead.
struct TocScript {
    small: Option<String>,
    whole: Option<String>,
}

impl TocScript {
    fn between(small_dir: &Path, whole_dir: &Path) -> TocScript {
        TocScript {
            small: toc_script_in(small_dir),
            whole: toc_script_in(whole_dir),
        }
    }

    /// `html` (a page rendered in the small book) naming the whole book's script.
    fn as_in_whole_book(&self, html: &str) -> String {
        match (&self.small, &self.whole) {
            (Some(small), Some(whole)) if small != whole => html
                .replace(&format!("/{small}\""), &format!("/{whole}\""))
                .replace(&format!("\"{small}\""), &format!("\"{whole}\"")),
            _ => html.to_string(),
        }
    }
}

/// The file name of the contents script at the top of an HTML folder, if there is one.
fn toc_script_in(dir: &Path) -> Option<String> {
    std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        let hashed = name
            .strip_prefix("toc-")
            .and_then(|rest| rest.strip_suffix(".js"))
            .is_some_and(|hash| !hash.is_empty() && hash.chars().all(|c| c.is_ascii_hexdigit()));
        (name == "toc.js" || hashed).then_some(name)
    })
}

/// The page as a full build leaves it (copbook's search added to default-theme pages).
fn with_search(html: &str) -> String {
    crate::default_theme::with_search(html).unwrap_or_else(|| html.to_string())
}

/// Whether `path` (as a watcher reports it) is the file of one of the book's chapters.
fn is_chapter(previous: &Site, settings: &BookSettings, path: &Path) -> bool {
    let src = settings
        .src_dir
        .canonicalize()
        .unwrap_or_else(|_| settings.src_dir.clone());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let Ok(rel) = path.strip_prefix(&src) else {
        return false;
    };
    let rel = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    rel.ends_with(".md")
        && rel != "SUMMARY.md"
        && previous.corpus.chapters.iter().any(|c| c.source == rel)
}

/// Whether two corpora have the same chapters with the same titles, numbers and parts.
fn same_chapters(a: &Corpus, b: &Corpus) -> bool {
    a.title == b.title
        && a.version == b.version
        && a.status == b.status
        && a.chapters.len() == b.chapters.len()
        && a.chapters.iter().zip(&b.chapters).all(|(x, y)| {
            x.source == y.source
                && x.title == y.title
                && x.url == y.url
                && x.part == y.part
                && x.number == y.number
                && x.provision_chapter == y.provision_chapter
                && x.part_title == y.part_title
        })
}

/// The chapters (sources) whose entries differ in anything the search index holds.
fn changed_entries(before: &Corpus, after: &Corpus) -> Vec<String> {
    type Indexed<'a> = (
        &'a str,
        crate::book::EntryKind,
        Option<&'a str>,
        crate::book::Part,
        Option<&'a str>,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
    );
    fn by_chapter(corpus: &Corpus) -> HashMap<&str, Vec<Indexed<'_>>> {
        let mut map: HashMap<&str, Vec<Indexed<'_>>> = HashMap::new();
        for e in &corpus.entries {
            map.entry(e.source.as_str()).or_default().push((
                &e.id,
                e.kind,
                e.number.as_deref(),
                e.part,
                e.theme.as_deref(),
                &e.url,
                &e.title,
                &e.breadcrumb,
                &e.text,
            ));
        }
        map
    }
    let (old, new) = (by_chapter(before), by_chapter(after));
    let mut sources: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    sources.sort_unstable();
    sources.dedup();
    sources
        .into_iter()
        .filter(|s| old.get(s) != new.get(s))
        .map(str::to_string)
        .collect()
}

/// Links every file under `from` into the same place under `to` (copies it where links
/// are impossible), leaving out the paths in `skip`.
fn link_tree(from: &Path, to: &Path, skip: &[PathBuf]) -> Result<(), BuildError> {
    let mut folders = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = folders.pop() {
        std::fs::create_dir_all(&dst).map_err(|e| io(&dst, e))?;
        for entry in std::fs::read_dir(&src).map_err(|e| io(&src, e))? {
            let entry = entry.map_err(|e| io(&src, e))?;
            let path = entry.path();
            if skip.contains(&path) {
                continue;
            }
            let target = dst.join(entry.file_name());
            let kind = entry.file_type().map_err(|e| io(&path, e))?;
            if kind.is_dir() {
                folders.push((path, target));
            } else if std::fs::hard_link(&path, &target).is_err() {
                std::fs::copy(&path, &target).map_err(|e| io(&target, e))?;
            }
        }
    }
    Ok(())
}
