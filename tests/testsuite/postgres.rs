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

const TOKEN: &str = "s3cret-token-for-the-drafters";

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

/// An admin page's anti-forgery cookie and the token its form carries.
fn admin_form(server: &Server, path: &str) -> (String, String) {
    let res = client()
        .get(server.url(path))
        .basic_auth("drafter", Some(TOKEN))
        .send()
        .expect("GET an admin form");
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
    (cookie, token)
}

/// Sets a status through an instance's admin form.
fn admin_set_status(server: &Server, reference: &str, status: &str) {
    let (cookie, token) = admin_form(server, "/admin/target/share-lawful-basis");
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
    admin_set_status(&b, reference, "spam");
    assert_eq!(admin_status(&a, reference), "spam");
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

/// A PostgreSQL cluster of the test's own in a temporary folder, on a free port, that
/// the test may stop and start. Stopped when dropped.
struct PrivateCluster {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
}

impl PrivateCluster {
    /// `initdb` and `pg_ctl start`, or `None` (skip) outside CI when the server binaries
    /// are missing.
    fn start(test: &str) -> Option<PrivateCluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").is_file() && b.join("pg_ctl").is_file());
        let Some(bin) = bin else {
            let reason = "no initdb/pg_ctl under /usr/lib/postgresql/*/bin";
            assert!(std::env::var_os("CI").is_none(), "{test}: {reason}");
            eprintln!("skipping {test}: {reason}");
            return None;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        if running_as_root() {
            // The server refuses to run as root: the folder is the postgres user's.
            let (uid, gid) = postgres_ids();
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("port")
            .port();
        let cluster = PrivateCluster { dir, bin, port };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        cluster.pg_ctl_start();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            std::process::Command::new(&exe)
        };
        let out = command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn pg_ctl_start(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    fn pg_ctl_stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
        let _ = if running_as_root() {
            std::process::Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            std::process::Command::new(&exe).args(args).output()
        };
    }
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

fn postgres_ids() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = std::process::Command::new("id")
            .args([flag, "postgres"])
            .output()
            .expect("id");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("the postgres user exists")
    };
    (id("-u"), id("-g"))
}

/// Stop the database under load: every request is answered 201 with a receipt or 503,
/// nothing acknowledged is lost; start it again and the same instances take comments.
#[test]
fn a_database_outage_gives_503_and_the_instances_recover_without_restart() {
    let Some(cluster) = PrivateCluster::start(
        "a_database_outage_gives_503_and_the_instances_recover_without_restart",
    ) else {
        return;
    };
    let url = cluster.url();
    let (book_a, a) = instance(&url, "0");
    let (_book_b, b) = instance(&url, "0");
    let bases = [a.base.clone(), b.base.clone()];
    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let refused = Arc::new(Mutex::new(Vec::<String>::new()));
    let other = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let base = bases[w % 2].clone();
            let (acknowledged, refused, other, stop) = (
                Arc::clone(&acknowledged),
                Arc::clone(&refused),
                Arc::clone(&other),
                Arc::clone(&stop),
            );
            std::thread::spawn(move || {
                let client = client();
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let body = format!("worker {w} comment {i}");
                    let res = client
                        .post(format!("{base}/api/comments"))
                        .json(&valid(&body))
                        .send();
                    let Ok(res) = res else {
                        other.lock().expect("lock").push("no answer".into());
                        continue;
                    };
                    match res.status().as_u16() {
                        201 => {
                            let json: Value = res.json().expect("receipt json");
                            let reference = json["reference"].as_str().expect("reference");
                            acknowledged
                                .lock()
                                .expect("lock")
                                .push((reference.to_string(), body));
                        }
                        503 => refused
                            .lock()
                            .expect("lock")
                            .push(res.text().unwrap_or_default()),
                        s => other.lock().expect("lock").push(format!("{s}")),
                    }
                }
            })
        })
        .collect();
    let wait_until = |what: &str, cond: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while !cond() {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait_until("100 comments are acknowledged", &|| {
        acknowledged.lock().expect("lock").len() >= 100
    });
    cluster.pg_ctl_stop();
    wait_until("16 requests were refused with 503", &|| {
        refused.lock().expect("lock").len() >= 16
    });
    let during = acknowledged.lock().expect("lock").len();
    cluster.pg_ctl_start();
    wait_until("both instances acknowledge again", &|| {
        let acked = acknowledged.lock().expect("lock");
        acked[during.min(acked.len())..]
            .iter()
            .filter(|(_, body)| body.starts_with("worker 0 "))
            .count()
            > 0
            && acked[during.min(acked.len())..]
                .iter()
                .filter(|(_, body)| body.starts_with("worker 1 "))
                .count()
                > 0
    });
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        let _ = w.join();
    }
    assert_eq!(
        *other.lock().expect("lock"),
        Vec::<String>::new(),
        "every request gets 201 or 503"
    );
    for message in refused.lock().expect("lock").iter() {
        assert!(message.contains("Nothing was stored"), "{message}");
    }
    let stored = export(&book_a, &url);
    let mut count: HashMap<&str, usize> = HashMap::new();
    for c in &stored {
        *count
            .entry(c["reference"].as_str().expect("reference"))
            .or_default() += 1;
    }
    for (reference, body) in acknowledged.lock().expect("lock").iter() {
        assert_eq!(
            count.get(reference.as_str()),
            Some(&1),
            "{reference} ({body})"
        );
    }
    drop((a, b));
}

