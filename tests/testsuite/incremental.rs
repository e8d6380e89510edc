//! Incremental rebuilds (watch mode): a save that changes only chapters' text re-renders
//! only the pages that changed, and the site is the same as a full build of the same
//! files. Seeded random edits to the minimal fixture's chapter bodies; after each, the
//! incremental build and a full build are compared file by file, byte for byte, and by
//! their search results, corpus and findings.
//!
//! The one normalisation: the search index's files (`.copbook/search-index`) are not
//! compared as bytes. The incremental build deletes and adds documents in tantivy, so its
//! segment files have other names and another document order; what they must give is the
//! same, and that is compared instead: every hit (id, score to the bit, snippet, order)
//! of a set of searches, and the number of documents.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use copbook::search::SearchQuery;
use copbook::site::Site;

use crate::helpers::{TestBook, repo_root};

/// The minimal fixture with our theme (compact navigation above `sidebar_max`
/// chapters) or mdBook's default theme, without the print page (which holds every
/// chapter, so any change rebuilds everything).
fn fixture(our_theme: bool, sidebar_max: usize) -> TestBook {
    fixture_with_print(our_theme, sidebar_max, false)
}

/// [`fixture`], with mdBook's print page as book.toml says (`print`).
fn fixture_with_print(our_theme: bool, sidebar_max: usize, print: bool) -> TestBook {
    let mut html = String::from("no-section-label = true");
    if our_theme {
        let theme = repo_root().join("themes/copbook");
        html.push_str(&format!(
            "\ntheme = \"{}\"",
            theme.display().to_string().replace('\\', "/")
        ));
    }
    TestBook::minimal()
        .edit(
            "book.toml",
            "no-section-label = true",
            &format!("{html}\n\n[output.html.print]\nenable = {print}\n"),
        )
        .edit(
            "book.toml",
            "status = \"Test draft\"",
            &format!("status = \"Test draft\"\nfull-sidebar-max = {sidebar_max}"),
        )
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "record",
    "police",
    "data",
    "kept",
    "review",
    "year",
    "LEDS",
    "officer",
    "safe",
    "open",
    "publish",
    "rules",
    "curiosity",
    "look",
    "staff",
    "reason",
    "check",
    "audit",
    "people",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 4 + rng.below(8);
    let words: Vec<&str> = (0..n).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    let mut s = words.join(" ");
    s[..1].make_ascii_uppercase();
    s.push('.');
    s
}

/// The minimal fixture's provisions that an edit cites and the key aim a new provision
/// serves.
const MINIMAL: Ids = Ids {
    cited: &["keep-review", "keep-publish", "misuse-curiosity"],
    aim: "safety",
};

/// Ids of the book being edited: provisions an edit may cite, a key aim a new provision
/// may serve.
struct Ids {
    cited: &'static [&'static str],
    aim: &'static str,
}

/// One random edit of a chapter's body (never its title in SUMMARY.md): a new
/// paragraph, a new provision (which renumbers the ones after it, and so the pages that
/// cite them), a cite, a new section heading, a changed or removed line.
fn edit(rng: &mut Rng, text: &str, code: bool, counter: &mut usize) -> String {
    edit_citing(rng, text, code, counter, &MINIMAL)
}

