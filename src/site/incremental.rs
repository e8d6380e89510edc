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
//!    hashes and `corpus.json` are updated; the search index is built afresh from the new
//!    corpus on another thread meanwhile, as a full build builds it (its files linked
//!    when no entry changed), not synced to disk in watch mode's preview.
//!
//! 5. each translation (the Welsh site under `cy/`) is read and checked against the new
//!    source corpus as in a full build, preprocessed, and the same steps render only its
//!    pages whose preprocessed content differs (a cite to a renumbered English paragraph
//!    included), put into its language and linked with the source's pages; its search
//!    index is made as the source's. A page re-rendered in either language is linked
//!    across as the full build linked the whole site ([`LanguageLinks`]); if what a
//!    page without a counterpart links to in the other language changed, the stand-ins
//!    for such pages may have changed, and the build is a full one.
//!
//! Anything else falls back to a full build: a change to `book.toml`, the theme, either
//! language's `SUMMARY.md`, a file that is not a chapter; more than one translation,
//! another renderer or preprocessor, a print page or an editable playground; a page
//! whose shape changed. `tests/testsuite/incremental.rs` compares the two byte for byte.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::{BuildError, CORPUS_FILE, SEARCH_INDEX_DIR, Site, Stages, TranslatedSite, io};
use crate::book::languages::LanguageLinks;
use crate::book::{self, Corpus};
use crate::config::{BookSettings, Translation};
use crate::diagnostic::Diagnostic;
use crate::i18n::Language;
use crate::search::{ChapterEdit, Durability, SearchIndex};

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
    let translations: Vec<Translation> = settings
        .code
        .iter()
        .flat_map(|c| c.languages.iter().cloned())
        .collect();
    if translations.len() > 1 {
        return full("the book has more than one translation");
    }
    if translations.len() != previous.translations.len()
        || previous
            .translations
            .iter()
            .zip(&translations)
            .any(|(was, now)| was.settings != *now || was.render_input.is_none())
    {
        return full("the previous build kept no translation's render input");
    }
    if changed.is_empty() {
        return full("no changed file was named");
    }
    let translation_sources = previous
        .translations
        .iter()
        .zip(&translations)
        .map(|(was, t)| Ok((was, super::translation_settings_of(&settings, t)?.src_dir)))
        .collect::<Result<Vec<_>, BuildError>>()?;
    let is_translated_chapter = |path: &Path| {
        translation_sources
            .iter()
            .any(|(was, src)| is_chapter_in(&was.corpus, src, path))
    };
    if let Some(other) = changed.iter().find(|p| {
        !is_chapter_in(&previous.corpus, &settings.src_dir, p) && !is_translated_chapter(p)
    }) {
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
    // core while this one renders.
    let check_settings = loaded.settings.clone();
    let parsed = loaded.diagnostics.clone();
    let synonyms = loaded.settings.search_synonyms();
    let durability = super::index_durability(&loaded.settings);
    // The index reads only the new corpus (and the previous index) and writes only its
    // own folder, which linking the previous build's files leaves out: it is made on
    // another thread while this one renders, as in a full build.
    let (diagnostics, output, indexed) = std::thread::scope(|scope| {
        let checks =
            scope.spawn(|| super::checked("incremental build", &check_settings, &corpus, parsed));
        let indexer = scope.spawn(|| index(previous, &corpus, &synonyms, durability, out));
        let output = render(previous, before, &mut loaded, &corpus, out, stages);
        let indexed = indexer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let found = checks
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (found, output, indexed)
    });
    let Some(Output {
        html_dir,
        csp,
        after,
        mut pages,
    }) = output?
    else {
        return Ok(None);
    };
    let (search, mut index_elapsed) = indexed?;
    let settings = loaded.settings;
    let mut diagnostics = diagnostics;
    let mut translated = Vec::new();
    for (was, translation) in previous.translations.iter().zip(&translations) {
        let into = TranslationTarget {
            source: &settings,
            source_corpus: &corpus,
            html_dir: &html_dir,
            out,
            previous_out: &previous.out_dir,
        };
        let Some(t) = translation_incremental(was, translation, &into)? else {
            return Ok(None);
        };
        diagnostics.extend(t.diagnostics);
        pages += t.pages;
        index_elapsed += t.index_elapsed;
        translated.push(t.site);
    }
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
        translations: translated,
        search_options,
        csp,
        render_input: Some(Arc::new(after)),
        incremental: Some(pages),
    }))
}

