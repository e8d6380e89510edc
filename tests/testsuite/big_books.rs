//! Big books: above `full-sidebar-max` chapters each page carries compact navigation (its
//! part, its sections, its neighbours) and links to a generated contents page, instead of
//! listing every chapter.

use crate::helpers::{TestBook, repo_root};

/// The minimal fixture with our theme and the given switch point (if any).
fn themed(full_sidebar_max: Option<usize>) -> TestBook {
    let theme = repo_root().join("themes/copbook");
    let book = TestBook::minimal().edit(
        "book.toml",
        "no-section-label = true",
        &format!(
            "no-section-label = true\ntheme = \"{}\"",
            theme.display().to_string().replace('\\', "/")
        ),
    );
    match full_sidebar_max {
        Some(n) => book.edit(
            "book.toml",
            "status = \"Test draft\"",
            &format!("status = \"Test draft\"\nfull-sidebar-max = {n}"),
        ),
        None => book,
    }
}

fn build(book: &TestBook) -> std::path::PathBuf {
    let out = book.run(&["build", "--out", "site"]);
    assert!(
        out.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    book.root().join("site")
}

fn read(path: std::path::PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn above_the_switch_point_a_page_shows_its_part_sections_and_neighbours() {
    let book = themed(Some(3));
    let site = build(&book);
    let page = read(site.join("code/keeping.html"));
    assert!(page.contains("<nav class=\"local-nav\""), "{page}");
    // Its part, on the contents page.
    assert!(page.contains("href=\"../toc.html#part-"), "{page}");
    // Its own sections.
    assert!(
        page.contains("<a href=\"#how-long\">How long</a>"),
        "{page}"
    );
    // Its neighbours in the part, itself marked.
    assert!(page.contains("href=\"../code/misuse.html\""), "{page}");
    assert!(
        page.contains("href=\"../code/keeping.html\" aria-current=\"page\""),
        "{page}"
    );
    // Not the chapters of another part.
    assert!(!page.contains("your-data.html"), "{page}");
    assert!(!page.contains("glossary.html"), "{page}");
    // The header's contents link goes to the contents page, which lists every chapter.
    assert!(
        page.contains("class=\"contents-link\" href=\"../toc.html\""),
        "{page}"
    );
    let contents = read(site.join("toc.html"));
    for chapter in [
        "code/aims.html",
        "code/keeping.html",
        "code/misuse.html",
        "code/matrix.html",
        "guide/your-data.html",
        "glossary.html",
    ] {
        assert!(
            contents.contains(&format!("<a href=\"{chapter}\">")),
            "{chapter} missing from toc.html: {contents}"
        );
    }
    assert!(contents.contains("id=\"part-"), "{contents}");
}

#[test]
fn below_the_switch_point_every_page_lists_every_chapter() {
    let book = themed(None);
    let site = build(&book);
    let page = read(site.join("code/keeping.html"));
    assert!(!page.contains("local-nav"), "{page}");
    assert!(page.contains("href=\"../guide/your-data.html\""), "{page}");
    assert!(page.contains("href=\"../glossary.html\""), "{page}");
    assert!(
        page.contains("class=\"contents-link\" href=\"#toc\""),
        "{page}"
    );
}
