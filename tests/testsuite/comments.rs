//! Consultation comments over HTTP: in-process ([`TestApp`], fixed clock) for behaviour,
//! and over the real binary, a real SQLite file and a SIGKILL for durability.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::app::{Served, TestApp};
use crate::helpers::{Server, TestBook, output_text};

fn client() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Opens the comment form; returns the anti-forgery cookie pair and token.
fn open_form(server: &impl Served, on: &str) -> (String, String, String) {
    let res = client()
        .get(server.url(&format!("/comment?on={on}")))
        .send()
        .expect("GET form");
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("csrf cookie")
        .to_string();
    let html = res.text().expect("form");
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_string();
    (cookie, token, html)
}

fn post_form(server: &impl Served, cookie: &str, fields: &[(&str, &str)]) -> Response {
    client()
        .post(server.url("/comments"))
        .header("cookie", cookie)
        .form(fields)
        .send()
        .expect("POST /comments")
}

/// The `name=value` of the receipt cookie a form submission set.
fn receipt_cookie(res: &Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("copbook_receipt="))
        .and_then(|v| v.split(';').next())
        .expect("receipt cookie")
        .to_string()
}

fn get_with_cookie(server: &impl Served, path: &str, cookie: &str) -> (u16, String) {
    let res = client()
        .get(server.url(path))
        .header("cookie", cookie)
        .send()
        .expect("GET");
    (res.status().as_u16(), res.text().expect("body"))
}

