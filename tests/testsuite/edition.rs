//! The Code as published (issue 27): earlier drafts as they stood at `/drafts/<version>/…`,
//! their open data, the PDF edition, and the Welsh pages beside the English.
//!
//! `tests/fixtures/redraft` has drafts 0.1 and 0.2 published and a working copy at 0.3
//! that edits `keep-review`, adds `keep-new` (so `keep-publish` is renumbered 2.2 → 2.3),
//! rewrites `misuse-curiosity`, re-ids `misuse-sell` as `misuse-selling` and gives the
//! removed id `keep-old` to a new paragraph.

use std::process::Command;

use crate::app::TestApp;
use crate::helpers::{TestBook, output_text, repo_root};

fn redraft_dir() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/redraft")
}

/// GET without following redirects: status, `Location`, body.
fn get_raw(app: &TestApp, path: &str) -> (u16, Option<String>, String) {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = client.get(app.url(path)).send().expect("GET");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, location, decoded(&res.text().expect("body")))
}

/// The page as the browser reads it: the entities the templates write decoded.
fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// GET `path` from the app: status and the decoded page.
fn page(app: &TestApp, path: &str) -> (u16, String) {
    let (status, html) = app.get(path);
    (status, decoded(&html))
}

/// The page's text with tags removed and spaces collapsed, for reading assertions.
fn words(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn an_old_draft_shows_its_own_text_numbers_and_banner_after_redrafting() {
    let app = TestApp::for_book(&redraft_dir()).start();
    let (status, html) = page(&app, "/drafts/0.1/code/keeping.html");
    assert_eq!(status, 200, "{html}");
    let text = words(&html);
    assert!(
        text.contains("Draft 0.1, published 30 November 2026; this is not the current draft."),
        "{text}"
    );
    // Its own text and numbers, not the current draft's.
    assert!(
        text.contains("2.1 Each record must be reviewed every year."),
        "{text}"
    );
    assert!(!text.contains("every six months"), "{text}");
    assert!(
        text.contains("2.2 The rules for keeping records must be published"),
        "{text}"
    );
    assert!(
        text.contains("2.3 Old records must be archived on paper."),
        "{text}"
    );
    assert!(!text.contains("Copies sent to other forces"), "{text}");
    assert!(html.contains("id=\"keep-publish\""), "{html}");
    // Each paragraph says where it is now.
    assert!(
        html.contains(
            "<a href=\"/code/keeping.html#keep-publish\">Now paragraph 2.3 in the current draft</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/code/keeping.html#keep-review\">Changed in the current draft (paragraph 2.1)</a>"),
        "{html}"
    );
    // The banner links to this page in the current draft and to the change log.
    assert!(html.contains("<a href=\"/code/keeping.html\">This page in the current draft</a>"));
    assert!(html.contains("<a href=\"/drafts/0.1/changes\">What has changed since draft 0.1</a>"));
    assert!(
        text.contains("Search covers the current draft only."),
        "{text}"
    );

    // A paragraph removed since: its page says so and links to an explanation.
    let (status, html) = page(&app, "/drafts/0.1/code/misuse.html");
    assert_eq!(status, 200);
    assert!(words(&html).contains("3.2 Nobody may sell data taken from a record to anyone."));
    assert!(
        html.contains("href=\"/drafts/0.1/p/misuse-sell\">Not in the current draft"),
        "{html}"
    );
    let (status, _, html) = get_raw(&app, "/drafts/0.1/p/misuse-sell");
    assert_eq!(status, 410, "{html}");
    let text = words(&html);
    assert!(
        text.contains("Paragraph 3.2 of draft 0.1 is not in the current draft"),
        "{text}"
    );
    assert!(text.contains("Nobody may sell data taken from a record to anyone."));
    assert!(
        html.contains("href=\"/drafts/0.1/code/misuse.html#misuse-sell\""),
        "{html}"
    );
    // A paragraph still there, renumbered: a redirect to where it is now.
    let (status, location, _) = get_raw(&app, "/drafts/0.1/p/keep-publish");
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/code/keeping.html#keep-publish"));
    // An id the draft never had, and a page it never had: explained, not bare.
    let (status, _, html) = get_raw(&app, "/drafts/0.1/p/never-was");
    assert_eq!(status, 404);
    assert!(
        words(&html).contains("Draft 0.1 has no paragraph with this id."),
        "{html}"
    );
    let (status, _, html) = get_raw(&app, "/drafts/0.1/code/nowhere.html");
    assert_eq!(status, 404);
    assert!(words(&html).contains("Draft 0.1 has no page at this address."));
    let (status, _, _) = get_raw(&app, "/drafts/0.9/");
    assert_eq!(status, 404);
    let (status, _, _) = get_raw(&app, "/drafts/..%2F..%2Fetc/");
    assert_eq!(status, 404);
    let (status, location, _) = get_raw(&app, "/drafts/0.1");
    assert_eq!(status, 308);
    assert_eq!(location.as_deref(), Some("/drafts/0.1/"));

    // The change log between the draft and the current one.
    let (status, html) = page(&app, "/drafts/0.1/changes");
    assert_eq!(status, 200);
    let text = words(&html);
    assert!(text.contains("misuse-sell 3.2 - Removed"), "{text}");
    assert!(text.contains("keep-publish 2.2 2.3 Renumbered"), "{text}");
    assert!(text.contains("keep-new - 2.2 New"), "{text}");

    // The contents, and the list of drafts.
    let (status, html) = page(&app, "/drafts/0.2/");
    assert_eq!(status, 200);
    assert!(html.contains("<a href=\"/drafts/0.2/code/keeping.html\">Keeping data</a>"));
    let (status, html) = page(&app, "/drafts/");
    assert_eq!(status, 200);
    let text = words(&html);
    assert!(text.contains("Version 0.3 · Test draft"), "{text}");
    let at_02 = text
        .find("0.2 30 November 2026 Test draft Draft 0.2")
        .expect(&text);
    let at_01 = text.find("0.1 30 November 2026").expect(&text);
    assert!(at_02 < at_01, "newest first: {text}");
    assert!(html.contains("href=\"/drafts/0.1.json\""));
    assert!(html.contains("href=\"/drafts/code.pdf\""));

    // Search says it covers the current draft only.
    let (_, html) = page(&app, "/search");
    assert!(words(&html).contains("Search covers the current draft only. Published drafts"));

    // In Welsh: the same draft, the words around it in Welsh.
    let (status, html) = page(&app, "/cy/drafts/0.1/code/keeping.html");
    assert_eq!(status, 200);
    assert!(
        words(&html)
            .contains("Drafft 0.1, cyhoeddwyd 30 Tachwedd 2026; nid hwn yw'r drafft cyfredol."),
        "{html}"
    );
}

#[test]
fn a_draft_is_open_data_with_its_licence_and_schema() {
    let app = TestApp::for_book(&redraft_dir()).start();
    let res = reqwest::blocking::get(app.url("/drafts/0.1.json")).expect("GET");
    assert_eq!(res.status().as_u16(), 200);
    let link = res
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        link.contains("open-government-licence/version/3/>; rel=\"license\""),
        "{link}"
    );
    assert!(
        link.contains("</api/openapi.json>; rel=\"describedby\""),
        "{link}"
    );
    let served: serde_json::Value = res.json().expect("JSON");
    let file = std::fs::read_to_string(redraft_dir().join("drafts/0.1.json")).expect("record");
    let committed: serde_json::Value = serde_json::from_str(&file).expect("JSON");
    assert_eq!(served, committed);
    let (status, body) = app.get("/drafts/0.9.json");
    assert_eq!(status, 404);
    assert!(body.starts_with("{\"error\":"), "{body}");
    let (_, doc) = app.get("/api/openapi.json");
    let doc: serde_json::Value = serde_json::from_str(&doc).expect("OpenAPI");
    let op = &doc["paths"]["/drafts/{version}.json"]["get"];
    assert_eq!(op["operationId"], "draft_record", "{doc}");
    assert!(doc["components"]["schemas"]["DraftRecord"]["properties"]["entries"].is_object());
}

