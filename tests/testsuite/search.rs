//! `/api/search` and `/search` over real HTTP: hostile input never causes a server error,
//! every refusal says what to change, and user text is always escaped.

use serde_json::Value;

use crate::app::{Served, TestApp};
use crate::helpers::TestBook;

fn get(server: &impl Served, path_and_query: &str) -> (u16, String) {
    let res = reqwest::blocking::get(server.url(path_and_query)).expect("GET");
    (res.status().as_u16(), res.text().expect("body"))
}

#[test]
fn api_answers_the_documented_shape() {
    let server = TestApp::shipped().start();
    let (status, body) = get(&server, "/api/search?q=custody+image&limit=3&part=code");
    assert_eq!(status, 200);
    let json: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["query"], "custody image");
    assert!(json["total"].as_u64().expect("total") >= 3);
    assert!(json["took_us"].is_u64());
    let hits = json["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 3);
    for hit in hits {
        for field in [
            "id", "number", "title", "url", "source", "part", "theme", "snippet", "score",
        ] {
            assert!(hit.get(field).is_some(), "hit lacks {field}: {hit}");
        }
        assert_eq!(hit["part"], "code");
        let url = hit["url"].as_str().expect("url");
        assert!(url.starts_with("/code/") && url.contains(".html#"), "{url}");
        let page = url.split('#').next().expect("page");
        assert_eq!(get(&server, page).0, 200, "{url} leads to a page");
    }
    // A provision number puts that provision first.
    let (_, body) = get(&server, "/api/search?q=para+5.3");
    let json: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["hits"][0]["number"], "5.3");
}

#[test]
fn hostile_input_never_causes_a_server_error() {
    let server = TestApp::shipped().start();
    let long = "a".repeat(10 * 1024);
    let ok_queries = [
        "\"custody image",
        "custody\" image\"\"",
        "AND OR NOT -+:^*~()[]{}\\/",
        "title:foo OR id:*",
        "%00%01%02%1F%7F",
        "%E2%80%AE%F0%9F%98%80",
        "%D8%A8%D9%8A%D8%A7%D9%86%D8%A7%D8%AA",
        "%E8%AD%A6%E5%AF%9F%E6%95%B0%E6%8D%AE",
        "%D0%BF%D0%BE%D0%BB%D0%B8%D1%86%D0%B8%D1%8F",
        "%FF%FE",
        "",
        "+++",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ];
    for q in ok_queries {
        for endpoint in ["/api/search", "/search"] {
            let (status, body) = get(&server, &format!("{endpoint}?q={q}"));
            assert_eq!(status, 200, "{endpoint}?q={q}: {body}");
            if endpoint == "/search" {
                assert!(
                    !body.contains("<script>alert"),
                    "{endpoint}?q={q} reflects markup"
                );
            } else {
                let json: Value = serde_json::from_str(&body).expect("json");
                for hit in json["hits"].as_array().expect("hits") {
                    let snippet = hit["snippet"].as_str().expect("snippet");
                    assert!(
                        !snippet
                            .replace("<mark>", "")
                            .replace("</mark>", "")
                            .contains('<'),
                        "{snippet}"
                    );
                }
            }
        }
    }
    let refused = [
        (format!("q={long}"), "at most 500 characters"),
        (
            "q=x&limit=-1".to_string(),
            "limit must be a whole number from 1 to 50",
        ),
        (
            "q=x&limit=abc".to_string(),
            "limit must be a whole number from 1 to 50",
        ),
        (
            "q=x&part=nonsense".to_string(),
            "part must be `code` or `guide`",
        ),
        ("q=x&page=0".to_string(), "page must be a whole number"),
    ];
    for (query, message) in &refused {
        let (status, body) = get(&server, &format!("/api/search?{query}"));
        assert_eq!(status, 400, "{query}");
        let json: Value = serde_json::from_str(&body).expect("json error");
        assert!(
            json["error"].as_str().expect("error").contains(message),
            "{query}: {body}"
        );
        if query.contains("limit") {
            continue; // the page has no limit parameter
        }
        let (status, body) = get(&server, &format!("/search?{query}"));
        assert_eq!(status, 400, "/search?{query}");
        assert!(
            body.contains(&message.replace('`', "&#x60;")) || body.contains(message),
            "/search?{query}"
        );
    }
    // An oversized limit is capped, not refused.
    let (status, body) = get(&server, "/api/search?q=data&limit=5000");
    assert_eq!(status, 200);
    let json: Value = serde_json::from_str(&body).expect("json");
    assert!(json["hits"].as_array().expect("hits").len() <= 50);
}

#[test]
fn snippets_escape_the_book_and_the_query() {
    let book = TestBook::minimal()
        .edit("book.toml", "status = \"Test draft\"", "status = \"Test draft\"")
        .edit(
            "src/guide/your-data.md",
            "## Asking questions",
            "Write `<script>alert(1)</script>` and <b>bold</b> &amp; more about zanzibar.\n\n## Asking questions",
        );
    let server = TestApp::for_book(&book.book()).start();
    let (status, body) = get(
        &server,
        "/api/search?q=zanzibar+%3Cb%3Ebold%3C%2Fb%3E+script",
    );
    assert_eq!(status, 200);
    let json: Value = serde_json::from_str(&body).expect("json");
    let snippet = json["hits"][0]["snippet"].as_str().expect("snippet");
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(
        without_marks.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{snippet}"
    );
    assert!(
        !snippet.contains("<script") && !snippet.contains("<b>"),
        "{snippet}"
    );
    assert!(
        !without_marks.contains('<'),
        "only <mark> is markup: {snippet}"
    );
    assert!(snippet.contains("<mark>zanzibar</mark>"), "{snippet}");
    let (_, page) = get(&server, "/search?q=%3Cb%3Ebold%3C%2Fb%3E+zanzibar");
    assert!(
        page.contains("&lt;b&gt;bold&lt;&#x2f;b&gt;"),
        "the query is escaped in the page"
    );
    assert!(!page.contains("<b>bold</b>"));
}