/// [`edit`] in a book whose ids are `ids`.
fn edit_citing(rng: &mut Rng, text: &str, code: bool, counter: &mut usize, ids: &Ids) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Never before the chapter's own heading.
    let at = 1 + rng.below(lines.len().max(1));
    *counter += 1;
    match rng.below(6) {
        0 => lines.insert(at.min(lines.len()), format!("\n{}\n", sentence(rng))),
        1 if code => lines.insert(
            at.min(lines.len()),
            format!(
                "\n{{#added-{counter} aims={}}} {}\n",
                ids.aim,
                sentence(rng)
            ),
        ),
        2 => {
            let cited = ids.cited[rng.below(ids.cited.len())];
            lines.insert(
                at.min(lines.len()),
                format!(
                    "\nAs {{{{#cite {cited}}}}} says, {}\n",
                    sentence(rng).to_lowercase()
                ),
            );
        }
        3 => lines.insert(
            at.min(lines.len()),
            format!("\n## Section {counter}\n\n{}\n", sentence(rng)),
        ),
        4 => {
            // Change a word of a prose line.
            let prose: Vec<usize> = (1..lines.len())
                .filter(|&i| lines[i].len() > 20 && !lines[i].starts_with('#'))
                .collect();
            if let Some(&i) = prose.get(rng.below(prose.len().max(1))) {
                let word = WORDS[rng.below(WORDS.len())];
                lines[i] = lines[i].replacen(" ", &format!(" {word} "), 1);
            } else {
                lines.push(format!("\n{}", sentence(rng)));
            }
        }
        _ => {
            // Remove a line that is not the chapter's heading.
            if lines.len() > 2 {
                let i = 1 + rng.below(lines.len() - 1);
                lines.remove(i);
            } else {
                lines.push(format!("\n{}", sentence(rng)));
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Every file under `dir` by its path relative to it, except the search index's.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir") {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            if rel.starts_with(".copbook/search-index") {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else {
                out.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    out
}

/// The same site, compared file by file and by what it answers, its translations' search
/// included.
fn assert_same(incremental: &Site, full: &Site, round: usize) {
    assert_same_english(incremental, full, round);
    assert_eq!(incremental.translations.len(), full.translations.len());
    for (a, b) in incremental.translations.iter().zip(&full.translations) {
        assert_eq!(
            a.html_dir.strip_prefix(&incremental.out_dir).ok(),
            b.html_dir.strip_prefix(&full.out_dir).ok()
        );
        assert_eq!(
            serde_json::to_string(&*a.corpus).expect("json"),
            serde_json::to_string(&*b.corpus).expect("json"),
            "round {round}: the same Welsh corpus"
        );
        assert_eq!(a.search.num_docs(), b.search.num_docs(), "round {round}");
        for text in WELSH_QUERIES.iter().chain(WORDS) {
            let q = SearchQuery {
                limit: 20,
                ..SearchQuery::new((*text).to_string())
            };
            assert_eq!(
                hits(&a.search, &q),
                hits(&b.search, &q),
                "round {round}: Welsh search {text:?}"
            );
        }
    }
}

/// Searches of the Welsh guide, with mutations and everyday words.
const WELSH_QUERIES: &[&str] = &[
    "pam mae LEDS yn bodoli",
    "herio gwybodaeth",
    "ymgynghoriad",
    "cwyn",
    "ddata",
    "heddlu",
];

/// What a search answers: the total, each hit (id, score to the bit, snippet), the
/// suggestion.
type Answer = (usize, Vec<(String, u32, String)>, Option<String>);

fn hits(index: &copbook::search::SearchIndex, q: &SearchQuery) -> Answer {
    let r = index.search(q).expect("search");
    let hits = r
        .hits
        .into_iter()
        .map(|h| (h.id, h.score.to_bits(), h.snippet))
        .collect();
    (r.total, hits, r.suggestion)
}

/// [`assert_same`] for the source language's site: every file, the findings, the search.
fn assert_same_english(incremental: &Site, full: &Site, round: usize) {
    let (a, b) = (files(&incremental.out_dir), files(&full.out_dir));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "round {round}: the same files"
    );
    for (name, bytes) in &a {
        if bytes != &b[name] {
            panic!(
                "round {round}: {name} differs\n--- incremental\n{}\n--- full\n{}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&b[name])
            );
        }
    }
    let shown = |s: &Site| {
        s.diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        shown(incremental),
        shown(full),
        "round {round}: the same findings"
    );
    assert_eq!(
        incremental.search.num_docs(),
        full.search.num_docs(),
        "round {round}"
    );
    let mut queries: Vec<String> = WORDS.iter().map(|w| (*w).to_string()).collect();
    queries.extend([
        "how long are records kept".to_string(),
        "what is LEDS".to_string(),
        "reviw".to_string(),
        "1.1".to_string(),
        "\"look up\"".to_string(),
        "section".to_string(),
    ]);
    for text in queries {
        for offset in [0, 3] {
            let q = SearchQuery {
                limit: 20,
                offset,
                ..SearchQuery::new(text.clone())
            };
            assert_eq!(
                hits(&incremental.search, &q),
                hits(&full.search, &q),
                "round {round}: search {text:?} from {offset}"
            );
        }
    }
}

fn chapter_files(site: &Site) -> Vec<(String, bool)> {
    site.corpus
        .chapters
        .iter()
        .map(|c| (c.source.clone(), c.part == copbook::book::Part::Code))
        .collect()
}

/// Runs `rounds` rounds of random edits on `book`, comparing each incremental build with
/// a full one; returns how many rounds were built incrementally.
fn random_edits(book: &TestBook, seed: u64, rounds: usize) -> usize {
    random_edits_of(book, seed, rounds, false)
}

/// [`random_edits`], building for watch mode's live preview when `preview`.
fn random_edits_of(book: &TestBook, seed: u64, rounds: usize, preview: bool) -> usize {
    let builds = book.root().join("builds");
    let fulls = book.root().join("full-builds");
    let mut served =
        copbook::site::build_fresh(&book.book(), &builds, preview).expect("first build");
    assert!(
        served.render_input.is_some(),
        "a full build keeps its input"
    );
    let chapters = chapter_files(&served);
    let src = book.book().join("src");
    let mut rng = Rng(seed);
    let mut counter = 0;
    let mut incremental_rounds = 0;
    for round in 0..rounds {
        let mut changed: Vec<PathBuf> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let (source, code) = &chapters[rng.below(chapters.len())];
            let path = src.join(source);
            let text = std::fs::read_to_string(&path).expect("chapter");
            std::fs::write(&path, edit(&mut rng, &text, *code, &mut counter)).expect("write");
            changed.push(path);
        }
        let next =
            copbook::site::rebuild(&served, &changed, &book.book(), &builds).expect("rebuild");
        let full = copbook::site::build_fresh(&book.book(), &fulls, preview).expect("full build");
        assert_eq!(full.incremental, None);
        assert_same(&next, &full, round);
        if next.incremental.is_some() {
            incremental_rounds += 1;
        }
        full.discard();
        // As watch mode does: the new build is served, older ones are removed.
        copbook::site::remove_old_builds(&next.out_dir);
        served = next;
    }
    incremental_rounds
}

