//! A plain mdBook with mdBook's default theme (`tests/fixtures/plain-mdbook`): nested and
//! draft chapters, `{{#include}}` with anchors, `{{#rustdoc_include}}`, a playground block,
//! redirects, `[output.html.search]` and an external preprocessor (`greet.sh`).
//!
//! copbook must build it as stock mdBook does (the same pages with the same internal
//! links, compared with a build by mdBook's own libraries), print nothing a user cannot use
//! (no colour into a file, no advice to reinstall mdBook), and serve it under a strict
//! Content-Security-Policy that still lets the default theme's scripts run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::helpers::{TestBook, output_text, repo_root};

fn plain_book() -> TestBook {
    TestBook::from_dir(&repo_root().join("tests/fixtures/plain-mdbook"))
}

/// Every `.html` file under `dir`, by path relative to it, with the site-internal link
/// targets its `href` and `src` attributes name (external URLs left out).
fn pages_and_links(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, BTreeSet<String>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel = path
                    .strip_prefix(root)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned();
                let html = std::fs::read_to_string(&path).expect("read page");
                out.insert(rel, internal_links(&html));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn internal_links(html: &str) -> BTreeSet<String> {
    let mut links = BTreeSet::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let target = &rest[..end];
            if !target.contains("://") && !target.starts_with("mailto:") {
                links.insert(target.to_string());
            }
        }
    }
    links
}

/// The same book built by mdBook's own libraries, as `mdbook build` would.
fn build_with_mdbook(book: &Path, out: &Path) {
    let mut md = mdbook_driver::MDBook::load(book).expect("mdBook loads the fixture");
    md.config.build.build_dir = out.to_path_buf();
    md.build().expect("mdBook builds the fixture");
}

#[test]
fn copbook_builds_the_pages_and_links_mdbook_builds() {
    let book = plain_book();
    let out = book.run_plain(&["build", "--book", "book", "--out", "copbook-out"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let mdbook_out = book.root().join("mdbook-out");
    build_with_mdbook(&book.book(), &mdbook_out);

    let ours = pages_and_links(&book.root().join("copbook-out"));
    let theirs = pages_and_links(&mdbook_out);
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "the same pages"
    );
    for (page, links) in &theirs {
        // copbook adds its search (a link to /search and its script); every link mdBook
        // makes is kept.
        let ours = &ours[page];
        let missing: Vec<_> = links.difference(ours).collect();
        let added: Vec<_> = ours
            .difference(links)
            .filter(|l| *l != "/search" && *l != copbook::default_theme::SEARCH_SCRIPT_PATH)
            .collect();
        assert!(
            missing.is_empty() && added.is_empty(),
            "{page}: links mdBook makes that copbook lacks: {missing:?}; links only copbook makes: {added:?}"
        );
    }
    // The features the fixture exercises really are in the output of both.
    for dir in [book.root().join("copbook-out"), mdbook_out] {
        let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).expect("page");
        assert!(read("intro.html").contains("Greetings from the greet preprocessor."));
        let code = read("code.html");
        assert!(
            code.contains("layout.sections.iter_mut()"),
            "include by anchor"
        );
        assert!(code.contains("struct Layout"), "rustdoc_include");
        assert!(code.contains("editable"), "playground block");
        assert!(
            read("laying-track.html").contains("track/index.html"),
            "redirect"
        );
        assert!(
            read("old/curves.html").contains("../track/curves.html"),
            "redirect"
        );
        assert!(
            !dir.join("signalling.html").exists(),
            "draft chapters have no page"
        );
    }
}

#[test]
fn build_output_into_a_file_is_plain_text_and_names_ignored_search_settings() {
    let book = plain_book();
    // Output captured by a pipe, as when redirected to a file; a terminal-looking TERM and
    // no NO_COLOR must not bring colour back.
    let out = super::helpers::copbook()
        .args(["build", "--book", "book", "--out", "out"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        .env_remove("COPBOOK_LOG")
        .current_dir(book.root())
        .output()
        .expect("run copbook");
    assert!(out.status.success(), "{}", output_text(&out));
    let all = output_text(&out);
    assert!(
        !all.contains('\u{1b}'),
        "ANSI escapes in piped output:\n{all}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let notices: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("[output.html.search]"))
        .collect();
    assert_eq!(
        notices,
        [
            "copbook: warning: book.toml [output.html.search]: copbook does not use \
             `teaser-word-count` (copbook picks each result's excerpt around the matched \
             words); the other search settings apply to copbook's search"
        ],
        "one notice, in copbook's words, without a time or module path:\n{stderr}"
    );
    assert!(!all.contains("reinstall"), "{all}");
    assert!(!all.contains("mdbook_html"), "no module paths:\n{all}");
}

/// The inline `<script>` blocks of a page, as a browser reads them.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        rest = &rest[at..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let open = &rest[..open_end];
        let Some(close) = rest.find("</script>") else {
            break;
        };
        if !open.contains("src=") {
            scripts.push(&rest[open_end + 1..close]);
        }
        rest = &rest[close..];
    }
    scripts
}

#[test]
fn each_page_is_served_with_the_hashes_of_its_own_inline_scripts() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let book = plain_book();
    let app = crate::app::TestApp::for_book(&book.book()).start();
    let client = reqwest::blocking::Client::new();
    for path in [
        "/",
        "/intro.html",
        "/track/",
        "/track/curves.html",
        "/code.html",
    ] {
        let res = client.get(app.url(path)).send().expect("GET");
        assert_eq!(res.status(), 200, "{path}");
        let policy = res
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let html = res.text().expect("body");
        let scripts = inline_scripts(&html);
        assert!(
            !scripts.is_empty(),
            "{path}: the default theme has inline scripts"
        );
        for script in scripts {
            let digest = sha2::Sha256::digest(script.as_bytes());
            let source = format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            );
            assert!(
                policy.contains(&source),
                "{path}: {source} missing from {policy}"
            );
        }
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
    }
    // Server pages and missing pages keep the strict policy.
    for path in ["/search?q=curves", "/no-such-page.html"] {
        let res = client.get(app.url(path)).send().expect("GET");
        let policy = res.headers()["content-security-policy"]
            .to_str()
            .expect("ascii");
        assert_eq!(policy, copbook::csp::BASE_POLICY, "{path}");
    }
}

