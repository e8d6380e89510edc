//! The Welsh edition over HTTP: server pages in Welsh under `/cy/` (or with `lang=cy`),
//! the language switch and `hreflang` alternates, and the Welsh comment journey.

use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::redirect::Policy;

use crate::app::TestApp;
use crate::helpers::{TestBook, copbook, output_text};

fn client() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// A value as the server pages' templates escape it (minijinja: `& < > " ' /`).
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

#[test]
fn server_pages_in_welsh_with_the_switch_and_alternates() {
    let server = TestApp::shipped().start();

    let (status, page) = server.get("/cy/search?q=plant");
    assert_eq!(status, 200);
    assert!(page.contains("<html lang=\"cy\">"), "{page}");
    assert!(page.contains(&format!(
        "<label for=\"search-q\">{}</label>",
        esc("Chwilio'r Cod a'r canllaw")
    )));
    assert!(page.contains("<h1>Chwilio</h1>"));
    assert!(page.contains("action=\"/cy/search\""));
    assert!(page.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"cy\" href=\"{}\">",
        esc("/cy/search?q=plant")
    )));
    assert!(page.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"en-GB\" href=\"{}\">",
        esc("/search?q=plant")
    )));
    assert!(page.contains(&format!(
        "<a href=\"{}\" hreflang=\"en-GB\" lang=\"en-GB\">English</a>",
        esc("/search?q=plant")
    )));
    assert!(
        !page.contains("Search the Code and guide"),
        "no English left"
    );

    // `lang=cy` works on the English path too; the switch drops it.
    let (_, page) = server.get("/search?lang=cy");
    assert!(page.contains("<html lang=\"cy\">"));
    assert!(page.contains(&format!(
        "<a href=\"{}\" hreflang=\"en-GB\" lang=\"en-GB\">English</a>",
        esc("/search")
    )));

    // The English page is as before, with a switch to Welsh.
    let (_, page) = server.get("/search?q=plant");
    assert!(page.contains("<html lang=\"en-GB\">"));
    assert!(page.contains("<label for=\"search-q\">Search the Code and guide</label>"));
    assert!(page.contains(&format!(
        "<a href=\"{}\" hreflang=\"cy\" lang=\"cy\">Cymraeg</a>",
        esc("/cy/search?q=plant")
    )));

    // A problem with the search, in Welsh; the same in English as before.
    let (status, page) = server.get("/cy/search?q=plant&page=0");
    assert_eq!(status, 400);
    assert!(
        page.contains("<p>Rhaid i rif y dudalen fod yn rhif cyfan o 1 i 100</p>"),
        "{page}"
    );
    let (_, page) = server.get("/search?q=plant&page=0");
    assert!(page.contains("<p>page must be a whole number from 1 to 100</p>"));

    // Error pages too.
    let (status, page) = server.get("/cy/no-such-page.html");
    assert_eq!(status, 404);
    assert!(
        page.contains(&format!("<h1>{}</h1>", esc("Heb ddod o hyd i'r dudalen"))),
        "{page}"
    );
    // The catalogue's own markup, with the link into the Welsh site.
    assert!(page.contains("<a href=\"/cy/\">ddechrau'r Cod</a>"));
}

