//! Several `copbook serve` instances on one PostgreSQL database: real processes, a real
//! server (the machine's on 127.0.0.1:5432, a fresh database per test), SIGKILL, and the
//! shared rate limit. Outside CI these tests skip, with a printed reason, when there is
//! no PostgreSQL; under CI they fail.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::helpers::{Server, TestBook, output_text};

#[path = "../support/test_database.rs"]
mod test_database;
use test_database::TestDatabase;

const TOKEN: &str = "s3cret-token";

fn client() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// A fresh database, or `None` to skip (outside CI, no server).
fn database(test: &str) -> Option<TestDatabase> {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(TestDatabase::create(test))
}

/// An instance with its own copy of the book (its own builds), on the shared database.
fn instance(url: &str, rate_limit: &str) -> (TestBook, Server) {
    let book = TestBook::shipped();
    let server = Server::start_env(
        &book,
        &["--rate-limit", rate_limit, "--database", url],
        &[("COPBOOK_ADMIN_TOKEN", TOKEN)],
    );
    (book, server)
}

fn valid(body: &str) -> Value {
    json!({ "on": "share-lawful-basis", "body": body, "respondent_type": "individual", "publish": "no" })
}

fn export(book: &TestBook, url: &str) -> Vec<Value> {
    let out = book.run_plain(&["comments", "export", "--database", url, "--format", "json"]);
    assert!(out.status.success(), "{}", output_text(&out));
    serde_json::from_slice(&out.stdout).expect("export json")
}

/// The status an instance's admin view shows for `reference`.
fn admin_status(server: &Server, reference: &str) -> String {
    let html = client()
        .get(server.url("/admin/target/share-lawful-basis"))
        .basic_auth("drafter", Some(TOKEN))
        .send()
        .expect("GET admin")
        .text()
        .expect("html");
    let heading = format!("<h2>{reference} <span class=\"tag\">");
    html.split(&heading)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("{reference} not on the admin page"))
        .to_string()
}

/// Sets a status through an instance's admin form.
fn admin_set_status(server: &Server, reference: &str, status: &str) {
    let res = client()
        .get(server.url("/admin/target/share-lawful-basis"))
        .basic_auth("drafter", Some(TOKEN))
        .send()
        .expect("GET admin");
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("cookie pair")
        .to_string();
    let html = res.text().expect("html");
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_string();
    let res = client()
        .post(server.url(&format!("/admin/comments/{reference}/status")))
        .basic_auth("drafter", Some(TOKEN))
        .header("cookie", cookie)
        .form(&[("status", status), ("csrf", token.as_str())])
        .send()
        .expect("POST status");
    assert_eq!(res.status().as_u16(), 303, "status change accepted");
}

/// 16 clients over two instances, one SIGKILLed mid-way: every acknowledged reference
/// is stored exactly once; a moderation through one instance shows through the other.
#[test]
fn two_instances_share_one_database_and_survive_a_sigkill() {
    let Some(db) = database("two_instances_share_one_database_and_survive_a_sigkill") else {
        return;
    };
    let (book_a, a) = instance(&db.url, "0");
    let (book_b, b) = instance(&db.url, "0");
    let bases = [a.base.clone(), b.base.clone()];
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..16)
        .map(|w| {
            let base = bases[w % 2].clone();
            let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
            std::thread::spawn(move || {
                let client = client();
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let body = format!("worker {w} comment {i}");
                    let Ok(res) = client
                        .post(format!("{base}/api/comments"))
                        .json(&valid(&body))
                        .send()
                    else {
                        return; // this instance is gone
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
    let wait_for = |n: usize| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while acknowledged.lock().expect("lock").len() < n {
            assert!(
                Instant::now() < deadline,
                "only {} acknowledged",
                acknowledged.lock().expect("lock").len()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait_for(300);
    a.kill();
    // The surviving instance keeps taking comments.
    let after_kill = acknowledged.lock().expect("lock").len();
    wait_for(after_kill + 200);
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        let _ = w.join();
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();

    let stored = export(&book_b, &db.url);
    let mut by_reference: HashMap<&str, Vec<&Value>> = HashMap::new();
    for c in &stored {
        by_reference
            .entry(c["reference"].as_str().expect("reference"))
            .or_default()
            .push(c);
    }
    assert_eq!(
        by_reference.len(),
        stored.len(),
        "a reference is stored twice"
    );
    let mut bodies: Vec<&str> = stored
        .iter()
        .map(|c| c["body"].as_str().expect("body"))
        .collect();
    bodies.sort_unstable();
    bodies.dedup();
    assert_eq!(bodies.len(), stored.len(), "a comment is stored twice");
    for (reference, body) in &acknowledged {
        let found = by_reference
            .get(reference.as_str())
            .unwrap_or_else(|| panic!("acknowledged {reference} lost"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["body"], body.as_str());
    }

    // Moderation through one instance is seen through the other (a fresh one on A's book).
    let a = Server::start_env(
        &book_a,
        &["--rate-limit", "0", "--database", &db.url],
        &[("COPBOOK_ADMIN_TOKEN", TOKEN)],
    );
    let (reference, _) = &acknowledged[0];
    assert_eq!(admin_status(&a, reference), "received");
    admin_set_status(&b, reference, "published");
    assert_eq!(admin_status(&a, reference), "published");
    admin_set_status(&a, reference, "hidden");
    assert_eq!(admin_status(&b, reference), "hidden");
}

/// A client's posts to both instances count against one limit.
#[test]
fn the_rate_limit_counts_a_clients_posts_to_both_instances() {
    let Some(db) = database("the_rate_limit_counts_a_clients_posts_to_both_instances") else {
        return;
    };
    let (_book_a, a) = instance(&db.url, "4");
    let (_book_b, b) = instance(&db.url, "4");
    let post = |server: &Server, body: &str| {
        client()
            .post(server.url("/api/comments"))
            .json(&valid(body))
            .send()
            .expect("POST")
    };
    for i in 0..4 {
        let server = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            post(server, &format!("c{i}")).status().as_u16(),
            201,
            "post {i}"
        );
    }
    for server in [&a, &b] {
        let res = post(server, "one too many");
        assert_eq!(
            res.status().as_u16(),
            429,
            "the fifth post is refused by either instance"
        );
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .expect("header")
            .parse()
            .expect("seconds");
        assert!((1..=60).contains(&retry));
    }
}