/// `comments migrate` copies a SQLite consultation into PostgreSQL, as it is, and a
/// second run copies nothing more.
#[test]
fn comments_migrate_copies_sqlite_to_postgres_idempotently() {
    let Some(db) = database("comments_migrate_copies_sqlite_to_postgres_idempotently") else {
        return;
    };
    let book = TestBook::shipped();
    let server = Server::start_env(&book, &["--rate-limit", "0"], &[]);
    for i in 0..5 {
        let res = client()
            .post(server.url("/api/comments"))
            .json(&valid(&format!("comment {i}, \"quoted\", <b>kept</b>")))
            .send()
            .expect("POST");
        assert_eq!(res.status().as_u16(), 201);
    }
    drop(server);
    let sqlite = book.run_plain(&["comments", "export", "--data", "data", "--format", "json"]);
    assert!(sqlite.status.success(), "{}", output_text(&sqlite));
    let sqlite: Vec<Value> = serde_json::from_slice(&sqlite.stdout).expect("json");
    assert_eq!(sqlite.len(), 5);

    let migrate = || {
        book.run_plain(&[
            "comments",
            "migrate",
            "--from",
            "sqlite:data/comments.sqlite3",
            "--to",
            &db.url,
        ])
    };
    let first = migrate();
    assert!(first.status.success(), "{}", output_text(&first));
    let text = output_text(&first);
    assert!(text.contains("copied 5 of 5 (5 new)"), "{text}");
    assert!(
        text.contains("5 comments in --from, all present in --to"),
        "{text}"
    );
    let again = migrate();
    assert!(again.status.success(), "{}", output_text(&again));
    assert!(
        output_text(&again).contains("(0 copied now, 5 there in all)"),
        "{}",
        output_text(&again)
    );
    assert_eq!(
        export(&book, &db.url),
        sqlite,
        "every field copied as it was"
    );

    let wrong = book.run_plain(&[
        "comments",
        "migrate",
        "--from",
        "sqlite:data/comments.sqlite3",
        "--to",
        "sqlite:other.sqlite3",
    ]);
    assert!(!wrong.status.success());
    assert!(
        output_text(&wrong).contains("--to must be a PostgreSQL URL"),
        "{}",
        output_text(&wrong)
    );
}