#[test]
fn a_comment_made_in_welsh_is_answered_and_kept_in_welsh() {
    let server = TestApp::shipped()
        .admin_token("s3cret-token-for-the-drafters")
        .start();

    let res = client()
        .get(server.url("/cy/comment?on=share-lawful-basis"))
        .send()
        .expect("GET form");
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let form = res.text().expect("form");
    let token = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf")
        .to_string();
    assert!(
        form.contains("<h1>Rhoi sylw ar baragraff 5.1</h1>"),
        "{form}"
    );
    assert!(form.contains("action=\"/cy/comments\""));
    assert!(
        form.contains("dan Ddeddf Rhyddid Gwybodaeth 2000"),
        "FOI text in Welsh"
    );
    assert!(form.contains("Anfon eich sylw"));

    let post = |fields: &[(&str, &str)]| {
        client()
            .post(server.url("/cy/comments"))
            .header("cookie", &cookie)
            .form(fields)
            .send()
            .expect("POST")
    };
    // An error, in Welsh, in the summary and at the field.
    let res = post(&[
        ("csrf", &token),
        ("on", "share-lawful-basis"),
        ("body", ""),
        ("respondent_type", "individual"),
        ("publish", "no"),
    ]);
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().expect("errors");
    assert!(page.contains("<h2 id=\"error-summary-title\">Mae problem</h2>"));
    assert!(page.contains("<li><a href=\"#field-body\">Rhowch eich sylw</a></li>"));
    assert!(page.contains("<span class=\"visually-hidden\">Gwall:</span> Rhowch eich sylw</p>"));
    assert!(page.contains("<title>Gwall: Rhoi sylw ar baragraff 5.1"));

    let body = "Dylai'r paragraff hwn enwi'r gyfraith.";
    let res = post(&[
        ("csrf", &token),
        ("on", "share-lawful-basis"),
        ("body", body),
        ("respondent_type", "individual"),
        ("name", "Siân Prydderch"),
        ("publish", "anonymous"),
    ]);
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        location.starts_with("/cy/comments/receipt/LEDS-"),
        "{location}"
    );
    let reference = location.rsplit('/').next().expect("reference").to_string();

    // The sender's browser holds the receipt cookie: its receipt shows the text.
    let receipt_cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("copbook_receipt="))
        .and_then(|v| v.split(';').next())
        .expect("receipt cookie")
        .to_string();
    let res = client()
        .get(server.url(&location))
        .header("cookie", &receipt_cookie)
        .send()
        .expect("receipt");
    let status = res.status().as_u16();
    let receipt = res.text().expect("receipt");
    assert_eq!(status, 200);
    assert!(receipt.contains("<h1>Sylw wedi dod i law</h1>"));
    assert!(receipt.contains(&reference));
    assert!(receipt.contains(&esc(body)));
    assert!(receipt.contains("Gellir ei gyhoeddi heb eich enw nac enw eich sefydliad"));
    assert!(!receipt.contains("Siân"), "no personal data on the receipt");
    let months = [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ];
    assert!(
        months.iter().any(|m| receipt.contains(&format!(" {m} "))),
        "the date in Welsh: {receipt}"
    );
    // The same receipt in English, from the switch.
    let (_, english) = server.get(&format!("/comments/receipt/{reference}"));
    assert!(english.contains("<h1>Comment received</h1>"));
    // Without the cookie, the text is not shown, and the page says why, in Welsh too.
    assert!(!english.contains(&esc(body)));
    let (_, other) = server.get(&location);
    assert!(!other.contains(&esc(body)) && other.contains("Dim ond yn y porwr"));

    // The drafters' page for the paragraph says which comment was made in Welsh.
    let admin = client()
        .get(server.url("/admin/target/share-lawful-basis"))
        .basic_auth("drafter", Some("s3cret-token-for-the-drafters"))
        .send()
        .expect("admin");
    assert_eq!(admin.status().as_u16(), 200);
    let admin = admin.text().expect("admin page");
    assert!(
        admin.contains("when it was paragraph 5.1, in Welsh."),
        "{admin}"
    );

    // The comment records its language; the export shows it.
    let export = |format: &str| {
        copbook()
            .args(["comments", "export", "--format", format, "--data"])
            .arg(server.data())
            .output()
            .expect("copbook comments export")
    };
    let out = export("json");
    assert!(out.status.success(), "{}", output_text(&out));
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let stored = all
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["reference"] == reference.as_str())
        .expect("exported");
    assert_eq!(stored["language"], "cy");
    assert_eq!(stored["body"], body);
    let out = export("csv");
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.lines().next().expect("header").ends_with(",language"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&reference) && l.ends_with(",cy")),
        "{csv}"
    );
}