/// The `submission_key` hidden field of a form page.
fn submission_key(html: &str) -> String {
    html.split("name=\"submission_key\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("submission_key field")
        .to_string()
}

fn post_json(server: &impl Served, body: &Value) -> Response {
    client()
        .post(server.url("/api/comments"))
        .json(body)
        .send()
        .expect("POST /api/comments")
}

fn valid(body: &str) -> Value {
    json!({ "on": "share-lawful-basis", "body": body, "respondent_type": "individual", "publish": "no" })
}

fn export(book: &TestBook) -> Vec<Value> {
    let out = book.run_plain(&["comments", "export", "--data", "data", "--format", "json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    serde_json::from_slice(&out.stdout).expect("export json")
}

/// `copbook comments export --format json` of the database in `data`.
fn export_from(data: &std::path::Path) -> Vec<Value> {
    let out = export_command(data, "json");
    assert!(out.status.success(), "{}", output_text(&out));
    serde_json::from_slice(&out.stdout).expect("export json")
}

fn export_command(data: &std::path::Path, format: &str) -> std::process::Output {
    super::helpers::copbook()
        .args(["comments", "export", "--format", format, "--data"])
        .arg(data)
        .output()
        .expect("run copbook comments export")
}

fn start(book: &TestBook) -> Server {
    Server::start(book, &["--rate-limit", "0"])
}

#[test]
fn form_submission_gives_receipt_and_is_exported() {
    let server = TestApp::shipped().start();
    let (cookie, token, form) = open_form(&server, "share-lawful-basis");
    assert!(
        form.contains("Paragraph 5.1") || form.contains("paragraph 5.1"),
        "the form shows its target"
    );
    assert!(
        form.contains("Freedom of Information Act"),
        "the form explains disclosure"
    );
    let body = "I think paragraph 5.1 should name the law.\nSecond line.";
    let res = post_form(
        &server,
        &cookie,
        &[
            ("csrf", &token),
            ("on", "share-lawful-basis"),
            ("body", body),
            ("respondent_type", "individual"),
            ("name", "Ada Lovelace"),
            ("email", "ada@example.org"),
            ("publish", "anonymous"),
        ],
    );
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(
        location.starts_with("/comments/receipt/LEDS-"),
        "{location}"
    );
    assert!(
        !location.contains("Ada") && !location.contains("example.org"),
        "no personal data in the URL"
    );
    let reference = location.rsplit('/').next().expect("reference").to_string();
    let receipt_cookie = receipt_cookie(&res);
    let (status, receipt) = get_with_cookie(&server, &location, &receipt_cookie);
    assert_eq!(status, 200);
    assert!(
        receipt.contains(&reference)
            && receipt.contains("I think paragraph 5.1 should name the law.")
    );
    assert!(
        !receipt.contains("Ada Lovelace") && !receipt.contains("ada@example.org"),
        "no personal data on the receipt"
    );

    let all = export_from(server.data());
    let stored = all
        .iter()
        .find(|c| c["reference"] == reference.as_str())
        .expect("exported");
    assert_eq!(stored["body"], body);
    assert_eq!(stored["name"], "Ada Lovelace");
    assert_eq!(stored["target_number"], "5.1");
    assert_eq!(stored["draft_version"], "0.1");
    assert_eq!(stored["status"], "received");
    assert!(
        stored["target_text"]
            .as_str()
            .expect("text")
            .starts_with("Before sharing LEDS data")
    );
}

#[test]
fn each_invalid_field_has_its_message() {
    let server = TestApp::shipped().start();
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"on": "share-lawful-basis", "body": "  ", "respondent_type": "individual", "publish": "no"}),
            "body",
            "Enter your comment",
        ),
        (
            json!({"on": "share-lawful-basis", "body": "é".repeat(20_001), "respondent_type": "individual", "publish": "no"}),
            "body",
            "Your comment must be 20,000 characters or fewer",
        ),
        (
            json!({"on": "nope-nope", "body": "x", "respondent_type": "individual", "publish": "no"}),
            "on",
            "We could not find the part of the Code you are commenting on. Go back to the Code and choose it again",
        ),
        (
            json!({"on": "share-lawful-basis", "question": "q-nope", "body": "x", "respondent_type": "individual", "publish": "no"}),
            "question",
            "Select a question from the list",
        ),
        (
            json!({"on": "share-lawful-basis", "body": "x", "respondent_type": "robot", "publish": "no"}),
            "respondent_type",
            "",
        ),
        (
            json!({"on": "share-lawful-basis", "body": "x", "respondent_type": "individual", "name": "n".repeat(201), "publish": "no"}),
            "name",
            "Your name must be 200 characters or fewer",
        ),
        (
            json!({"on": "share-lawful-basis", "body": "x", "respondent_type": "organisation", "publish": "no"}),
            "organisation",
            "Enter your organisation's name",
        ),
        (
            json!({"on": "share-lawful-basis", "body": "x", "respondent_type": "individual", "email": "not an email", "publish": "no"}),
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            json!({"on": "share-lawful-basis", "body": "x", "respondent_type": "individual", "publish": "perhaps"}),
            "publish",
            "Choose whether we may publish your response",
        ),
    ];
    for (body, field, message) in cases {
        let res = post_json(&server, &body);
        assert_eq!(res.status().as_u16(), 422, "{field}");
        let json: Value = res.json().expect("json");
        let errors = json["errors"].as_array().expect("errors");
        let error = errors
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("no error for {field}: {json}"));
        if !message.is_empty() {
            assert_eq!(error["message"], message);
        }
    }
    // The HTML form keeps the respondent's input and shows the messages beside the fields.
    let (cookie, token, _) = open_form(&server, "share-lawful-basis");
    let res = post_form(
        &server,
        &cookie,
        &[
            ("csrf", &token),
            ("on", "share-lawful-basis"),
            ("body", ""),
            ("name", "Kept <b>name</b>"),
            ("respondent_type", "organisation"),
            ("publish", ""),
        ],
    );
    assert_eq!(res.status().as_u16(), 422);
    let html = res.text().expect("html");
    assert!(html.contains("There is a problem"));
    assert!(html.contains("<a href=\"#field-body\">Enter your comment</a>"));
    assert!(
        html.contains("value=\"Kept &lt;b&gt;name&lt;&#x2f;b&gt;\""),
        "input kept, escaped"
    );
    assert!(
        html.contains("Enter your organisation&#x27;s name")
            || html.contains("Enter your organisation's name")
    );
    assert!(export_from(server.data()).is_empty(), "nothing stored");
}

#[test]
fn limits_and_refusals() {
    let server = TestApp::shipped().rate_limit(2).start();
    // 413: bodies over the JSON limit (20,000 four-byte characters and the other fields).
    let big = json!({"on": "share-lawful-basis", "body": "x".repeat(100 * 1024), "respondent_type": "individual", "publish": "no"});
    assert_eq!(post_json(&server, &big).status().as_u16(), 413);
    // 429 with Retry-After after two submissions in a minute.
    assert_eq!(post_json(&server, &valid("one")).status().as_u16(), 201);
    assert_eq!(post_json(&server, &valid("two")).status().as_u16(), 201);
    let res = post_json(&server, &valid("three"));
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry));
    // Unknown target: the form is not found.
    assert_eq!(server.get("/comment?on=no-such-paragraph").0, 404);
    // Bad JSON gets our error format.
    let res = client()
        .post(server.url("/api/comments"))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .expect("post");
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.json::<Value>().expect("json")["error"].is_string());
}

