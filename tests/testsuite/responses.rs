//! After the consultation, in public: published responses per provision and per question
//! (English and Welsh), the open data downloads, `copbook comments summary`, and the
//! `{{#responses id}}` directive filled from the committed summary.

use crate::app::TestApp;
use crate::helpers::{TestBook, output_text};

const TOKEN: &str = "a-drafters-token-for-published-responses";
const CSRF: &str = "0123456789abcdef0123456789abcdef";

/// Posts a comment through the JSON API; returns its reference.
fn comment(app: &TestApp, fields: serde_json::Value) -> String {
    comment_at(app, "/api/comments", fields)
}

/// Posts a comment through the JSON API at `path` (`/cy/api/comments`: in Welsh).
fn comment_at(app: &TestApp, path: &str, fields: serde_json::Value) -> String {
    let mut body = serde_json::json!({
        "on": "share-lawful-basis", "question": "q-sharing",
        "body": "A comment.", "respondent_type": "individual", "publish": "yes"
    });
    if let (Some(body), Some(fields)) = (body.as_object_mut(), fields.as_object()) {
        body.extend(fields.clone());
        // Named by whatever names they gave, unless the test chose.
        let given = |field: &str| body.get(field).is_some_and(|v| v.is_string());
        let attribution = match (given("name"), given("organisation")) {
            (true, true) => "both",
            (false, true) => "organisation",
            _ => "name",
        };
        body.entry("attribution").or_insert(attribution.into());
    }
    let res = reqwest::blocking::Client::new()
        .post(app.url(path))
        .json(&body)
        .send()
        .expect("POST /api/comments");
    assert_eq!(res.status().as_u16(), 201, "{body}");
    let reply: serde_json::Value = res.json().expect("json");
    reply["reference"].as_str().expect("reference").to_string()
}

/// Marks a comment published, as a drafter does on `/admin/`.
fn publish(app: &TestApp, reference: &str) {
    assert_eq!(try_publish(app, reference), 303, "published {reference}");
}

/// Asks to publish a comment; the status code of the answer.
fn try_publish(app: &TestApp, reference: &str) -> u16 {
    let res = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(app.url(&format!("/admin/comments/{reference}/status")))
        .bearer_auth(TOKEN)
        .header("cookie", format!("copbook_csrf={CSRF}"))
        .form(&[("status", "published"), ("csrf", CSRF)])
        .send()
        .expect("POST status");
    res.status().as_u16()
}

/// Every respondent choice, published or not by the drafters.
struct Seeded {
    references: Vec<String>,
}

fn seed(app: &TestApp) -> Seeded {
    use serde_json::json;
    let mut references = Vec::new();
    let mut add = |fields: serde_json::Value, published: bool| {
        let welsh = fields["name"] == "Ffion Cymraeg";
        let path = if welsh {
            "/cy/api/comments"
        } else {
            "/api/comments"
        };
        let said_no = fields["publish"] == "no";
        let r = comment_at(app, path, fields);
        if published && said_no {
            // The respondent said no: a drafter cannot publish it, even by mistake.
            assert_eq!(try_publish(app, &r), 409, "{r} was published");
        } else if published {
            publish(app, &r);
        }
        references.push(r);
    };
    add(
        json!({"name": "Alys <b>Named</b>", "email": "alys@example.org",
               "body": "=HYPERLINK(\"http://evil.example\") the safeguards are too weak."}),
        true,
    );
    add(
        json!({"respondent_type": "organisation", "name": "Bryn Person",
               "organisation": "Trust For Data", "email": "bryn@example.org",
               "body": "We support the paragraph as drafted."}),
        true,
    );
    add(
        json!({"name": "Ceri Hidden", "email": "ceri@example.org", "publish": "anonymous",
               "body": "Keep my name off this please."}),
        true,
    );
    add(
        json!({"respondent_type": "organisation", "organisation": "Secret Org",
               "email": "secret@example.org", "publish": "anonymous",
               "body": "An organisation that asked not to be named."}),
        true,
    );
    // The respondent said no: a drafter trying to publish it is refused.
    add(
        json!({"name": "Dai Private", "email": "dai@example.org", "publish": "no",
               "body": "Private thoughts that must never be shown."}),
        true,
    );
    // Agreed, but not (yet) published by a drafter.
    add(
        json!({"name": "Eve Unread", "email": "eve@example.org",
               "body": "Not yet read by the College."}),
        false,
    );
    // On another paragraph and question, in Welsh.
    add(
        json!({"on": "general", "question": "q-aims", "name": "Ffion Cymraeg",
               "body": "Sylw yn Gymraeg am y nodau."}),
        true,
    );
    Seeded { references }
}