#[test]
fn the_welsh_site_is_built_under_cy_and_paired_page_by_page() {
    let server = TestApp::shipped().start();

    let (status, welsh) = server.get("/cy/guide/respond.html");
    assert_eq!(status, 200);
    assert!(welsh.contains("<html lang=\"cy\""), "lang");
    assert!(
        welsh.contains("<link rel=\"alternate\" hreflang=\"en-GB\" href=\"/guide/respond.html\">")
    );
    assert!(
        welsh.contains("<link rel=\"alternate\" hreflang=\"cy\" href=\"/cy/guide/respond.html\">")
    );
    assert!(welsh.contains(
        "<p class=\"language-switch\"><a href=\"/guide/respond.html\" hreflang=\"en-GB\" lang=\"en-GB\">English</a></p>"
    ));
    // The theme's own words are Welsh, and its search goes to the Welsh search page.
    assert!(welsh.contains("action=\"/cy/search\""));
    for english in [
        "Skip to main content",
        ">Contents<",
        "About this draft",
        "Draft version",
    ] {
        assert!(!welsh.contains(english), "{english} left in English");
    }
    assert!(welsh.contains("<p class=\"draft-status\">Fersiwn drafft 0.1 · Drafft ymgynghori</p>"));
    // Comment links go to the Welsh form.
    assert!(welsh.contains(
        "<a href=\"/cy/comment?on=guide%2Frespond%23what%2Dwe%2Dare%2Dasking\">Rhoi sylw ar hyn"
    ));
    // A cite to a Code paragraph that exists only in English says so and links there.
    assert!(welsh.contains(
        "<a href=\"/code/review.html#review-publish-responses\" hreflang=\"en\">paragraff 13.4</a> (yn Saesneg)"
    ));

    let (_, english) = server.get("/guide/respond.html");
    assert!(english.contains(
        "<p class=\"language-switch\"><a href=\"/cy/guide/respond.html\" hreflang=\"cy\" lang=\"cy\">Cymraeg</a></p>"
    ));
    assert!(
        english
            .contains("<link rel=\"alternate\" hreflang=\"cy\" href=\"/cy/guide/respond.html\">")
    );
    // The switch lands on the same section: both pages carry the same section ids.
    for id in [
        "what-we-are-asking",
        "how-to-respond",
        "freedom-of-information",
        "your-personal-data",
    ] {
        assert!(english.contains(&format!("id=\"{id}\"")), "{id} in English");
        assert!(welsh.contains(&format!("id=\"{id}\"")), "{id} in Welsh");
    }
    // A Code chapter exists only in English: its switch goes to the Welsh page listing it.
    let (_, code) = server.get("/code/sharing.html");
    assert!(code.contains(
        "<p class=\"language-switch\"><a href=\"/cy/cod.html\" hreflang=\"cy\" lang=\"cy\">Cymraeg</a></p>"
    ));
}