#[test]
fn results_page_works_without_javascript() {
    let server = TestApp::shipped().start();
    let (status, page) = get(&server, "/search?q=data&part=guide");
    assert_eq!(status, 200);
    assert!(page.contains("<form") && page.contains("action=\"/search\""));
    assert!(page.contains("results for “data”"), "summary line");
    assert!(page.contains("rel=\"next\""), "pagination");
    assert!(
        page.contains("value=\"guide\" checked"),
        "the part filter is kept"
    );
    let next = page
        .split("rel=\"next\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("next link");
    let (status, page2) = get(&server, &next.replace("&amp;", "&").replace("&#x2f;", "/"));
    assert_eq!(status, 200);
    assert!(page2.contains("Page 2 of"));
}

#[test]
fn did_you_mean_search_log_and_privacy_page() {
    use std::time::{Duration, Instant};
    let server = TestApp::shipped()
        .admin_token("s3cret-token-for-the-drafters")
        .start();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    // "Did you mean", in the API and on the page.
    let (status, body) = get(&server, "/api/search?q=retensoin+shedule");
    assert_eq!(status, 200);
    let json: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["suggestion"], "retention schedule");
    let (_, page) = get(&server, "/search?q=retensoin+shedule");
    assert!(page.contains("Did you mean"), "suggestion on the page");
    let (_, body) = get(&server, "/api/search?q=retention");
    let json: Value = serde_json::from_str(&body).expect("json");
    assert!(json["suggestion"].is_null());

    // Searches are logged without personal details; results go through the counter.
    let (_, page) = get(&server, "/search?q=delete+my+record+jo%40example.com");
    // (minijinja escapes "/" in attributes as "&#x2f;".)
    assert!(
        page.replace("&#x2f;", "/").contains("href=\"/search/go?q="),
        "result links are counted"
    );
    assert!(
        page.contains("href=\"/privacy\""),
        "the footer links the privacy page"
    );
    // A search that finds nothing is not a dead end: the guide's pages, by topic.
    let (status, page) = get(&server, "/search?q=qqzzxxyy");
    assert_eq!(status, 200);
    assert!(page.contains("Or start from a topic in the public guide"));
    let corpus = copbook::book::load(&crate::helpers::repo_root().join("book"))
        .expect("the shipped book loads")
        .corpus;
    let guide: Vec<_> = corpus
        .chapters
        .iter()
        .filter(|c| c.part == copbook::book::Part::Guide)
        .collect();
    assert!(!guide.is_empty());
    let page = page.replace("&#x2f;", "/");
    for chapter in &guide {
        assert!(
            page.contains(&format!("href=\"/{}\"", chapter.url)),
            "the page that found nothing links {}",
            chapter.url
        );
    }
    // A page with results lists no topics.
    let (_, found) = get(&server, "/search?q=retention");
    assert!(!found.contains("Or start from a topic"));
    let go = client
        .get(
            server.url("/search/go?q=delete+my+record+jo%40example.com&to=%2Fcode%2Fremoving.html"),
        )
        .send()
        .expect("go");
    assert_eq!(go.status().as_u16(), 303);
    assert_eq!(go.headers()["location"], "/code/removing.html");
    let away = client
        .get(server.url("/search/go?q=x&to=%2F%2Fevil.example%2F"))
        .send()
        .expect("go");
    assert_eq!(away.headers()["location"], "/search");

    assert_eq!(
        client
            .get(server.url("/admin/searches"))
            .send()
            .expect("get")
            .status()
            .as_u16(),
        401
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let html = loop {
        let html = client
            .get(server.url("/admin/searches"))
            .basic_auth("drafter", Some("s3cret-token-for-the-drafters"))
            .send()
            .expect("get")
            .text()
            .expect("html");
        if html.contains("qqzzxxyy") && html.contains("delete my record [email]") {
            break html;
        }
        assert!(
            Instant::now() < deadline,
            "the searches reach the report: {html}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(html.contains("Searches that found nothing"));
    // The week's searches that found nothing come first, before the daily lists.
    let weekly = html
        .find("Searches that found nothing, week by week")
        .expect("a weekly report");
    let week = html[weekly..].find("Week beginning").expect("a week") + weekly;
    let searched = html[week..].find("qqzzxxyy").expect("the search in a week");
    assert!(searched < html[week..].find("All days").expect("the daily lists"));
    assert!(!html.contains("example.com"), "no email address is stored");
    assert!(server.data().join("search-log.sqlite").exists());

    let (status, privacy) = get(&server, "/privacy");
    assert_eq!(status, 200);
    assert!(privacy.contains("do not store your IP address"));
}