const NEVER_SHOWN: [&str; 8] = [
    "@example.org",
    "Ceri Hidden",
    "Secret Org",
    "Dai Private",
    "Private thoughts",
    "Eve Unread",
    "Not yet read",
    "copbook_csrf",
];

fn assert_private(what: &str, text: &str, seeded: &Seeded) {
    for never in NEVER_SHOWN {
        assert!(!text.contains(never), "{what} shows {never:?}:\n{text}");
    }
    for reference in &seeded.references {
        assert!(
            !text.contains(reference.as_str()),
            "{what} shows a receipt reference"
        );
    }
}

#[test]
fn published_responses_show_names_only_as_chosen_and_never_an_email() {
    // The open data is read from the store two responses at a time.
    let app = TestApp::shipped()
        .admin_token(TOKEN)
        .download_page(2)
        .start();
    let seeded = seed(&app);

    let (status, html) = app.get("/responses?on=share-lawful-basis");
    assert_eq!(status, 200, "{html}");
    assert_private("the paragraph's page", &html, &seeded);
    assert!(
        html.contains("<h1>Published responses to paragraph 5.1</h1>"),
        "{html}"
    );
    assert!(html.contains("4 published responses"), "{html}");
    // Named as chosen, escaped.
    assert!(
        html.contains("Alys &lt;b&gt;Named&lt;&#x2f;b&gt;"),
        "{html}"
    );
    assert!(html.contains("Bryn Person, Trust For Data"), "{html}");
    // Anonymous: what kind of respondent, nothing more.
    assert!(html.contains(">An individual</h2>"), "{html}");
    assert!(html.contains(">An organisation</h2>"), "{html}");
    assert!(
        html.contains("Answering: Are the safeguards on sharing LEDS data"),
        "{html}"
    );
    assert!(
        !html.contains("Sylw yn Gymraeg"),
        "another paragraph's response"
    );

    let (status, html) = app.get("/responses?question=q-sharing");
    assert_eq!(status, 200, "{html}");
    assert_private("the question's page", &html, &seeded);
    assert!(html.contains("4 published responses"), "{html}");
    assert!(html.contains("Question: Are the safeguards"), "{html}");

    let (status, html) = app.get("/responses");
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("5 published responses"), "{html}");
    // minijinja escapes `/` in attributes as `&#x2f;`.
    assert!(
        html.contains("href=\"&#x2f;responses?question=q%2Dsharing\""),
        "{html}"
    );
    assert!(html.contains("href=\"&#x2f;responses.csv\""), "{html}");

    // The open data: the same five, no email, no reference, formulas neutralised.
    let (status, csv) = app.get("/responses.csv");
    assert_eq!(status, 200);
    assert_private("the CSV", &csv, &seeded);
    assert_eq!(
        csv.lines().count(),
        6,
        "a header and five responses:\n{csv}"
    );
    assert!(csv.starts_with("id,received_on,target_id,"), "{csv}");
    assert!(csv.contains("\"'=HYPERLINK("), "neutralised:\n{csv}");
    assert!(csv.contains("Trust For Data"), "{csv}");
    let (status, json) = app.get("/responses.json");
    assert_eq!(status, 200);
    assert_private("the JSON", &json, &seeded);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let rows = json.as_array().expect("array");
    assert_eq!(rows.len(), 5, "{json}");
    assert_eq!(rows[0]["name"], "Alys <b>Named</b>");
    assert_eq!(rows[2]["name"], serde_json::Value::Null);
    assert_eq!(rows[2]["respondent_type"], "individual");
    assert!(rows.iter().all(|r| r.get("email").is_none()));
    // Read page by page, the downloads are the bytes of the whole store written at once.
    let whole = |format: &str| {
        let store = app.state.store.clone().expect("store");
        let published = copbook::comments::Filter {
            status: Some(copbook::comments::Status::Published),
            ..Default::default()
        };
        let rows = app
            .block_on(store.export_filtered(&published))
            .expect("export");
        let mut out = Vec::new();
        match format {
            "csv" => copbook::comments::published::write_csv(rows.blocking_iter(), &mut out),
            _ => copbook::comments::published::write_json(rows.blocking_iter(), &mut out),
        }
        .expect("write");
        String::from_utf8(out).expect("utf-8")
    };
    assert_eq!(app.get("/responses.csv").1, whole("csv"));
    assert_eq!(app.get("/responses.json").1, whole("json"));

    // The same page in Welsh.
    let (status, html) = app.get("/cy/responses?on=share-lawful-basis");
    assert_eq!(status, 200, "{html}");
    assert_private("the Welsh page", &html, &seeded);
    assert!(html.contains("<html lang=\"cy\""), "{html}");
    assert!(
        html.contains("Ymatebion a gyhoeddwyd i baragraff"),
        "{html}"
    );
    assert!(html.contains(">Unigolyn</h2>"), "{html}");
    assert!(html.contains(">Sefydliad</h2>"), "{html}");
    assert!(html.contains("4 ymateb wedi&#x27;u cyhoeddi"), "{html}");
    let (status, html) = app.get("/cy/responses?question=q-aims");
    assert_eq!(status, 200);
    assert!(
        html.contains("lang=\"cy\"><p><bdi>Sylw yn Gymraeg"),
        "{html}"
    );
}