#[test]
fn a_welsh_search_finds_mutated_forms_and_welsh_pages_first() {
    let server = TestApp::shipped().start();
    let search = |path: &str| -> serde_json::Value {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("json")
    };
    // The Welsh pages say "yng Nghymru" twice; the reader types the radical.
    let found = search("/api/search?q=Cymru&lang=cy");
    let urls: Vec<&str> = found["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["url"].as_str())
        .collect();
    for url in [
        "/cy/cod.html",
        "/cy/guide/why-leds.html#who-can-use-it",
        "/cy/guide/governance.html#who-checks-the-rules-are-followed",
    ] {
        assert!(urls.contains(&url), "{url} not in {found}");
    }
    assert!(urls.iter().all(|u| u.starts_with("/cy/")), "{urls:?}");
    // The snippet marks the mutated word the radical found.
    let hit = found["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .find(|h| h["url"] == "/cy/guide/why-leds.html#who-can-use-it")
        .expect("hit");
    assert!(
        hit["snippet"]
            .as_str()
            .expect("snippet")
            .contains("yng <mark>Nghymru</mark> a Lloegr"),
        "{hit}"
    );
    // The same from the Welsh path, with the circumflex left off "ynglŷn".
    let found = search("/cy/api/search?q=ynglyn");
    assert_eq!(found["hits"][0]["url"], "/cy/index.html", "{found}");
    // Welsh pages first, then the English ones: "LEDS" is on both.
    let found = search("/api/search?q=LEDS&lang=cy&limit=50");
    let urls: Vec<&str> = found["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["url"].as_str())
        .collect();
    let first_english = urls
        .iter()
        .position(|u| !u.starts_with("/cy/"))
        .expect("English hits");
    assert!(first_english > 0, "{urls:?}");
    assert!(
        urls[first_english..].iter().all(|u| !u.starts_with("/cy/")),
        "{urls:?}"
    );
    // An English search never sees the Welsh pages.
    let found = search("/api/search?q=LEDS&limit=50");
    assert!(
        found["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| !h["url"].as_str().unwrap_or("/cy/").starts_with("/cy/"))
    );
}

/// `copbook check`'s lines about translations.
fn translation_findings(book: &TestBook) -> (i32, Vec<String>) {
    let (code, lines) = book.check();
    let rules = [
        "has no translation (cy)",
        "only in the translation",
        "pairs with no English",
        "translated from",
    ];
    let found = lines
        .into_iter()
        .filter(|l| rules.iter().any(|r| l.contains(r)))
        .collect();
    (code, found)
}

#[test]
fn check_reads_the_translations_cites_and_responses_directives() {
    let book = TestBook::shipped().edit(
        "src-cy/guide/why-leds.md",
        "\n## ",
        "\nGweler {{#cite dim-paragraff-fel-hyn}} a {{#responses dim-cwestiwn-fel-hyn}}.\n\n## ",
    );
    let (code, lines) = book.check();
    assert_eq!(code, 1, "unknown ids are errors: {lines:#?}");
    let at = |rule: &str| {
        lines
            .iter()
            .find(|l| l.starts_with("book/src-cy/guide/why-leds.md:") && l.contains(rule))
            .cloned()
    };
    assert!(
        at("error: cite to unknown provision id `dim-paragraff-fel-hyn`").is_some(),
        "{lines:#?}"
    );
    assert!(at("dim-cwestiwn-fel-hyn").is_some(), "{lines:#?}");
    // The shipped translation's own directives are sound.
    let (_, shipped) = TestBook::shipped().check();
    assert!(
        !shipped
            .iter()
            .any(|l| l.starts_with("book/src-cy/") && l.contains(": error:")),
        "{shipped:#?}"
    );
}

#[test]
fn check_pairs_translations_by_id_and_reports_each_gap() {
    let book = TestBook::shipped()
        .write(
            "src-cy/guide/respond.md",
            "# Ymateb {en=000000}\n\n## Beth rydyn ni'n ei ofyn {#what-we-are-asking}\n\nTestun.\n\n## Sut i ymateb {#how-to-respond-now}\n\nTestun.\n",
        );
    let (code, lines) = translation_findings(&book);
    assert_eq!(code, 1, "an unpaired section is an error: {lines:#?}");
    let expect = [
        // A Code chapter left in English: one warning for the chapter, listed.
        "book/src/code/sharing.md:1: warning: chapter “Sharing data” has no translation (cy): its 12 sections and paragraphs are in English only, and the cy site links to them; to translate it, add src-cy/code/sharing.md to src-cy/SUMMARY.md",
        // English sections the Welsh page lacks.
        "book/src/guide/respond.md:9: warning: section “How to respond” (guide/respond#how-to-respond) has no translation (cy) in src-cy/guide/respond.md: translate it with the same id",
        "book/src/guide/respond.md:29: warning: section “Your personal data” (guide/respond#your-personal-data) has no translation (cy) in src-cy/guide/respond.md: translate it with the same id",
        // A translation of an older English text, and one that records none.
        &format!(
            "book/src-cy/guide/respond.md:1: warning: section “Ymateb” (guide/respond) was translated from an older English text (en=000000; the English is now en={}): bring the translation up to date, then run `copbook translations mark-current guide/respond`",
            copbook::translations::source_hash("")
        ),
        "book/src-cy/guide/respond.md:3: warning: section “Beth rydyn ni’n ei ofyn” (guide/respond#what-we-are-asking) does not record which English text it was translated from: once it matches the English, run `copbook translations mark-current guide/respond#what-we-are-asking`",
        // A Welsh section whose id no English section has.
        "book/src-cy/guide/respond.md:7: error: section “Sut i ymateb” (guide/respond#how-to-respond-now) pairs with no English section or paragraph: give it the id of the English text it translates",
        // A page only the Welsh site has.
        "book/src-cy/cod.md:1: warning: chapter “Y Cod Ymarfer (yn Saesneg)” is only in the translation (cy): nothing in it pairs with the English, so comments on it cannot be read beside the English text",
    ];
    for line in expect {
        assert!(
            lines.iter().any(|l| l == line),
            "missing {line}\nin {lines:#?}"
        );
    }
}

#[test]
fn mark_current_records_the_english_text_and_check_sees_it_change() {
    let book = TestBook::shipped();
    let out = book.run(&[
        "translations",
        "mark-current",
        "guide/respond#what-we-are-asking",
    ]);
    assert!(out.status.success(), "{}", output_text(&out));
    let welsh = book.read("src-cy/guide/respond.md");
    let hash = copbook::translations::recorded_hash(
        welsh
            .lines()
            .find(|l| l.contains("{#what-we-are-asking"))
            .expect("heading"),
    )
    .expect("hash recorded")
    .to_string();
    let (_, lines) = translation_findings(&book);
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("(guide/respond#what-we-are-asking)")),
        "{lines:#?}"
    );
    // The English changes: the Welsh is now a translation of an older text.
    let book = book.edit(
        "src/guide/respond.md",
        "You do not need to be an expert to take part.",
        "Anyone can take part.",
    );
    let (_, lines) = translation_findings(&book);
    let stale = lines
        .iter()
        .find(|l| l.contains("(guide/respond#what-we-are-asking)"))
        .expect("stale finding");
    assert!(
        stale.starts_with(&format!(
            "book/src-cy/guide/respond.md:3: warning: section “Beth rydyn ni’n ei ofyn” (guide/respond#what-we-are-asking) was translated from an older English text (en={hash}; the English is now en="
        )),
        "{stale}"
    );
    // An id no translation has is refused by name.
    let out = book.run(&["translations", "mark-current", "guide/nowhere"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no translated section or provision has the id `guide/nowhere`"),
        "{}",
        output_text(&out)
    );
}

/// A finding the shipped book may carry: a chapter left in English (the Code's
/// chapters and the glossary, in this draft), or the Welsh page that says so.
pub fn is_allowed_translation_gap(line: &str) -> bool {
    (line.starts_with("book/src/code/") || line.starts_with("book/src/glossary.md:"))
        && line.contains(": warning: chapter “")
        && line.contains("” has no translation (cy): ")
        || line.starts_with("book/src-cy/cod.md:1: warning: chapter “Y Cod Ymarfer (yn Saesneg)” is only in the translation (cy)")
}

#[test]
fn the_shipped_book_lists_its_untranslated_chapters_and_nothing_else() {
    let book = TestBook::from_dir(&crate::helpers::repo_root().join("book"));
    let (code, lines) = translation_findings(&book);
    assert_eq!(code, 0, "{lines:#?}");
    // Every Code chapter and the glossary, once each; the whole guide is translated and
    // made from the current English.
    let english_only: Vec<&str> = lines
        .iter()
        .filter(|l| l.contains("has no translation (cy)"))
        .filter_map(|l| l.split(':').next())
        .collect();
    let mut expected: Vec<String> = [
        "introduction",
        "key-aims",
        "obtaining",
        "inputting",
        "sharing",
        "protecting",
        "accessing",
        "using",
        "removing",
        "governance",
        "training",
        "service-delivery",
        "review",
        "challenges",
        "unacceptable-uses",
        "aims-matrix",
    ]
    .iter()
    .map(|c| format!("book/src/code/{c}.md"))
    .collect();
    // The glossary has a Welsh counterpart (src-cy/glossary.md), so it is not listed.
    expected.sort();
    assert_eq!(english_only, expected);
    assert!(
        lines.iter().all(|l| is_allowed_translation_gap(l)),
        "{lines:#?}"
    );
}