/// What an incremental build makes besides the checks' findings and the search index.
struct Output {
    html_dir: PathBuf,
    csp: crate::csp::PagePolicies,
    after: book::RenderInput,
    /// How many pages were rendered.
    pages: usize,
}

/// Steps 2 to 4 of an incremental build into `out`, but for the search index: preprocess,
/// render the changed pages, link the rest. `None` when only a full build gives the
/// right result.
fn render(
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
    if has_print_page(loaded) {
        return full("the book has a print page");
    }
    stages.done("preprocess");
    if !after.same_shape(before) {
        return full("the book's shape changed");
    }

    // 3. Render the pages whose content changed; check the previous ones render the same.
    // A page of a book with a translation is linked with its counterpart, as the full
    // build linked the whole site.
    let links: Vec<&LanguageLinks> = previous.translations.iter().map(|t| &*t.links).collect();
    let catalogue = if links.is_empty() {
        None
    } else {
        Some(super::catalogue(&previous.settings)?)
    };
    let link = |key: &str, html: &str| match &catalogue {
        Some(catalogue) => links.iter().fold(html.to_string(), |html, links| {
            links.link_page(&html, Path::new(key), Language::English, catalogue)
        }),
        None => html.to_string(),
    };
    let Some(changed_pages) =
        render_changed(before, &after, &previous.html_dir, &with_search, &link)?
    else {
        return full("the changed pages do not render alone as in the whole book");
    };
    let links_moved = changed_pages.iter().any(|page| {
        links.iter().any(|links| {
            let rel = Path::new(&page.key);
            links.links_across(&page.old, rel, Language::English)
                != links.links_across(&page.new, rel, Language::English)
        })
    });
    if links_moved {
        return full("a page without a counterpart links to other pages of the translation");
    }
    stages.done("render changed pages");

    // 4. The previous build's files, the new pages, their policies, the corpus, the index.
    let html_rel = previous
        .html_dir
        .strip_prefix(&previous.out_dir)
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let html_dir = out.join(&html_rel);
    let mut skip = vec![
        previous.out_dir.join(CORPUS_FILE),
        previous.out_dir.join(crate::csp::CSP_FILE),
        previous.out_dir.join(SEARCH_INDEX_DIR),
    ];
    // Each translation's index is updated from the previous one (which links its files).
    skip.extend(
        previous
            .translations
            .iter()
            .map(|t| super::translation_index_dir(&previous.out_dir, &t.settings)),
    );
    link_tree(&previous.out_dir, out, &skip)?;
    stages.done("link unchanged files");
    let mut csp = previous.csp.clone();
    for page in &changed_pages {
        write_page(&html_dir.join(&page.key), &link(&page.key, &page.new))?;
        let hashes = crate::csp::PageHashes::of(&page.new);
        if hashes == crate::csp::PageHashes::default() {
            csp.pages.remove(&page.key);
        } else {
            csp.pages.insert(page.key.clone(), hashes);
        }
    }
    csp.write(out)?;
    super::write_corpus(corpus, out)?;
    stages.done("write pages, policies and corpus");

    Ok(Some(Output {
        html_dir,
        csp,
        after,
        pages: changed_pages.len(),
    }))
}

/// The new build's English search index, in `out`: the previous one's files linked when
/// no entry changed in anything the index holds, else built afresh from the new corpus,
/// as a full build builds it. Updating the previous index instead (deleting and adding
/// the changed chapters' documents, then merging the segments so that scores are a fresh
/// index's) cost more than indexing the shipped book whole: two commits instead of one,
/// and the merge rewrites the whole index anyway.
fn index(
    previous: &Site,
    corpus: &Corpus,
    synonyms: &crate::config::SearchSynonyms,
    durability: Durability,
    out: &Path,
) -> Result<(SearchIndex, std::time::Duration), BuildError> {
    let indexing = Instant::now();
    let to = out.join(SEARCH_INDEX_DIR);
    let search = if changed_entries(&previous.corpus, corpus).is_empty() {
        previous.search.update(
            &previous.out_dir.join(SEARCH_INDEX_DIR),
            &to,
            corpus,
            ChapterEdit::NONE,
            synonyms,
            durability,
        )?
    } else {
        SearchIndex::build_in(corpus, synonyms, &to, false, durability)?
    };
    super::log_stage("incremental build", "index (beside rendering)", indexing);
    Ok((search, indexing.elapsed()))
}