#[test]
fn requests_are_bounded_and_unknown_ids_are_not_found() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    for (path, status) in [
        ("/responses?page=0", 400),
        ("/responses?page=99999", 400),
        ("/responses?page=x", 400),
        ("/responses?on=", 400),
        ("/responses?on=a&question=b", 400),
        ("/responses?on=no-such-paragraph", 404),
        ("/responses?question=q-nope", 404),
        ("/responses?on=share-lawful-basis&page=2", 404),
        ("/responses?on=share-lawful-basis&page=1", 200),
        ("/responses?on=general", 200),
    ] {
        assert_eq!(app.get(path).0, status, "{path}");
    }
    let long = format!("/responses?on={}", "a".repeat(201));
    assert_eq!(app.get(&long).0, 400);
    // Nothing published yet: the page says so.
    let (_, html) = app.get("/responses?on=share-lawful-basis");
    assert!(
        html.contains("No response has been published here yet"),
        "{html}"
    );
}

#[test]
fn open_data_downloads_past_the_servers_limit_are_told_to_come_back() {
    // No download may be made at once: each request waits its turn, then is told the
    // server is busy; the pages of responses are not held up.
    let app = TestApp::shipped()
        .downloads(0, std::time::Duration::from_millis(200))
        .start();
    for path in ["/responses.csv", "/responses.json"] {
        let res = reqwest::blocking::get(app.url(path)).expect("GET");
        assert_eq!(res.status().as_u16(), 503, "{path}");
        assert_eq!(res.headers()["retry-after"], "60", "{path}");
        assert!(res.text().expect("body").contains("Try again in a minute"));
    }
    let (status, _) = app.get("/responses");
    assert_eq!(status, 200);
    // With a turn free, the same download is made.
    let app = TestApp::shipped()
        .downloads(1, std::time::Duration::from_millis(200))
        .start();
    let (status, csv) = app.get("/responses.csv");
    assert_eq!(status, 200, "{csv}");
    assert!(csv.starts_with("id,received_on,target_id,"), "{csv}");
}