#[test]
fn cross_site_posts_are_refused() {
    let server = TestApp::shipped().start();
    let fields = [
        ("csrf", "0123456789abcdef0123456789abcdef"),
        ("on", "share-lawful-basis"),
        ("body", "forged"),
        ("respondent_type", "individual"),
        ("publish", "no"),
    ];
    // No cookie: a page on another site cannot read or set ours.
    let res = client()
        .post(server.url("/comments"))
        .form(&fields)
        .send()
        .expect("post");
    assert_eq!(res.status().as_u16(), 403);
    // Right cookie and token, but sent from another origin.
    let (cookie, token, _) = open_form(&server, "share-lawful-basis");
    let res = client()
        .post(server.url("/comments"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .form(&[
            ("csrf", token.as_str()),
            ("on", "share-lawful-basis"),
            ("body", "forged"),
            ("respondent_type", "individual"),
            ("publish", "no"),
        ])
        .send()
        .expect("post");
    assert_eq!(res.status().as_u16(), 403);
    assert!(export_from(server.data()).is_empty());
    // Security headers on every response.
    let res = client()
        .get(server.url("/code/sharing.html"))
        .send()
        .expect("get");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .expect("csp");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().contains_key("referrer-policy"));
}

#[test]
fn honeypot_marks_spam_and_xss_is_stored_intact_and_shown_escaped() {
    let server = TestApp::shipped()
        .admin_token("s3cret-token-for-the-drafters")
        .start();
    let mut bot = valid("buy things");
    bot["website"] = json!("http://spam.example");
    assert_eq!(
        post_json(&server, &bot).status().as_u16(),
        201,
        "bots are not told"
    );
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\"";
    let res = post_json(&server, &valid(payload));
    let reference = res.json::<Value>().expect("json")["reference"]
        .as_str()
        .expect("ref")
        .to_string();
    let all = export_from(server.data());
    assert_eq!(
        all.iter()
            .find(|c| c["body"] == "buy things")
            .expect("spam")["status"],
        "spam"
    );
    assert_eq!(
        all.iter()
            .find(|c| c["reference"] == reference.as_str())
            .expect("xss")["body"],
        payload
    );
    // The receipt of the form's sender shows the text, escaped.
    let (cookie, token, _) = open_form(&server, "general");
    let res = post_form(
        &server,
        &cookie,
        &[
            ("csrf", &token),
            ("on", "general"),
            ("body", payload),
            ("respondent_type", "individual"),
            ("publish", "no"),
        ],
    );
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let (_, receipt) = get_with_cookie(&server, &location, &receipt_cookie(&res));
    assert!(!receipt.contains("<script>alert") && !receipt.contains("<img src=x"));
    assert!(receipt.contains("&lt;script&gt;"), "{receipt}");
    // The admin view escapes it too, and is closed without the token.
    assert_eq!(
        client()
            .get(server.url("/admin/"))
            .send()
            .expect("get")
            .status()
            .as_u16(),
        401
    );
    let admin = client()
        .get(server.url("/admin/target/share-lawful-basis"))
        .basic_auth("drafter", Some("s3cret-token-for-the-drafters"))
        .send()
        .expect("get");
    assert_eq!(admin.status().as_u16(), 200);
    let html = admin.text().expect("html");
    assert!(
        html.contains(&reference)
            && html.contains("&lt;script&gt;")
            && !html.contains("<script>alert")
    );
    // CSV export neutralises formulas.
    assert_eq!(
        post_json(&server, &valid("=HYPERLINK(\"http://x\")"))
            .status()
            .as_u16(),
        201
    );
    let out = export_command(server.data(), "csv");
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.contains("'=HYPERLINK") && !csv.contains(",=HYPERLINK"),
        "{csv}"
    );
}

#[test]
fn admin_is_off_without_a_token() {
    let server = TestApp::shipped().start();
    assert_eq!(server.get("/admin/").0, 404);
    let (_, home) = server.get("/");
    assert!(
        !home.contains("/admin"),
        "admin is never linked from public pages"
    );
}

#[test]
fn closed_consultation_refuses_with_403() {
    // The shipped consultation closes at 2027-03-31T23:59:59+01:00.
    let server = TestApp::shipped().now("2027-04-01T09:00:00Z").start();
    let (status, form) = server.get("/comment?on=share-lawful-basis");
    assert_eq!(status, 200);
    assert!(
        form.contains("This consultation has closed")
            && form.contains("This consultation closed on 31 March 2027"),
        "{form}"
    );
    assert!(!form.contains("<textarea"), "no form when closed");
    let res = post_json(&server, &valid("too late"));
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(
        res.json::<Value>().expect("json")["error"],
        "This consultation closed on 31 March 2027"
    );
}