#[test]
fn incremental_builds_equal_full_builds_with_our_theme_and_compact_navigation() {
    let book = fixture(true, 3);
    let rounds = 12;
    assert_eq!(random_edits(&book, 0x5EED_0001, rounds), rounds);
}

#[test]
fn incremental_builds_equal_full_builds_with_the_full_sidebar() {
    let book = fixture(true, 100);
    let rounds = 8;
    assert_eq!(random_edits(&book, 0x5EED_0002, rounds), rounds);
}

#[test]
fn incremental_builds_equal_full_builds_with_the_default_theme() {
    let book = fixture(false, 100);
    let rounds = 8;
    assert_eq!(random_edits(&book, 0x5EED_0003, rounds), rounds);
}

#[test]
fn a_preview_of_a_big_book_leaves_out_its_print_page_and_builds_incrementally() {
    // mdBook's default theme, its print page on, more chapters than the sidebar lists.
    let book = fixture_with_print(false, 3, true);
    let rounds = 6;
    assert_eq!(random_edits_of(&book, 0x5EED_0004, rounds, true), rounds);
    let root = book.root();
    let preview = copbook::site::build_fresh(&book.book(), &root.join("p"), true).expect("preview");
    let print = std::fs::read_to_string(preview.html_dir.join("print.html")).expect("print");
    assert!(print.contains("not in the live preview"), "{print}");
    // A build (not a preview) makes the real print page.
    let built = copbook::site::build_fresh(&book.book(), &root.join("b"), false).expect("build");
    let print = std::fs::read_to_string(built.html_dir.join("print.html")).expect("print");
    assert!(
        !print.contains("not in the live preview") && print.contains("id=\"keep-review\""),
        "{print}"
    );
    // A small book's preview keeps its print page.
    let small = fixture_with_print(false, 100, true);
    let preview =
        copbook::site::build_fresh(&small.book(), &small.root().join("p"), true).expect("preview");
    let print = std::fs::read_to_string(preview.html_dir.join("print.html")).expect("print");
    assert!(!print.contains("not in the live preview"), "{print}");
}

#[test]
fn an_incremental_build_re_renders_only_the_pages_that_changed() {
    let book = fixture(true, 3);
    let builds = book.root().join("builds");
    let served = copbook::site::build_fresh(&book.book(), &builds, false).expect("first build");
    let path = book.book().join("src/glossary.md");
    let text = std::fs::read_to_string(&path).expect("glossary");
    std::fs::write(&path, format!("{text}\nA new line of the glossary.\n")).expect("write");
    let next = copbook::site::rebuild(&served, &[path], &book.book(), &builds).expect("rebuild");
    assert_eq!(next.incremental, Some(1), "only the glossary page");
    let page = std::fs::read_to_string(next.html_dir.join("glossary.html")).expect("page");
    assert!(page.contains("A new line of the glossary."), "{page}");
    // A page that did not change is the previous build's file.
    let before = std::fs::read(served.html_dir.join("code/keeping.html")).expect("before");
    let after = std::fs::read(next.html_dir.join("code/keeping.html")).expect("after");
    assert_eq!(before, after);
    // The search index knows the new text.
    let hits = next
        .search
        .search(&SearchQuery::new("glossary line"))
        .expect("search");
    assert!(
        hits.hits.iter().any(|h| h.source == "glossary.md"),
        "{hits:?}"
    );
}