#[test]
fn one_address_may_make_only_two_open_data_downloads_at_once() {
    use tower::ServiceExt;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let data = tempfile::tempdir().expect("data");
    let state = crate::app::shipped_state(&runtime, data.path());
    let router = copbook::server::app(std::sync::Arc::clone(&state));
    let get =
        |path: &str, from: [u8; 4]| {
            let mut request = axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .expect("request");
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from((from, 40000)),
            ));
            runtime
                .block_on(router.clone().oneshot(request))
                .expect("response")
        };
    let one = [192, 0, 2, 1];
    // Two downloads whose bodies are not yet read.
    let first = get("/responses.csv", one);
    let second = get("/responses.json", one);
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    // A third from the same address is refused at once, saying why and when to retry.
    let third = get("/responses.csv", one);
    assert_eq!(third.status().as_u16(), 429);
    assert_eq!(third.headers()["retry-after"], "10");
    let text = runtime
        .block_on(axum::body::to_bytes(third.into_body(), 10_000))
        .expect("body");
    let text = String::from_utf8_lossy(&text);
    assert!(
        text.contains("already downloading the published responses"),
        "{text}"
    );
    // Another address is served.
    let other = get("/responses.json", [192, 0, 2, 2]);
    assert_eq!(other.status().as_u16(), 200);
    // Once one of the two is read to its end, the first address may download again.
    runtime
        .block_on(axum::body::to_bytes(first.into_body(), usize::MAX))
        .expect("body");
    let again = get("/responses.csv", one);
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(get("/responses.csv", one).status().as_u16(), 429);
    // A download given up (its body dropped unread) gives its place back too.
    drop(second);
    assert_eq!(get("/responses.json", one).status().as_u16(), 200);
    drop(again);
}

#[test]
fn responses_are_paged() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    for n in 0..21 {
        let r = comment(
            &app,
            serde_json::json!({"publish": "anonymous", "body": format!("Response number {n}.")}),
        );
        publish(&app, &r);
    }
    let (_, first) = app.get("/responses?on=share-lawful-basis");
    assert!(first.contains("21 published responses"), "{first}");
    assert!(first.contains("Page 1 of 2"), "{first}");
    assert_eq!(first.matches("class=\"published-response\"").count(), 20);
    assert!(
        first.contains("href=\"&#x2f;responses?on=share%2Dlawful%2Dbasis&amp;page=2\""),
        "{first}"
    );
    let (status, second) = app.get("/responses?on=share-lawful-basis&page=2");
    assert_eq!(status, 200);
    assert_eq!(second.matches("class=\"published-response\"").count(), 1);
    assert!(second.contains("Response number 20."), "{second}");
    assert!(second.contains("rel=\"prev\""), "{second}");
}

#[test]
fn the_summary_counts_without_personal_data() {
    let app = TestApp::shipped().admin_token(TOKEN).start();
    let seeded = seed(&app);
    let campaign = "I object to keeping records of people who were never charged for six \
        years. The Code should require deletion after two years unless a court orders \
        otherwise, and every search should be audited.";
    for extra in ["", " Signed, Gwen.", " Please listen."] {
        comment(
            &app,
            serde_json::json!({"on": "remove-review-triggers", "question": "q-removing",
                               "publish": "no", "body": format!("{campaign}{extra}")}),
        );
    }
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("response/summary.json");
    let run = super::helpers::copbook()
        .args(["comments", "summary", "--data"])
        .arg(app.data())
        .arg("--out")
        .arg(&file)
        .output()
        .expect("run copbook");
    assert!(run.status.success(), "{}", output_text(&run));
    assert!(
        String::from_utf8_lossy(&run.stdout).contains(
            "10 responses, of which 3 in 1 campaign groups (8 distinct submissions), 5 published"
        ),
        "{}",
        output_text(&run)
    );
    let text = std::fs::read_to_string(&file).expect("summary");
    assert_private("the summary", &text, &seeded);
    for private in [
        "Alys",
        "Bryn",
        "Trust For Data",
        "Gwen",
        "object to keeping",
        "safeguards",
    ] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["format"], 1);
    assert_eq!(json["totals"]["responses"], 10);
    assert_eq!(json["totals"]["published"], 5);
    assert_eq!(json["totals"]["distinct"], 8);
    assert_eq!(json["questions"]["q-sharing"]["responses"], 6);
    assert_eq!(json["questions"]["q-sharing"]["published"], 4);
    assert_eq!(json["questions"]["q-removing"]["grouped"], 3);
    assert_eq!(json["questions"]["q-removing"]["distinct"], 1);
    assert_eq!(json["targets"]["share-lawful-basis"]["responses"], 6);
    assert_eq!(json["targets"]["general"]["published"], 1);
    assert_eq!(json["groups"][0]["size"], 3);
    assert_eq!(json["groups"][0]["targets"]["remove-review-triggers"], 3);
    assert_eq!(json["totals"]["codes"], serde_json::json!({}));
    // The same comments write the same bytes.
    let again = super::helpers::copbook()
        .args(["comments", "summary", "--data"])
        .arg(app.data())
        .arg("--out")
        .arg(&file)
        .output()
        .expect("run copbook");
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(&file).expect("summary"), text);
}

