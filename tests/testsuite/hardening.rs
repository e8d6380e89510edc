//! Hardening: what one hostile or broken client can do to a running server. The cases
//! about the listener, its timeouts, file limits, signals and log run the real binary on
//! an ephemeral port and talk to it over TCP; the cases about what the router answers
//! run on an in-process `TestApp`.

use std::io::{BufRead, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::redirect::Policy;

use crate::app::{Served, TestApp};
use crate::helpers::TestBook;

/// The admin token the admin cases use (long enough to be accepted).
const TOKEN: &str = "a-long-enough-admin-token-for-tests";

/// A `copbook serve` started for one case; killed when dropped.
struct Running {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Running {
    /// Starts the server on `book` with `extra` flags and `env`; with `nofile`, the server
    /// process runs under that open-file limit.
    fn start(
        book: &TestBook,
        extra: &[&str],
        env: &[(&str, &str)],
        nofile: Option<u64>,
    ) -> Running {
        let mut cmd = super::helpers::copbook();
        cmd.args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            "data",
            "--book",
            "book",
        ])
        .args(extra)
        .envs(env.iter().copied())
        .current_dir(book.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        if let Some(limit) = nofile {
            use std::os::unix::process::CommandExt;
            // SAFETY: setrlimit is async-signal-safe, and nothing else runs between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    let rl = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &rl) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = cmd.spawn().expect("start copbook serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().expect("log").push(line);
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut addr = None;
        for line in lines.by_ref() {
            let line = line.expect("read stdout");
            if let Some(rest) = line.strip_prefix("serving on http://") {
                addr = rest.split('/').next().map(str::to_string);
                break;
            }
        }
        std::thread::spawn(move || for _ in lines.by_ref() {});
        let Some(addr) = addr.and_then(|a| a.parse().ok()) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "server did not start:\n{}",
                log.lock().expect("log").join("\n")
            );
        };
        Running { child, addr, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn log_text(&self) -> String {
        self.log.lock().expect("log").join("\n")
    }

    /// Whether the log shows `needle` within `deadline`.
    fn log_shows(&self, needle: &str, deadline: Duration) -> bool {
        let until = Instant::now() + deadline;
        while Instant::now() < until {
            if self.log_text().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Waits for the process to exit, up to `deadline`; whether it did.
    fn exits_within(&mut self, deadline: Duration) -> bool {
        let until = Instant::now() + deadline;
        while Instant::now() < until {
            if self.child.try_wait().expect("try_wait").is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> Client {
    Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Sends `request` on a fresh connection and returns everything the server sends back
/// until it closes (or 30 s pass, which fails the case).
fn raw(addr: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("write");
    let mut out = Vec::new();
    stream
        .read_to_end(&mut out)
        .expect("the server closes the connection");
    String::from_utf8_lossy(&out).into_owned()
}

/// The status line's code and the headers of a raw GET of `path`.
fn raw_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let reply = raw(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status for {path}: {reply:.200}"));
    let head = reply
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string();
    (status, head)
}

#[test]
fn one_client_holding_more_connections_than_the_file_limit_does_not_stop_the_server() {
    let book = TestBook::minimal();
    let server = Running::start(&book, &["--header-timeout", "120s"], &[], Some(256));
    // The chosen caps are printed (before "serving on", but stderr is read separately).
    assert!(
        server.log_shows("connections: at most", Duration::from_secs(30)),
        "{}",
        server.log_text()
    );
    // One client opens more connections than the server has file descriptors.
    let mut held = Vec::new();
    for _ in 0..300 {
        match TcpStream::connect(server.addr) {
            Ok(s) => held.push(s),
            Err(e) => panic!("connect: {e}"),
        }
    }
    // Someone else is still served.
    let other = Client::builder()
        .local_address(IpAddr::from([127, 0, 0, 2]))
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let res = other
        .get(server.url("/healthz"))
        .send()
        .expect("a request from 127.0.0.2 is served");
    assert_eq!(res.status().as_u16(), 200);
    drop(held);
}

#[test]
fn a_partial_request_is_closed_after_the_header_timeout() {
    let book = TestBook::minimal();
    let server = Running::start(&book, &["--header-timeout", "1s"], &[], None);
    // `raw` fails unless the server closes the connection by itself.
    let reply = raw(server.addr, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    assert!(!reply.contains("200 OK"), "{reply}");
    // An idle kept-alive connection is closed too.
    let reply = raw(
        server.addr,
        &format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr),
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[test]
fn a_slow_body_is_cut_off_after_the_body_timeout() {
    let book = TestBook::shipped();
    let server = Running::start(
        &book,
        &["--body-timeout", "1s", "--rate-limit", "0"],
        &[],
        None,
    );
    let reply = raw(
        server.addr,
        &format!(
            "POST /api/comments HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: 500\r\n\r\n{{\"on\": \"share",
            server.addr
        ),
    );
    assert!(reply.starts_with("HTTP/1.1 4"), "{reply}");
}

#[test]
fn sigterm_with_a_partial_request_open_exits_within_the_grace_period() {
    let book = TestBook::minimal();
    let mut server = Running::start(
        &book,
        &["--header-timeout", "300s", "--shutdown-grace", "1s"],
        &[],
        None,
    );
    let mut partial = TcpStream::connect(server.addr).expect("connect");
    partial
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    // Make sure the server has accepted it before the signal.
    let (status, _) = raw_get(server.addr, "/healthz");
    assert_eq!(status, 200);
    let pid = i32::try_from(server.child.id()).expect("pid");
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    assert!(
        server.exits_within(Duration::from_secs(60)),
        "still running a minute after SIGTERM:\n{}",
        server.log_text()
    );
    drop(partial);
}

#[test]
fn hidden_folders_are_not_served_under_any_encoding() {
    let book = TestBook::minimal();
    let server = Running::start(&book, &[], &[], None);
    assert_eq!(raw_get(server.addr, "/index.html").0, 200);
    for path in [
        "/.copbook/search-index/meta.json",
        "/%2ecopbook/search-index/meta.json",
        "/%2Ecopbook/search-index/meta.json",
        "/%252ecopbook/search-index/meta.json",
        "/x/..%2f.copbook/search-index/meta.json",
        "/x/..%2F%2ecopbook/search-index/meta.json",
        "/x%5c..%5c.copbook%5csearch-index%5cmeta.json",
        "/%c0%aecopbook/search-index/meta.json",
        "/%e0%80%aecopbook/search-index/meta.json",
    ] {
        let (status, head) = raw_get(server.addr, path);
        assert_eq!(status, 404, "{path}: {head}");
    }
}

#[test]
fn a_very_long_segment_is_a_quiet_404() {
    let book = TestBook::minimal();
    let server = Running::start(&book, &[], &[], None);
    let path = format!("/{}", "a".repeat(300));
    for _ in 0..3 {
        assert_eq!(raw_get(server.addr, &path).0, 404);
    }
    let (status, _) = raw_get(server.addr, "/healthz");
    assert_eq!(status, 200);
    assert!(
        !server.log_text().contains("ERROR"),
        "{}",
        server.log_text()
    );
}

#[test]
fn no_redirect_is_protocol_relative() {
    let book = TestBook::minimal();
    let server = Running::start(&book, &[], &[], None);
    for path in ["//code", "//code/", "/%2fcode", "//127.0.0.1/", "/\\code"] {
        let (status, head) = raw_get(server.addr, path);
        let location = head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("location:")
                .map(|v| v.trim().to_string())
        });
        assert!(
            location
                .as_deref()
                .is_none_or(|l| !l.starts_with("//") && !l.starts_with("/\\")),
            "{path}: {status} {head}"
        );
    }
}

#[test]
fn an_admin_token_shorter_than_twenty_characters_is_refused() {
    let book = TestBook::minimal();
    let out = super::helpers::copbook()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            "data",
            "--book",
            "book",
        ])
        .env("COPBOOK_ADMIN_TOKEN", "short-token")
        .current_dir(book.root())
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("COPBOOK_ADMIN_TOKEN has 11 characters; it needs at least 20"),
        "{err}"
    );
}

#[test]
fn wrong_admin_tokens_are_throttled_per_client_and_logged() {
    let book = TestBook::shipped();
    let server = Running::start(&book, &[], &[("COPBOOK_ADMIN_TOKEN", TOKEN)], None);
    let http = client();
    let guess = |i: usize| {
        http.get(server.url("/admin/"))
            .bearer_auth(format!("guess-number-{i}-of-many-guesses"))
            .send()
            .expect("get")
    };
    for i in 0..10 {
        assert_eq!(guess(i).status().as_u16(), 401, "guess {i}");
    }
    // The limit refills one guess every 6 s: within the next few guesses one is refused.
    let refused = (10..15)
        .map(guess)
        .find(|res| res.status().as_u16() == 429)
        .expect("a guess is refused with 429");
    assert!(refused.headers().get("retry-after").is_some());
    // Even the right token waits while the client is throttled: guessing learns nothing.
    let right = http
        .get(server.url("/admin/"))
        .bearer_auth(TOKEN)
        .send()
        .expect("get");
    assert_eq!(right.status().as_u16(), 429);
    // Another client address is not affected.
    let other = Client::builder()
        .local_address(IpAddr::from([127, 0, 0, 3]))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let res = other
        .get(server.url("/admin/"))
        .bearer_auth(TOKEN)
        .send()
        .expect("get");
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        server.log_shows("admin: wrong token from 127.0.0.1", Duration::from_secs(30)),
        "{}",
        server.log_text()
    );
    let log = server.log_text();
    assert_eq!(
        log.matches("admin: wrong token from").count(),
        1,
        "one line for the burst: {log}"
    );
}

#[test]
fn receipt_look_ups_are_throttled_per_client() {
    let server = TestApp::shipped().start();
    let http = client();
    let mut statuses = Vec::new();
    for i in 0..40 {
        let res = http
            .get(server.url(&format!("/comments/receipt/LEDS-0000-0000-{i:04}")))
            .send()
            .expect("get");
        statuses.push(res.status().as_u16());
    }
    assert!(statuses[..30].iter().all(|&s| s == 404), "{statuses:?}");
    // The limit refills one look-up every 2 s: of the next ten, some are refused.
    assert!(statuses[30..].contains(&429), "{statuses:?}");
}

#[test]
fn receipts_are_longer_and_the_admin_back_link_is_validated() {
    let server = TestApp::shipped().admin_token(TOKEN).start();
    let http = client();
    let res = http
        .post(server.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "body": "A comment.", "respondent_type": "individual", "publish": "no"
        }))
        .send()
        .expect("post");
    assert_eq!(res.status().as_u16(), 201, "submission");
    let reply: serde_json::Value = res.json().expect("json");
    let reference = reply["reference"].as_str().expect("reference").to_string();
    let code: String = reference.split('-').skip(1).collect::<Vec<_>>().concat();
    assert_eq!(
        code.len(),
        12,
        "{reference}: 60 bits in 12 base32 characters"
    );
    for back in [
        "/admin/\r\nSet-Cookie: x=y",
        "/admin/\nx",
        "//evil.example/admin/",
    ] {
        let res = http
            .post(server.url(&format!("/admin/comments/{reference}/status")))
            .bearer_auth(TOKEN)
            .header("cookie", "copbook_csrf=0123456789abcdef0123456789abcdef")
            .form(&[
                ("status", "hidden"),
                ("csrf", "0123456789abcdef0123456789abcdef"),
                ("back", back),
            ])
            .send()
            .expect("post");
        assert_eq!(res.status().as_u16(), 303, "{back:?}");
        assert_eq!(
            res.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/admin/"),
            "{back:?}"
        );
    }
}

/// Opens the comment form for `on`; returns the anti-forgery cookie pair and token.
fn open_form(server: &impl Served, on: &str) -> (String, String) {
    let res = client()
        .get(server.url(&format!("/comment?on={on}")))
        .send()
        .expect("GET /comment");
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
    (cookie, token)
}

#[test]
fn the_form_takes_twenty_thousand_characters_of_any_script() {
    let server = TestApp::shipped().start();
    // Chinese (3 bytes in UTF-8), Cyrillic (2) and a 4-byte character, each 20,000 times:
    // percent-encoded, up to 240,000 bytes.
    for ch in ["中", "ж", "𝔸"] {
        let (cookie, token) = open_form(&server, "share-lawful-basis");
        let body = ch.repeat(20_000);
        let res = client()
            .post(server.url("/comments"))
            .header("cookie", &cookie)
            .form(&[
                ("csrf", token.as_str()),
                ("on", "share-lawful-basis"),
                ("body", body.as_str()),
                ("respondent_type", "individual"),
                ("publish", "no"),
            ])
            .send()
            .expect("POST /comments");
        assert_eq!(
            res.status().as_u16(),
            303,
            "{ch}: {}",
            res.text().unwrap_or_default()
        );
    }
    // One character more than fits: the site's own page, not plain text.
    let (cookie, token) = open_form(&server, "share-lawful-basis");
    let body = "𝔸".repeat(25_000);
    let res = client()
        .post(server.url("/comments"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", token.as_str()),
            ("on", "share-lawful-basis"),
            ("body", body.as_str()),
        ])
        .send()
        .expect("POST /comments");
    assert_eq!(res.status().as_u16(), 413);
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(res.text().expect("page").contains("20,000 characters"));
}

#[test]
fn the_json_api_refuses_a_charset_other_than_utf8() {
    let server = TestApp::shipped().start();
    let body = serde_json::json!({
        "on": "share-lawful-basis", "body": "Caf\u{e9}.", "respondent_type": "individual", "publish": "no"
    })
    .to_string();
    for (content_type, status) in [
        ("application/json; charset=iso-8859-1", 415),
        ("application/json; charset=\"UTF-16\"", 415),
        ("application/json; charset=utf-8", 201),
        ("application/json", 201),
    ] {
        let res = client()
            .post(server.url("/api/comments"))
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .expect("post");
        assert_eq!(res.status().as_u16(), status, "{content_type}");
    }
}

#[test]
fn healthz_reports_site_search_and_store_as_json() {
    let server = TestApp::shipped().start();
    let res = client().get(server.url("/healthz")).send().expect("get");
    assert_eq!(res.status().as_u16(), 200);
    let health: serde_json::Value = res.json().expect("json");
    assert_eq!(
        health,
        serde_json::json!({ "site": "ok", "search": "ok", "store": "ok" })
    );
    let minimal = TestBook::minimal();
    let server = TestApp::for_book(&minimal.book()).start();
    let health: serde_json::Value = client()
        .get(server.url("/healthz"))
        .send()
        .expect("get")
        .json()
        .expect("json");
    assert_eq!(health["store"], "off", "{health}");
}

#[test]
fn the_form_origin_check_compares_the_scheme() {
    let server = TestApp::shipped().start();
    let post = |origin: String, forwarded_proto: Option<&str>| {
        let (cookie, token) = open_form(&server, "share-lawful-basis");
        // Behind a TLS proxy the browser holds the `__Host-` cookie the form set there.
        let cookie = match forwarded_proto {
            Some("https") => format!("__Host-{cookie}"),
            _ => cookie,
        };
        let mut req = client()
            .post(server.url("/comments"))
            .header("cookie", &cookie)
            .header("origin", origin);
        if let Some(proto) = forwarded_proto {
            req = req.header("x-forwarded-proto", proto);
        }
        req.form(&[
            ("csrf", token.as_str()),
            ("on", "share-lawful-basis"),
            ("body", "A comment on the scheme."),
            ("respondent_type", "individual"),
            ("publish", "no"),
        ])
        .send()
        .expect("POST /comments")
        .status()
        .as_u16()
    };
    let addr = server.base.trim_start_matches("http://");
    assert_eq!(post(format!("http://{addr}"), None), 303);
    assert_eq!(post(format!("https://{addr}"), None), 403);
    assert_eq!(post(format!("ftp://{addr}"), None), 403);
    // Behind a TLS-terminating proxy that says so.
    assert_eq!(post(format!("https://{addr}"), Some("https")), 303);
    assert_eq!(post(format!("http://{addr}"), Some("https")), 403);
}

#[test]
fn a_reader_that_stops_reading_is_closed_after_the_write_timeout_and_counted() {
    let book = TestBook::shipped();
    let server = Running::start(&book, &["--write-timeout", "1s"], &[], None);
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    // 200 pipelined requests for a 200 KB file, never read: far more than the sockets'
    // buffers hold, so the server's writes stop making progress.
    let one = format!("GET /corpus.json HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let _ = stream.write_all(one.repeat(200).as_bytes());
    assert!(
        server.log_shows("made no write progress", Duration::from_secs(20)),
        "{}",
        server.log_text()
    );
    // The connection was closed: reading what was buffered ends, short of 200 responses.
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    let responses = String::from_utf8_lossy(&got)
        .matches("HTTP/1.1 200")
        .count();
    assert!(responses < 200, "{responses} responses");
}

/// A connection to `to` from the loopback address `source` (Linux routes all of
/// 127.0.0.0/8 to the loopback interface).
fn connect_from(source: [u8; 4], to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((source, 0)).into())?;
    socket.connect_timeout(&to.into(), Duration::from_secs(5))?;
    Ok(socket.into())
}

#[test]
fn nine_clients_filling_their_shares_with_unread_requests_do_not_shut_a_new_client_out() {
    let book = TestBook::shipped();
    // 256 descriptors: at most 96 connections, 16 per client; nine clients' shares (144)
    // are more than the total.
    let server = Running::start(&book, &[], &[], Some(256));
    assert!(
        server.log_shows(
            "at most 96 in total and 16 per client",
            Duration::from_secs(30)
        ),
        "{}",
        server.log_text()
    );
    let pipelined =
        format!("GET /corpus.json HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).repeat(40);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let attackers: Vec<_> = (2..=10u8)
        .map(|n| {
            let (stop, pipelined, addr) = (Arc::clone(&stop), pipelined.clone(), server.addr);
            std::thread::spawn(move || {
                // Its share at once, then one more every 50 ms (up to 24 held) while the
                // attack lasts: connections the server closed are replaced. Nothing is read.
                let mut held = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if held.len() < 24
                        && let Ok(mut stream) = connect_from([127, 0, 0, n], addr)
                    {
                        let _ = stream.write_all(pipelined.as_bytes());
                        held.push(stream);
                    }
                    if held.len() >= 16 {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
                held.len()
            })
        })
        .collect();
    // The attack has filled the total cap.
    let full = server.log_shows(
        "connections open, the most allowed",
        Duration::from_secs(30),
    );
    let fresh = Client::builder()
        .local_address(IpAddr::from([127, 0, 0, 11]))
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let started = Instant::now();
    let res = fresh.get(server.url("/healthz")).send();
    let took = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for attacker in attackers {
        let _ = attacker.join();
    }
    assert!(
        full,
        "the attack never filled the cap:\n{}",
        server.log_text()
    );
    let res = res.unwrap_or_else(|e| {
        panic!(
            "a new client is not served during the attack: {e}\n{}",
            server.log_text()
        )
    });
    assert_eq!(res.status().as_u16(), 200);
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(
        server.log_text().contains("closed the stalest connection"),
        "{}",
        server.log_text()
    );
}
