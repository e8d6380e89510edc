//! `copbook build`: the site, corpus.json, and what must never show in a page.

use std::collections::HashSet;
use std::path::Path;

use crate::helpers::{TestBook, output_text};

fn corpus(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("corpus.json")).expect("corpus.json");
    serde_json::from_str(&text).expect("valid json")
}

fn html_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            html_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "html") {
            into.push(path);
        }
    }
}

#[test]
fn shipped_book_builds_site_and_corpus() {
    let book = TestBook::shipped();
    let out = book.run(&["build", "--out", "site"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.starts_with("built 2"), "summary: {summary}");
    let site = book.root().join("site");
    let corpus = corpus(&site);

    let entries = corpus["entries"].as_array().expect("entries");
    let provisions: Vec<_> = entries
        .iter()
        .filter(|e| e["kind"] == "provision")
        .collect();
    assert!(
        provisions.len() >= 56,
        "only {} provisions",
        provisions.len()
    );
    let ids: HashSet<&str> = provisions
        .iter()
        .map(|p| p["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids.len(),
        provisions.len(),
        "provision ids must be distinct"
    );
    for p in &provisions {
        assert_eq!(p["part"], "code");
        let number = p["number"].as_str().expect("number");
        assert!(
            number.split('.').all(|n| n.parse::<u32>().is_ok()),
            "number {number}"
        );
        assert!(
            !p["aims"].as_array().expect("aims").is_empty(),
            "{} has no aims",
            p["id"]
        );
        let text = p["text"].as_str().expect("text");
        assert!(
            !text.contains("{#") && !text.contains('*'),
            "markup in text: {text}"
        );
    }
    for field in [
        "id", "number", "part", "theme", "aims", "source", "url", "title", "text",
    ] {
        assert!(
            provisions[0].get(field).is_some(),
            "corpus entries lack `{field}`"
        );
    }
    // Every theme, statement and guide page was rendered.
    for chapter in corpus["chapters"].as_array().expect("chapters") {
        let url = chapter["url"].as_str().expect("url");
        assert!(site.join(url).is_file(), "{url} not rendered");
    }
    let sources: HashSet<&str> = entries
        .iter()
        .map(|e| e["source"].as_str().expect("source"))
        .collect();
    for theme in [
        "obtaining",
        "inputting",
        "sharing",
        "protecting",
        "accessing",
        "using",
        "removing",
    ] {
        assert!(
            sources.contains(format!("code/{theme}.md").as_str()),
            "theme {theme}"
        );
    }
    assert!(
        entries
            .iter()
            .any(|e| e["part"] == "guide" && e["source"] == "guide/challenge.md")
    );
    // No search index of mdBook's is shipped.
    let mut pages = Vec::new();
    html_files(&site, &mut pages);
    assert!(!site.join("searchindex.json").exists() && !site.join("searchindex.js").exists());
    // No marker or cite source text shows on any page.
    for page in &pages {
        let html = std::fs::read_to_string(page).expect("read page");
        assert!(
            !html.contains("{{#"),
            "{} shows a {{{{#…}}}} directive",
            page.display()
        );
        for marker in html.match_indices("{#") {
            let after = &html[marker.0 + 2..];
            let word: String = after
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '-')
                .collect();
            assert!(
                word.is_empty(),
                "{} shows an id marker {{#{word}",
                page.display()
            );
        }
    }
    // The aims matrix was rendered, and every provision's anchor exists on its page.
    let matrix = std::fs::read_to_string(site.join("code/aims-matrix.html")).expect("matrix");
    assert!(matrix.contains("<table class=\"aims-matrix\""));
    for entry in entries {
        let url = entry["url"].as_str().expect("url");
        if let Some((page, anchor)) = url.split_once('#') {
            let html = std::fs::read_to_string(site.join(page)).expect("page");
            assert!(
                html.contains(&format!("id=\"{anchor}\"")),
                "{url}: anchor missing in HTML"
            );
        }
    }
}

#[test]
fn cites_render_as_paragraph_links() {
    let book = TestBook::minimal();
    let out = book.run(&["build", "--out", "site"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let html =
        std::fs::read_to_string(book.root().join("site/guide/your-data.html")).expect("page");
    assert!(
        html.contains(r#"<a href="../code/keeping.html#keep-review">paragraph 2.1</a>"#),
        "{html}"
    );
    assert!(html.contains(r#"<a href="../code/misuse.html#misuse-curiosity">paragraph 3.1</a>"#));
    let keeping =
        std::fs::read_to_string(book.root().join("site/code/keeping.html")).expect("page");
    assert!(keeping.contains(
        r##"id="keep-publish" href="#keep-publish" aria-label="Paragraph 2.2">2.2</a> The rules"##
    ));
    assert!(keeping.contains("Draft version 0.0 · Test draft"));
    let corpus = corpus(&book.root().join("site"));
    let guide = corpus["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["id"] == "guide/your-data")
        .expect("guide page entry");
    assert_eq!(
        guide["text"],
        "Records are checked every year (paragraph 2.1). Staff may not look you up for fun (paragraph 3.1)."
    );
    let list_provision = corpus["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| e["id"] == "keep-publish")
        .expect("provision");
    assert_eq!(
        list_provision["text"],
        "The rules for keeping records must be published: on the web; in print."
    );
    assert_eq!(list_provision["title"], "How long");
    assert_eq!(list_provision["url"], "code/keeping.html#keep-publish");
}

#[test]
fn plain_mdbook_builds() {
    let book = TestBook::minimal()
        .write("book.toml", "[book]\ntitle = \"Plain\"\n")
        .write("src/SUMMARY.md", "# Summary\n\n- [One](one.md)\n")
        .write(
            "src/one.md",
            "# One\n\nHello {#not-a-marker} world.\n\n## Two\n\nMore text.\n",
        );
    let out = book.run(&["build", "--out", "site"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let corpus = corpus(&book.root().join("site"));
    let entries = corpus["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|e| e["kind"] == "section" && e["part"] == "guide")
    );
    assert_eq!(entries[1]["id"], "one#two");
    assert_eq!(entries[1]["url"], "one.html#two");
    assert!(book.root().join("site/one.html").is_file());
}

#[test]
fn unbuildable_book_names_file_and_line() {
    let book = TestBook::minimal().edit("src/SUMMARY.md", "(code/misuse.md)", "(code/missing.md)");
    let out = book.run(&["build", "--out", "site"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("book/src/SUMMARY.md:7: error: chapter “Misuse” points to code/missing.md, which does not exist in book/src"),
        "{stderr}"
    );
    // Nothing was created in the source.
    assert!(!book.book().join("src/code/missing.md").exists());
}

#[test]
fn invalid_settings_name_the_field() {
    let book = TestBook::minimal().edit(
        "book.toml",
        "status = \"Test draft\"",
        "status = \"Test draft\"\ncolour = \"blue\"",
    );
    let out = book.run(&["build", "--out", "site"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("book/book.toml: [preprocessor.copbook]")
            && stderr.contains("unknown field `colour`"),
        "{stderr}"
    );
}

#[test]
fn corpus_json_reads_back_with_its_cites() {
    let out = tempfile::tempdir().expect("tempdir");
    let site = copbook::site::build(
        &crate::helpers::repo_root().join("tests/fixtures/minimal"),
        out.path(),
    )
    .expect("the minimal book builds");
    let json = std::fs::read_to_string(out.path().join("corpus.json")).expect("corpus.json");
    let read = copbook::book::Corpus::from_json(&json).expect("corpus.json reads back");
    assert_eq!(read.entries, site.corpus.entries);
    assert_eq!(read.title, site.corpus.title);
    assert_eq!(
        serde_json::to_value(&read.chapters).expect("chapters"),
        serde_json::to_value(&site.corpus.chapters).expect("chapters")
    );
    // The lookup by id is rebuilt on reading.
    for (i, e) in site.corpus.entries.iter().enumerate() {
        assert_eq!(read.get(&e.id), Some(e));
        assert_eq!(read.position(&e.id), Some(i));
    }
    // Cites keep their source: the id, and the text as written.
    let citing = read
        .entries
        .iter()
        .find(|e| !e.cites.is_empty())
        .expect("the minimal guide cites the Code");
    let cited_text = citing.cited_text.as_deref().expect("text as written");
    for id in &citing.cites {
        assert!(read.get(id).is_some(), "{id} is an entry");
        assert!(
            cited_text.contains(&format!("{{{{#cite {id}}}}}")),
            "{cited_text}"
        );
    }
    assert!(citing.text.contains("paragraph "), "{}", citing.text);
    assert!(!citing.text.contains("{{#cite"), "{}", citing.text);
}
