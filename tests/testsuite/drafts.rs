//! Published drafts and redrafting (issue 10): `copbook draft publish|list`, `copbook diff`,
//! the change log in the build (corpus.json, the change-log page, "Changed since" links),
//! `GET /api/changes`, and the redrafting checks.
//!
//! `tests/fixtures/redraft` has two published drafts (0.1, and 0.2 which removed
//! `keep-old`) and a working copy at version 0.3 that edits `keep-review`, adds `keep-new`
//! (so `keep-publish` is renumbered 2.2 → 2.3), rewrites `misuse-curiosity`, re-ids
//! `misuse-sell` as `misuse-selling`, and reuses the removed id `keep-old`.

use crate::app::TestApp;
use crate::helpers::{Server, TestBook, output_text, repo_root};

fn redraft() -> TestBook {
    TestBook::from_dir(&repo_root().join("tests/fixtures/redraft"))
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn publishing_twice_changes_nothing_and_a_changed_book_needs_force() {
    let book = TestBook::minimal();
    let out = book.run(&["draft", "publish"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(
        stdout(&out),
        "published draft 0.0 (Test draft) with 3 provisions in book/drafts/0.0.json\n"
    );
    let first = book.read("drafts/0.0.json");
    let record: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert_eq!(record["version"], "0.0");
    assert_eq!(record["status"], "Test draft");
    let review = record["entries"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["id"] == "keep-review"))
        .cloned()
        .expect("keep-review in the record");
    assert_eq!(review["number"], "2.1");
    assert_eq!(review["chapter"], "code/keeping.md");
    assert_eq!(review["aims"], serde_json::json!(["safety"]));
    assert_eq!(review["text"], "Each record must be reviewed every year.");

    let again = book.run(&["draft", "publish"]);
    assert!(again.status.success(), "{}", output_text(&again));
    assert_eq!(
        stdout(&again),
        "draft 0.0 is already published in book/drafts/0.0.json, unchanged\n"
    );
    assert_eq!(book.read("drafts/0.0.json"), first);

    let book = book.edit("src/code/keeping.md", "every year", "every month");
    let refused = book.run(&["draft", "publish"]);
    assert_eq!(refused.status.code(), Some(1), "{}", output_text(&refused));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains(&format!(
            "book/drafts/0.0.json: draft 0.0 was already published on {} and 1 provisions or sections differ from it; raise `version` in book.toml to publish a new draft, or use --force to replace it",
            record["date"].as_str().unwrap_or_default()
        )),
        "{err}"
    );
    assert_eq!(book.read("drafts/0.0.json"), first);

    let forced = book.run(&["draft", "publish", "--force"]);
    assert!(forced.status.success(), "{}", output_text(&forced));
    assert!(
        stdout(&forced).starts_with("replaced draft 0.0 published on "),
        "{}",
        output_text(&forced)
    );
    assert!(book.read("drafts/0.0.json").contains("every month"));
}

#[test]
fn publishing_refuses_a_book_with_check_errors() {
    let book = TestBook::minimal().edit(
        "src/guide/your-data.md",
        "{{#cite keep-review}}",
        "{{#cite no-such-id}}",
    );
    let out = book.run(&["draft", "publish"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("check errors (run `copbook check`); fix them before publishing"),
        "{}",
        output_text(&out)
    );
    assert!(!book.book().join("drafts/0.0.json").exists());
}

#[test]
fn check_warns_when_the_published_draft_no_longer_matches_the_book() {
    let book = TestBook::minimal();
    assert!(book.run(&["draft", "publish"]).status.success());
    let (code, lines) = book.check();
    assert_eq!(code, 0);
    assert!(
        !lines.iter().any(|l| l.contains("is published")),
        "{lines:?}"
    );
    let book = book.edit("src/code/misuse.md", "out of curiosity", "for fun");
    let (code, lines) = book.check();
    assert_eq!(code, 0, "a warning, not an error: {lines:?}");
    assert!(
        lines.contains(
            &"book/book.toml:10: warning: draft 0.0 is published in drafts/0.0.json, but 1 provisions or sections on disk differ from it: raise `version` to publish a new draft, or the published record and the site disagree"
                .to_string()
        ),
        "{lines:?}"
    );
}

#[test]
fn the_shipped_book_matches_its_published_draft() {
    let book = TestBook::shipped();
    let out = book.run(&["draft", "publish"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(
        stdout(&out),
        "draft 0.1 is already published in book/drafts/0.1.json, unchanged\n",
        "book/drafts/0.1.json is out of date: raise the book's version, or (while 0.1 is unpublished) run `copbook draft publish --force`"
    );
}

#[test]
fn draft_list_shows_the_published_drafts() {
    let out = redraft().run(&["draft", "list"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("0.1 ") && lines[0].ends_with("Test draft               5 provisions")
    );
    assert!(
        lines[1].starts_with("0.2 ") && lines[1].ends_with("Test draft               4 provisions")
    );
}

#[test]
fn redrafting_checks_name_both_ids_at_their_lines() {
    let (code, lines) = redraft().check();
    assert_eq!(code, 0, "{lines:?}");
    let expected = [
        "book/src/code/keeping.md:14: warning: `keep-old` was removed in draft 0.2 (it was paragraph 2.3) and now names a different provision: an id removed in an earlier draft may be used again only for the same provision, so give this one a new id",
        "book/src/code/misuse.md:3: warning: `misuse-curiosity` (paragraph 3.1) was paragraph 3.1 of draft 0.2 with quite different text (44% of words in common): comments on draft 0.2 attach to this id; if this is a new provision, give it a new id",
        "book/src/code/misuse.md:5: warning: `misuse-selling` (paragraph 3.2) is nearly the same as `misuse-sell` (paragraph 3.2 of draft 0.2), whose id is gone: comments attach to ids, so keep the id `misuse-sell` for this provision",
        "book/src/guide/your-data.md:3: warning: section “Your data” cites paragraph 2.1 (`keep-review`), which changed since draft 0.2, but the section's own text has not: check that its explanation still holds",
        "book/src/guide/your-data.md:3: warning: section “Your data” cites paragraph 3.1 (`misuse-curiosity`), which changed since draft 0.2, but the section's own text has not: check that its explanation still holds",
    ];
    for e in expected {
        assert!(lines.contains(&e.to_string()), "missing {e}\nin {lines:#?}");
    }
}

#[test]
fn a_guide_section_edited_with_its_provision_is_not_stale() {
    let book = redraft().edit(
        "src/guide/your-data.md",
        "Records are checked every year",
        "Records are checked twice a year",
    );
    let (_, lines) = book.check();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("redraft") || l.contains("`keep-review`), which changed")),
        "{lines:?}"
    );
}

#[test]
fn diff_as_text() {
    let out = redraft().run(&["diff"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let text = stdout(&out);
    for expected in [
        "Changes from draft 0.2 (",
        ") to 0.3\n3 new, 2 changed, 1 renumbered, 1 removed, 0 unchanged\n",
        "\nchanged keep-review (2.1 → 2.1) in code/keeping.md\n  Each record must be reviewed every [-year.-][+six months.+]\n",
        "\nnew keep-new (- → 2.2) in code/keeping.md\n  Each review must be written down.\n",
        "\nrenumbered keep-publish (2.2 → 2.3) in code/keeping.md\n",
        "\nremoved misuse-sell (3.2 → -) in code/misuse.md\n  Nobody may sell data taken from a record to anyone.\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let between = redraft().run(&["diff", "--from", "0.1", "--to", "0.2"]);
    let text = stdout(&between);
    assert!(
        text.contains("0 new, 0 changed, 0 renumbered, 1 removed, 4 unchanged\n\nremoved keep-old (2.3 → -) in code/keeping.md\n  Old records must be archived on paper.\n"),
        "{}",
        output_text(&between)
    );
    let unknown = redraft().run(&["diff", "--from", "0.9"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("no published draft 0.9 in book/drafts (published: 0.1, 0.2)"),
        "{}",
        output_text(&unknown)
    );
}

/// `(id, status, old number, new number)` of every change in a JSON change log.
fn statuses(log: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    log["changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        s(&c["id"]),
                        s(&c["status"]),
                        s(&c["old_number"]),
                        s(&c["new_number"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn row(id: &str, status: &str, old: &str, new: &str) -> (String, String, String, String) {
    (id.into(), status.into(), old.into(), new.into())
}

#[test]
fn diff_as_json_maps_every_old_number_to_its_new_one() {
    let out = redraft().run(&["diff", "--format", "json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(log["from"], "0.2");
    assert_eq!(log["to"], "0.3");
    assert_eq!(
        statuses(&log),
        vec![
            row("keep-review", "changed", "2.1", "2.1"),
            row("keep-new", "new", "-", "2.2"),
            row("keep-publish", "renumbered", "2.2", "2.3"),
            row("keep-old", "new", "-", "2.4"),
            row("misuse-curiosity", "changed", "3.1", "3.1"),
            row("misuse-sell", "removed", "3.2", "-"),
            row("misuse-selling", "new", "-", "3.2"),
        ]
    );
    let review = &log["changes"][0];
    assert_eq!(
        review["diff"],
        serde_json::json!([
            { "run": "same", "text": "Each record must be reviewed every " },
            { "run": "deleted", "text": "year." },
            { "run": "inserted", "text": "six months." },
        ])
    );
    let unchanged = redraft()
        .edit("book.toml", "version = \"0.3\"", "version = \"0.2\"")
        .run(&["diff", "--from", "0.1", "--to", "0.2", "--format", "json"]);
    let log: serde_json::Value = serde_json::from_slice(&unchanged.stdout).expect("json");
    assert_eq!(
        statuses(&log),
        vec![
            row("keep-review", "unchanged", "2.1", "2.1"),
            row("keep-publish", "unchanged", "2.2", "2.2"),
            row("keep-old", "removed", "2.3", "-"),
            row("misuse-curiosity", "unchanged", "3.1", "3.1"),
            row("misuse-sell", "unchanged", "3.2", "3.2"),
        ]
    );
}

#[test]
fn the_build_marks_changes_in_the_corpus_the_pages_and_the_change_log() {
    let book = redraft();
    let out = book.run(&["build", "--out", "out"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let site = book.root().join("out");
    let corpus: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("corpus.json")).expect("corpus.json"))
            .expect("json");
    let change = |id: &str| {
        corpus["entries"]
            .as_array()
            .and_then(|e| e.iter().find(|e| e["id"] == id))
            .map(|e| e["change"].clone())
            .unwrap_or_default()
    };
    assert_eq!(
        change("keep-review"),
        serde_json::json!({ "since": "0.2", "status": "changed", "previous_number": "2.1" })
    );
    assert_eq!(
        change("keep-publish"),
        serde_json::json!({ "since": "0.2", "status": "renumbered", "previous_number": "2.2" })
    );
    assert_eq!(
        change("keep-new"),
        serde_json::json!({ "since": "0.2", "status": "new", "previous_number": null })
    );

    // mdBook puts each tag on its own line; compare without the line breaks.
    let page = std::fs::read_to_string(site.join("changes.html"))
        .expect("changes.html")
        .replace('\n', "");
    for expected in [
        "<h1 id=\"changes-since-draft-02\"><a class=\"header\" href=\"#changes-since-draft-02\">Changes since draft 0.2</a></h1>",
        "<h2 id=\"changes-code-keeping\">Keeping data</h2>",
        "<h3 id=\"change-keep-review-h\">Paragraph 2.1: changed</h3><p class=\"change-summary\">Changed: 2 words added, 1 word removed. Paragraph 2.1 in draft 0.2. <a href=\"code/keeping.html#keep-review\">Read paragraph 2.1 in full</a>.</p>",
        "<p>Each record must be reviewed every <del><span class=\"visually-hidden\">[deleted: </span>year.<span class=\"visually-hidden\">]</span></del><ins><span class=\"visually-hidden\">[inserted: </span>six months.<span class=\"visually-hidden\">]</span></ins></p>",
        "<h3 id=\"change-keep-new-h\">Paragraph 2.2: new</h3>",
        "<h3 id=\"change-keep-publish-h\">Paragraph 2.3 (was 2.2): renumbered</h3>",
        "<h3 id=\"change-misuse-sell-h\">Paragraph 3.2 of draft 0.2: removed</h3><p class=\"change-summary\">Removed. Its last text, in draft 0.2, is below.</p><blockquote class=\"change-text\"><p>Nobody may sell data taken from a record to anyone.</p></blockquote>",
    ] {
        assert!(page.contains(expected), "missing {expected}\nin {page}");
    }
    // Listed in the contents (this fixture uses mdBook's default theme, whose contents are
    // in toc-*.js).
    let toc = std::fs::read_dir(&site)
        .expect("site")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("toc-"))
        .map(|e| std::fs::read_to_string(e.path()).expect("toc"))
        .expect("toc-*.js");
    assert!(
        toc.contains("href=\"changes.html\">Changes since draft 0.2</a>"),
        "{toc}"
    );
    let keeping = std::fs::read_to_string(site.join("code/keeping.html"))
        .expect("keeping.html")
        .replace('\n', "");
    assert!(
        keeping.contains("<p class=\"changed-since\"><a href=\"../changes.html#change-keep-review\">Changed since draft 0.2<span class=\"visually-hidden\"> (paragraph 2.1)</span></a></p>"),
        "{keeping}"
    );
    assert!(keeping.contains("href=\"../changes.html#change-keep-new\">New since draft 0.2"));
    // A renumbered provision has not changed: no link.
    assert!(!keeping.contains("#change-keep-publish\""));
}

#[test]
fn api_changes_gives_the_change_log_from_any_published_draft() {
    let book = redraft();
    let server = TestApp::for_book(&book.book()).start();
    let (status, body) = server.get("/api/changes?from=0.1");
    assert_eq!(status, 200, "{body}");
    let log: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(log["from"], "0.1");
    assert_eq!(log["to"], "0.3");
    assert_eq!(
        statuses(&log),
        vec![
            row("keep-review", "changed", "2.1", "2.1"),
            row("keep-new", "new", "-", "2.2"),
            row("keep-publish", "renumbered", "2.2", "2.3"),
            row("keep-old", "changed", "2.3", "2.4"),
            row("misuse-curiosity", "changed", "3.1", "3.1"),
            row("misuse-sell", "removed", "3.2", "-"),
            row("misuse-selling", "new", "-", "3.2"),
        ]
    );
    let (status, body) = server.get("/api/changes");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).expect("json")["from"],
        "0.2"
    );
    let (status, body) = server.get("/api/changes?from=0.9");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("no published draft 0.9"), "{body}");
    let (status, _) = server.get("/api/changes?from=%3Cscript%3E");
    assert_eq!(status, 400);
}

/// Posts one comment on `on` through the JSON API.
fn comment_on(server: &Server, on: &str, body: &str) {
    let res = reqwest::blocking::Client::new()
        .post(server.url("/api/comments"))
        .json(&serde_json::json!({
            "on": on, "body": body, "respondent_type": "individual", "publish": "no"
        }))
        .send()
        .expect("POST /api/comments");
    assert_eq!(res.status().as_u16(), 201, "{on}");
}

#[test]
fn comments_made_on_an_earlier_draft_follow_their_paragraph() {
    // Comments on draft 0.1 of the shipped book: one on a paragraph that will change, one
    // on a paragraph that will be removed, one on a paragraph that will only move.
    let book = TestBook::shipped();
    let server = Server::start(&book, &["--rate-limit", "0"]);
    comment_on(&server, "share-lawful-basis", "Say who decides.");
    comment_on(
        &server,
        "share-data-sharing-agreement",
        "Publish the agreements.",
    );
    comment_on(&server, "share-minimum-necessary", "Good.");
    server.kill();

    // Draft 0.2: one paragraph edited, one removed (the next ones move up a number).
    let sharing = book.read("src/code/sharing.md");
    let without: Vec<&str> = sharing
        .lines()
        .filter(|l| !l.starts_with("{#share-data-sharing-agreement"))
        .collect();
    let book = book
        .write("src/code/sharing.md", &(without.join("\n") + "\n"))
        .edit(
            "src/code/sharing.md",
            "is not, on its own, a sufficient reason",
            "is never, on its own, a sufficient reason",
        )
        .edit("book.toml", "version = \"0.1\"", "version = \"0.2\"");

    let out = book.run_plain(&[
        "comments", "export", "--data", "data", "--format", "json", "--book", "book",
    ]);
    assert!(out.status.success(), "{}", output_text(&out));
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let of = |id: &str| {
        all.iter()
            .find(|c| c["target_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no comment on {id}"))
    };
    let changed = of("share-lawful-basis");
    assert_eq!(changed["made_on_draft"], "0.1");
    assert_eq!(changed["number_then"], changed["target_number"]);
    assert_eq!(changed["number_now"], changed["target_number"]);
    assert_eq!(changed["paragraph_now"], "changed");
    let removed = of("share-data-sharing-agreement");
    assert_eq!(removed["number_now"], "");
    assert_eq!(removed["paragraph_now"], "removed");
    let moved = of("share-minimum-necessary");
    assert_eq!(moved["paragraph_now"], "unchanged");
    assert_ne!(moved["number_now"], moved["number_then"]);
    // The removed paragraph's number passed to the one after it.
    assert_eq!(
        moved["number_now"],
        removed["number_then"]
            .as_str()
            .map(|_| {
                let n = moved["number_then"].as_str().unwrap_or_default();
                let (chapter, para) = n.rsplit_once('.').unwrap_or_default();
                format!("{chapter}.{}", para.parse::<u32>().unwrap_or_default() - 1)
            })
            .unwrap_or_default()
    );

    let csv = book.run_plain(&["comments", "export", "--data", "data", "--book", "book"]);
    let csv = String::from_utf8_lossy(&csv.stdout);
    assert!(
        csv.lines().next().unwrap_or_default().ends_with(
            ",status,status_changed_at,language,made_on_draft,number_then,number_now,paragraph_now"
        ),
        "{csv}"
    );
    assert!(csv.contains(",0.1,"), "{csv}");

    let stats = book.run_plain(&["comments", "stats", "--data", "data", "--book", "book"]);
    let text = String::from_utf8_lossy(&stats.stdout);
    let removed_section = text
        .split("comments on removed paragraphs:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no removed section in\n{text}"));
    assert!(
        removed_section.contains("share-data-sharing-agreement")
            && removed_section.contains("Chief officers must share LEDS data routinely"),
        "{text}"
    );
    let stats = book.run_plain(&[
        "comments", "stats", "--data", "data", "--book", "book", "--format", "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("json");
    let following = json["following"].as_array().cloned().unwrap_or_default();
    assert_eq!(following.len(), 3, "{json}");
    // Counts show responses and campaign groups (issue 11).
    assert_eq!(json["grouping"]["responses"], 3, "{json}");
    assert_eq!(
        json["grouping"]["summary"].as_str(),
        text.lines().find_map(|l| l.strip_prefix("spam excluded: ")),
        "{text}"
    );
    assert_eq!(following[2]["target_id"], "share-data-sharing-agreement");
    assert_eq!(following[2]["now"], "removed");

    // The admin views.
    let server = Server::start_env(
        &book,
        &["--rate-limit", "0"],
        &[("COPBOOK_ADMIN_TOKEN", "a-drafters-token-of-thirty-chars")],
    );
    let get = |path: &str| {
        reqwest::blocking::Client::new()
            .get(server.url(path))
            .basic_auth("drafter", Some("a-drafters-token-of-thirty-chars"))
            .send()
            .and_then(|r| r.text())
            .expect("admin page")
    };
    let index = get("/admin/");
    let removed_part = index
        .split("<h2>Comments on removed paragraphs</h2>")
        .nth(1)
        .unwrap_or_else(|| panic!("no removed section in {index}"));
    assert!(
        removed_part.contains("/admin/target/share-data-sharing-agreement"),
        "{index}"
    );
    let target = get("/admin/target/share-lawful-basis");
    assert!(
        target.contains("Made on draft 0.1; paragraph then: "),
        "{target}"
    );
    assert!(target.contains("paragraph now changed."), "{target}");
    assert!(
        target.contains("<h3>Text the respondent saw (draft 0.1)</h3>"),
        "{target}"
    );
    assert!(
        target.contains("<del><span class=\"visually-hidden\">[deleted: </span>not,<span class=\"visually-hidden\">]</span></del><ins><span class=\"visually-hidden\">[inserted: </span>never,<span class=\"visually-hidden\">]</span></ins>"),
        "{target}"
    );
    let gone = get("/admin/target/share-data-sharing-agreement");
    assert!(
        gone.contains("This paragraph is no longer in the draft"),
        "{gone}"
    );
    assert!(
        gone.contains("<h3>Text the respondent saw (since removed)</h3>"),
        "{gone}"
    );
    server.kill();
}

#[test]
fn compare_with_names_the_draft_to_compare_with() {
    let book = redraft().edit(
        "book.toml",
        "status = \"Test draft\"\n",
        "status = \"Test draft\"\ncompare-with = \"0.1\"\n",
    );
    let out = book.run(&["diff", "--format", "json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(log["from"], "0.1");

    let book = book.edit(
        "book.toml",
        "compare-with = \"0.1\"",
        "compare-with = \"0.9\"",
    );
    let (code, lines) = book.check();
    assert_eq!(code, 1, "{lines:?}");
    assert!(
        lines.contains(
            &"book/book.toml:12: error: [preprocessor.copbook] compare-with: no published draft 0.9 in drafts (published: 0.1, 0.2)"
                .to_string()
        ),
        "{lines:?}"
    );
}