/// A page an incremental build rendered again, before it is linked with the other
/// language: as the previous content renders it (the same as the previous build's page,
/// once linked) and as the new content does.
struct ChangedPage {
    /// Its path relative to the HTML folder, `/`-separated.
    key: String,
    old: String,
    new: String,
}

/// Renders the pages whose content differs between `before` and `after` (both of the
/// same shape), each finished as a full build finishes it (`finish`, then `link`), after
/// checking that the previous content renders the same way to the previous build's page
/// (under `previous_html`) byte for byte. `None` when it does not.
fn render_changed(
    before: &book::RenderInput,
    after: &book::RenderInput,
    previous_html: &Path,
    finish: &dyn Fn(&str) -> String,
    link: &dyn Fn(&str, &str) -> String,
) -> Result<Option<Vec<ChangedPage>>, BuildError> {
    let wanted: Vec<usize> = (0..after.pages.len())
        .filter(|&i| after.pages[i].1 != before.pages[i].1)
        .collect();
    if wanted.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let scratch = tempfile::tempdir().map_err(|e| io(&std::env::temp_dir(), e))?;
    // A page alone with its neighbours, as long as the theme renders it so as in the
    // whole book (compact navigation); else in the whole book with the other pages
    // empty (a full contents list on every page), for a book small enough for that.
    for whole in [false, true] {
        if whole && after.pages.len() > WHOLE_BOOK_MAX {
            break;
        }
        let dir = scratch.path().join(if whole { "whole" } else { "alone" });
        let old = before.render_pages(&wanted, &|i| before.pages[i].1.clone(), &dir, whole)?;
        let toc = TocScript::between(&dir, previous_html);
        let old: Vec<(String, String)> = old
            .into_iter()
            .map(|(key, html)| {
                let html = finish(&toc.as_in_whole_book(&html));
                (key, html)
            })
            .collect();
        let reproduced = old.iter().all(|(key, html)| {
            std::fs::read_to_string(previous_html.join(key))
                .is_ok_and(|page| page == link(key, html))
        });
        if !reproduced {
            continue;
        }
        let dir = scratch.path().join("after");
        let new = after.render_pages(&wanted, &|i| after.pages[i].1.clone(), &dir, whole)?;
        let toc = TocScript::between(&dir, previous_html);
        return Ok(Some(
            old.into_iter()
                .zip(new)
                .map(|((key, old), (_, html))| ChangedPage {
                    key,
                    old,
                    new: finish(&toc.as_in_whole_book(&html)),
                })
                .collect(),
        ));
    }
    Ok(None)
}

/// Writes a page of a new build over the file linked from the previous build (a new
/// file: the linked one belongs to the previous build too).
fn write_page(path: &Path, html: &str) -> Result<(), BuildError> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(path, e)),
    }
    std::fs::write(path, html).map_err(|e| io(path, e))
}

/// Where an incremental build of a translation goes, and what it translates.
struct TranslationTarget<'a> {
    /// The source's settings, as read for this build.
    source: &'a BookSettings,
    /// The source's corpus, as built by this build.
    source_corpus: &'a Arc<Corpus>,
    /// This build's HTML folder (the translation's is its `CODE/`).
    html_dir: &'a Path,
    /// This build's output folder.
    out: &'a Path,
    /// The output folder of the build being served.
    previous_out: &'a Path,
}

/// What an incremental build of a translation makes.
struct TranslationOutput {
    site: TranslatedSite,
    diagnostics: Vec<Diagnostic>,
    pages: usize,
    index_elapsed: std::time::Duration,
}

