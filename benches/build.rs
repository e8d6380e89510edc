//! `copbook build` against stock `mdbook build` on the same book: median wall time and peak
//! resident memory over several runs.
//!
//! ```sh
//! cargo run --release --example synthetic_book -- target/synthetic-book 2000
//! MDBOOK=/path/to/mdbook cargo bench --bench build -- target/synthetic-book
//! ```
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
        .unwrap_or_else(|| PathBuf::from("target/synthetic-book"));
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
    report("copbook build", &ours);
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