/// The minimal book with a consultation, a response chapter and, if given, a summary.
fn response_book(chapter: &str, summary: Option<&str>) -> TestBook {
    let book = TestBook::minimal()
        .write(
            "book.toml",
            &format!(
                "{}\n[preprocessor.copbook.consultation]\ntitle = \"Test consultation\"\n\
                 opens = \"2026-11-01T00:00:00+00:00\"\ncloses = \"2027-03-31T23:59:59+01:00\"\n\n\
                 [[preprocessor.copbook.consultation.questions]]\nid = \"q-keeping\"\n\
                 question = \"How long should records be kept?\"\nchapter = \"code/keeping.md\"\n",
                std::fs::read_to_string(
                    crate::helpers::repo_root().join("tests/fixtures/minimal/book.toml")
                )
                .expect("book.toml")
            ),
        )
        .edit(
            "src/SUMMARY.md",
            "- [Your data](guide/your-data.md)\n",
            "- [Your data](guide/your-data.md)\n\n# Response\n\n- [Our response](response/README.md)\n",
        )
        .write("src/response/README.md", chapter);
    match summary {
        Some(s) => book.write("src/response/summary.json", s),
        None => book,
    }
}

const SUMMARY: &str = r#"{
  "format": 1,
  "totals": {"responses": 9, "published": 3, "grouped": 4, "campaign_groups": 1, "distinct": 6, "codes": {}},
  "questions": {"q-keeping": {"responses": 7, "published": 2, "grouped": 4, "campaign_groups": 1, "distinct": 4, "codes": {}}},
  "targets": {"keep-review": {"responses": 5, "published": 1, "grouped": 4, "campaign_groups": 1, "distinct": 2, "codes": {}}},
  "groups": []
}
"#;

const CHAPTER: &str = "# Our response\n\n## Keeping\n\n{{#responses q-keeping}}\n\n\
    The review paragraph:\n\n{{#responses keep-review}}\n\nAnd {{#responses keep-publish}}\n";

#[test]
fn directives_render_the_committed_counts_and_link_to_the_responses() {
    let book = response_book(CHAPTER, Some(SUMMARY));
    let (code, lines) = book.check();
    assert_eq!(code, 0, "{lines:?}");
    let out = tempfile::tempdir().expect("out");
    let site = copbook::site::build(&book.book(), out.path()).expect("builds");
    let page = std::fs::read_to_string(site.out_dir.join("response/index.html")).expect("page");
    assert!(
        page.contains("7 responses, of which 4 in 1 campaign group (4 distinct submissions)"),
        "{page}"
    );
    assert!(
        page.contains(
            "<a href=\"/responses?question=q%2Dkeeping\">Read the 2 published responses</a>"
        ),
        "{page}"
    );
    assert!(
        page.contains("5 responses, of which 4 in 1 campaign group (2 distinct submissions)"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"/responses?on=keep%2Dreview\">Read the published response</a>"),
        "{page}"
    );
    // A provision the summary does not name: zero, said plainly.
    assert!(
        page.contains("No responses yet, of which 0 in 0 campaign groups"),
        "{page}"
    );
    assert!(
        page.contains("None of these responses had been published when these counts were taken"),
        "{page}"
    );
    assert!(!page.contains("{{#responses"), "{page}");
    // The provision itself links to its published responses.
    let keeping = std::fs::read_to_string(site.out_dir.join("code/keeping.html")).expect("page");
    assert!(
        keeping.contains("<a href=\"/responses?on=keep%2Dreview\">1 published response<span class=\"visually-hidden\"> to paragraph "),
        "{keeping}"
    );
    assert!(
        !keeping.contains("/responses?on=keep%2Dpublish"),
        "none published"
    );
    // The counts are not searchable text.
    let corpus = std::fs::read_to_string(site.out_dir.join("corpus.json")).unwrap_or_default();
    assert!(
        !corpus.contains("{{#responses"),
        "directive text in the corpus"
    );
}