#[test]
fn served_in_a_browser_the_default_theme_works_and_searches() {
    let Some(mut browser) = crate::browser::browser() else {
        return;
    };
    browser.script = repo_root().join("tests/browser/plain-mdbook.mjs");
    let book = plain_book();
    let server = crate::app::TestApp::for_book(&book.book()).start();
    crate::browser::run_scenario(&browser, "plain-mdbook", &[&server.base]);
}

#[test]
fn server_pages_speak_of_the_book_not_of_a_code() {
    let book = plain_book();
    let app = crate::app::TestApp::for_book(&book.book()).start();
    for path in [
        "/search",
        "/search?q=curves",
        "/search?q=zzzzqqq",
        "/no-such-page.html",
    ] {
        let (_, html) = app.get(path);
        assert!(
            html.contains("Garden Railway Handbook"),
            "{path}: the book's title"
        );
        for code_words in ["the Code", "Public guide", "public guide", "name=\"part\""] {
            assert!(
                !html.contains(code_words),
                "{path} mentions {code_words:?}:\n{html}"
            );
        }
    }
    let (_, html) = app.get("/search");
    assert!(html.contains("Search Garden Railway Handbook"), "{html}");
    // A Code book keeps its parts.
    let code = crate::app::TestApp::shipped().start();
    let (_, html) = code.get("/search");
    assert!(html.contains("Search the Code and guide") && html.contains("name=\"part\""));
}

/// `/api/search` hits and total for `q` on an app.
fn api_search(app: &crate::app::TestApp, q: &str) -> (usize, usize) {
    let (status, body) = app.get(&format!("/api/search?limit=50&q={q}"));
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    let hits = json["hits"].as_array().map_or(0, Vec::len);
    let total = json["total"].as_u64().and_then(|t| usize::try_from(t).ok());
    (hits, total.unwrap_or(usize::MAX))
}

#[test]
fn output_html_search_settings_shape_copbook_search() {
    // The fixture asks for every word (`use-boolean-and = true`): no section has both.
    let book = plain_book();
    let app = crate::app::TestApp::for_book(&book.book()).start();
    assert_eq!(api_search(&app, "slip+wheels"), (0, 0));
    assert!(api_search(&app, "slip").0 >= 1);

    // Without it, either word will do; `limit-results = 1` caps the hits and the total.
    let either = plain_book().edit(
        "book.toml",
        "use-boolean-and = true",
        "use-boolean-and = false",
    );
    let app = crate::app::TestApp::for_book(&either.book()).start();
    let (hits, total) = api_search(&app, "slip+wheels");
    assert!(hits >= 2 && total >= 2, "{hits} hits of {total}");
    let capped = plain_book().edit("book.toml", "limit-results = 20", "limit-results = 1");
    let app = crate::app::TestApp::for_book(&capped.book()).start();
    assert_eq!(api_search(&app, "track"), (1, 1));
}

#[test]
fn a_missing_preprocessor_is_named_at_its_book_toml_line() {
    let book = plain_book().edit(
        "book.toml",
        "command = \"sh greet.sh\"",
        "command = \"copbook-test-no-such-preprocessor --quiet\"",
    );
    let out = book.run_plain(&["build", "--book", "book", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = book
        .read("book.toml")
        .lines()
        .position(|l| l.contains("copbook-test-no-such-preprocessor"))
        .expect("the command line")
        + 1;
    assert!(
        stderr.contains(&format!(
            "book.toml:{line}: error: [preprocessor.greet]: the preprocessor command \
             `copbook-test-no-such-preprocessor --quiet` was not found"
        )),
        "{stderr}"
    );
}

#[test]
fn renderers_named_in_book_toml_run_as_mdbook_runs_them() {
    // A second renderer: mdBook then writes each renderer's output to its own folder.
    let book = plain_book().write(
        "book.toml",
        &format!(
            "{}\n[output.done]\ncommand = \"sh -c 'cat > render-context.json'\"\n",
            std::fs::read_to_string(repo_root().join("tests/fixtures/plain-mdbook/book.toml"))
                .expect("book.toml")
        ),
    );
    let out = book.run_plain(&["build", "--book", "book", "--out", "out"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let context = std::fs::read_to_string(book.root().join("out/done/render-context.json"))
        .expect("the renderer ran in its folder");
    assert!(
        context.contains("Greetings from the greet preprocessor."),
        "preprocessed first"
    );
    assert!(book.root().join("out/html/intro.html").is_file());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("out/html"),
        "{}",
        output_text(&out)
    );
}