/// Runs a program, or `None` when it is not installed (CI installs it: `.ci/run`).
fn tool(program: &str, args: &[&str]) -> Option<String> {
    match Command::new(program).args(args).output() {
        Ok(out) => {
            assert!(out.status.success(), "{program}: {}", output_text(&out));
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{program} is missing: .ci/run installs it"
            );
            eprintln!("skipping: {program} is not installed");
            None
        }
    }
}

/// What the PDF's structure holds, read with pikepdf: the document language, whether it
/// is marked as tagged, and the structure types in its structure tree.
const STRUCTURE: &str = r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
root = pdf.Root
print("lang", str(root.get("/Lang", "")))
print("marked", bool(root.get("/MarkInfo", {}).get("/Marked", False)))
seen, stack = set(), [root.StructTreeRoot]
while stack:
    node = stack.pop()
    if isinstance(node, pikepdf.Array):
        stack.extend(node)
        continue
    if not isinstance(node, pikepdf.Dictionary):
        continue
    if "/S" in node:
        print("type", str(node.S)[1:])
    if "/K" in node:
        stack.append(node.K)
"#;

#[test]
fn build_writes_an_accessible_pdf_of_the_code() {
    // Text that would be Typst code if it were pasted into markup stays text.
    let hostile = "#set page(width: 1cm) ] [ \"quoted\" @ref $x$ {braces} // not a comment";
    let book = TestBook::from_dir(&redraft_dir()).edit(
        "src/code/misuse.md",
        "Nobody may sell data taken from a record to anyone.",
        &format!("Nobody may sell data taken from a record to anyone. {hostile}"),
    );
    let out = book.run(&["build", "--out", "site"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let site = book.root().join("site");
    let pdf = site.join("code-0.3.pdf");
    assert!(pdf.is_file(), "no {}", pdf.display());
    assert!(site.join("guide-0.3.pdf").is_file());
    let pdf = pdf.to_string_lossy().into_owned();

    // Every provision's number and first words, in reading order.
    let corpus: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.join("corpus.json")).expect("corpus.json"),
    )
    .expect("JSON");
    if let Some(text) = tool("pdftotext", &[&pdf, "-"]) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut at = 0;
        let provisions = corpus["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["kind"] == "provision");
        let mut count = 0;
        for p in provisions {
            let first: Vec<&str> = p["text"]
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .take(4)
                .collect();
            let wanted = format!(
                "{} {}",
                p["number"].as_str().unwrap_or("?"),
                first.join(" ")
            );
            let found = text[at..]
                .find(&wanted)
                .unwrap_or_else(|| panic!("{wanted:?} not found after {at} in:\n{text}"));
            at += found + wanted.len();
            count += 1;
        }
        assert_eq!(count, 6);
        // (Typst sets straight quotes as typographic ones.)
        let typeset = hostile.replacen('"', "“", 1).replacen('"', "”", 1);
        assert!(text.contains(&typeset), "{text}");
        // The title page and the contents.
        assert!(
            text.starts_with("Redraft Code The Code of Practice Version 0.3 Test draft"),
            "{text}"
        );
        assert!(text.contains("Contents"));
        assert!(text.contains("Glossary"), "{text}");
    }
    if let Some(info) = tool("pdfinfo", &[&pdf]) {
        assert!(info.contains("Tagged:          yes"), "{info}");
        assert!(
            info.contains("Title:           Redraft Code: The Code of Practice"),
            "{info}"
        );
    }
    if let Some(structure) = tool("python3", &["-c", STRUCTURE, &pdf]) {
        assert!(structure.contains("lang en-GB"), "{structure}");
        assert!(structure.contains("marked True"), "{structure}");
        for kind in ["H1", "H2", "P", "Link"] {
            assert!(
                structure.lines().any(|l| l == format!("type {kind}")),
                "no {kind} in the structure tree:\n{structure}"
            );
        }
    }
}