#[test]
fn restarted_server_keeps_every_comment() {
    let book = TestBook::shipped();
    let server = start(&book);
    let mut refs = Vec::new();
    for i in 0..20 {
        let res = post_json(&server, &valid(&format!("comment {i}")));
        assert_eq!(res.status().as_u16(), 201);
        refs.push(
            res.json::<Value>().expect("json")["reference"]
                .as_str()
                .expect("ref")
                .to_string(),
        );
    }
    drop(server);
    let server = start(&book);
    for r in &refs {
        assert_eq!(
            server.get(&format!("/comments/receipt/{r}")).0,
            200,
            "{r} lost"
        );
    }
}

/// Concurrent submissions, SIGKILL in the middle, restart: every acknowledged reference is
/// there and nothing is stored twice.
#[test]
fn crash_loses_no_acknowledged_comment() {
    let book = TestBook::shipped();
    let server = start(&book);
    let base = server.base.clone();
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let (base, acknowledged, stop) = (base.clone(), acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let client = client();
                for i in 0.. {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        return;
                    }
                    let body = format!("worker {w} comment {i}");
                    let Ok(res) = client
                        .post(format!("{base}/api/comments"))
                        .json(&valid(&body))
                        .send()
                    else {
                        return; // the server is gone
                    };
                    if res.status().as_u16() == 201
                        && let Ok(json) = res.json::<Value>()
                    {
                        let reference = json["reference"].as_str().unwrap_or_default().to_string();
                        acknowledged.lock().expect("lock").push((reference, body));
                    }
                }
            })
        })
        .collect();
    // Let submissions flow, then kill the server mid-stream.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().expect("lock").len() < 300 {
        assert!(
            std::time::Instant::now() < deadline,
            "300 comments were not acknowledged within two minutes"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for w in workers {
        let _ = w.join();
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let stored = export(&book);
    let stored_refs: HashSet<&str> = stored
        .iter()
        .map(|c| c["reference"].as_str().expect("ref"))
        .collect();
    let stored_bodies: Vec<&str> = stored
        .iter()
        .map(|c| c["body"].as_str().expect("body"))
        .collect();
    assert_eq!(
        stored_refs.len(),
        stored.len(),
        "a reference is stored twice"
    );
    let unique_bodies: HashSet<&str> = stored_bodies.iter().copied().collect();
    assert_eq!(
        unique_bodies.len(),
        stored_bodies.len(),
        "a comment is stored twice"
    );
    for (reference, body) in &acknowledged {
        let found = stored
            .iter()
            .find(|c| c["reference"] == reference.as_str())
            .unwrap_or_else(|| panic!("acknowledged {reference} lost"));
        assert_eq!(found["body"], body.as_str());
    }
    assert!(stored.len() >= acknowledged.len());
    // The restarted server serves every acknowledged comment.
    let server = start(&book);
    let (reference, _) = &acknowledged[acknowledged.len() - 1];
    assert_eq!(server.get(&format!("/comments/receipt/{reference}")).0, 200);
}

#[test]
fn the_receipt_shows_the_comment_only_to_the_browser_that_sent_it() {
    let server = TestApp::shipped().start();
    let (cookie, token, _) = open_form(&server, "share-lawful-basis");
    let body = "Only the sender should see this sentence on the receipt.";
    let res = post_form(
        &server,
        &cookie,
        &[
            ("csrf", &token),
            ("on", "share-lawful-basis"),
            ("body", body),
            ("respondent_type", "individual"),
            ("publish", "no"),
        ],
    );
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let reference = location.rsplit('/').next().expect("reference").to_string();
    let mine = receipt_cookie(&res);
    assert!(
        mine.starts_with(&format!("copbook_receipt={reference}.")),
        "{mine}"
    );
    let set_cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    let (status, sender) = get_with_cookie(&server, &location, &mine);
    assert_eq!(status, 200);
    assert!(sender.contains(body), "the sender sees the text");

    // Anyone else with the reference sees the reference, target and time, not the text.
    let (status, other) = server.get(&location);
    assert_eq!(status, 200);
    assert!(
        other.contains(&reference) && other.contains("5.1"),
        "{other}"
    );
    assert!(
        !other.contains(body),
        "another browser must not see the text"
    );
    assert!(other.contains("shown only in the browser that sent it"));
    // A forged cookie (the right reference, a wrong secret) shows nothing more.
    let forged = format!("copbook_receipt={reference}.{}", "0".repeat(32));
    assert!(
        !get_with_cookie(&server, &location, &forged)
            .1
            .contains(body)
    );
    // Nor does the sender's secret on another receipt.
    let secret = mine.rsplit('.').next().expect("secret");
    let other_ref = post_json(&server, &valid("Another comment entirely."))
        .json::<Value>()
        .expect("json")["reference"]
        .as_str()
        .expect("reference")
        .to_string();
    let (_, other_receipt) = get_with_cookie(
        &server,
        &format!("/comments/receipt/{other_ref}"),
        &format!("copbook_receipt={other_ref}.{secret}"),
    );
    assert!(!other_receipt.contains("Another comment entirely."));

    // The cookie is short-lived (the server checks the comment's age as well: a unit
    // test of `recent` in src/server/public/comment_form.rs, since the store stamps by the system clock).
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    assert!(set_cookie.contains("Max-Age=3600"), "{set_cookie}");
}

#[test]
fn a_retried_form_submission_returns_the_first_receipt() {
    let server = TestApp::shipped().start();
    let (cookie, token, form) = open_form(&server, "share-lawful-basis");
    let key = submission_key(&form);
    assert_eq!(key.len(), 32, "{key}");
    let fields = |body: &'static str| {
        vec![
            ("csrf", token.clone()),
            ("submission_key", key.clone()),
            ("on", "share-lawful-basis".to_string()),
            ("body", body.to_string()),
            ("respondent_type", "individual".to_string()),
            ("email", "retry@example.org".to_string()),
            ("publish", "no".to_string()),
        ]
    };
    let send = |body: &'static str| {
        let fields = fields(body);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = post_form(&server, &cookie, &pairs);
        assert_eq!(res.status().as_u16(), 303);
        (
            res.headers()["location"]
                .to_str()
                .expect("location")
                .to_string(),
            receipt_cookie(&res),
        )
    };
    let (first, first_cookie) = send("The connection dropped before the reply.");
    // The reply was lost: the browser sends the same form again.
    let (again, again_cookie) = send("The connection dropped before the reply.");
    assert_eq!(first, again, "a retry returns the first receipt");
    assert_eq!(first_cookie, again_cookie);
    let stored = export_from(server.data());
    assert_eq!(
        stored
            .iter()
            .filter(|c| c["body"] == "The connection dropped before the reply.")
            .count(),
        1,
        "stored once"
    );
    // The same page sent with different text (back, edit, send) is a new comment.
    let (edited, _) = send("I changed my mind and edited the text.");
    assert_ne!(edited, first);
    assert_eq!(export_from(server.data()).len(), 2);
}

