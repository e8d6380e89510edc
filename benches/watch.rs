//! Watch-mode latency: from a file write to the reload event reaching a connected client.
//!
//! `cargo bench --bench watch -- [BOOK_DIR …]` (default: `book`; add
//! `target/synthetic-book` after `cargo run --release --example synthetic_book`).
//! For each book it runs `copbook serve --watch` on a temporary copy, edits a chapter
//! `EDITS` times, and reports the median and p90 milliseconds from the write to the
//! `reload` server-sent event. If `mdbook` (the stock 0.5 CLI) is on PATH or in
//! `MDBOOK`, it does the same with `mdbook serve`, timing the write to its websocket
//! `reload` message.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EDITS: usize = 21;

fn main() {
    let books: Vec<PathBuf> = {
        let args: Vec<PathBuf> = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .map(PathBuf::from)
            .collect();
        if args.is_empty() {
            vec![PathBuf::from("book")]
        } else {
            args
        }
    };
    let mdbook = std::env::var("MDBOOK")
        .ok()
        .map(PathBuf::from)
        .or_else(|| which("mdbook"));
    for book in &books {
        let copy = copy_book(book);
        let chapter = first_chapter(&copy.path().join("book"));
        let ours = copbook_latencies(copy.path(), &chapter);
        report(&format!("copbook serve --watch  {}", book.display()), &ours);
        if let Some(mdbook) = &mdbook {
            let copy = copy_book(book);
            let chapter = first_chapter(&copy.path().join("book"));
            let theirs = mdbook_latencies(mdbook, copy.path(), &chapter);
            report(
                &format!("mdbook serve           {}", book.display()),
                &theirs,
            );
        } else {
            println!("(mdbook not found: set MDBOOK=/path/to/mdbook to compare)");
        }
    }
}

fn report(what: &str, ms: &[f64]) {
    let mut sorted = ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pick = |q: f64| sorted[((sorted.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{what}: median {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms over {} edits",
        pick(0.5),
        pick(0.9),
        sorted[0],
        sorted[sorted.len() - 1],
        sorted.len()
    );
}

fn copbook_latencies(root: &Path, chapter: &Path) -> Vec<f64> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_copbook"))
        .args([
            "serve",
            "--watch",
            "--addr",
            "127.0.0.1:0",
            "--data",
            "data",
            "--book",
            "book",
        ])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start copbook");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("serving on ").map(|r| {
                r.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches('/')
                    .to_string()
            })
        })
        .expect("server address");
    let res = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client")
        .get(format!("{base}/_live"))
        .send()
        .expect("connect");
    let mut events = BufReader::new(res).lines();
    let mut wait_reload = || {
        for line in events.by_ref() {
            if line.expect("line").starts_with("event: reload") {
                return;
            }
        }
        panic!("stream ended");
    };
    let ms = edit_loop(chapter, &mut || {}, &mut wait_reload);
    kill(child);
    ms
}

fn mdbook_latencies(mdbook: &Path, root: &Path, chapter: &Path) -> Vec<f64> {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let child = Command::new(mdbook)
        .args(["serve", "book", "-n", "127.0.0.1", "-p", &port.to_string()])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mdbook");
    let url = format!("ws://127.0.0.1:{port}/__livereload");
    let connect = || {
        let started = Instant::now();
        loop {
            match tungstenite::connect(&url) {
                Ok((s, _)) => return s,
                Err(_) if started.elapsed() < Duration::from_secs(300) => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                Err(e) => panic!("mdbook serve did not start: {e}"),
            }
        }
    };
    // mdbook drops its sockets after a reload (browsers reconnect as the page reloads), so
    // connect afresh before each edit, outside the timed span.
    let socket = std::cell::RefCell::new(None);
    let mut before_write = || *socket.borrow_mut() = Some(connect());
    let mut wait_reload = || {
        let mut guard = socket.borrow_mut();
        let Some(ws) = guard.as_mut() else {
            panic!("not connected");
        };
        loop {
            match ws.read() {
                Ok(tungstenite::Message::Text(t)) if t.as_str() == "reload" => return,
                Ok(_) => {}
                Err(e) => panic!("websocket: {e}"),
            }
        }
    };
    let ms = edit_loop(chapter, &mut before_write, &mut wait_reload);
    kill(child);
    ms
}

/// Appends a line to `chapter`, waits for the reload, `EDITS` times; the first edit is a warm-up.
fn edit_loop(
    chapter: &Path,
    before_write: &mut dyn FnMut(),
    wait_reload: &mut dyn FnMut(),
) -> Vec<f64> {
    let mut ms = Vec::new();
    for i in 0..=EDITS {
        std::thread::sleep(Duration::from_millis(300));
        before_write();
        let t = Instant::now();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(chapter)
            .expect("open chapter");
        writeln!(f, "\nEdit number {i} for the benchmark.").expect("write");
        drop(f);
        wait_reload();
        if i > 0 {
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ms
}

fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn copy_book(book: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(book, &dir.path().join("book"));
    let themes = Path::new("themes");
    if themes.is_dir() {
        copy_dir(themes, &dir.path().join("themes"));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() != "build" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A guide page if the book has one (the last chapter otherwise): a page every reader sees.
fn first_chapter(book: &Path) -> PathBuf {
    let src = book.join("src");
    let guide = src.join("guide");
    let dir = if guide.is_dir() { guide } else { src };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read src")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("SUMMARY.md"))
        .collect();
    files.sort();
    files.pop().expect("a chapter")
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}