#[test]
fn the_parallel_view_pairs_paragraphs_by_id() {
    let app = TestApp::shipped().start();
    let (status, html) = page(&app, "/cy/parallel/guide/respond.html");
    assert_eq!(status, 200, "{html}");
    // Each row holds one id's English side (lang en-GB) and its Welsh side (lang cy).
    let rows: Vec<&str> = html.split("<div class=\"parallel-row\"").skip(1).collect();
    assert!(rows.len() > 2, "{html}");
    for row in &rows {
        let en_at = row.find("lang=\"en-GB\"").expect("an English side");
        let cy_at = row.find("lang=\"cy\"").expect("a Welsh side");
        assert!(en_at < cy_at, "{row}");
    }
    // The section `what-we-are-asking`: its English and Welsh in one row.
    let row = rows
        .iter()
        .find(|r| r.contains("id=\"pair-guide-respond-what-we-are-asking\""))
        .unwrap_or_else(|| panic!("no row for what-we-are-asking in {html}"));
    let text = words(row);
    let en = text
        .find("What we are asking This is a draft of the Code")
        .expect(&text);
    let cy = text
        .find("Beth rydyn ni’n ei ofyn Drafft o’r Cod Ymarfer")
        .expect(&text);
    assert!(en < cy, "{text}");
    // The Welsh page links to the view; a page without an English counterpart has none.
    let (_, welsh) = page(&app, "/cy/guide/respond.html");
    assert!(
        welsh.contains("href=\"/cy/parallel/guide/respond.html\""),
        "{welsh}"
    );
    let (status, _) = page(&app, "/cy/parallel/nowhere.html");
    assert_eq!(status, 404);
}

