//! The edge's errors: handlers fail with `AppError`, and one layer says it, once, in the
//! request's language: a page with the site's look, or the JSON API's `{"error": …}` for
//! `/api/…` and `.json` requests. The expected words are read from the catalogue, so
//! these tests hold whatever the wording.

use copbook::i18n::{Arg, Catalogue, Language};
use reqwest::blocking::{Client, Response};

use crate::app::TestApp;

const TOKEN: &str = "a-token-for-the-error-tests-0123";

fn catalogue() -> Catalogue {
    Catalogue::new().expect("catalogue")
}

/// A page's text with the entities minijinja writes turned back into characters.
fn text_of(res: Response) -> String {
    res.text()
        .expect("body")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn content_type(res: &Response) -> String {
    res.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_refused_form_is_a_page_in_the_language_it_was_sent_in() {
    let app = TestApp::shipped().start();
    let words = catalogue();
    for (path, language, lang) in [
        ("/comments", Language::English, "en-GB"),
        ("/cy/comments", Language::Welsh, "cy"),
    ] {
        let res = Client::new()
            .post(app.url(path))
            .form(&[("on", "general"), ("body", "No anti-forgery token.")])
            .send()
            .expect("POST");
        assert_eq!(res.status().as_u16(), 403, "{path}");
        assert!(content_type(&res).starts_with("text/html"), "{path}");
        let page = text_of(res);
        assert!(page.contains(&format!("lang=\"{lang}\"")), "{path}: {page}");
        assert!(
            page.contains(&words.text(language, "comments-not-sent")),
            "{path}: {page}"
        );
        assert!(
            page.contains(&words.text(language, "comments-not-sent-message")),
            "{path}: {page}"
        );
    }
}

#[test]
fn the_same_refusal_is_a_page_for_a_browser_and_json_for_a_download() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let expected = catalogue().message(
        Language::English,
        "error-bad-filter",
        &[
            ("parameter", Arg::from("status")),
            ("expected", Arg::from("status")),
            ("max", Arg::from(200u64)),
        ],
    );
    assert!(expected.contains("received, published"), "{expected}");
    let get = |path: &str| {
        Client::new()
            .get(app.url(path))
            .bearer_auth(TOKEN)
            .send()
            .expect("GET")
    };
    let page = get("/admin/responses?status=bogus");
    assert_eq!(page.status().as_u16(), 400);
    assert!(content_type(&page).starts_with("text/html"));
    let page = text_of(page);
    assert!(page.contains(&expected), "{page}");
    assert!(page.contains("<h1"), "a page with the site's look: {page}");

    let json = get("/admin/responses.json?status=bogus");
    assert_eq!(json.status().as_u16(), 400);
    assert!(content_type(&json).starts_with("application/json"));
    let body: serde_json::Value = json.json().expect("JSON");
    assert_eq!(body["error"], expected.as_str());
}

#[test]
fn a_throttled_look_up_keeps_its_retry_after_and_is_said_in_welsh() {
    let app = TestApp::shipped().start();
    let words = catalogue();
    let client = Client::new();
    let mut last = None;
    for _ in 0..=copbook::server::edge::guards::RECEIPT_LOOKUPS_PER_MINUTE {
        let res = client
            .get(app.url("/cy/comments/receipt/LEDS-AAAA-BBBB"))
            .send()
            .expect("GET");
        if res.status().as_u16() == 429 {
            last = Some(res);
            break;
        }
        assert_eq!(res.status().as_u16(), 404, "an unknown reference");
    }
    let res = last.expect("the limit answers 429");
    let seconds: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert!(content_type(&res).starts_with("text/html"));
    let page = text_of(res);
    assert!(
        page.contains(&words.text(Language::Welsh, "error-too-many-requests")),
        "{page}"
    );
    assert!(
        page.contains(&words.message(
            Language::Welsh,
            "error-too-many-requests-message",
            &[("seconds", Arg::from(seconds))]
        )),
        "{page}"
    );
}

#[test]
fn a_missing_response_is_a_404_page_from_the_store_error() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let res = Client::new()
        .get(app.url("/admin/responses/LEDS-AAAA-BBBB"))
        .bearer_auth(TOKEN)
        .send()
        .expect("GET");
    assert_eq!(res.status().as_u16(), 404);
    let page = text_of(res);
    assert!(
        page.contains(&catalogue().text(Language::English, "error-no-such-response-message")),
        "{page}"
    );
}