#[test]
fn directives_link_to_the_change_log() {
    let book = response_book(CHAPTER, Some(SUMMARY));
    let publish = book.run(&["draft", "publish"]);
    assert!(publish.status.success(), "{}", output_text(&publish));
    let book = book
        .edit("book.toml", "version = \"0.0\"", "version = \"0.1\"")
        .edit(
            "src/code/keeping.md",
            "Each record must be reviewed every year.",
            "Each record must be reviewed every six months.",
        );
    let out = tempfile::tempdir().expect("out");
    let site = copbook::site::build(&book.book(), out.path()).expect("builds");
    let page = std::fs::read_to_string(site.out_dir.join("response/index.html")).expect("page");
    assert!(
        page.contains("<a href=\"../changes.html#change-keep-review\">What changed in paragraph "),
        "{page}"
    );
    assert!(page.contains("has not changed since draft 0.0"), "{page}");
    assert!(
        page.contains("<a href=\"../changes.html\">What changed in the Code since draft 0.0</a>"),
        "{page}"
    );
}

#[test]
fn directive_errors_name_the_file_and_line() {
    // An id that is neither a question nor a provision, and a malformed directive.
    let book = response_book(
        "# Our response\n\n{{#responses q-nope}}\n\n{{#responses }}\n",
        Some(SUMMARY),
    );
    let (code, lines) = book.check();
    assert_eq!(code, 1, "{lines:?}");
    let text = lines.join("\n");
    assert!(
        text.contains("src/response/README.md:3: error")
            && text.contains("`q-nope` is neither a consultation question nor a provision id"),
        "{text}"
    );
    assert!(
        text.contains("src/response/README.md:5: error")
            && text.contains("malformed responses directive"),
        "{text}"
    );

    // No summary committed.
    let book = response_book(CHAPTER, None);
    let (code, lines) = book.check();
    assert_eq!(code, 1, "{lines:?}");
    let text = lines.join("\n");
    assert!(
        text.contains("src/response/README.md:5: error")
            && text.contains("needs the consultation summary")
            && text.contains("copbook comments summary --out"),
        "{text}"
    );

    // A summary that is not one.
    let book = response_book(CHAPTER, Some("{\"format\": 1, \"totals\": []}"));
    let (code, lines) = book.check();
    assert_eq!(code, 1, "{lines:?}");
    let text = lines.join("\n");
    assert!(
        text.contains("src/response/README.md:5: error")
            && text.contains("summary.json cannot be used: not a consultation summary"),
        "{text}"
    );

    // Unused, but broken: reported at the summary itself.
    let book = response_book("# Our response\n\nNot yet written.\n", Some("not json"));
    let (code, lines) = book.check();
    assert_eq!(code, 1, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("src/response/summary.json:1: error")),
        "{lines:?}"
    );
}

#[test]
fn the_shipped_book_carries_an_unwritten_response_with_empty_counts() {
    // The committed summary is exactly what a consultation without comments writes.
    let app = TestApp::shipped().start();
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("summary.json");
    let run = super::helpers::copbook()
        .args(["comments", "summary", "--data"])
        .arg(app.data())
        .arg("--out")
        .arg(&file)
        .output()
        .expect("run copbook");
    assert!(run.status.success(), "{}", output_text(&run));
    let committed =
        std::fs::read_to_string(crate::helpers::repo_root().join("book/src/response/summary.json"))
            .expect("committed summary");
    assert_eq!(
        std::fs::read_to_string(&file).expect("summary"),
        committed,
        "book/src/response/summary.json is not what `copbook comments summary` writes"
    );

    let (status, page) = app.get("/response/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("Not yet written."), "{page}");
    assert_eq!(
        page.matches("No responses yet, of which 0 in 0 campaign groups (0 distinct submissions)")
            .count(),
        7,
        "six questions and one paragraph:\n{page}"
    );
    assert!(!page.contains("{{#responses"), "{page}");
    assert!(!page.contains("broken-responses"), "{page}");
    // The same in Welsh, from the same summary.
    let (status, page) = app.get("/cy/response/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("Heb ei ysgrifennu eto."), "{page}");
    assert_eq!(
        page.matches(
            "Dim ymatebion eto, gyda 0 ohonyn nhw mewn 0 grŵp ymgyrch (0 cyflwyniad gwahanol)"
        )
        .count(),
        7,
        "{page}"
    );
    assert!(!page.contains("broken-responses"), "{page}");
}