/// Step 5: the translation `was` (of the site being served) built again from its files
/// and the new source, rendering only its pages whose content changed, into the new
/// build's folders (where the previous build's files are already linked). `None` when
/// only a full build gives the right result.
fn translation_incremental(
    was: &TranslatedSite,
    translation: &Translation,
    into: &TranslationTarget<'_>,
) -> Result<Option<TranslationOutput>, BuildError> {
    let mut stages = Stages::new("incremental build of a translation");
    let Some(before) = was.render_input.as_deref() else {
        return full("the translation kept no render input");
    };
    let super::ReadTranslation {
        language,
        mut loaded,
        corpus,
        diagnostics,
        catalogue,
    } = super::read_translation(into.source, translation, into.source_corpus)?;
    stages.done("read, extract and check");
    if !same_chapters(&was.corpus, &corpus) {
        return full("the translation's chapters changed");
    }
    let dir = into.html_dir.join(&translation.code);
    let Some(after) = book::preprocessed_translation(
        &mut loaded,
        Arc::clone(&corpus),
        &dir,
        language,
        Arc::clone(into.source_corpus),
        &into.source.src_dir,
    )?
    else {
        return full("the translation has another renderer or preprocessor");
    };
    if has_print_page(&loaded) {
        return full("the translation has a print page");
    }
    if !after.same_shape(before) {
        return full("the translation's shape changed");
    }
    stages.done("preprocess");
    let links = &*was.links;
    let localise = |html: &str| book::languages::localise_page(html, language, &catalogue);
    let link = |key: &str, html: &str| links.link_page(html, Path::new(key), language, &catalogue);
    let Some(changed_pages) = render_changed(before, &after, &was.html_dir, &localise, &link)?
    else {
        return full("the translation's changed pages do not render alone as in the whole book");
    };
    let links_moved = changed_pages.iter().any(|page| {
        let rel = Path::new(&page.key);
        links.links_across(&page.old, rel, language) != links.links_across(&page.new, rel, language)
    });
    if links_moved {
        return full("a translated page without a counterpart links to other English pages");
    }
    for page in &changed_pages {
        write_page(&dir.join(&page.key), &link(&page.key, &page.new))?;
    }
    stages.done("render changed pages");

    // As the English index: linked if no entry changed, else built afresh.
    let indexing = Instant::now();
    let to = super::translation_index_dir(into.out, translation);
    let durability = super::index_durability(into.source);
    let search = if changed_entries(&was.corpus, &corpus).is_empty() {
        was.search.update(
            &super::translation_index_dir(into.previous_out, translation),
            &to,
            &corpus,
            ChapterEdit::NONE,
            &SearchIndex::welsh_synonyms(),
            durability,
        )?
    } else {
        SearchIndex::build_in(
            &corpus,
            &SearchIndex::welsh_synonyms(),
            &to,
            true,
            durability,
        )?
    };
    let index_elapsed = indexing.elapsed();
    stages.done("index");
    Ok(Some(TranslationOutput {
        site: TranslatedSite {
            language,
            settings: translation.clone(),
            html_dir: dir,
            corpus,
            search,
            render_input: Some(Arc::new(after)),
            links: Arc::clone(&was.links),
        },
        diagnostics,
        pages: changed_pages.len(),
        index_elapsed,
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

/// Whether `path` (as a watcher reports it) is the file of one of the chapters of
/// `corpus`, whose source folder is `src`.
fn is_chapter_in(corpus: &Corpus, src: &Path, path: &Path) -> bool {
    let src = src.canonicalize().unwrap_or_else(|_| src.to_path_buf());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let Ok(rel) = path.strip_prefix(&src) else {
        return false;
    };
    let rel = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    rel.ends_with(".md") && rel != "SUMMARY.md" && corpus.chapters.iter().any(|c| c.source == rel)
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

/// Whether the book has a print page, which holds every chapter: an edit of one chapter
/// changes it, so such a book takes a full build.
fn has_print_page(loaded: &book::LoadedBook) -> bool {
    loaded
        .mdbook
        .config
        .html_config()
        .unwrap_or_default()
        .print
        .enable
}