#[test]
fn a_new_provision_re_renders_the_pages_that_cite_the_ones_it_renumbers() {
    let book = fixture(true, 3);
    let builds = book.root().join("builds");
    let served = copbook::site::build_fresh(&book.book(), &builds, false).expect("first build");
    let path = book.book().join("src/code/keeping.md");
    let text = std::fs::read_to_string(&path).expect("chapter");
    let text = text.replace(
        "## How long\n",
        "## How long\n\n{#keep-first aims=safety} A record must have an owner.\n",
    );
    std::fs::write(&path, text).expect("write");
    let next = copbook::site::rebuild(&served, &[path], &book.book(), &builds).expect("rebuild");
    let pages = next.incremental.expect("incremental");
    // keeping.html, the guide page citing its provisions, the aims matrix.
    assert!(pages >= 3, "{pages} pages");
    let guide = std::fs::read_to_string(next.html_dir.join("guide/your-data.html")).expect("page");
    let number = next
        .corpus
        .get("keep-review")
        .and_then(|e| e.number.clone())
        .expect("numbered");
    assert!(guide.contains(&format!("paragraph {number}")), "{guide}");
}

#[test]
fn a_change_of_shape_falls_back_to_a_full_build() {
    let book = fixture(true, 3);
    let builds = book.root().join("builds");
    let fulls = book.root().join("full-builds");
    let served = copbook::site::build_fresh(&book.book(), &builds, false).expect("first build");

    // A chapter's title in SUMMARY.md.
    let summary = book.book().join("src/SUMMARY.md");
    let text = std::fs::read_to_string(&summary).expect("summary");
    std::fs::write(&summary, text.replace("[Misuse]", "[Misuse of data]")).expect("write");
    let next = copbook::site::rebuild(
        &served,
        std::slice::from_ref(&summary),
        &book.book(),
        &builds,
    )
    .expect("rebuild");
    assert_eq!(next.incremental, None, "SUMMARY.md changed");
    let full = copbook::site::build_fresh(&book.book(), &fulls, false).expect("full");
    assert_same(&next, &full, 0);
    full.discard();

    // Even when the watcher reported only a chapter: the shape is compared, not trusted.
    let chapter = book.book().join("src/code/misuse.md");
    std::fs::write(&summary, text.replace("[Misuse]", "[Misused]")).expect("write");
    let again =
        copbook::site::rebuild(&next, std::slice::from_ref(&chapter), &book.book(), &builds)
            .expect("rebuild");
    assert_eq!(again.incremental, None, "the title changed");
    let page = std::fs::read_to_string(again.html_dir.join("code/misuse.html")).expect("page");
    assert!(page.contains("Misused"), "{page}");

    // book.toml.
    let toml = book.book().join("book.toml");
    let text = std::fs::read_to_string(&toml).expect("toml");
    std::fs::write(&toml, text.replace("Minimal Code", "Minimal Code, revised")).expect("write");
    let third = copbook::site::rebuild(
        &again,
        std::slice::from_ref(&chapter),
        &book.book(),
        &builds,
    )
    .expect("rebuild");
    assert_eq!(third.incremental, None, "book.toml changed");

    // A file that is not a chapter.
    let asset = book.book().join("src/notes.txt");
    std::fs::write(&asset, "not a chapter").expect("write");
    let fourth = copbook::site::rebuild(&third, &[asset], &book.book(), &builds).expect("rebuild");
    assert_eq!(fourth.incremental, None, "not a chapter");
    assert!(fourth.html_dir.join("notes.txt").is_file());
}

/// The shipped book's provisions an edit cites (the Welsh guide cites them too) and a key
/// aim of its Code.
const SHIPPED: Ids = Ids {
    cited: &[
        "share-lawful-basis",
        "remove-retention-schedule",
        "challenge-subject-access",
        "use-purpose-limitation",
    ],
    aim: "fairness",
};

