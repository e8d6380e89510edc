//! Respondents' personal data over the real `copbook` binary: `comments purge` after the
//! retention period set in book.toml, `comments erase` to a tombstone, `comments export
//! --without-personal-data`, and `comments backup`.

use copbook::comments::{NewComment, Publish, RespondentType, SqliteStore, Target};
use serde_json::Value;

use crate::helpers::{TestBook, output_text};

/// Stores comments from named respondents in the book's `data` folder; their
/// references.
fn seed(book: &TestBook, names: &[&str]) -> Vec<String> {
    let store = SqliteStore::open(&book.root().join("data")).expect("open store");
    let refs = names
        .iter()
        .map(|name| {
            let comment = NewComment {
                on: "general".to_string(),
                question: None,
                body: format!("the view of {name}"),
                respondent_type: RespondentType::Individual,
                name: Some(name.to_string()),
                organisation: Some(format!("{name}'s club")),
                email: Some(format!("{}@example.org", name.to_lowercase())),
                publish: Publish::Yes,
                attribution: None,
                honeypot: false,
                language: "en".into(),
            };
            store
                .submit_blocking(comment, Target::general(), "0.1")
                .expect("submit")
                .reference
        })
        .collect();
    store.close_blocking();
    refs
}

fn export(book: &TestBook, extra: &[&str]) -> (Vec<Value>, String) {
    let mut args = vec!["comments", "export", "--data", "data", "--format", "json"];
    args.extend(extra);
    let out = book.run_plain(&args);
    assert!(out.status.success(), "{}", output_text(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (serde_json::from_str(&text).expect("json"), text)
}

#[test]
fn purge_waits_for_the_retention_period_then_removes_names_and_emails() {
    // Open until 2027: the 12 months have not begun.
    let open = TestBook::shipped();
    seed(&open, &["Ada"]);
    let out = open.run(&["comments", "purge", "--data", "data"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("nothing to purge"),
        "{}",
        output_text(&out)
    );
    assert_eq!(export(&open, &[]).0[0]["name"], "Ada");

    // Closed in March 2020: due since March 2021. The comments were stamped by this
    // process's clock, so the command runs a second after it (any date after 2021).
    let closed = TestBook::shipped_closed();
    seed(&closed, &["Ada", "Brian"]);
    let after_seeding = (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1)).to_string();
    let purge = |extra: &[&str]| {
        super::helpers::copbook()
            .args(["comments", "purge", "--data", "data", "--book", "book"])
            .args(extra)
            .env(copbook::clock::NOW_VAR, &after_seeding)
            .current_dir(closed.root())
            .output()
            .expect("run copbook")
    };
    let out = purge(&["--dry-run"]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("2 comments hold personal data"),
        "{}",
        output_text(&out)
    );
    assert_eq!(
        export(&closed, &[]).0[1]["email"],
        "brian@example.org",
        "dry run"
    );

    let out = purge(&[]);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(output_text(&out).contains("purged the personal data of 2 comments"));
    let (rows, text) = export(&closed, &[]);
    for row in &rows {
        assert_eq!(row["name"], Value::Null);
        assert_eq!(row["email"], Value::Null);
        assert_eq!(row["organisation"], Value::Null);
    }
    assert_eq!(rows[0]["body"], "the view of Ada");
    assert!(
        !text.contains("Brian@") && !text.contains("brian@"),
        "{text}"
    );

    // Shorter retention set in book.toml is honoured too.
    let months = TestBook::shipped().edit(
        "book.toml",
        "closes = \"2027-03-31T23:59:59+01:00\"",
        "closes = \"2027-03-31T23:59:59+01:00\"\nretention-months = 600",
    );
    seed(&months, &["Cy"]);
    let out = months.run(&["comments", "purge", "--data", "data"]);
    assert!(
        output_text(&out).contains("kept until 2077"),
        "{}",
        output_text(&out)
    );
}

#[test]
fn export_without_personal_data_leaves_out_names_emails_and_individuals_organisations() {
    let book = TestBook::shipped();
    seed(&book, &["Dora"]);
    let (_, full) = export(&book, &[]);
    assert!(full.contains("dora@example.org") && full.contains("Dora's club"));
    let (rows, text) = export(&book, &["--without-personal-data"]);
    assert_eq!(rows[0]["name"], Value::Null);
    assert!(
        !text.contains("dora@example.org") && !text.contains("Dora's club"),
        "{text}"
    );
    assert_eq!(rows[0]["body"], "the view of Dora");
}

#[test]
fn erase_leaves_a_tombstone_and_names_a_reference_it_cannot_find() {
    let book = TestBook::shipped();
    let refs = seed(&book, &["Eve", "Finn"]);
    let out = book.run_plain(&[
        "comments",
        "erase",
        "--data",
        "data",
        &refs[0].to_lowercase(),
    ]);
    assert!(out.status.success(), "{}", output_text(&out));
    let (rows, text) = export(&book, &[]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["reference"], refs[0].as_str());
    assert_eq!(rows[0]["body"], "");
    assert_eq!(rows[0]["name"], Value::Null);
    assert!(!text.contains("Eve"), "{text}");
    assert_eq!(rows[1]["name"], "Finn");

    let out = book.run_plain(&["comments", "erase", "--data", "data", "LEDS-0000-0000-0000"]);
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("no comment has the reference LEDS-0000-0000-0000"),
        "{}",
        output_text(&out)
    );
}

#[test]
fn backup_writes_a_copy_that_opens_and_never_overwrites() {
    let book = TestBook::shipped();
    let refs = seed(&book, &["Gus", "Hana"]);
    let out = book.run_plain(&[
        "comments",
        "backup",
        "--data",
        "data",
        "--out",
        "copy.sqlite3",
    ]);
    assert!(out.status.success(), "{}", output_text(&out));
    // Restore as documented: the copy in place of the data folder's file.
    let restored = book.root().join("restored");
    std::fs::create_dir_all(&restored).expect("mkdir");
    std::fs::copy(
        book.root().join("copy.sqlite3"),
        restored.join(copbook::comments::store::DB_FILE),
    )
    .expect("copy back");
    let out = book.run_plain(&[
        "comments", "export", "--format", "json", "--data", "restored",
    ]);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("json");
    let got: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["reference"].as_str())
        .collect();
    assert_eq!(got, refs.iter().map(String::as_str).collect::<Vec<_>>());

    let again = book.run_plain(&[
        "comments",
        "backup",
        "--data",
        "data",
        "--out",
        "copy.sqlite3",
    ]);
    assert!(!again.status.success());
    assert!(
        output_text(&again).contains("exists"),
        "{}",
        output_text(&again)
    );
}

