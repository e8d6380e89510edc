//! `copbook build` against stock `mdbook build` on the same book: median wall time and peak
//! resident memory over several runs.
//!
//! ```sh
//! cargo run --release --example synthetic_book -- target/synthetic-book 2000
//! MDBOOK=/path/to/mdbook cargo bench --bench build -- target/synthetic-book
//! ```
//! copbook builds the book twice: as generated (mdBook's default theme) and with the
//! copbook theme (the same `src`), and reports each site's size and a chapter page's size.
//! Without `MDBOOK` (or `mdbook` on PATH) only copbook is measured.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 5;

fn main() {
    let book = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // Cargo's target folder: `CARGO_TARGET_DIR` when set.
            let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
            PathBuf::from(target).join("synthetic-book")
        });
    assert!(
        book.join("book.toml").is_file(),
        "{} is not a book: run `cargo run --release --example synthetic_book -- {}` first",
        book.display(),
        book.display()
    );
    let out = tempfile::tempdir().expect("tempdir");
    let ours = measure(|| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_copbook"));
        cmd.args(["build", "--book"])
            .arg(&book)
            .arg("--out")
            .arg(out.path().join("copbook"));
        cmd
    });
    report("copbook build, mdBook's default theme", &ours);
    site_sizes(
        "copbook build, mdBook's default theme",
        &out.path().join("copbook"),
    );
    // The same book with our theme: its pages are what readers download.
    let themed = themed_copy(&book, out.path());
    let ours_themed = measure(|| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_copbook"));
        cmd.args(["build", "--book"])
            .arg(&themed)
            .arg("--out")
            .arg(out.path().join("copbook-themed"));
        cmd
    });
    report("copbook build, copbook theme", &ours_themed);
    site_sizes(
        "copbook build, copbook theme",
        &out.path().join("copbook-themed"),
    );
    let mdbook = std::env::var("MDBOOK")
        .ok()
        .map(PathBuf::from)
        .or_else(|| which("mdbook"));
    match mdbook {
        Some(mdbook) => {
            let theirs = measure(|| {
                let mut cmd = Command::new(&mdbook);
                cmd.arg("build")
                    .arg(&book)
                    .arg("--dest-dir")
                    .arg(out.path().join("mdbook"));
                cmd
            });
            report("mdbook build ", &theirs);
            site_sizes("mdbook build", &out.path().join("mdbook"));
            let index = std::fs::read_dir(out.path().join("mdbook"))
                .into_iter()
                .flatten()
                .flatten()
                .find(|e| {
                    e.file_name().to_string_lossy().starts_with("searchindex")
                        && e.file_name().to_string_lossy().ends_with(".js")
                });
            if let Some(index) = index {
                let raw = std::fs::read(index.path()).expect("read index");
                println!(
                    "mdbook search index {}: {} bytes raw, {} bytes gzipped",
                    index.file_name().to_string_lossy(),
                    raw.len(),
                    gzip_len(&raw)
                );
            }
            println!(
                "ratio copbook/mdbook: time {:.2}, peak memory {:.2}",
                median(&ours.0) / median(&theirs.0),
                max(&ours.1) / max(&theirs.1)
            );
        }
        None => println!("(mdbook not found: set MDBOOK=/path/to/mdbook to compare)"),
    }
}

/// A book folder under `scratch` whose `book.toml` is `book`'s with the copbook theme and
/// `book`'s own `src` (by absolute path, so no chapter is copied).
fn themed_copy(book: &Path, scratch: &Path) -> PathBuf {
    let book = std::path::absolute(book).expect("absolute book path");
    let theme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/copbook");
    let toml = std::fs::read_to_string(book.join("book.toml")).expect("read book.toml");
    assert!(
        !toml.contains("\ntheme ="),
        "{} already sets a theme: generate it without --theme",
        book.display()
    );
    let toml = toml
        .replacen(
            "src = \"src\"",
            &format!("src = \"{}\"", book.join("src").display()),
            1,
        )
        .replacen(
            "[output.html]\n",
            &format!("[output.html]\ntheme = \"{}\"\n", theme.display()),
            1,
        )
        // Set up as the shipped book: no print page (the theme has none).
        + "\n[output.html.print]\nenable = false\n";
    let dir = scratch.join("themed-book");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("book.toml"), toml).expect("write book.toml");
    dir
}

/// The built site's total size, and one chapter page's size raw and gzipped.
fn site_sizes(what: &str, site: &Path) {
    fn walk(dir: &Path, total: &mut u64) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                walk(&entry.path(), total);
            } else {
                *total += meta.len();
            }
        }
    }
    let mut total = 0;
    walk(site, &mut total);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(site.join("code"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    let page = pages.get(pages.len() / 2).map(|p| {
        let raw = std::fs::read(p).expect("read page");
        (p.clone(), raw.len(), gzip_len(&raw))
    });
    print!(
        "{what}: site {:.1} MB ({} bytes)",
        total as f64 / 1e6,
        total
    );
    match page {
        Some((p, raw, gz)) => println!(
            "; chapter page {}: {raw} bytes raw, {gz} bytes gzipped",
            p.strip_prefix(site).unwrap_or(&p).display()
        ),
        None => println!(),
    }
}

/// Wall seconds and peak RSS (MiB) of `RUNS` runs, after one warm-up run.
#[allow(clippy::zombie_processes)] // each child is reaped by wait4 in wait_with_rusage
fn measure(make: impl Fn() -> Command) -> (Vec<f64>, Vec<f64>) {
    let (mut secs, mut mib) = (Vec::new(), Vec::new());
    for run in 0..=RUNS {
        let mut cmd = make();
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let started = Instant::now();
        let child = cmd.spawn().expect("spawn");
        let (status, rss_kib) = wait_with_rusage(child.id() as libc::pid_t);
        let elapsed = started.elapsed().as_secs_f64();
        assert!(status == 0, "build failed with status {status}");
        if run > 0 {
            secs.push(elapsed);
            mib.push(rss_kib as f64 / 1024.0);
        }
    }
    (secs, mib)
}

/// Waits for `pid` and returns its exit status and peak resident set size in KiB.
fn wait_with_rusage(pid: libc::pid_t) -> (i32, i64) {
    let mut status = 0;
    // SAFETY: rusage is plain data, zero is a valid value; wait4 writes into both.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child; pointers are to live locals.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert!(rc == pid, "wait4 failed");
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

fn report(what: &str, (secs, mib): &(Vec<f64>, Vec<f64>)) {
    println!(
        "{what}: median {:.2} s (min {:.2}, max {:.2}) over {RUNS} runs; peak memory {:.0} MiB",
        median(secs),
        secs.iter().copied().fold(f64::INFINITY, f64::min),
        secs.iter().copied().fold(0.0, f64::max),
        max(mib)
    );
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut child = Command::new("gzip")
        .arg("-c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &data));
    let out = child.wait_with_output().expect("gzip output");
    let _ = writer.join();
    out.stdout.len()
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p: &PathBuf| Path::is_file(p))
    })
}