#[test]
fn incremental_builds_equal_full_builds_of_a_book_with_a_translation() {
    // The shipped book: its Welsh guide under `cy/` cites the English Code's paragraphs,
    // pairs with the English guide by id and is checked against it. Edits of English
    // chapters (new provisions renumber what the Welsh pages cite) and of Welsh ones.
    let book = TestBook::shipped();
    let builds = book.root().join("builds");
    let fulls = book.root().join("full-builds");
    let mut served = copbook::site::build_fresh(&book.book(), &builds, true).expect("first build");
    assert_eq!(served.translations.len(), 1, "the Welsh guide");
    let welsh = &served.translations[0];
    assert!(welsh.render_input.is_some(), "a full build keeps its input");
    let mut chapters: Vec<(PathBuf, bool)> = chapter_files(&served)
        .into_iter()
        .map(|(source, code)| (book.book().join("src").join(source), code))
        .collect();
    chapters.extend(
        welsh
            .corpus
            .chapters
            .iter()
            .map(|c| (book.book().join(&welsh.settings.src).join(&c.source), false)),
    );
    let mut rng = Rng(0x5EED_00C7);
    let mut counter = 0;
    let rounds = 8;
    let mut incremental_rounds = 0;
    for round in 0..rounds {
        let mut changed: Vec<PathBuf> = Vec::new();
        for _ in 0..1 + rng.below(2) {
            let (path, code) = &chapters[rng.below(chapters.len())];
            let text = std::fs::read_to_string(path).expect("chapter");
            let edited = edit_citing(&mut rng, &text, *code, &mut counter, &SHIPPED);
            std::fs::write(path, edited).expect("write");
            changed.push(path.clone());
        }
        let next =
            copbook::site::rebuild(&served, &changed, &book.book(), &builds).expect("rebuild");
        let full = copbook::site::build_fresh(&book.book(), &fulls, true).expect("full build");
        assert_same(&next, &full, round);
        if next.incremental.is_some() {
            incremental_rounds += 1;
        }
        full.discard();
        copbook::site::remove_old_builds(&next.out_dir);
        served = next;
    }
    assert_eq!(incremental_rounds, rounds);
}

#[test]
fn an_edit_of_either_language_re_renders_only_its_own_page() {
    let book = TestBook::shipped();
    let builds = book.root().join("builds");
    let fulls = book.root().join("full-builds");
    let served = copbook::site::build_fresh(&book.book(), &builds, true).expect("first build");

    // The English guide page the watch benchmark edits.
    let english = book.book().join("src/guide/why-on-leds.md");
    let text = std::fs::read_to_string(&english).expect("chapter");
    std::fs::write(&english, format!("{text}\nQuokkaberry is a new word.\n")).expect("write");
    let next = copbook::site::rebuild(
        &served,
        std::slice::from_ref(&english),
        &book.book(),
        &builds,
    )
    .expect("rebuild");
    assert_eq!(next.incremental, Some(1), "only the English page");
    let page = std::fs::read_to_string(next.html_dir.join("guide/why-on-leds.html")).expect("page");
    assert!(page.contains("Quokkaberry is a new word."), "{page}");
    assert!(
        page.contains("hreflang=\"cy\" href=\"/cy/guide/why-on-leds.html\""),
        "still linked with its Welsh counterpart: {page}"
    );
    // The Welsh counterpart is the previous build's file; the Welsh findings are new.
    let welsh_page = "cy/guide/why-on-leds.html";
    assert_eq!(
        std::fs::read(served.html_dir.join(welsh_page)).expect("before"),
        std::fs::read(next.html_dir.join(welsh_page)).expect("after")
    );
    let full = copbook::site::build_fresh(&book.book(), &fulls, true).expect("full");
    assert_same(&next, &full, 0);
    full.discard();

    // A Welsh guide page.
    let welsh = book.book().join("src-cy/guide/why-on-leds.md");
    let text = std::fs::read_to_string(&welsh).expect("chapter");
    std::fs::write(&welsh, format!("{text}\nMae cwningen yn air newydd.\n")).expect("write");
    let third = copbook::site::rebuild(&next, std::slice::from_ref(&welsh), &book.book(), &builds)
        .expect("rebuild");
    assert_eq!(third.incremental, Some(1), "only the Welsh page");
    let page = std::fs::read_to_string(third.html_dir.join(welsh_page)).expect("page");
    assert!(page.contains("Mae cwningen yn air newydd."), "{page}");
    assert!(page.contains("lang=\"cy\""), "{page}");
    let found = third.translations[0]
        .search
        .search(&SearchQuery::new("cwningen".to_string()))
        .expect("search");
    assert!(
        found
            .hits
            .iter()
            .any(|h| h.source == "guide/why-on-leds.md"),
        "{found:?}"
    );
    let full = copbook::site::build_fresh(&book.book(), &fulls, true).expect("full");
    assert_same(&third, &full, 1);

    // The Welsh SUMMARY.md: a full build.
    let summary = book.book().join("src-cy/SUMMARY.md");
    let text = std::fs::read_to_string(&summary).expect("summary");
    std::fs::write(&summary, text.replace("[Geirfa]", "[Yr eirfa]")).expect("write");
    let fourth =
        copbook::site::rebuild(&third, &[summary], &book.book(), &builds).expect("rebuild");
    assert_eq!(fourth.incremental, None, "the Welsh contents changed");
}