#[test]
fn admin_reminds_to_purge_once_the_retention_period_has_passed() {
    use crate::app::TestApp;
    let token = "a-drafters-token-of-some-length";
    let app = TestApp::shipped().admin_token(token).start();
    let client = reqwest::blocking::Client::new();
    let admin = || {
        let res = client
            .get(app.url("/admin/"))
            .basic_auth("drafter", Some(token))
            .send()
            .expect("GET /admin/");
        assert_eq!(res.status().as_u16(), 200);
        res.text().expect("html")
    };
    let res = client
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "general", "body": "my view", "respondent_type": "individual",
            "publish": "no", "name": "Ivo", "email": "ivo@example.org"
        }))
        .send()
        .expect("POST");
    assert_eq!(
        res.status().as_u16(),
        201,
        "{}",
        res.text().unwrap_or_default()
    );
    assert!(!admin().contains("due for deletion"), "not due while open");

    // The shipped consultation closes on 31 March 2027; 12 months later it is due.
    app.set_now("2028-04-02T09:00:00Z");
    let html = admin();
    assert!(html.contains("Personal data due for deletion"), "{html}");
    assert!(
        html.contains("1 comment still holds") && html.contains("2028-03-31"),
        "{html}"
    );

    let store = SqliteStore::open(app.data()).expect("second handle");
    let purged = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            use copbook::comments::Privacy;
            store.purge_personal_data(i64::MAX).await
        })
        .expect("purge");
    assert_eq!(purged, 1);
    store.close_blocking();
    assert!(!admin().contains("due for deletion"), "purged: no reminder");
}

