//! The PDF edition's cost: how long `copbook build` takes with and without its PDF step,
//! how long the typesetting itself takes, and how big the PDFs are.
//!
//! ```sh
//! cargo bench --bench edition                          # the shipped book (book/)
//! cargo run --release --example synthetic_book -- target/synthetic-book 2000
//! cargo bench --bench edition -- target/synthetic-book # a 2,000-chapter book
//! ```
//!
//! Each book is built `RUNS` times (after one warm-up) by the real binary, once with
//! `--no-pdf` and once without, and the medians are compared: the PDF step runs after the
//! site is written and never on watch mode's path (`Site::write_pdfs` is called only by
//! `copbook build`). Then the book is built once in-process and the PDF step is timed on
//! its own, with each file's size.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let books: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .collect();
    let books = if books.is_empty() {
        vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("book")]
    } else {
        books
    };
    for book in books {
        assert!(
            book.join("book.toml").is_file(),
            "{} is not a book (for the synthetic one run `cargo run --release --example synthetic_book -- {}` first)",
            book.display(),
            book.display()
        );
        bench_book(&book);
    }
}

fn bench_book(book: &Path) {
    let runs = runs_for(book);
    println!("== {} ({runs} runs each, after a warm-up)", book.display());
    let scratch = tempfile::tempdir().expect("tempdir");
    let without = median(&time_builds(
        book,
        &scratch.path().join("no-pdf"),
        runs,
        true,
    ));
    let with = median(&time_builds(book, &scratch.path().join("pdf"), runs, false));
    println!("copbook build --no-pdf: median {without:.3} s");
    println!("copbook build:          median {with:.3} s");
    println!(
        "ratio with/without PDFs: {:.2} (the PDF step adds {:.3} s)",
        with / without,
        with - without
    );

    // The typesetting alone, in-process, on a fresh build of the same book.
    let settings = copbook::config::BookSettings::load(book).expect("load book.toml");
    let site = copbook::site::build_with(settings, &scratch.path().join("in-process"))
        .expect("build the book");
    let started = Instant::now();
    let written = site.write_pdfs().expect("typeset the PDFs");
    let typeset = started.elapsed().as_secs_f64();
    println!(
        "typesetting alone (every language, documents in parallel): {typeset:.3} s for {} files",
        written.len()
    );
    for path in written {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "  {}: {:.2} MB ({bytes} bytes)",
            path.strip_prefix(scratch.path().join("in-process"))
                .unwrap_or(&path)
                .display(),
            bytes as f64 / 1e6
        );
    }
}

/// Fewer runs for a big book: each takes many seconds.
fn runs_for(book: &Path) -> usize {
    let chapters = walk_markdown(&book.join("src"));
    if chapters > 500 { 3 } else { 5 }
}

fn walk_markdown(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk_markdown(&path)
            } else {
                usize::from(path.extension().is_some_and(|x| x == "md"))
            }
        })
        .sum()
}

/// Wall seconds of `runs` builds of `book` into `out` (after one warm-up build).
fn time_builds(book: &Path, out: &Path, runs: usize, no_pdf: bool) -> Vec<f64> {
    let mut secs = Vec::new();
    for run in 0..=runs {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_copbook"));
        cmd.args(["build", "--book"])
            .arg(book)
            .arg("--out")
            .arg(out);
        if no_pdf {
            cmd.arg("--no-pdf");
        }
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let started = Instant::now();
        let status = cmd.status().expect("run copbook build");
        let elapsed = started.elapsed().as_secs_f64();
        assert!(status.success(), "copbook build failed: {status}");
        if run > 0 {
            secs.push(elapsed);
        }
    }
    secs
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}