#[test]
fn a_book_past_the_pdf_limit_gets_its_pdf_only_when_asked_and_never_typeset_on_request() {
    // A guide one chapter longer than a PDF edition is made for by default.
    let mut book = TestBook::minimal();
    let mut entries = String::new();
    for i in 0..copbook::edition::MAX_PDF_CHAPTERS {
        book = book.write(
            &format!("src/guide/topic-{i}.md"),
            &format!("# Topic {i}\n\nWhat the guide says about topic {i}.\n"),
        );
        entries.push_str(&format!("- [Topic {i}](guide/topic-{i}.md)\n"));
    }
    let book = book.edit(
        "src/SUMMARY.md",
        "- [Your data](guide/your-data.md)\n",
        &format!("- [Your data](guide/your-data.md)\n{entries}"),
    );
    let pdfs = |site: &str| -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(book.root().join(site))
            .expect("site folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".pdf"))
            .collect();
        found.sort();
        found
    };

    // By default: the site, and a note instead of the PDFs.
    let out = book.run(&["build", "--out", "site"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("no PDF edition written")
            && said.contains(&format!(
                "more than the {}",
                copbook::edition::MAX_PDF_CHAPTERS
            )),
        "{said}"
    );
    assert!(pdfs("site").is_empty(), "{:?}", pdfs("site"));

    // Served: the footer's PDF link explains instead of typesetting on request.
    let app = TestApp::for_book(&book.book()).start();
    let (status, html) = page(&app, "/drafts/guide.pdf");
    assert_eq!(status, 404, "{html}");
    assert!(
        words(&html).contains("too long to be made into a PDF"),
        "{html}"
    );

    // Asked for: written.
    let out = book.run(&["build", "--out", "forced", "--pdf"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        pdfs("forced").iter().any(|n| n.starts_with("guide-")),
        "{:?}",
        pdfs("forced")
    );
}