#[test]
fn names_lose_bidi_controls_and_bodies_are_shown_isolated() {
    use crate::app::TestApp;
    let token = "a-drafters-token-of-some-length";
    let app = TestApp::shipped().admin_token(token).start();
    let client = reqwest::blocking::Client::new();
    let res = client
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "general", "body": "I agree\u{202E} with this", "respondent_type": "individual",
            "publish": "no", "name": "Mal\u{202E}lory\u{200B}"
        }))
        .send()
        .expect("POST");
    assert_eq!(res.status().as_u16(), 201);
    let html = client
        .get(app.url("/admin/target/general"))
        .basic_auth("drafter", Some(token))
        .send()
        .expect("GET")
        .text()
        .expect("html");
    assert!(html.contains("Mallory"), "{html}");
    assert!(!html.contains("Mal\u{202E}"), "{html}");
    // The body loses its bidirectional controls too (second hardening round), and is
    // still shown isolated.
    assert!(html.contains("<bdi>I agree with this</bdi>"), "{html}");
}

#[test]
fn admin_target_pages_count_every_response() {
    use crate::app::TestApp;
    let token = "a-drafters-token-of-some-length";
    let app = TestApp::shipped().admin_token(token).start();
    let store = SqliteStore::open(app.data()).expect("second handle");
    for i in 0..205 {
        let comment = NewComment {
            on: "general".to_string(),
            question: None,
            body: format!("response number {i}"),
            respondent_type: RespondentType::Individual,
            name: None,
            organisation: None,
            email: None,
            publish: Publish::No,
            attribution: None,
            honeypot: false,
            language: "en".into(),
        };
        store
            .submit_blocking(comment, Target::general(), "0.1")
            .expect("submit");
    }
    store.close_blocking();
    let client = reqwest::blocking::Client::new();
    let page = |query: &str| {
        let res = client
            .get(app.url(&format!("/admin/target/general{query}")))
            .basic_auth("drafter", Some(token))
            .send()
            .expect("GET");
        (res.status().as_u16(), res.text().expect("html"))
    };
    let (status, first) = page("");
    assert_eq!(status, 200);
    assert!(first.contains("205 responses; page 1 of 3."), "{first}");
    assert_eq!(
        first.matches("<article class=\"admin-comment\"").count(),
        100
    );
    assert!(first.contains("href=\"?page=2\"") && first.contains("response number 99<"));
    let (_, last) = page("?page=3");
    assert_eq!(last.matches("<article class=\"admin-comment\"").count(), 5);
    assert!(last.contains("response number 204<") && last.contains("href=\"?page=2\""));
    let (_, beyond) = page("?page=9");
    assert_eq!(
        beyond.matches("<article class=\"admin-comment\"").count(),
        0
    );
    assert!(beyond.contains("205 responses"));
    assert_eq!(page("?page=two").0, 400);
}

/// Makes a file immutable (so even root cannot write it) until dropped.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn set(path: std::path::PathBuf) -> Option<Immutable> {
        let done = std::process::Command::new("chattr")
            .arg("+i")
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        done.then_some(Immutable(path))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn serve_refuses_to_start_on_a_database_it_cannot_write() {
    let book = TestBook::shipped();
    seed(&book, &["Jo"]);
    let file = book
        .root()
        .join("data")
        .join(copbook::comments::store::DB_FILE);
    let Some(_immutable) = Immutable::set(file.clone()) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: chattr +i is needed to make a file read-only for root"
        );
        eprintln!("skipped: chattr +i is not available here");
        return;
    };
    let mut child = super::helpers::copbook()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            "data",
            "--book",
            "book",
        ])
        .current_dir(book.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve started on a database it cannot write");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read stderr");
    assert!(!status.success());
    assert!(
        stderr.contains("cannot be written") && stderr.contains("data/comments.sqlite3"),
        "{stderr}"
    );
}