#[test]
fn a_retried_api_submission_with_an_idempotency_key_returns_the_first_receipt() {
    let server = TestApp::shipped().rate_limit(0).start();
    let send = |key: Option<&str>, body: &str| {
        let mut req = client()
            .post(server.url("/api/comments"))
            .json(&valid(body));
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        let res = req.send().expect("POST");
        let status = res.status().as_u16();
        (status, res.json::<Value>().expect("json"))
    };
    let (status, first) = send(Some("0b6f-retry-key-1"), "Sent twice by a flaky client.");
    assert_eq!(status, 201);
    let (status, again) = send(Some("0b6f-retry-key-1"), "Sent twice by a flaky client.");
    assert_eq!(status, 201);
    assert_eq!(first["reference"], again["reference"]);
    // Without a key, the same body is two comments (campaigns send the same text).
    let (_, a) = send(None, "Sent twice by a flaky client.");
    let (_, b) = send(None, "Sent twice by a flaky client.");
    assert_ne!(a["reference"], b["reference"]);
    assert_ne!(a["reference"], first["reference"]);
    // The same key with another submission is another comment.
    let (_, other) = send(Some("0b6f-retry-key-1"), "A different comment.");
    assert_ne!(other["reference"], first["reference"]);
    assert_eq!(export_from(server.data()).len(), 4);
    // A key that is not printable ASCII, or too long, is refused and names the header.
    for bad in ["has space", &"k".repeat(256)] {
        let (status, body) = send(Some(bad), "Refused.");
        assert_eq!(status, 400, "{bad}");
        assert!(
            body["error"]
                .as_str()
                .expect("error")
                .contains("Idempotency-Key")
        );
    }
    assert_eq!(export_from(server.data()).len(), 4);
}