/// An erasure through one instance's admin page: the other instance, whose grouping
/// snapshot holds the erased words, never shows them again.
#[test]
fn an_erasure_on_one_instance_leaves_nothing_on_the_others_groups_pages() {
    let Some(db) = database("an_erasure_on_one_instance_leaves_nothing_on_the_others_groups")
    else {
        return;
    };
    let (_book_a, a) = instance(&db.url, "0");
    let (_book_b, b) = instance(&db.url, "0");
    let campaign = "I object to keeping records of people who were never charged for six \
        years. The Code should require deletion after two years unless a court orders \
        otherwise, and every search of the service should be logged and audited.";
    let post = |body: &str| {
        let res = client()
            .post(a.url("/api/comments"))
            .json(&valid(body))
            .send()
            .expect("POST");
        assert_eq!(res.status().as_u16(), 201);
        res.json::<Value>().expect("json")["reference"]
            .as_str()
            .expect("reference")
            .to_string()
    };
    post(campaign);
    post(&campaign.replace("six years", "several years"));
    let signed = post(&format!("{campaign} Signed, Philippa Marchbanks."));
    let groups_json = |server: &Server| {
        client()
            .get(server.url("/admin/groups.json"))
            .basic_auth("drafter", Some(TOKEN))
            .send()
            .expect("GET groups")
            .text()
            .expect("json")
    };
    assert!(
        groups_json(&a).contains("Philippa Marchbanks"),
        "A shows it before"
    );
    assert!(
        groups_json(&b).contains("Philippa Marchbanks"),
        "B shows it before"
    );

    let page = format!("/admin/comments/{signed}/erase");
    let (cookie, token) = admin_form(&a, &page);
    let res = client()
        .post(a.url(&page))
        .basic_auth("drafter", Some(TOKEN))
        .header("cookie", cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .expect("POST erase");
    assert_eq!(res.status().as_u16(), 303, "erased through A");
    assert!(
        !groups_json(&a).contains("Philippa Marchbanks"),
        "A at once"
    );
    assert!(!groups_json(&b).contains("Philippa Marchbanks"), "B too");
}

/// The open data is read from the store a page (128) at a time: two instances on one
/// database give the same bytes past the first page, and a response erased through one
/// is gone from the other's next download (nothing cached to invalidate).
#[test]
fn open_data_past_one_page_is_the_same_on_both_instances_and_an_erasure_shows_at_once() {
    let Some(db) = database("open_data_past_one_page") else {
        return;
    };
    let (_book_a, a) = instance(&db.url, "0");
    let (_book_b, b) = instance(&db.url, "0");
    let references: Vec<String> = (0..130)
        .map(|i| {
            let mut fields = valid(&format!("Published response number {i}."));
            fields["publish"] = json!("yes");
            fields["name"] = json!(format!("Respondent {i}"));
            fields["attribution"] = json!("name");
            let res = client()
                .post(a.url("/api/comments"))
                .json(&fields)
                .send()
                .expect("POST");
            assert_eq!(res.status().as_u16(), 201);
            res.json::<Value>().expect("json")["reference"]
                .as_str()
                .expect("reference")
                .to_string()
        })
        .collect();
    for reference in &references {
        admin_set_status(&a, reference, "published");
    }
    let download = |server: &Server, path: &str| {
        let res = client().get(server.url(path)).send().expect("GET");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        res.text().expect("body")
    };
    let csv = download(&a, "/responses.csv");
    assert_eq!(csv.lines().count(), 131, "a header and 130 responses");
    assert!(csv.contains("Published response number 129."), "{csv}");
    assert_eq!(download(&b, "/responses.csv"), csv);
    let json = download(&a, "/responses.json");
    assert_eq!(download(&b, "/responses.json"), json);
    let rows: Vec<Value> = serde_json::from_str(&json).expect("json");
    assert_eq!(rows.len(), 130);

    let page = format!("/admin/comments/{}/erase", references[3]);
    let (cookie, token) = admin_form(&b, &page);
    let res = client()
        .post(b.url(&page))
        .basic_auth("drafter", Some(TOKEN))
        .header("cookie", cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .expect("POST erase");
    assert_eq!(res.status().as_u16(), 303, "erased through B");
    let csv = download(&a, "/responses.csv");
    assert_eq!(csv.lines().count(), 130);
    assert!(!csv.contains("Published response number 3."), "{csv}");
    let rows: Vec<Value> = serde_json::from_str(&download(&a, "/responses.json")).expect("json");
    assert_eq!(rows.len(), 129);
}