#[test]
fn admin_erases_a_response_after_a_confirmation_and_only_with_its_form_token() {
    use crate::app::TestApp;
    let token = "a-drafters-token-of-some-length";
    let app = TestApp::shipped().admin_token(token).start();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = client
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "body": "Please erase this view later.",
            "respondent_type": "individual", "publish": "yes", "attribution": "name",
            "name": "Wyn Example", "email": "wyn@example.org"
        }))
        .send()
        .expect("POST");
    assert_eq!(res.status().as_u16(), 201);
    let reference = res.json::<Value>().expect("json")["reference"]
        .as_str()
        .expect("reference")
        .to_string();
    let page = format!("/admin/comments/{reference}/erase");

    // An admin page's HTML.
    let admin_page = |path: &str| {
        client
            .get(app.url(path))
            .basic_auth("drafter", Some(token))
            .send()
            .expect(path)
            .text()
            .expect("html")
    };
    // The paragraph's admin page links to the confirmation.
    let target = admin_page("/admin/target/share-lawful-basis");
    assert!(target.contains(&format!("href=\"{page}\"")), "{target}");
    // The confirmation shows what will go, and sets the form's anti-forgery cookie.
    let confirm = client
        .get(app.url(&page))
        .basic_auth("drafter", Some(token))
        .send()
        .expect("confirm");
    assert_eq!(confirm.status().as_u16(), 200);
    let cookie = confirm.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let html = confirm.text().expect("html");
    assert!(html.contains("Please erase this view later.") && html.contains("wyn@example.org"));
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_string();
    let post = |csrf: &str, cookie: &str, origin: Option<&str>| {
        let mut req = client
            .post(app.url(&page))
            .basic_auth("drafter", Some(token))
            .header("cookie", cookie)
            .form(&[("csrf", csrf)]);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        req.send().expect("POST erase").status().as_u16()
    };
    // Without the matching token, or from another site, or without the admin token: nothing.
    assert_eq!(post("0".repeat(32).as_str(), &cookie, None), 403);
    assert_eq!(post(&csrf, "copbook_csrf=none", None), 403);
    assert_eq!(post(&csrf, &cookie, Some("http://evil.example")), 403);
    let anonymous = client
        .post(app.url(&page))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .expect("POST")
        .status()
        .as_u16();
    assert_eq!(anonymous, 401);
    let (kept, _) = export_from(app.data());
    assert_eq!(kept[0]["email"], "wyn@example.org", "nothing erased yet");
    // A search of comments' words finds it (and indexes it) before the erasure.
    let search = || admin_page("/admin/responses?q=erase+later");
    let listed = format!("<h2>{reference} ");
    assert!(search().contains(&listed), "found before the erasure");

    assert_eq!(post(&csrf, &cookie, None), 303);
    let (after, _) = export_from(app.data());
    assert_eq!(after[0]["reference"], reference.as_str());
    assert_eq!(after[0]["body"], "");
    assert!(after[0]["email"].is_null() && after[0]["name"].is_null());
    let done = admin_page(&page);
    assert!(
        done.contains("was erased on") && !done.contains("wyn@example.org"),
        "{done}"
    );
    // Its words no longer find it.
    let found = search();
    assert!(
        !found.contains(&listed) && !found.contains("Please erase this view later."),
        "{found}"
    );
    // An unknown reference is a 404 page.
    let missing = client
        .get(app.url("/admin/comments/LEDS-0000-0000-0000/erase"))
        .basic_auth("drafter", Some(token))
        .send()
        .expect("missing");
    assert_eq!(missing.status().as_u16(), 404);
}

/// `copbook comments export --format json` of the database in `data`, and stderr.
fn export_from(data: &std::path::Path) -> (Vec<Value>, String) {
    let out = super::helpers::copbook()
        .args(["comments", "export", "--format", "json", "--data"])
        .arg(data)
        .output()
        .expect("run copbook comments export");
    assert!(out.status.success(), "{}", output_text(&out));
    (
        serde_json::from_slice(&out.stdout).expect("json"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
